-- Runs under `nvim --headless -u NONE -c 'luafile check.lua'` (Neovim 0.7: vim.lsp.start_client).
-- Environment: LVX_SERVER (path to dist/server.js), LVX_FILE (the domain to open),
-- LVX_OUT (where the JSON results go), LVX_COMPLETION_AT and LVX_HOVER_AT ("line:col", 0-based).
-- Records what Neovim's own LSP client received: the raw publishDiagnostics payload, what
-- vim.diagnostic made of it, and the answers to a completion and a hover request.
local out = {
  nvim = vim.version(),
  errors = {},
  raw = nil,
  diagnostics = {},
  capabilities = {},
}

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv('LVX_OUT'))
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.cmd('filetype on')
  local server = os.getenv('LVX_SERVER')
  local id = vim.lsp.start_client({
    name = 'libvirt-xml',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.getcwd(),
    settings = { libvirt = { flavor = 'upstream' } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
        if result and #result.diagnostics > 0 then
          out.raw = result
        end
        return vim.lsp.handlers['textDocument/publishDiagnostics'](e, result, ctx, config)
      end,
    },
    on_exit = function(code, signal)
      out.exit = { code = code, signal = signal }
    end,
  })
  if not id then
    table.insert(out.errors, 'vim.lsp.start_client returned nil')
    return
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LVX_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  out.filetype = vim.bo[buf].filetype

  local got = vim.wait(15000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  if not got then
    table.insert(out.errors, 'no diagnostics within 15 s')
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code,
      source = d.source,
      message = d.message,
    })
  end

  local client = vim.lsp.get_client_by_id(id)
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  out.capabilities = {
    completion = caps.completionProvider ~= nil and caps.completionProvider ~= false,
    hover = caps.hoverProvider ~= nil and caps.hoverProvider ~= false,
  }

  local function at(spec)
    local l, c = spec:match('^(%d+):(%d+)$')
    return { line = tonumber(l), character = tonumber(c) }
  end
  local uri = vim.uri_from_bufnr(buf)
  if out.capabilities.completion then
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
      textDocument = { uri = uri },
      position = at(os.getenv('LVX_COMPLETION_AT')),
      context = { triggerKind = 1 },
    }, 10000)
    out.completion = {}
    for _, r in pairs(res or {}) do
      if r.err then
        table.insert(out.errors, 'completion: ' .. vim.inspect(r.err))
      end
      local items = r.result and (r.result.items or r.result) or {}
      for _, item in ipairs(items) do
        table.insert(out.completion, item.label)
      end
    end
  end
  if out.capabilities.hover then
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
      textDocument = { uri = uri },
      position = at(os.getenv('LVX_HOVER_AT')),
    }, 10000)
    for _, r in pairs(res or {}) do
      if r.err then
        table.insert(out.errors, 'hover: ' .. vim.inspect(r.err))
      elseif r.result and r.result.contents then
        local lines = vim.lsp.util.convert_input_to_markdown_lines(r.result.contents)
        out.hover = table.concat(lines, '\n')
      end
    end
  end
  vim.lsp.stop_client(id)
  vim.wait(3000, function()
    return out.exit ~= nil
  end, 50)
end)
if not ok then
  table.insert(out.errors, tostring(err))
end
finish()

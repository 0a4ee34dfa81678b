/**
 * A second editor: Neovim's own LSP client (headless, vim.lsp.start_client as in 0.7) runs the
 * stdio server on test/neovim/bad-domain.xml. Its diagnostics must be the engine's findings, with
 * the same codes at the same positions, and it gets a completion and a hover.
 *
 * Installs nothing: Neovim comes from scripts/setup/system-deps.sh (group neovim). Without it the
 * tests are skipped, which under CI=true counts as a failure (scripts/test-all.sh).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { REPO } from '../support/paths';

const CI = process.env.CI === 'true';
const DIR = path.join(REPO, 'test', 'neovim');
const FILE = path.join(DIR, 'bad-domain.xml');
const SERVER = path.join(REPO, 'dist', 'server.js');

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  code?: string;
  message: string;
}

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

interface Results {
  nvim: { major: number; minor: number; patch: number };
  errors: string[];
  filetype?: string;
  raw?: { uri: string; diagnostics: { range: LspRange; code?: string; severity?: number; message: string }[] };
  diagnostics: NvimDiagnostic[];
  capabilities: { completion?: boolean; hover?: boolean };
  completion?: string[];
  hover?: string;
  exit?: { code: number; signal: number };
}

function nvimPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

const SEVERITY: Record<string, number> = { error: 1, warning: 2, information: 3, hint: 4 };

describe('Neovim (headless) as a second LSP client', () => {
  const text = fs.readFileSync(FILE, 'utf8');
  const nvim = nvimPath();
  let results: Results | undefined;
  let why = '';
  // Where completion and hover are asked: in the empty model='' of the last controller, and on <hostdev>.
  const completionAt = position(text, text.indexOf("model=''") + "model='".length);
  const hoverAt = position(text, text.indexOf('<hostdev') + 2);

  before(() => {
    if (!nvim) {
      why = 'nvim is not installed (scripts/setup/system-deps.sh neovim)';
      return;
    }
    if (!fs.existsSync(SERVER)) {
      why = `${SERVER} is missing (npm run build)`;
      return;
    }
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nvim-lsp-')), 'results.json');
    const r = spawnSync(nvim, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(DIR, 'check.lua')}`], {
      env: {
        ...process.env,
        LVX_SERVER: SERVER,
        LVX_FILE: FILE,
        LVX_OUT: out,
        LVX_COMPLETION_AT: `${completionAt.line}:${completionAt.character}`,
        LVX_HOVER_AT: `${hoverAt.line}:${hoverAt.character}`,
      },
      encoding: 'utf8',
      timeout: 90000,
    });
    if (!fs.existsSync(out)) {
      why = `nvim wrote no results (status ${r.status}, signal ${r.signal}): ${r.stderr || r.stdout}`;
      return;
    }
    results = JSON.parse(fs.readFileSync(out, 'utf8')) as Results;
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  test('Neovim starts the stdio server, opens the file and receives diagnostics', () => {
    assert.ok(nvim || !CI, `CI=true: ${why}`);
    if (!results && !nvim) {
      return; // reported by the skip below
    }
    assert.ok(results, why);
    assert.deepEqual(results.errors, []);
    assert.ok(results.nvim.major > 0 || results.nvim.minor >= 7, `Neovim ${JSON.stringify(results.nvim)}`);
    assert.ok(results.raw && results.raw.diagnostics.length > 0, 'a publishDiagnostics with findings');
  });

  test("the diagnostics are the engine's findings: same codes, same ranges, same severities", (t) => {
    if (!results) {
      assert.ok(!CI, `CI=true: ${why}`);
      t.skip(why);
      return;
    }
    const expected = analyze(text, { flavor: 'upstream' })
      .findings.map((f) => ({
        code: f.code,
        severity: SEVERITY[f.severity],
        start: position(text, f.span.start),
        end: position(text, f.span.end),
      }))
      .sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character || a.code.localeCompare(b.code));
    const raw = results
      .raw!.diagnostics.map((d) => ({ code: String(d.code), severity: d.severity, start: d.range.start, end: d.range.end }))
      .sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character || a.code.localeCompare(b.code));
    assert.deepEqual(raw, expected);
    // What Neovim shows (vim.diagnostic; 0-based lines, byte columns = characters in this ASCII file).
    const shown = results.diagnostics
      .map((d) => ({ code: String(d.code), line: d.lnum, col: d.col }))
      .sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
    assert.deepEqual(
      shown,
      expected.map((e) => ({ code: e.code, line: e.start.line, col: e.start.character }))
    );
    // The mistakes the file was written with.
    const codes = new Set<string>(expected.map((e) => e.code));
    for (const c of ['controller-index-duplicate', 'pci-address-range', 'disk-target-duplicate', 'mac-multicast', 'usb-port-range']) {
      assert.ok(codes.has(c), `${c} among ${[...codes].join(', ')}`);
    }
    t.diagnostic(expected.map((e) => `${e.start.line + 1}:${e.start.character + 1} ${e.code}`).join(', '));
  });

  test('completion of a USB controller model', (t) => {
    if (!results) {
      assert.ok(!CI, `CI=true: ${why}`);
      t.skip(why);
      return;
    }
    if (!results.capabilities.completion) {
      assert.ok(!CI, 'CI=true: the server does not advertise completionProvider');
      t.skip('the server does not advertise completionProvider yet');
      return;
    }
    assert.ok(results.completion && results.completion.length > 0, 'completion items');
    assert.ok(results.completion.includes('qemu-xhci'), `qemu-xhci among ${results.completion.join(', ')}`);
  });

  test('hover on <hostdev>', (t) => {
    if (!results) {
      assert.ok(!CI, `CI=true: ${why}`);
      t.skip(why);
      return;
    }
    if (!results.capabilities.hover) {
      assert.ok(!CI, 'CI=true: the server does not advertise hoverProvider');
      t.skip('the server does not advertise hoverProvider yet');
      return;
    }
    assert.ok(results.hover && results.hover.trim().length > 0, 'hover text');
    assert.match(results.hover, /hostdev|host device|passthrough/i);
    t.diagnostic(results.hover.split('\n')[0]!);
  });
});

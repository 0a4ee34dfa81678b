/**
 * textDocument/completion: the engine's candidates (features/completion.ts) as LSP completion
 * items. Spans become text-edit ranges here; snippets are rendered in LSP snippet syntax.
 * The tree and model come from ServerContext.freshestOf: on a new version the last tree with the
 * edit spliced in, and the last model; nothing waits for the version's diagnostics.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Range,
} from 'vscode-languageserver';
import { analyze } from '../analysis';
import { complete, warmUpCompletion, type CompletionCandidate, type CompletionKind } from '../features/completion';
import { hasTabStops, snippetText, type Snippet } from '../features/templates';
import type { HostProfile } from '../host/profile';
import type { Flavor } from '../rules/types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toRange } from './convert';
import type { FeatureInstaller, Fresh, ServerContext } from './start';

/** '<' starts an element; a space starts an attribute; a quote starts a value. */
const COMPLETION_TRIGGERS = ['<', ' ', "'", '"'];

const KIND: Record<CompletionKind, CompletionItemKind> = {
  element: CompletionItemKind.Module,
  attribute: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  template: CompletionItemKind.Snippet,
};

/** Literal text inside a snippet: $, } and \ are escaped. */
function escapeText(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function escapeChoice(s: string): string {
  return s.replace(/[$}\\,|]/g, '\\$&');
}

/** A snippet in LSP (TextMate) snippet syntax. */
export function toSnippetString(s: Snippet): string {
  return s
    .map((p) => {
      if (typeof p === 'string') {
        return escapeText(p);
      }
      if (p.choices && p.choices.length > 1) {
        return `\${${p.tab}|${p.choices.map(escapeChoice).join(',')}|}`;
      }
      return p.text === '' ? `$${p.tab}` : `\${${p.tab}:${escapeText(p.text)}}`;
    })
    .join('');
}

function toCompletionItem(c: CompletionCandidate, range: Range): CompletionItem {
  const snippet = hasTabStops(c.insert);
  const newText = snippet ? toSnippetString(c.insert) : snippetText(c.insert);
  const item: CompletionItem = {
    label: c.label,
    kind: KIND[c.kind],
    sortText: c.sortText,
    textEdit: { range, newText },
    insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (newText.includes('\n')) {
    item.insertTextMode = InsertTextMode.asIs; // already indented to the cursor's line
  }
  if (c.detail) {
    item.detail = c.detail;
  }
  if (c.documentation) {
    item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  }
  if (c.filterText) {
    item.filterText = c.filterText;
  }
  if (c.preselect) {
    item.preselect = true;
  }
  if (c.retrigger) {
    item.command = { title: 'Suggest values', command: 'editor.action.triggerSuggest' };
  }
  return item;
}

function completionItems(ctx: ServerContext, params: CompletionParams, flavor: Flavor | undefined): CompletionList {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return { isIncomplete: false, items: [] };
  }
  return itemsFor(doc, ctx.freshestOf(doc), params, flavor, ctx.host());
}

function itemsFor(
  doc: TextDocument,
  analysis: Fresh,
  params: CompletionParams,
  flavor: Flavor | undefined,
  host: HostProfile | undefined
): CompletionList {
  const candidates = complete(analysis, doc.offsetAt(params.position), {
    flavor,
    triggerCharacter: params.context?.triggerCharacter,
    ...(host ? { host } : {}),
  });
  const ranges = new Map<string, Range>();
  const items = candidates.map((c) => {
    const key = `${c.span.start}:${c.span.end}`;
    let range = ranges.get(key);
    if (!range) {
      range = toRange(doc, c.span);
      ranges.set(key, range);
    }
    return toCompletionItem(c, range);
  });
  return { isIncomplete: false, items };
}

/**
 * libvirt/completeNewFile: completion in a document the client does not sync to this server (a
 * new XML file not recognised yet: its root is still to be typed). The client sends the text;
 * it is small, and analysed once per request.
 */
const NEW_FILE_COMPLETION = 'libvirt/completeNewFile';

interface NewFileCompletionParams extends CompletionParams {
  text: string;
}

export const installCompletion: FeatureInstaller = (ctx) => {
  ctx.connection.onRequest(NEW_FILE_COMPLETION, (params: NewFileCompletionParams): CompletionList => {
    try {
      const doc = TextDocument.create(params.textDocument.uri, 'xml', 0, typeof params.text === 'string' ? params.text : '');
      return itemsFor(
        doc,
        analyze(doc.getText(), { flavor: ctx.flavor(), machine: ctx.settings().machine }),
        params,
        ctx.flavor(),
        ctx.host()
      );
    } catch (e) {
      ctx.connection.console.error(`new-file completion failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { isIncomplete: false, items: [] };
    }
  });
  ctx.connection.onCompletion((params) => {
    try {
      return completionItems(ctx, params, ctx.flavor());
    } catch (e) {
      ctx.connection.console.error(`completion failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { isIncomplete: false, items: [] };
    }
  });
  // Resolve the schema and compile the completion code before the first request needs it.
  const timer = setTimeout(() => {
    try {
      warmUpCompletion();
    } catch {
      // only a warm-up
    }
  }, 0);
  timer.unref?.();
  return { completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false } };
};

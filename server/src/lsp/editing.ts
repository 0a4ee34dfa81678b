/**
 * The XML editor's features in LSP terms: formatting (document and range), folding, expand
 * selection, linked editing of tag names, document highlight, and links to the host files a domain
 * names. The engine (features/format.ts, tags.ts, links.ts) answers with spans; whether a linked
 * file exists is asked here (I/O belongs to the edge), only when the editor asks for links.
 */
import * as fs from 'node:fs';
import {
  DocumentHighlightKind,
  FoldingRangeKind,
  MessageType,
  ShowMessageNotification,
  type DocumentHighlight,
  type DocumentLink,
  type FoldingRange,
  type FormattingOptions,
  type LinkedEditingRanges,
  type SelectionRange,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { formatDocument, formatRange, type FormatResult } from '../features/format';
import { pathLinks } from '../features/links';
import { folds, highlightsAt, linkedTagNames, selectionChain, TAG_NAME_PATTERN } from '../features/tags';
import { toRange, toSpan } from './convert';
import type { FeatureInstaller, ServerContext } from './start';

const LIBVIRT_LANGUAGE = 'libvirt-xml';

function indentOf(o: FormattingOptions): string {
  return o.insertSpaces === false ? '\t' : ' '.repeat(Math.max(1, Math.min(16, o.tabSize || 2)));
}

/** Edits, or a message in the editor (not an error response) when the engine refuses. */
function toEdits(ctx: ServerContext, doc: TextDocument, r: FormatResult): TextEdit[] {
  if ('error' in r) {
    const line = doc.positionAt(r.span.start).line + 1;
    // a notification, not a request: nothing waits for the user to dismiss it
    void ctx.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `${r.error.replace(/\.$/, '')} (line ${line}).`,
    });
    return [];
  }
  return r.edits.map((e) => ({ range: toRange(doc, e.span), newText: e.newText }));
}

function foldingRanges(doc: TextDocument, ctx: ServerContext): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const f of folds(ctx.analysisOf(doc).doc)) {
    const startLine = doc.positionAt(f.span.start).line;
    const endPos = doc.positionAt(f.span.end);
    // an element's close tag stays visible: fold up to the line before it
    const endLine = f.kind === 'element' ? endPos.line - 1 : endPos.line;
    if (endLine > startLine) {
      out.push({ startLine, endLine, ...(f.kind === 'comment' ? { kind: FoldingRangeKind.Comment } : {}) });
    }
  }
  return out;
}

function selectionRange(doc: TextDocument, ctx: ServerContext, offset: number): SelectionRange {
  const chain = selectionChain(ctx.analysisOf(doc).doc, offset);
  let parent: SelectionRange | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    parent = { range: toRange(doc, chain[i]!), ...(parent ? { parent } : {}) };
  }
  const here = doc.positionAt(offset);
  return parent ?? { range: { start: here, end: here } };
}

function exists(path: string): boolean {
  try {
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

function documentLinks(doc: TextDocument, ctx: ServerContext): DocumentLink[] {
  if (!doc.uri.startsWith('file:') && !doc.uri.startsWith('untitled:')) {
    return []; // a remote document names paths on another machine
  }
  return pathLinks(ctx.analysisOf(doc).doc).map((l) =>
    exists(l.path)
      ? { range: toRange(doc, l.span), target: URI.file(l.path).toString(), tooltip: `Open the ${l.what} ${l.path}` }
      : {
          range: toRange(doc, l.span),
          tooltip: `The ${l.what} ${l.path} does not exist on this machine (libvirt looks for it on the host that runs the domain).`,
        }
  );
}

export const installEditing: FeatureInstaller = (ctx) => {
  const { connection, documents } = ctx;
  const withDoc = <P extends { textDocument: { uri: string } }, R>(what: string, fn: (doc: TextDocument, p: P) => R) => {
    return (p: P): R | null => {
      const doc = documents.get(p.textDocument.uri);
      // other XML (served when libvirt.languageDetection is keepXml) is left to XML extensions
      if (!doc || (doc.languageId !== LIBVIRT_LANGUAGE && !ctx.analysisOf(doc).model)) {
        return null;
      }
      try {
        return fn(doc, p);
      } catch (e) {
        connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
        return null;
      }
    };
  };
  const formatOptions = (o: FormattingOptions) => ({ indent: indentOf(o), quotes: ctx.settings().formatQuotes });
  connection.onDocumentFormatting(
    withDoc('formatting', (doc, p) => toEdits(ctx, doc, formatDocument(ctx.analysisOf(doc).doc, formatOptions(p.options))))
  );
  connection.onDocumentRangeFormatting(
    withDoc('range formatting', (doc, p) =>
      toEdits(ctx, doc, formatRange(ctx.analysisOf(doc).doc, toSpan(doc, p.range), formatOptions(p.options)))
    )
  );
  connection.onFoldingRanges(withDoc('folding', (doc) => foldingRanges(doc, ctx)));
  connection.onSelectionRanges(
    withDoc('selection ranges', (doc, p) => p.positions.map((pos) => selectionRange(doc, ctx, doc.offsetAt(pos))))
  );
  connection.languages.onLinkedEditingRange(
    withDoc('linked editing', (doc, p): LinkedEditingRanges | null => {
      const spans = linkedTagNames(ctx.analysisOf(doc).doc, doc.offsetAt(p.position));
      return spans ? { ranges: spans.map((s) => toRange(doc, s)), wordPattern: TAG_NAME_PATTERN.source } : null;
    })
  );
  connection.onDocumentHighlight(
    withDoc('highlight', (doc, p): DocumentHighlight[] => {
      const a = ctx.analysisOf(doc);
      return highlightsAt(a.doc, a.model, doc.offsetAt(p.position)).map((s) => ({
        range: toRange(doc, s),
        kind: DocumentHighlightKind.Text,
      }));
    })
  );
  connection.onDocumentLinks(withDoc('document links', (doc) => documentLinks(doc, ctx)));
  return {
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    foldingRangeProvider: true,
    selectionRangeProvider: true,
    linkedEditingRangeProvider: true,
    documentHighlightProvider: true,
    documentLinkProvider: { resolveProvider: false },
  };
};

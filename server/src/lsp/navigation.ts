/**
 * Definition, references, rename (of a tag, or of a controller index) and document symbols: the engine's navigation
 * (features/navigation.ts, features/symbols.ts) in LSP terms. Spans become ranges here; a rename
 * the engine refuses becomes a ResponseError with its reason, which editors show as is.
 */
import {
  ErrorCodes,
  ResponseError,
  SymbolKind,
  type DefinitionParams,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type Location,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../analysis';
import { definitionAt, prepareRenameAt, referencesAt, renameAt } from '../features/navigation';
import { prepareTagRename, renameTag } from '../features/tags';
import { outline, type OutlineKind, type OutlineSymbol } from '../features/symbols';
import { toRange } from './convert';
import type { FeatureInstaller, ServerContext } from './start';

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  domain: SymbolKind.Module,
  section: SymbolKind.Namespace,
  group: SymbolKind.Package,
  controller: SymbolKind.Class,
  disk: SymbolKind.File,
  interface: SymbolKind.Interface,
  hostdev: SymbolKind.Object,
  device: SymbolKind.Object,
};

function toSymbol(doc: TextDocument, s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    ...(s.detail ? { detail: s.detail } : {}),
    kind: SYMBOL_KIND[s.kind],
    range: toRange(doc, s.span),
    selectionRange: toRange(doc, s.selection),
    children: s.children.map((c) => toSymbol(doc, c)),
  };
}

/** Tags are renamed in libvirt documents only: other XML served alongside (keepXml) is left to XML extensions. */
function servesTags(doc: TextDocument, analysis: Analysis): boolean {
  return doc.languageId === 'libvirt-xml' || analysis.model !== undefined;
}

/** The controller(s) an address plugs into, each located at its index (what an editor selects on arrival). */
function definition(ctx: ServerContext, params: DefinitionParams): Location[] | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  const offset = doc.offsetAt(params.position);
  const { model } = ctx.analysisOf(doc);
  const targets = definitionAt(model, offset);
  if (targets.length === 0) {
    return null;
  }
  return targets.map((t) => ({ uri: doc.uri, range: toRange(doc, t.selection) }));
}

function references(ctx: ServerContext, params: ReferenceParams): Location[] | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  const spans = referencesAt(ctx.analysisOf(doc).model, doc.offsetAt(params.position), params.context.includeDeclaration);
  return spans.map((s) => ({ uri: doc.uri, range: toRange(doc, s) }));
}

function prepareRename(ctx: ServerContext, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  const analysis = ctx.analysisOf(doc);
  const offset = doc.offsetAt(params.position);
  // on a tag name: the element's start and end tag; elsewhere: a controller index
  const r = (servesTags(doc, analysis) ? prepareTagRename(analysis.doc, offset) : undefined) ?? prepareRenameAt(analysis.model, offset);
  if (!r) {
    return null;
  }
  if ('error' in r) {
    throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
  }
  return { range: toRange(doc, r.span), placeholder: r.placeholder };
}

function rename(ctx: ServerContext, params: RenameParams): WorkspaceEdit | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  const analysis = ctx.analysisOf(doc);
  const offset = doc.offsetAt(params.position);
  const r =
    (servesTags(doc, analysis) ? renameTag(analysis.doc, offset, params.newName) : undefined) ??
    renameAt(analysis.model, offset, params.newName);
  if (!r) {
    return null;
  }
  if ('error' in r) {
    throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
  }
  return { changes: { [doc.uri]: r.edits.map((e) => ({ range: toRange(doc, e.span), newText: e.newText })) } };
}

function documentSymbols(ctx: ServerContext, params: DocumentSymbolParams): DocumentSymbol[] | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  return outline(ctx.analysisOf(doc).model).map((s) => toSymbol(doc, s));
}

/** Runs a handler; engine failures are logged and answered with nothing, refusals pass through. */
function guarded<T>(ctx: ServerContext, what: string, fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ResponseError) {
      throw e;
    }
    ctx.connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
    return null;
  }
}

export const installNavigation: FeatureInstaller = (ctx) => {
  ctx.connection.onDefinition((params) => guarded(ctx, 'definition', () => definition(ctx, params)));
  ctx.connection.onReferences((params) => guarded(ctx, 'references', () => references(ctx, params)));
  ctx.connection.onPrepareRename((params) => guarded(ctx, 'prepare rename', () => prepareRename(ctx, params)));
  ctx.connection.onRenameRequest((params) => guarded(ctx, 'rename', () => rename(ctx, params)));
  ctx.connection.onDocumentSymbol((params) => guarded(ctx, 'document symbols', () => documentSymbols(ctx, params)));
  return {
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
  };
};

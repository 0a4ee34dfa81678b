/**
 * textDocument/hover: the engine's hover (features/hover.ts) as an LSP hover, from the tree of the
 * current version and the freshest model (ServerContext.freshestOf: no wait for diagnostics); the
 * span becomes a range here.
 */
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { hoverAt } from '../features/hover';
import { toRange } from './convert';
import type { FeatureInstaller, ServerContext } from './start';

function hover(ctx: ServerContext, params: HoverParams): Hover | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) {
    return null;
  }
  const host = ctx.host();
  const h = hoverAt(ctx.freshestOf(doc), doc.offsetAt(params.position), host ? { host } : {});
  if (!h) {
    return null;
  }
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(doc, h.span) };
}

export const installHover: FeatureInstaller = (ctx) => {
  ctx.connection.onHover((params) => {
    try {
      return hover(ctx, params);
    } catch (e) {
      ctx.connection.console.error(`hover failed: ${e instanceof Error ? e.stack : String(e)}`);
      return null;
    }
  });
  return { hoverProvider: true };
};

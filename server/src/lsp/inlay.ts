/**
 * textDocument/inlayHint: the engine's hints (features/inlay.ts) as LSP inlay hints, when the
 * `libvirt.inlayHints.enabled` setting is on. Offsets become positions here.
 */
import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver';
import { inlayHints } from '../features/inlay';
import { toSpan } from './convert';
import type { FeatureInstaller, ServerContext } from './start';

function hints(ctx: ServerContext, params: InlayHintParams): InlayHint[] {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc || !ctx.settings().inlayHintsEnabled) {
    return [];
  }
  return inlayHints(ctx.analysisOf(doc), toSpan(doc, params.range)).map((h) => ({
    position: doc.positionAt(h.offset),
    label: h.label,
    kind: InlayHintKind.Type,
    tooltip: h.tooltip,
    paddingLeft: true,
  }));
}

export const installInlayHints: FeatureInstaller = (ctx) => {
  ctx.connection.languages.inlayHint.on((params) => {
    try {
      return hints(ctx, params);
    } catch (e) {
      ctx.connection.console.error(`inlay hints failed: ${e instanceof Error ? e.stack : String(e)}`);
      return [];
    }
  });
  return { inlayHintProvider: true };
};

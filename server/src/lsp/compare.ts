/**
 * The custom request libvirt/compareDomains: the semantic diff of the engine
 * (server/src/compare/diff.ts) with offsets turned into LSP positions. The VS Code client calls it
 * after a Define and for "Compare with Defined Domain" (it may not import the engine itself).
 */
import { COMPARE_DOMAINS_METHOD, type CompareDomainsParams, type CompareDomainsResult, type LspRange } from '../../../lib/compare-protocol';
import { LineIndex } from '../common/line-index';
import { compareDomains, summarize } from '../compare/diff';
import type { Span } from '../syntax/tree';
import type { FeatureInstaller } from './start';

function compareForLsp(params: CompareDomainsParams): CompareDomainsResult {
  const w = new LineIndex(params.written);
  const s = new LineIndex(params.stored);
  const range = (ix: LineIndex, span: Span | undefined): LspRange | undefined =>
    span ? { start: ix.positionAt(span.start), end: ix.positionAt(span.end) } : undefined;
  const diff = compareDomains(params.written, params.stored);
  return {
    entries: diff.entries.map((e) => ({
      kind: e.kind,
      path: e.path,
      element: e.element,
      attribute: e.attribute,
      written: e.written,
      stored: e.stored,
      writtenRange: range(w, e.writtenSpan),
      storedRange: range(s, e.storedSpan),
      assigned: e.assigned,
      pin: e.pin ? { range: range(w, { start: e.pin.offset, end: e.pin.end })!, text: e.pin.text } : undefined,
      message: e.message,
    })),
    summary: summarize(diff.entries),
    errors: diff.errors,
  };
}

export const installCompare: FeatureInstaller = (ctx) => {
  ctx.connection.onRequest(COMPARE_DOMAINS_METHOD, (params: CompareDomainsParams): CompareDomainsResult => {
    if (typeof params?.written !== 'string' || typeof params?.stored !== 'string') {
      return { entries: [], summary: '', errors: ['libvirt/compareDomains needs { written, stored } strings'] };
    }
    return compareForLsp(params);
  });
  return {};
};

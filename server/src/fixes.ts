/**
 * Applying fixes to text: shared by "fix all" in the language server, the CLI and the tests.
 */
import { allocation, type Allocation } from './model/allocate';
import type { DomainModel } from './model/types';
import type { Finding, Fix, TextEdit } from './rules/types';

/** Whether a finding's fixes are still unbuilt (rules/edits.ts claimingFix builds them when first read). */
export { fixesUnbuilt } from './rules/edits';

/** The clash rule of fix-all: overlapping spans, or two edits at the same point when one inserts. */
function clashes(e: TextEdit, t: TextEdit): boolean {
  return (e.span.start < t.span.end && t.span.start < e.span.end) || (e.span.start === e.span.end && e.span.start === t.span.start);
}

/** First index in `sorted` (by span start) whose start is >= offset. */
function lowerBound(sorted: readonly TextEdit[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.span.start < offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * The preferred fix of each finding, keeping only edits that do not overlap an edit already taken.
 * Fixes that take a free resource (a slot, an index, a port, a target) are built again on one
 * allocation per document, shared in order, so two of them never take the same one.
 * Taken edits are also kept sorted by start, so each check looks at neighbours only: a document
 * with thousands of findings (a pasted block of devices) stays fast.
 */
export function fixAllEdits(findings: readonly Finding[]): TextEdit[] {
  const taken: TextEdit[] = [];
  const sorted: TextEdit[] = [];
  // While the taken edits are disjoint, their ends rise with their starts and neighbours suffice.
  let disjoint = true;
  const clashWithTaken = (e: TextEdit): boolean => {
    if (!disjoint) {
      return taken.some((t) => clashes(e, t));
    }
    const i = lowerBound(sorted, e.span.start);
    if (i > 0 && clashes(e, sorted[i - 1]!)) {
      return true;
    }
    for (let j = i; j < sorted.length && sorted[j]!.span.start <= e.span.end; j++) {
      if (clashes(e, sorted[j]!)) {
        return true;
      }
    }
    return false;
  };
  const sessions = new Map<DomainModel, Allocation>();
  const rebuild = (fix: Fix): Fix | undefined => {
    if (!fix.claim) {
      return fix;
    }
    let session = sessions.get(fix.claim.model);
    if (!session) {
      sessions.set(fix.claim.model, (session = allocation(fix.claim.model)));
    }
    return session.adopt(fix.claim.taken) ? fix : fix.claim.build(session);
  };
  for (const f of findings) {
    const preferred = f.fixes?.find((x) => x.preferred);
    const fix = preferred && rebuild(preferred);
    if (!fix || fix.edits.length === 0) {
      continue;
    }
    if (fix.edits.some(clashWithTaken)) {
      continue;
    }
    for (const e of fix.edits) {
      const i = lowerBound(sorted, e.span.start);
      const prev = sorted[i - 1];
      const next = sorted[i];
      if ((prev && prev.span.end > e.span.start) || (next && e.span.end > next.span.start)) {
        disjoint = false; // edits of one fix that overlap each other: check everything from now on
      }
      sorted.splice(i, 0, e);
      taken.push(e);
    }
  }
  return taken;
}

/**
 * The text with the edits applied, as if applied one by one from the last start to the first
 * (equal spans: the later edit first). Disjoint edits are stitched in one pass; overlapping ones
 * take the one-by-one path.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const order = edits.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.span.start - b.e.span.start || a.e.span.end - b.e.span.end || b.i - a.i);
  const overlapping = order.some((x, k) => k > 0 && x.e.span.start < order[k - 1]!.e.span.end);
  if (overlapping) {
    const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
    let out = text;
    for (const e of sorted) {
      out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
    }
    return out;
  }
  const parts: string[] = [];
  let pos = 0;
  for (const { e } of order) {
    parts.push(text.slice(pos, e.span.start), e.newText);
    pos = e.span.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

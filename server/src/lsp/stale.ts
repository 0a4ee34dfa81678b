/**
 * onSave mode between saves: the findings last shown, carried over a change without analysing
 * again. Findings whose span the change touched, or whose fix the change is exactly (a quick fix
 * applied), are dropped; the others move with the text after the change.
 */
import type { ReportedFinding } from '../analysis';
import { applyEdits, fixesUnbuilt } from '../fixes';
import type { Span } from '../syntax/tree';

/** The findings for `after`, or undefined when the text did not change. */
export function withoutTouched(before: string, after: string, findings: readonly ReportedFinding[]): ReportedFinding[] | undefined {
  if (before === after) {
    return undefined;
  }
  // the changed region: what lies between the common prefix and the common suffix
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) {
    p++;
  }
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) {
    s++;
  }
  const oldEnd = before.length - s;
  const delta = after.length - before.length;
  const touched = (sp: Span): boolean => sp.start <= oldEnd && sp.end >= p;
  const move = (sp: Span): Span => (sp.start >= oldEnd ? { start: sp.start + delta, end: sp.end + delta } : sp);
  // (Only fixes already built: a fix just applied was built when its code action was offered.)
  const fixedBy = (f: ReportedFinding): boolean =>
    !fixesUnbuilt(f.fixes) &&
    (f.fixes ?? []).some(
      (fix) =>
        fix.edits.reduce((n, e) => n + e.newText.length - (e.span.end - e.span.start), 0) === delta &&
        applyEdits(before, fix.edits) === after
    );
  const out: ReportedFinding[] = [];
  for (const f of findings) {
    if (touched(f.span) || fixedBy(f)) {
      continue;
    }
    const related = f.related?.filter((r) => !touched(r.span)).map((r) => ({ ...r, span: move(r.span) }));
    // the fixes were computed for the old text; code actions are always computed afresh
    out.push({ ...f, span: move(f.span), related, fixes: undefined });
  }
  return out;
}

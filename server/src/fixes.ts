/**
 * Applying fixes to text: shared by "fix all" in the language server, the CLI and the tests.
 */
import type { Finding, TextEdit } from './rules/types';

/** The preferred fix of each finding, keeping only edits that do not overlap an edit already taken. */
export function fixAllEdits(findings: readonly Finding[]): TextEdit[] {
  const taken: TextEdit[] = [];
  for (const f of findings) {
    const fix = f.fixes?.find((x) => x.preferred);
    if (!fix || fix.edits.length === 0) {
      continue;
    }
    const clash = fix.edits.some((e) =>
      taken.some((t) => e.span.start < t.span.end && t.span.start < e.span.end || (e.span.start === e.span.end && e.span.start === t.span.start))
    );
    if (!clash) {
      taken.push(...fix.edits);
    }
  }
  return taken;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of sorted) {
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  }
  return out;
}

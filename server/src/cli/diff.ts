/**
 * A unified diff of two texts by lines (what `--fix-dry-run` prints; `git apply` / `patch -p0` take it).
 * Fixes change few lines of small files: common head and tail are cut first, and the middle is
 * compared with a longest-common-subsequence table.
 */
const CONTEXT = 3;

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  const out = lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
  if (out[out.length - 1] === '') {
    out.pop();
  }
  return out;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  if (am.length * bm.length > 4_000_000) {
    // Too large to compare line by line: the middle is replaced as a whole.
    ops.push(...am.map((line) => ({ kind: '-' as const, line })), ...bm.map((line) => ({ kind: '+' as const, line })));
  } else {
    const w = bm.length + 1;
    const lcs = new Uint32Array((am.length + 1) * w);
    for (let i = am.length - 1; i >= 0; i--) {
      for (let j = bm.length - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        ops.push({ kind: ' ', line: am[i++]! });
        j++;
      } else if (i < am.length && (j === bm.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        ops.push({ kind: '-', line: am[i++]! });
      } else {
        ops.push({ kind: '+', line: bm[j++]! });
      }
    }
  }
  ops.push(...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line })));
  return ops;
}

/** `--- a/FILE` / `+++ b/FILE` and hunks with 3 lines of context; '' when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) {
    return '';
  }
  const ops = diffLines(splitLines(before), splitLines(after));
  const out = [`--- a/${file}\n`, `+++ b/${file}\n`];
  let k = 0;
  let aLine = 1;
  let bLine = 1;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      aLine++;
      bLine++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change near it.
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    let quiet = 0;
    while (end < ops.length && quiet <= 2 * CONTEXT) {
      quiet = ops[end]!.kind === ' ' ? quiet + 1 : 0;
      end++;
    }
    end = Math.min(ops.length, end - quiet + Math.min(quiet, CONTEXT));
    const back = k - start;
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLine - back;
    const bStart = bLine - back;
    out.push(`@@ -${aCount === 0 ? aStart - 1 : aStart},${aCount} +${bCount === 0 ? bStart - 1 : bStart},${bCount} @@\n`);
    for (const o of hunk) {
      out.push(o.kind + o.line + (o.line.endsWith('\n') ? '' : '\n\\ No newline at end of file\n'));
    }
    for (let x = k; x < end; x++) {
      if (ops[x]!.kind !== '+') {
        aLine++;
      }
      if (ops[x]!.kind !== '-') {
        bLine++;
      }
    }
    k = end;
  }
  return out.join('');
}

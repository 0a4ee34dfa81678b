/**
 * "Did you mean": the one edit distance and nearest-name search used wherever a misspelt
 * element, attribute or value gets a suggestion (the schema rule, its value judge, hover).
 */

/** Optimal-string-alignment distance (a swap of two neighbours is one edit); stops early above `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (a === b) {
    return 0;
  }
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) {
      return max + 1;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidates nearest to `word` (ties kept), when near enough to be a typo. */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  const lower = word.toLowerCase();
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string[] = [];
  let bestD = limit + 1;
  for (const c of candidates) {
    if (c === word || c === '*') {
      continue;
    }
    // a slip of case counts as one edit whatever its length
    const d = c.toLowerCase() === lower ? 1 : editDistance(word, c, limit);
    if (d < bestD) {
      best = [c];
      bestD = d;
    } else if (d === bestD) {
      best.push(c);
    }
  }
  return bestD <= limit ? best : [];
}

/**
 * Short strings of a document, shared: element and attribute names and short values repeat
 * thousands of times in a big domain, and one string per distinct word instead of one per
 * occurrence is memory the tree keeps and garbage it does not make. A small hash table of recent
 * words, not an exact interner (a word pushed out of its slot is made again). Both parsers use it.
 */

/** Words up to this length are shared. */
export const MAX_WORD = 32;
const SLOTS = 4096;

/** The hash WordTable expects for text[s, e) (the parsers may also compute it while scanning). */
export function wordHash(text: string, s: number, e: number): number {
  let h = 0;
  for (let q = s; q < e; q++) {
    h = (Math.imul(h, 31) + text.charCodeAt(q)) | 0;
  }
  return h;
}

export class WordTable {
  private readonly words: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  /** The full hash of each slot's word: most words that land on a taken slot differ in it. */
  private readonly hashes = new Int32Array(SLOTS);

  constructor(private readonly text: string) {}

  /** text[s, e), shared when short; `h` is wordHash(text, s, e). */
  word(s: number, e: number, h: number): string {
    const len = e - s;
    const fresh = this.text.slice(s, e);
    if (len > MAX_WORD) {
      return fresh;
    }
    const slot = (h ^ len) & (SLOTS - 1);
    const w = this.words[slot];
    // Compared as strings: slicing a short word and comparing it whole is faster than comparing
    // it character by character in place (the slice is short-lived garbage, cheap to collect).
    if (w !== undefined && this.hashes[slot] === h && w === fresh) {
      return w;
    }
    this.words[slot] = fresh;
    this.hashes[slot] = h;
    return fresh;
  }
}

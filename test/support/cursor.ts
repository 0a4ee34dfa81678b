/**
 * Cursor markers in inline XML for completion and hover tests: `$0` marks where the cursor is
 * (`$1`, `$2`... more places when a test needs them). The markers are removed from the text.
 */
interface Cursor {
  /** The text without markers. */
  text: string;
  /** Offset of `$0` in `text`. */
  offset: number;
  /** Offsets of every marker by number. */
  marks: Map<number, number>;
}

export function cursor(src: string): Cursor {
  const marks = new Map<number, number>();
  let text = '';
  let last = 0;
  for (const m of src.matchAll(/\$(\d)/g)) {
    text += src.slice(last, m.index);
    marks.set(Number(m[1]), text.length);
    last = m.index + m[0].length;
  }
  text += src.slice(last);
  const offset = marks.get(0);
  if (offset === undefined) {
    throw new Error('no $0 cursor marker in the text');
  }
  return { text, offset, marks };
}

/** 0-based line/character (UTF-16) of an offset, as LSP counts. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

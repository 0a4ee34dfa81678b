/**
 * Offset <-> line/character conversion (0-based, UTF-16 code units, as LSP counts), for edges
 * that have no LSP TextDocument (the CLI). \r\n and \n both end a line.
 */
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        this.starts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  /** The text of a line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const next = this.starts[line + 1] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$/, '');
  }
}

/**
 * The XML tokenizer: the tokens @xml-tools/parser's chevrotain lexer produced (same token kinds,
 * same modes, same first-match order, same error recovery), written by hand for speed. The
 * chevrotain lexer built a token object per token (image, offsets, type) and tried patterns one
 * by one; this one dispatches on the first character and writes kinds and offsets into typed
 * arrays, which is what lets the tree builder run at tens of MB/s.
 *
 * Equality with the chevrotain lexer is a test (test/unit/syntax/lex-equal.test.ts, over every
 * fixture, the fuzz corpus and random mutations), so its quirks are kept on purpose:
 * - a character reference is '&#' digits ';' or '&#x' plus ONE hex digit (the rest is text);
 * - a comment or CDATA section cannot cross a lone '\r', U+2028 or U+2029;
 * - names follow @xml-tools' Name pattern (ASCII letters, '_', ':' and a few odd non-ASCII
 *   sequences start one);
 * - characters nothing matches are dropped up to the next place where some token of the current
 *   mode matches, as one error.
 * Whitespace inside tags and `<!...>` declarations (other than comments, CDATA and DOCTYPE) are
 * skipped, as they were.
 */

/** Token kinds (numbers, kept in typed arrays). */
export const Tok = {
  Comment: 0,
  CData: 1,
  DocType: 2,
  EntityRef: 3,
  CharRef: 4,
  SeaWs: 5,
  XmlDeclOpen: 6,
  SlashOpen: 7,
  Pi: 8,
  Open: 9,
  Text: 10,
  InvalidSlashOpen: 11,
  InvalidOpenInside: 12,
  Close: 13,
  SpecialClose: 14,
  SlashClose: 15,
  Slash: 16,
  Equals: 17,
  String: 18,
  Name: 19,
} as const;

/** Not a token: nothing matches here. */
const NONE = -1;
/** A match that is skipped (whitespace inside a tag, a `<!...>` declaration). */
const SKIP = -2;

interface LexError {
  offset: number;
  length: number;
}

interface Tokens {
  count: number;
  /** Where tokenizing stopped (the end of the last token; past `to` when one crossed it). */
  stop: number;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  errors: LexError[];
}

// @xml-tools' Name fragment, spelt as its makePattern spelt it (the ranges outside brackets are
// literal three-character sequences there, and stay so here).
const NAME_START = '(:|[a-zA-Z]|_|\\u2070-\\u218F|\\u2C00-\\u2FEF|\\u3001-\\uD7FF|\\uF900-\\uFDCF|\\uFDF0-\\uFFFD)';
const NAME_CHAR = `(?:${NAME_START})|-|\\.|\\d|\\u00B7||[\\u0300-\\u036F]|[\\u203F-\\u2040]`;
const NAME = `(?:${NAME_START})((?:${NAME_CHAR}))*`;
const NAME_RE = new RegExp(`(?:${NAME})`, 'y');
const ENTITY_REF_RE = new RegExp(`&(?:${NAME});`, 'y');
const CHAR_REF_RE = /&#\d+;|&#x[a-fA-F0-9]/y;
const PI_RE = new RegExp(`<\\?(?:${NAME}).*\\?>`, 'y');

/** Where a sticky pattern's match at `p` ends, or NONE. */
function stickyEnd(re: RegExp, text: string, p: number): number {
  re.lastIndex = p;
  return re.test(text) ? re.lastIndex : NONE;
}

/** ASCII characters that continue a name: letters, digits, '_', ':', '-', '.'. */
export const NAME_CONT = new Uint8Array(128);
/** ASCII characters that start one. */
export const NAME_FIRST = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  NAME_FIRST[c] = /[A-Za-z_:]/.test(ch) ? 1 : 0;
  NAME_CONT[c] = /[A-Za-z0-9_:.-]/.test(ch) ? 1 : 0;
}

/** True for the characters '.' does not match in a JavaScript pattern (without the s flag). */
function lineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * The tokens of text[from, to), lexed as the whole text would be from `from` in content (outside
 * any tag); lookahead (a comment's end, a name) may read past `to`, as it would in the whole text.
 */
export function tokenize(text: string, from = 0, to = text.length): Tokens {
  const n = text.length;
  let cap = Math.max(64, (to - from) >> 3);
  let kind = new Uint8Array(cap);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let count = 0;
  const errors: LexError[] = [];
  /** The end of the last match (set by the matchers). */
  let mEnd = 0;
  /** `-->` and `]]>` are searched once past the last occurrence: unterminated comments stay linear. */
  let noCommentEndFrom = n + 1;
  let noCDataEndFrom = n + 1;

  const push = (k: number, s: number, e: number): void => {
    if (count === cap) {
      cap *= 2;
      const k2 = new Uint8Array(cap);
      k2.set(kind);
      kind = k2;
      const s2 = new Int32Array(cap);
      s2.set(start);
      start = s2;
      const e2 = new Int32Array(cap);
      e2.set(end);
      end = e2;
    }
    kind[count] = k;
    start[count] = s;
    end[count] = e;
    count++;
  };

  /** A section `<!--...-->` or `<![CDATA[...]]>` from `body`: the first terminator, unless a character '.' misses comes first. */
  const section = (body: number, terminator: string, isComment: boolean): number => {
    if (body >= (isComment ? noCommentEndFrom : noCDataEndFrom)) {
      return NONE;
    }
    const e = text.indexOf(terminator, body);
    if (e < 0) {
      if (isComment) {
        noCommentEndFrom = Math.min(noCommentEndFrom, body);
      } else {
        noCDataEndFrom = Math.min(noCDataEndFrom, body);
      }
      return NONE;
    }
    for (let q = body; q < e; q++) {
      const c = text.charCodeAt(q);
      if (c === 13) {
        if (text.charCodeAt(q + 1) !== 10) {
          return NONE;
        }
        q++;
      } else if (c === 0x2028 || c === 0x2029) {
        return NONE;
      }
    }
    return e + 3;
  };

  const comment = (p: number): number => (text.startsWith('<!--', p) ? section(p + 4, '-->', true) : NONE);

  /** A name at p: ASCII names by hand, anything else by @xml-tools' own pattern. */
  const name = (p: number): number => {
    const c = text.charCodeAt(p);
    if (c < 128) {
      if (NAME_FIRST[c] === 0) {
        return NONE;
      }
      let q = p + 1;
      for (; q < n; q++) {
        const d = text.charCodeAt(q);
        if (d >= 128) {
          return stickyEnd(NAME_RE, text, p);
        }
        if (NAME_CONT[d] === 0) {
          break;
        }
      }
      return q;
    }
    return stickyEnd(NAME_RE, text, p);
  };

  /** The OUTSIDE mode's token at p (its end in mEnd), SKIP, or NONE. */
  const outside = (p: number): number => {
    const c = text.charCodeAt(p);
    if (c === 60 /* < */) {
      const c1 = text.charCodeAt(p + 1);
      if (c1 === 33 /* ! */) {
        let e = comment(p);
        if (e >= 0) {
          mEnd = e;
          return Tok.Comment;
        }
        if (text.startsWith('<![CDATA[', p)) {
          e = section(p + 9, ']]>', false);
          if (e >= 0) {
            mEnd = e;
            return Tok.CData;
          }
        }
        if (text.startsWith('<!DOCTYPE', p)) {
          mEnd = p + 9;
          return Tok.DocType;
        }
        // <!.*?>
        for (let q = p + 2; q < n; q++) {
          const d = text.charCodeAt(q);
          if (d === 62) {
            mEnd = q + 1;
            return SKIP;
          }
          if (lineTerminator(d)) {
            break;
          }
        }
      } else if (c1 === 63 /* ? */) {
        if (text.startsWith('<?xml', p)) {
          const d = text.charCodeAt(p + 5);
          if (d === 32 || d === 9 || d === 13 || d === 10) {
            mEnd = p + 6;
            return Tok.XmlDeclOpen;
          }
        }
        const e = stickyEnd(PI_RE, text, p);
        if (e >= 0) {
          mEnd = e;
          return Tok.Pi;
        }
      } else if (c1 === 47 /* / */) {
        mEnd = p + 2;
        return Tok.SlashOpen;
      }
      mEnd = p + 1;
      return Tok.Open;
    }
    if (c === 38 /* & */) {
      let e = stickyEnd(ENTITY_REF_RE, text, p);
      if (e >= 0) {
        mEnd = e;
        return Tok.EntityRef;
      }
      e = stickyEnd(CHAR_REF_RE, text, p);
      if (e >= 0) {
        mEnd = e;
        return Tok.CharRef;
      }
      return NONE;
    }
    // ( |\t|\n|\r\n)+
    let q = p;
    for (;;) {
      const d = text.charCodeAt(q);
      if (d === 32 || d === 9 || d === 10) {
        q++;
      } else if (d === 13 && text.charCodeAt(q + 1) === 10) {
        q += 2;
      } else {
        break;
      }
    }
    if (q > p) {
      mEnd = q;
      return Tok.SeaWs;
    }
    // [^<&]+
    for (q = p + 1; q < n; q++) {
      const d = text.charCodeAt(q);
      if (d === 60 || d === 38) {
        break;
      }
    }
    mEnd = q;
    return Tok.Text;
  };

  /** The INSIDE mode's token at p (its end in mEnd), SKIP, or NONE. */
  const inside = (p: number): number => {
    const c = text.charCodeAt(p);
    switch (c) {
      case 32:
      case 9:
      case 13:
      case 10:
        mEnd = p + 1;
        return SKIP;
      case 61 /* = */:
        mEnd = p + 1;
        return Tok.Equals;
      case 62 /* > */:
        mEnd = p + 1;
        return Tok.Close;
      case 34 /* " */:
      case 39 /* ' */: {
        for (let q = p + 1; q < n; q++) {
          const d = text.charCodeAt(q);
          if (d === c) {
            mEnd = q + 1;
            return Tok.String;
          }
          if (d === 60) {
            return NONE;
          }
        }
        return NONE;
      }
      case 47 /* / */:
        if (text.charCodeAt(p + 1) === 62) {
          mEnd = p + 2;
          return Tok.SlashClose;
        }
        mEnd = p + 1;
        return Tok.Slash;
      case 63 /* ? */:
        if (text.charCodeAt(p + 1) === 62) {
          mEnd = p + 2;
          return Tok.SpecialClose;
        }
        return NONE;
      case 60 /* < */: {
        const e = comment(p);
        if (e >= 0) {
          mEnd = e;
          return Tok.Comment;
        }
        if (text.charCodeAt(p + 1) === 47) {
          mEnd = p + 2;
          return Tok.InvalidSlashOpen;
        }
        mEnd = p + 1;
        return Tok.InvalidOpenInside;
      }
      default: {
        const e = name(p);
        if (e >= 0) {
          mEnd = e;
          return Tok.Name;
        }
        return NONE;
      }
    }
  };

  let inTag = false;
  let p = from;
  while (p < to) {
    // The common cases first, inline: a space, a name, '=' or a quoted value inside a tag; '<'
    // and a letter, or whitespace, outside. Everything else goes through the matchers.
    const c = text.charCodeAt(p);
    if (inTag) {
      if (c === 32 || c === 10) {
        p++;
        continue;
      }
      if (c < 128 && NAME_FIRST[c] === 1) {
        let q = p + 1;
        let d = 0;
        while (q < n && (d = text.charCodeAt(q)) < 128 && NAME_CONT[d] === 1) {
          q++;
        }
        if (q >= n || d < 128) {
          push(Tok.Name, p, q);
          p = q;
          continue;
        }
      } else if (c === 61) {
        push(Tok.Equals, p, p + 1);
        p++;
        continue;
      } else if (c === 39 || c === 34) {
        let q = p + 1;
        let d = 0;
        while (q < n && (d = text.charCodeAt(q)) !== c && d !== 60) {
          q++;
        }
        if (q < n && d === c) {
          push(Tok.String, p, q + 1);
          p = q + 1;
          continue;
        }
      }
    } else if (c === 60) {
      const c1 = text.charCodeAt(p + 1);
      if (c1 < 128 && NAME_FIRST[c1] === 1) {
        push(Tok.Open, p, p + 1);
        inTag = true;
        p++;
        continue;
      }
    }
    const k = inTag ? inside(p) : outside(p);
    if (k === NONE) {
      // Drop characters up to the next place where some token of this mode matches.
      const from = p;
      do {
        p++;
      } while (p < n && (inTag ? inside(p) : outside(p)) === NONE);
      errors.push({ offset: from, length: p - from });
      continue;
    }
    if (k !== SKIP) {
      push(k, p, mEnd);
      switch (k) {
        case Tok.Open:
        case Tok.SlashOpen:
        case Tok.DocType:
        case Tok.XmlDeclOpen:
          inTag = true;
          break;
        case Tok.Close:
        case Tok.SpecialClose:
        case Tok.SlashClose:
          inTag = false;
          break;
      }
    }
    p = mEnd;
  }
  return { count, stop: p, kind, start, end, errors };
}

/**
 * The parse of a plain document in one pass: what parse.ts builds from lex.ts's tokens, built
 * straight from the characters, for documents that need none of the tokenizer's or the tree
 * builder's recovery and none of XML's rarer markup. At the first thing outside that (an entity or
 * character reference, a CR, CDATA, a DOCTYPE or processing instruction, a non-ASCII name, a
 * comment that libxml2 would refuse, anything that would be a syntax error) it gives up, and the
 * general parser reads the document from the start. Most domains are plain: virsh and
 * virt-manager write them so, and so do people.
 *
 * The trees must be the same: test/unit/syntax/parse-equal.test.ts compares parseXml (which tries
 * this first) with the old parser over every fixture and example, the fuzz suite's hostile
 * documents and random strings, and the splice and incremental-analysis property tests compare
 * with parseXml.
 *
 * Why a second path: building the tree from token arrays reads every name and value three times
 * (tokenize, hash for the word table, compare); here the hash is made while the name is scanned.
 */
import { NAME_CONT, NAME_FIRST } from './lex';
import { XmlAttribute, XmlElement } from './tree';
import { WordTable } from './words';
import type { Span, XmlDocument } from './tree';

const BLANK = /^\s*$/;

/** Texts of elements with children up to this length are shared through a table of this many slots. */
const MAX_TEXT = 256;
const TEXT_TABLE = 1024;

/** Whitespace inside a tag and between tags (CR is not plain). */
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9;

/**
 * The document, or undefined when it is not plain. `noChildren` and `noAttributes` are the
 * shared empty arrays of parse.ts.
 */
export function parsePlain(text: string, noChildren: XmlElement[], noAttributes: XmlAttribute[]): XmlDocument | undefined {
  const n = text.length;
  // Characters this path never reads: the general parser handles them.
  if (text.includes('&') || text.includes('\r') || text.includes('<!D') || text.includes('<![') || text.includes('<?', 1)) {
    return undefined;
  }
  const words = new WordTable(text);
  const comments: Span[] = [];
  const stack: XmlElement[] = [];
  /**
   * The children of the open elements, innermost last: each element's are taken off at its close
   * in one array of the right size (kidsFrom: where each open element's start), so no array is
   * grown and thrown away. Likewise each open element's own comments (not those of its
   * children), in `own` from ownFrom: a comment is walked once, however deep it lies.
   */
  const kids: XmlElement[] = [];
  /** How many of `kids` are in use (the array is not shortened: setting its length is a slow call). */
  let kidsTop = 0;
  const kidsFrom: number[] = [];
  const own: Span[] = [];
  let ownTop = 0;
  const ownFrom: number[] = [];
  const texts: (string | undefined)[] = new Array<string | undefined>(TEXT_TABLE).fill(undefined);
  const textHashes = new Int32Array(TEXT_TABLE);
  /**
   * The text of an element with children, made when it closes (its children are in place, `to`
   * is where its close tag starts): the stretches between its start tag, its children, its own
   * comments and its close tag, put together, as the general parser's pieces are. Elements laid
   * out alike (every disk of a domain) have the same text: shared through a table, compared
   * without putting it together first.
   */
  /** The stretches of textBetween, as start/end pairs (reused). */
  const stretches: number[] = [];
  let stretchesTop = 0;
  const textBetween = (el: XmlElement, to: number, firstOwn: number): string => {
    const cs = el.children;
    stretchesTop = 0;
    let cur = el.startTagEnd;
    let k = firstOwn;
    for (let i = 0; i <= cs.length; i++) {
      const stop = i < cs.length ? cs[i]!.start : to;
      // This element's own comments before `stop`.
      while (k < ownTop && own[k]!.start < stop) {
        const cm = own[k]!;
        stretches[stretchesTop++] = cur;
        stretches[stretchesTop++] = cm.start;
        cur = cm.end;
        k++;
      }
      stretches[stretchesTop++] = cur;
      stretches[stretchesTop++] = stop;
      if (i < cs.length) {
        cur = cs[i]!.end;
      }
    }
    let length = 0;
    let h = 0;
    for (let j = 0; j < stretchesTop; j += 2) {
      const e = stretches[j + 1]!;
      for (let q = stretches[j]!; q < e; q++) {
        h = (Math.imul(h, 31) + text.charCodeAt(q)) | 0;
      }
      length += e - stretches[j]!;
    }
    if (length > MAX_TEXT) {
      const parts: string[] = [];
      for (let j = 0; j < stretchesTop; j += 2) {
        parts.push(text.slice(stretches[j], stretches[j + 1]));
      }
      return parts.join('');
    }
    const slot = (h ^ length) & (TEXT_TABLE - 1);
    const known = texts[slot];
    if (known !== undefined && textHashes[slot] === h && known.length === length) {
      let i = 0;
      let same = true;
      for (let j = 0; same && j < stretchesTop; j += 2) {
        const e = stretches[j + 1]!;
        for (let q = stretches[j]!; q < e; q++) {
          if (known.charCodeAt(i++) !== text.charCodeAt(q)) {
            same = false;
            break;
          }
        }
      }
      if (same) {
        return known;
      }
    }
    let made = '';
    for (let j = 0; j < stretchesTop; j += 2) {
      made += text.slice(stretches[j], stretches[j + 1]);
    }
    texts[slot] = made;
    textHashes[slot] = h;
    return made;
  };
  const scratch: XmlAttribute[] = [];
  let scratchTop = 0;
  let root: XmlElement | undefined;
  /** Where a scanned name ended, and its hash. */
  let nameEnd = 0;
  let nameHash = 0;
  /** Scans an ASCII name at q (false when there is none, or it goes on with a non-ASCII character). */
  const scanName = (q: number): boolean => {
    let c = text.charCodeAt(q);
    if (!(c < 128 && NAME_FIRST[c] === 1)) {
      return false;
    }
    let h = c;
    q++;
    while (q < n && (c = text.charCodeAt(q)) < 128 && NAME_CONT[c] === 1) {
      h = (Math.imul(h, 31) + c) | 0;
      q++;
    }
    if (q < n && c >= 128) {
      return false;
    }
    nameEnd = q;
    nameHash = h;
    return true;
  };

  /** After a name that ends at q: spaces, '=', spaces and an opening quote, whose offset it gives (-1 when that is not what follows). */
  const openingQuote = (q: number): number => {
    while (isSpace(text.charCodeAt(q))) {
      q++;
    }
    if (text.charCodeAt(q) !== 61) {
      return -1;
    }
    q++;
    while (isSpace(text.charCodeAt(q))) {
      q++;
    }
    const quote = text.charCodeAt(q);
    return quote === 39 || quote === 34 ? q : -1;
  };

  let p = 0;
  // An XML declaration first: `<?xml` then name='value' pairs, then `?>`.
  if (text.startsWith('<?xml', 0)) {
    let q = 5;
    if (!isSpace(text.charCodeAt(q))) {
      return undefined;
    }
    for (;;) {
      while (isSpace(text.charCodeAt(q))) {
        q++;
      }
      if (text.charCodeAt(q) === 63 && text.charCodeAt(q + 1) === 62) {
        p = q + 2;
        break;
      }
      if (!scanName(q)) {
        return undefined;
      }
      q = openingQuote(nameEnd);
      if (q < 0) {
        return undefined;
      }
      const quote = text.charCodeAt(q);
      const close = text.indexOf(String.fromCharCode(quote), q + 1);
      if (close < 0 || text.slice(q + 1, close).includes('<') || text.slice(q + 1, close).includes('>')) {
        return undefined;
      }
      q = close + 1;
    }
  }

  while (p < n) {
    const c = text.charCodeAt(p);
    if (c !== 60) {
      // Text up to the next tag: a run of XML whitespace, then anything else (as the tokenizer splits it).
      let q = p;
      let h = 0;
      let w = 0;
      while (q < n && isSpace((w = text.charCodeAt(q)))) {
        h = (Math.imul(h, 31) + w) | 0;
        q++;
      }
      const top = stack[stack.length - 1];
      // (An element with children gets its text when it closes: textBetween.)
      const leaf = top !== undefined && kidsTop === kidsFrom[stack.length - 1];
      if (q > p && leaf) {
        top.text += words.word(p, q, h);
      }
      if (q < n && text.charCodeAt(q) !== 60) {
        let e = text.indexOf('<', q);
        if (e < 0) {
          e = n;
        }
        const s = text.slice(q, e);
        const blank = BLANK.test(s);
        if (!top) {
          if (!blank) {
            return undefined; // text outside the root element
          }
        } else {
          if (leaf) {
            top.text += s;
          }
          if (!blank) {
            if (top.textStart < 0) {
              top.textStart = q + (s.length - s.trimStart().length);
            }
            top.textEnd = e - (s.length - s.trimEnd().length);
          }
        }
        q = e;
      }
      p = q;
      continue;
    }
    const c1 = text.charCodeAt(p + 1);
    if (c1 === 47) {
      // A close tag: the innermost open element's own, `</name` optional whitespace `>`.
      const el = stack[stack.length - 1];
      if (!el || !scanName(p + 2) || nameEnd - (p + 2) !== el.name.length || !text.startsWith(el.name, p + 2)) {
        return undefined;
      }
      let q = nameEnd;
      while (isSpace(text.charCodeAt(q))) {
        q++;
      }
      if (text.charCodeAt(q) !== 62) {
        return undefined;
      }
      const from = kidsFrom[stack.length - 1]!;
      const firstOwn = ownFrom[stack.length - 1]!;
      if (kidsTop > from) {
        el.children = kids.slice(from, kidsTop);
        kidsTop = from;
        el.text = textBetween(el, p, firstOwn);
      }
      ownTop = firstOwn;
      stack.pop();
      el.closeNameStart = p + 2;
      el.closeNameEnd = nameEnd;
      el.end = q + 1;
      p = q + 1;
      continue;
    }
    if (c1 === 33) {
      // A comment: `<!--`, the first `-->` after it, no `--` inside, no line separator (lex.ts).
      if (!text.startsWith('<!--', p)) {
        return undefined;
      }
      const e = text.indexOf('-->', p + 4);
      if (e < 0) {
        return undefined;
      }
      const inner = text.slice(p + 4, e);
      if (inner.includes('--') || inner.endsWith('-') || inner.includes('\u2028') || inner.includes('\u2029')) {
        return undefined;
      }
      const span = { start: p, end: e + 3 };
      comments.push(span);
      if (stack.length > 0) {
        own[ownTop++] = span;
      }
      p = e + 3;
      continue;
    }
    // A start tag: `<name`, then name='value' pairs, then `>` or `/>`.
    if (!scanName(p + 1)) {
      return undefined;
    }
    const el = new XmlElement(words.word(p + 1, nameEnd, nameHash), p, nameEnd, noAttributes, noChildren);
    let q = nameEnd;
    scratchTop = 0;
    for (;;) {
      const before = q;
      while (isSpace(text.charCodeAt(q))) {
        q++;
      }
      const d = text.charCodeAt(q);
      if (d === 62) {
        q++;
        break;
      }
      if (d === 47) {
        if (text.charCodeAt(q + 1) !== 62) {
          return undefined;
        }
        q += 2;
        el.selfClosing = true;
        break;
      }
      if ((q === before && scratchTop === 0) || !scanName(q)) {
        return undefined; // no space between the element's name and an attribute, or not a name
      }
      const start = q;
      const name = words.word(start, nameEnd, nameHash);
      q = openingQuote(nameEnd);
      if (q < 0) {
        return undefined;
      }
      const quote = text.charCodeAt(q);
      const vs = q;
      q++;
      let h = 0;
      let v = 0;
      while (q < n && (v = text.charCodeAt(q)) !== quote) {
        if (v === 60) {
          return undefined;
        }
        h = (Math.imul(h, 31) + v) | 0;
        q++;
      }
      if (q >= n) {
        return undefined;
      }
      for (let k = 0; k < scratchTop; k++) {
        if (scratch[k]!.name === name) {
          return undefined; // a repeated attribute
        }
      }
      scratch[scratchTop++] = new XmlAttribute(name, words.word(vs + 1, q, h), start, q + 1, vs);
      q++;
    }
    if (scratchTop > 0) {
      el.attributes = scratch.slice(0, scratchTop);
    }
    el.startTagEnd = q;
    el.end = q;
    const parent = stack[stack.length - 1];
    if (parent) {
      el.parent = parent;
      kids[kidsTop++] = el;
    } else if (root) {
      return undefined; // a second root element
    } else {
      root = el;
    }
    if (!el.selfClosing) {
      kidsFrom[stack.length] = kidsTop;
      ownFrom[stack.length] = ownTop;
      stack.push(el);
    }
    p = q;
  }
  if (!root || stack.length > 0) {
    return undefined;
  }
  return { text, root, errors: [], comments };
}

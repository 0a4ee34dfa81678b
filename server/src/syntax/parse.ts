/**
 * Text -> XmlDocument. Never throws, whatever the input.
 *
 * Tokens come from lex.ts (the tokens @xml-tools/parser's lexer produced, by hand and into typed
 * arrays); the tree is built here with an open-element stack
 * that matches close tags by name. That keeps a typo or a lost '>' local: the rest of the document
 * keeps its real parents, so later layers do not see a cascade of moved devices.
 *
 * Recovery rules:
 * - a close tag closes the nearest open element of the same name; elements opened after it and
 *   never closed are reported and closed there;
 * - a close tag that matches nothing closes the innermost element when the names are nearly the
 *   same (a typo such as </disc> for </disk>), and is otherwise reported and ignored;
 * - a start tag without '>' still opens its element, but when that element is closed implicitly,
 *   the children indented no deeper than it are handed back to its parent (they were siblings
 *   being typed, not children); the same holds for any element left without a close tag.
 *
 * Spans are half-open [start, end).
 */
import { Tok, tokenize } from './lex';
import { parsePlain } from './plain';
import { MAX_WORD, WordTable, wordHash } from './words';
import { XmlAttribute, XmlElement } from './tree';
import type { Span, XmlDocument, XmlSyntaxError } from './tree';

/**
 * The children of every element without any (two thirds of a domain's elements): one shared,
 * frozen array instead of an empty one each. Only adopt() adds children.
 */
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];
/** Likewise the attributes of every element without any. */
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];

function adopt(parent: XmlElement, child: XmlElement): void {
  if (parent.children === NO_CHILDREN) {
    parent.children = [child];
  } else {
    parent.children.push(child);
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) {
    return s;
  }
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (whole, body: string) => {
    if (body.startsWith('#x')) {
      return safeCodePoint(parseInt(body.slice(2), 16)) ?? whole;
    }
    if (body.startsWith('#')) {
      return safeCodePoint(parseInt(body.slice(1), 10)) ?? whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isFinite(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** Two names count as "nearly the same" when one edit (or a short prefix) turns one into the other. */
function nearlySame(a: string, b: string): boolean {
  if (a.startsWith(b) || b.startsWith(a)) {
    return true;
  }
  if (Math.abs(a.length - b.length) > 2) {
    return false;
  }
  // Bounded edit distance, small strings only.
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]! <= 2;
}

export function parseXml(text: string): XmlDocument {
  return parsePlain(text, NO_CHILDREN, NO_ATTRIBUTES) ?? (build(text, 0, text.length, undefined) as XmlDocument);
}

/** What parseContent() built, or undefined when the content cannot be parsed on its own. */
interface ParsedContent {
  /** The elements placed directly in the content, in order (their parent is the stand-in). */
  children: XmlElement[];
  /** The stand-in element that received them, its text and textSpan. */
  holder: XmlElement;
  errors: XmlSyntaxError[];
  comments: Span[];
}

/**
 * The content text[from, to) of the last of `open` (a chain of open elements, outermost first),
 * parsed as the whole document's parse would have parsed it: undefined when that parse would have
 * reached outside the range (a close tag of an element of `open`, an element left open at `to`,
 * a token across `to`). `from` must be just after a '>' in content, and `to` the start of a
 * tag. Used by splice.ts to re-parse what an edit changed.
 */
export function parseContent(text: string, from: number, to: number, open: readonly XmlElement[]): ParsedContent | undefined {
  return build(text, from, to, open) as ParsedContent | undefined;
}

function build(text: string, from: number, to: number, open: readonly XmlElement[] | undefined): XmlDocument | ParsedContent | undefined {
  const { count: n, kind: K, start: S, end: E, errors: lexErrors, stop } = tokenize(text, from, to);
  // A token across `to` reads the rest differently. Ending inside a tag is fine: `to` starts a
  // tag, whose '<' or '</' the lexer then reads as INVALID_OPEN_INSIDE or INVALID_SLASH_OPEN,
  // which the tree builder takes exactly as OPEN and SLASH_OPEN.
  if (open && stop !== to) {
    return undefined;
  }
  /** The kind of token j, or -1 past the last one. */
  const kindAt = (j: number): number => (j < n ? K[j]! : -1);
  const image = (j: number): string => text.slice(S[j], E[j]);
  const tokenSpan = (j: number): Span => ({ start: S[j]!, end: E[j]! });
  /** Where the last attribute() ended (a variable, not a returned pair: one object less per attribute). */
  let attributeEnd = 0;
  const words = new WordTable(text);
  const word = (s: number, e: number): string => words.word(s, e, wordHash(text, s, e));
  const errors: XmlSyntaxError[] = [];
  const comments: Span[] = [];
  /** The attributes of the start tag being read. */
  const scratch: XmlAttribute[] = [];
  /** How many of `scratch` are the current tag's (it is not shortened: setting an array's length is a slow call). */
  let scratchTop = 0;
  const roots: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const brokenStart = new Set<XmlElement>();
  /** Elements of `open` (a content parse) are below this depth: popping one means failure. */
  const floor = open ? open.length : 0;
  let breached = false;
  /**
   * How many elements of each name are open: a close tag that matches none skips the walk down
   * the stack, so a run of stray close tags under deep nesting stays linear.
   */
  const openNames = new Map<string, number>();
  const openElement = (el: XmlElement): void => {
    stack.push(el);
    openNames.set(el.name, (openNames.get(el.name) ?? 0) + 1);
  };
  /** A content parse: the open elements, the last one a stand-in that receives what is parsed. */
  let holder: XmlElement | undefined;
  if (open) {
    for (let k = 0; k < open.length - 1; k++) {
      openElement(open[k]!);
    }
    const last = open[open.length - 1]!;
    holder = new XmlElement(last.name, last.start, last.end, last.attributes, NO_CHILDREN);
    holder.startTagEnd = last.startTagEnd;
    holder.selfClosing = last.selfClosing;
    holder.closeNameStart = last.closeNameStart;
    holder.closeNameEnd = last.closeNameEnd;
    holder.parent = last.parent;
    openElement(holder);
  }

  for (const e of lexErrors) {
    const bad = text.slice(e.offset, e.offset + Math.min(e.length, 20));
    errors.push({
      message: `Unexpected character${e.length > 1 ? 's' : ''} ${JSON.stringify(bad)}.`,
      span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
    });
  }

  // Line starts, built on first use (only recovery needs columns); binary search keeps deep,
  // single-line documents linear.
  let lineStarts: number[] | undefined;
  const columnOf = (offset: number): number => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) {
        lineStarts.push(k + 1);
      }
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return offset - lineStarts[lo]!;
  };

  const place = (el: XmlElement): void => {
    const parent = stack[stack.length - 1];
    if (parent) {
      el.parent = parent;
      adopt(parent, el);
    } else {
      if (roots.length > 0) {
        errors.push({ message: `A document has one root element; <${el.name}> is a second one.`, span: el.nameSpan });
      }
      roots.push(el);
    }
  };

  /**
   * Closes stack[depth..top]. With 'matched', stack[depth] met its own close tag; every other
   * element in the range is closed implicitly. Implicitly closed elements hand back children
   * indented no deeper than themselves. Working from the outermost element inwards moves each
   * child once, so deep documents stay linear.
   */
  const closeDownTo = (depth: number, endOffset: number, how: 'matched' | 'eof'): void => {
    if (depth < floor) {
      breached = true;
      return;
    }
    if (how === 'matched' && depth === stack.length - 1) {
      // The usual case: the innermost element meets its own close tag.
      const el = stack.pop()!;
      openNames.set(el.name, openNames.get(el.name)! - 1);
      el.end = endOffset;
      if (el.children !== NO_CHILDREN) {
        el.children = el.children.slice(); // a pushed array keeps spare room; these children are final
      }
      return;
    }
    const popped = stack.splice(depth);
    for (const el of popped) {
      openNames.set(el.name, (openNames.get(el.name) ?? 1) - 1);
    }
    const implicit = how === 'matched' ? popped.slice(1) : popped;
    if (how === 'matched') {
      popped[0]!.end = endOffset;
    }
    for (const el of implicit) {
      el.wellFormed = false;
      if (!brokenStart.has(el)) {
        errors.push({ message: `<${el.name}> is never closed.`, span: el.nameSpan });
      }
      const parent = el.parent;
      if (parent) {
        const col = columnOf(el.start);
        const idx = el.children.findIndex((c) => columnOf(c.start) <= col);
        if (idx >= 0) {
          const moved = el.children.splice(idx);
          for (const c of moved) {
            c.parent = parent;
            adopt(parent, c);
          }
        }
      }
    }
    for (let k = implicit.length - 1; k >= 0; k--) {
      const el = implicit[k]!;
      const last = el.children[el.children.length - 1];
      el.end = Math.max(el.startTagEnd, last ? last.end : 0, el.textEnd);
    }
    // Arrays grown by push keep spare room; a closed element's children are final.
    for (const el of popped) {
      if (el.children !== NO_CHILDREN) {
        el.children = el.children.slice();
      }
    }
  };

  /** Whitespace between tags: only the element's text grows (and nothing outside the root). */
  const addBlank = (s: number, e: number): void => {
    const top = stack[stack.length - 1];
    if (top) {
      top.text += word(s, e);
    }
  };

  const addText = (s: string, span: Span, raw: boolean): void => {
    const top = stack[stack.length - 1];
    const isBlank = /^\s*$/.test(s);
    if (!top) {
      if (!isBlank) {
        // Point at the text itself, not at the line breaks around it.
        const lead = s.length - s.trimStart().length;
        const trail = s.length - s.trimEnd().length;
        errors.push({ message: 'Text outside the root element.', span: { start: span.start + lead, end: span.end - trail } });
      }
      return;
    }
    top.text += raw ? s : decodeEntities(s);
    if (!isBlank) {
      const lead = s.length - s.trimStart().length;
      const trail = s.length - s.trimEnd().length;
      if (top.textStart < 0) {
        top.textStart = span.start + lead;
      }
      top.textEnd = span.end - trail;
    }
  };

  let i = 0;
  while (i < n) {
    const k = K[i]!;
    switch (k) {
      case Tok.Open:
      case Tok.InvalidOpenInside:
        i = startTag(i);
        break;
      case Tok.SlashOpen:
      case Tok.InvalidSlashOpen:
        i = endTag(i);
        break;
      case Tok.SeaWs:
        addBlank(S[i]!, E[i]!);
        i++;
        break;
      case Tok.Text:
        addText(image(i), tokenSpan(i), true);
        i++;
        break;
      case Tok.EntityRef:
      case Tok.CharRef: {
        let ref = image(i);
        const span = tokenSpan(i);
        i++;
        // @xml-tools' CharRef pattern (/&#\d+;|&#x[a-fA-F0-9]/, kept in lex.ts) stops after the first hex digit of
        // '&#x263A;': the rest of the reference is at the start of the next text token.
        if (ref.startsWith('&#x') && !ref.endsWith(';') && kindAt(i) === Tok.Text && S[i] === span.end) {
          const nextImage = image(i);
          const rest = /^[0-9a-fA-F]*;/.exec(nextImage);
          if (rest) {
            ref += rest[0];
            span.end += rest[0].length;
            const after = nextImage.slice(rest[0].length);
            const decodedRef = decodeEntities(ref);
            addText(decodedRef, span, true);
            if (decodedRef === ref) {
              errors.push({ message: `Unknown entity ${ref}.`, span });
            }
            if (after) {
              addText(after, { start: span.end, end: span.end + after.length }, true);
            }
            i++;
            break;
          }
        }
        const decoded = decodeEntities(ref);
        if (decoded === ref) {
          errors.push({ message: `Unknown entity ${ref}.`, span });
        }
        addText(decoded, span, true);
        break;
      }
      case Tok.CData:
        addText(text.slice(S[i]! + 9, E[i]! - 3), tokenSpan(i), true);
        i++;
        break;
      case Tok.Comment: {
        const span = tokenSpan(i);
        comments.push(span);
        // XML forbids '--' inside a comment (and a '-' just before '-->'); libxml2, so libvirt, refuses the file.
        const inner = text.slice(span.start + 4, span.end - 3);
        const dashes = inner.endsWith('-') ? inner.length - 1 : inner.indexOf('--');
        if (dashes >= 0) {
          errors.push({
            message: "A comment cannot contain '--' (nor end with '--->'): libvirt refuses the file.",
            span: { start: span.start + 4 + dashes, end: span.start + 4 + dashes + (inner.endsWith('-') ? 1 : 2) },
          });
        }
        i++;
        break;
      }
      case Tok.XmlDeclOpen:
      case Tok.DocType:
        i = skipDeclaration(i, k === Tok.XmlDeclOpen ? Tok.SpecialClose : Tok.Close);
        break;
      case Tok.Pi:
        i++;
        break;
      default:
        errors.push({ message: `Unexpected ${JSON.stringify(image(i))}.`, span: tokenSpan(i) });
        i++;
    }
  }
  if (holder) {
    if (breached || stack.length !== floor || !holder.wellFormed) {
      return undefined;
    }
    errors.sort((a, b) => a.span.start - b.span.start);
    return { children: holder.children === NO_CHILDREN ? [] : holder.children, holder, errors, comments };
  }
  if (stack.length > 0) {
    closeDownTo(0, text.length, 'eof');
  }
  const root = roots[0];
  if (!root && !/^\s*$/.test(text) && errors.length === 0) {
    errors.push({ message: 'The document has no root element.', span: { start: 0, end: Math.min(1, text.length) } });
  }
  errors.sort((a, b) => a.span.start - b.span.start);
  return { text, root, errors, comments };

  function skipDeclaration(from: number, closer: number): number {
    let j = from + 1;
    while (j < n) {
      const k = K[j]!;
      if (k === closer) {
        return j + 1;
      }
      if (k === Tok.Open || k === Tok.InvalidOpenInside || k === Tok.SlashOpen || k === Tok.InvalidSlashOpen) {
        break;
      }
      j++;
    }
    errors.push({ message: 'Unterminated declaration.', span: tokenSpan(from) });
    return j;
  }

  function startTag(from: number): number {
    let j = from + 1;
    const nameTok = j;
    if (kindAt(j) !== Tok.Name || S[j] !== E[from]) {
      errors.push({ message: "Expected an element name after '<'.", span: tokenSpan(from) });
      return j;
    }
    j++;
    const el = new XmlElement(word(S[nameTok]!, E[nameTok]!), S[from]!, E[nameTok]!, NO_ATTRIBUTES, NO_CHILDREN);
    /** Attribute names seen, once there are too many to compare one by one. */
    let seen: Set<string> | undefined;
    let terminated: 'open' | 'self' | undefined;
    scratchTop = 0;
    scan: while (j < n && !terminated) {
      switch (K[j]!) {
        case Tok.Close:
          terminated = 'open';
          el.startTagEnd = E[j]!;
          j++;
          break;
        case Tok.SlashClose:
          terminated = 'self';
          el.startTagEnd = E[j]!;
          j++;
          break;
        case Tok.Name: {
          const a = attribute(j);
          j = attributeEnd;
          let repeated = false;
          if (scratchTop < 16) {
            for (let k = 0; k < scratchTop; k++) {
              if (scratch[k]!.name === a.name) {
                repeated = true;
                break;
              }
            }
          } else {
            if (!seen) {
              seen = new Set(scratch.slice(0, scratchTop).map((x) => x.name));
            }
            repeated = seen.has(a.name);
            seen.add(a.name);
          }
          if (repeated) {
            errors.push({ message: `Attribute '${a.name}' is repeated.`, span: a.nameSpan });
          }
          scratch[scratchTop++] = a;
          el.startTagEnd = a.end;
          break;
        }
        case Tok.String:
        case Tok.Equals:
        case Tok.Slash:
          errors.push({ message: `Unexpected ${JSON.stringify(image(j))} in the start tag of <${el.name}>.`, span: tokenSpan(j) });
          el.startTagEnd = E[j]!;
          j++;
          break;
        default:
          // Anything else starts new markup: the start tag lost its '>'.
          break scan;
      }
    }
    if (scratchTop > 0) {
      el.attributes = scratch.slice(0, scratchTop); // an array of the exact size (one grown by push keeps room for 17)
    }
    el.end = el.startTagEnd;
    place(el);
    if (terminated === 'self') {
      el.selfClosing = true;
    } else if (terminated === 'open') {
      openElement(el);
    } else {
      errors.push({ message: `The start tag of <${el.name}> has no closing '>'.`, span: el.nameSpan });
      el.wellFormed = false;
      brokenStart.add(el);
      openElement(el);
    }
    return j;
  }

  /** The attribute whose name is token `from`; the token after it goes to attributeEnd. */
  function attribute(from: number): XmlAttribute {
    const nameStart = S[from]!;
    const name = word(nameStart, E[from]!);
    let j = from + 1;
    let a: XmlAttribute;
    if (kindAt(j) === Tok.Equals) {
      const eq = j;
      j++;
      if (kindAt(j) === Tok.String) {
        const vs = S[j]!;
        const ve = E[j]!;
        const raw = ve - vs <= 2 + MAX_WORD ? word(vs + 1, ve - 1) : text.slice(vs + 1, ve - 1);
        a = new XmlAttribute(name, decodeEntities(raw), nameStart, ve, vs);
        j++;
      } else {
        errors.push({ message: `Attribute '${name}' has no quoted value.`, span: { start: nameStart, end: E[eq]! } });
        a = new XmlAttribute(name, undefined, nameStart, E[eq]!, -1);
      }
    } else {
      a = new XmlAttribute(name, undefined, nameStart, E[from]!, -1);
      errors.push({ message: `Attribute '${name}' has no value.`, span: a.nameSpan });
    }
    attributeEnd = j;
    return a;
  }

  function endTag(from: number): number {
    let j = from + 1;
    const nameTok = j;
    if (kindAt(j) !== Tok.Name) {
      errors.push({ message: "Expected an element name after '</'.", span: tokenSpan(from) });
      return j;
    }
    j++;
    const name = word(S[nameTok]!, E[nameTok]!);
    let stop = E[nameTok]!;
    if (kindAt(j) === Tok.Close) {
      stop = E[j]!;
      j++;
    } else {
      errors.push({ message: `The close tag </${name}> has no '>'.`, span: tokenSpan(nameTok) });
    }
    let depth = -1;
    for (let k = (openNames.get(name) ?? 0) > 0 ? stack.length - 1 : -1; k >= 0; k--) {
      if (stack[k]!.name === name) {
        depth = k;
        break;
      }
    }
    const top = stack[stack.length - 1];
    if (depth < 0 && top && nearlySame(top.name, name)) {
      errors.push({ message: `</${name}> does not match <${top.name}>.`, span: tokenSpan(nameTok) });
      top.wellFormed = false;
      depth = stack.length - 1;
    } else if (depth < 0) {
      errors.push({ message: `</${name}> closes no open element.`, span: tokenSpan(nameTok) });
      return j;
    }
    if (depth < floor) {
      breached = true; // closes an element outside a content parse: nothing of it is touched
      return j;
    }
    stack[depth]!.closeNameStart = S[nameTok]!;
    stack[depth]!.closeNameEnd = E[nameTok]!;
    closeDownTo(depth, stop, 'matched');
    return j;
  }
}

/**
 * The parser as it was before the hand-written tokenizer (server/src/syntax/lex.ts): tokens from
 * @xml-tools/parser's chevrotain lexer. Kept only as the reference the new parser is proven
 * equal to (test/unit/syntax/parse-equal.test.ts). Text -> XmlDocument. Never throws.
 *
 * Tokens come from @xml-tools/parser's lexer; the tree is built here with an open-element stack
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
 * Spans are half-open [start, end), computed from each token's start offset and text (the
 * lexer's own end offsets are inclusive, and absent with offset-only tracking).
 */
import { tokensDictionary, xmlLexer, type XmlLexer, type XmlToken } from '@xml-tools/parser/lib/lexer';
import type { Span, XmlSyntaxError } from '../../server/src/syntax/tree';

/**
 * The tree as this parser builds it: plain objects with a span object per place (the shape the
 * server's tree had before it kept offsets as numbers on its nodes).
 */
interface XmlAttribute {
  name: string;
  nameSpan: Span;
  value: string | undefined;
  valueSpan: Span | undefined;
  span: Span;
}

interface ReferenceElement {
  name: string;
  nameSpan: Span;
  span: Span;
  startTagEnd: number;
  selfClosing: boolean;
  wellFormed: boolean;
  closeNameSpan: Span | undefined;
  attributes: XmlAttribute[];
  children: ReferenceElement[];
  parent: ReferenceElement | undefined;
  text: string;
  textSpan: Span | undefined;
}

type XmlElement = ReferenceElement;

interface ReferenceDocument {
  text: string;
  root: ReferenceElement | undefined;
  errors: XmlSyntaxError[];
  comments: Span[];
}

/**
 * @xml-tools/parser's own token definitions and modes, in a lexer that tracks offsets only: the
 * stock lexer also computes lines and columns for every token, which we never read (positions are
 * converted at the edge) and which doubles the garbage on large documents.
 */
function offsetOnlyLexer(): XmlLexer {
  const t = (names: string[]): unknown[] => names.map((n) => tokensDictionary[n]);
  const modes = {
    OUTSIDE: t([
      'Comment',
      'CData',
      'DocType',
      'DTD',
      'EntityRef',
      'CharRef',
      'SEA_WS',
      'XMLDeclOpen',
      'SLASH_OPEN',
      'PROCESSING_INSTRUCTION',
      'OPEN',
      'TEXT',
    ]),
    INSIDE: t([
      'Comment',
      'INVALID_SLASH_OPEN',
      'INVALID_OPEN_INSIDE',
      'CLOSE',
      'SPECIAL_CLOSE',
      'SLASH_CLOSE',
      'SLASH',
      'EQUALS',
      'STRING',
      'Name',
      'S',
    ]),
  };
  if (Object.values(modes).some((m) => m.some((x) => x === undefined))) {
    return xmlLexer; // a different @xml-tools/parser version: use its lexer as it is
  }
  return new xmlLexer.constructor({ defaultMode: 'OUTSIDE', modes }, { positionTracking: 'onlyOffset', ensureOptimizations: false });
}

const lexer = offsetOnlyLexer();

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function decodeEntities(s: string): string {
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

/** Tokens carry their start offset and matched text; the half-open end follows from both. */
function end(t: XmlToken): number {
  return t.startOffset + t.image.length;
}

function tokenSpan(t: XmlToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
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

export function referenceParseXml(text: string): ReferenceDocument {
  const { tokens, errors: lexErrors } = lexer.tokenize(text);
  const errors: XmlSyntaxError[] = [];
  const comments: Span[] = [];
  const roots: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const brokenStart = new Set<XmlElement>();
  /**
   * How many elements of each name are open: a close tag that matches none skips the walk down
   * the stack, so a run of stray close tags under deep nesting stays linear.
   */
  const openNames = new Map<string, number>();
  const openElement = (el: XmlElement): void => {
    stack.push(el);
    openNames.set(el.name, (openNames.get(el.name) ?? 0) + 1);
  };

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
      parent.children.push(el);
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
    const popped = stack.splice(depth);
    for (const el of popped) {
      openNames.set(el.name, (openNames.get(el.name) ?? 1) - 1);
    }
    const implicit = how === 'matched' ? popped.slice(1) : popped;
    if (how === 'matched') {
      popped[0]!.span.end = endOffset;
    }
    for (const el of implicit) {
      el.wellFormed = false;
      if (!brokenStart.has(el)) {
        errors.push({ message: `<${el.name}> is never closed.`, span: el.nameSpan });
      }
      const parent = el.parent;
      if (parent) {
        const col = columnOf(el.span.start);
        const idx = el.children.findIndex((c) => columnOf(c.span.start) <= col);
        if (idx >= 0) {
          const moved = el.children.splice(idx);
          for (const c of moved) {
            c.parent = parent;
            parent.children.push(c);
          }
        }
      }
    }
    for (let k = implicit.length - 1; k >= 0; k--) {
      const el = implicit[k]!;
      const last = el.children[el.children.length - 1];
      el.span.end = Math.max(el.startTagEnd, last ? last.span.end : 0, el.textSpan ? el.textSpan.end : 0);
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
      const start = span.start + lead;
      const stop = span.end - trail;
      top.textSpan = top.textSpan ? { start: top.textSpan.start, end: stop } : { start, end: stop };
    }
  };

  let i = 0;
  const n = tokens.length;
  while (i < n) {
    const t = tokens[i]!;
    switch (t.tokenType.name) {
      case 'OPEN':
      case 'INVALID_OPEN_INSIDE':
        i = startTag(i);
        break;
      case 'SLASH_OPEN':
      case 'INVALID_SLASH_OPEN':
        i = endTag(i);
        break;
      case 'TEXT':
      case 'SEA_WS':
        addText(t.image, tokenSpan(t), true);
        i++;
        break;
      case 'EntityRef':
      case 'CharRef': {
        let image = t.image;
        const span = tokenSpan(t);
        i++;
        // @xml-tools' CharRef pattern (/&#\d+;|&#x[a-fA-F0-9]/) stops after the first hex digit of
        // '&#x263A;': the rest of the reference is at the start of the next text token.
        const next = tokens[i];
        if (image.startsWith('&#x') && !image.endsWith(';') && next?.tokenType.name === 'TEXT' && next.startOffset === span.end) {
          const rest = /^[0-9a-fA-F]*;/.exec(next.image);
          if (rest) {
            image += rest[0];
            span.end += rest[0].length;
            const after = next.image.slice(rest[0].length);
            const decodedRef = decodeEntities(image);
            addText(decodedRef, span, true);
            if (decodedRef === image) {
              errors.push({ message: `Unknown entity ${image}.`, span });
            }
            if (after) {
              addText(after, { start: span.end, end: span.end + after.length }, true);
            }
            i++;
            break;
          }
        }
        const decoded = decodeEntities(image);
        if (decoded === image) {
          errors.push({ message: `Unknown entity ${image}.`, span });
        }
        addText(decoded, span, true);
        break;
      }
      case 'CData':
        addText(t.image.slice(9, -3), tokenSpan(t), true);
        i++;
        break;
      case 'Comment': {
        const span = tokenSpan(t);
        comments.push(span);
        // XML forbids '--' inside a comment (and a '-' just before '-->'); libxml2, so libvirt, refuses the file.
        const inner = t.image.slice(4, -3);
        const dashes = inner.endsWith('-') ? inner.length - 1 : inner.indexOf('--');
        if (t.image.endsWith('-->') && dashes >= 0) {
          errors.push({
            message: "A comment cannot contain '--' (nor end with '--->'): libvirt refuses the file.",
            span: { start: span.start + 4 + dashes, end: span.start + 4 + dashes + (inner.endsWith('-') ? 1 : 2) },
          });
        }
        i++;
        break;
      }
      case 'XMLDeclOpen':
      case 'DocType':
        i = skipDeclaration(i, t.tokenType.name === 'XMLDeclOpen' ? 'SPECIAL_CLOSE' : 'CLOSE');
        break;
      case 'PROCESSING_INSTRUCTION':
        i++;
        break;
      default:
        errors.push({ message: `Unexpected ${JSON.stringify(t.image)}.`, span: tokenSpan(t) });
        i++;
    }
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

  function skipDeclaration(from: number, closer: string): number {
    let j = from + 1;
    while (j < n) {
      const name = tokens[j]!.tokenType.name;
      if (name === closer) {
        return j + 1;
      }
      if (name === 'OPEN' || name === 'INVALID_OPEN_INSIDE' || name === 'SLASH_OPEN' || name === 'INVALID_SLASH_OPEN') {
        break;
      }
      j++;
    }
    errors.push({ message: 'Unterminated declaration.', span: tokenSpan(tokens[from]!) });
    return j;
  }

  function startTag(from: number): number {
    const lt = tokens[from]!;
    let j = from + 1;
    const nameTok = tokens[j];
    if (!nameTok || nameTok.tokenType.name !== 'Name' || nameTok.startOffset !== end(lt)) {
      errors.push({ message: "Expected an element name after '<'.", span: tokenSpan(lt) });
      return j;
    }
    j++;
    const el: XmlElement = {
      name: nameTok.image,
      nameSpan: tokenSpan(nameTok),
      span: { start: lt.startOffset, end: end(nameTok) },
      startTagEnd: end(nameTok),
      selfClosing: false,
      wellFormed: true,
      closeNameSpan: undefined,
      attributes: [],
      children: [],
      parent: undefined,
      text: '',
      textSpan: undefined,
    };
    const seen = new Set<string>();
    let terminated: 'open' | 'self' | undefined;
    scan: while (j < n && !terminated) {
      const t = tokens[j]!;
      switch (t.tokenType.name) {
        case 'CLOSE':
          terminated = 'open';
          el.startTagEnd = end(t);
          j++;
          break;
        case 'SLASH_CLOSE':
          terminated = 'self';
          el.startTagEnd = end(t);
          j++;
          break;
        case 'Name': {
          const a = attribute(j);
          j = a.next;
          if (seen.has(a.attr.name)) {
            errors.push({ message: `Attribute '${a.attr.name}' is repeated.`, span: a.attr.nameSpan });
          } else {
            seen.add(a.attr.name);
          }
          el.attributes.push(a.attr);
          el.startTagEnd = a.attr.span.end;
          break;
        }
        case 'STRING':
        case 'EQUALS':
        case 'SLASH':
          errors.push({ message: `Unexpected ${JSON.stringify(t.image)} in the start tag of <${el.name}>.`, span: tokenSpan(t) });
          el.startTagEnd = end(t);
          j++;
          break;
        default:
          // Anything else starts new markup: the start tag lost its '>'.
          break scan;
      }
    }
    el.span.end = el.startTagEnd;
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

  function attribute(from: number): { attr: XmlAttribute; next: number } {
    const nameTok = tokens[from]!;
    const a: XmlAttribute = {
      name: nameTok.image,
      nameSpan: tokenSpan(nameTok),
      value: undefined,
      valueSpan: undefined,
      span: tokenSpan(nameTok),
    };
    let j = from + 1;
    if (tokens[j]?.tokenType.name === 'EQUALS') {
      const eq = tokens[j]!;
      j++;
      const v = tokens[j];
      if (v && v.tokenType.name === 'STRING') {
        a.valueSpan = tokenSpan(v);
        a.value = decodeEntities(v.image.slice(1, -1));
        a.span = { start: a.nameSpan.start, end: end(v) };
        j++;
      } else {
        errors.push({ message: `Attribute '${a.name}' has no quoted value.`, span: { start: a.nameSpan.start, end: end(eq) } });
        a.span = { start: a.nameSpan.start, end: end(eq) };
      }
    } else {
      errors.push({ message: `Attribute '${a.name}' has no value.`, span: a.nameSpan });
    }
    return { attr: a, next: j };
  }

  function endTag(from: number): number {
    const so = tokens[from]!;
    let j = from + 1;
    const nameTok = tokens[j];
    if (!nameTok || nameTok.tokenType.name !== 'Name') {
      errors.push({ message: "Expected an element name after '</'.", span: tokenSpan(so) });
      return j;
    }
    j++;
    let stop = end(nameTok);
    if (tokens[j]?.tokenType.name === 'CLOSE') {
      stop = end(tokens[j]!);
      j++;
    } else {
      errors.push({ message: `The close tag </${nameTok.image}> has no '>'.`, span: tokenSpan(nameTok) });
    }
    const name = nameTok.image;
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
    stack[depth]!.closeNameSpan = tokenSpan(nameTok);
    closeDownTo(depth, stop, 'matched');
    return j;
  }
}

/**
 * What is at the cursor, for completion: an element name being typed, an attribute name, an
 * attribute value, or element content. Works on text that is being typed, so it does not rely on
 * the tree for the tag under the cursor: it scans that tag itself (a start tag without '>', an
 * attribute value without its closing quote). The tree is used for what surrounds the tag: the
 * element whose content the cursor (or the tag) is in, and that element's ancestors.
 *
 * Offsets are 0-based UTF-16 offsets, spans half-open, as everywhere in the engine.
 */
import type { Span, XmlDocument, XmlElement } from '../syntax/tree';

/** An attribute as scanned from the text of a tag (possibly incomplete). */
interface ScannedAttribute {
  name: string;
  nameSpan: Span;
  /** undefined when there is no '=' yet, or '=' without a quote. */
  value: string | undefined;
  /** The value's content without quotes (ends at the closing quote, or where an unterminated value stops). */
  valueSpan: Span | undefined;
  /** The value has an opening quote and no closing one. */
  unterminated?: boolean;
}

/** A start tag as scanned from the text, from '<' on. */
interface ScannedTag {
  name: string;
  /** '<' */
  start: number;
  nameSpan: Span;
  attributes: ScannedAttribute[];
  /** Offset after '>' or '/>'; undefined when the tag has no end (it is being typed). */
  end: number | undefined;
  selfClosing: boolean;
}

interface Common {
  /** The element whose content holds the cursor (or the tag under the cursor); undefined at top level. */
  parent: XmlElement | undefined;
  /** The text the user has typed so far that the completion replaces (for filtering). */
  prefix: string;
  /** What a completion replaces. Contains the cursor; on one line. */
  span: Span;
}

export interface ElementNameContext extends Common {
  kind: 'element-name';
  /** Offset of the '<'. */
  lt: number;
  /** The tag already has attributes or an end after its name: only the name may be replaced. */
  tagHasMore: boolean;
}

export interface AttributeNameContext extends Common {
  kind: 'attribute-name';
  tag: ScannedTag;
  /** The attribute under the cursor already has '=' (so only its name is replaced). */
  hasValue: boolean;
}

export interface AttributeValueContext extends Common {
  kind: 'attribute-value';
  tag: ScannedTag;
  attribute: string;
  /** The quote character in use; '' when the user typed '=' and no quote yet. */
  quote: string;
  /** False when the value has no closing quote yet (the completion adds it). */
  closed: boolean;
}

export interface TextContext extends Common {
  kind: 'text';
}

type CursorContext = ElementNameContext | AttributeNameContext | AttributeValueContext | TextContext | { kind: 'none' };

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[\w.:-]/;
const SPACE = /\s/;

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && NAME_CHAR.test(ch);
}

/** True when the offset is strictly inside a comment, CDATA, declaration or processing instruction. */
function inSpecialMarkup(doc: XmlDocument, offset: number): boolean {
  for (const c of doc.comments) {
    if (c.start < offset && offset < c.end) {
      return true;
    }
    if (c.start >= offset) {
      break;
    }
  }
  // An unterminated comment (being typed) is not in doc.comments: look back for '<!--' without
  // '-->' after it, within a window (a comment opened further up has broken the document anyway).
  const text = doc.text;
  const from = Math.max(0, offset - 20000);
  const window = text.slice(from, offset);
  const open = window.lastIndexOf('<!--');
  if (open >= 0 && text.indexOf('-->', from + open + 4) < 0) {
    return true;
  }
  return false;
}

/** Scans a start tag from its '<'. Stops at '>' outside quotes, at a '<' (a broken tag) or at the end. */
function scanTag(text: string, lt: number): ScannedTag | undefined {
  let i = lt + 1;
  if (!NAME_START.test(text[i] ?? '')) {
    return { name: '', start: lt, nameSpan: { start: i, end: i }, attributes: [], end: undefined, selfClosing: false };
  }
  const nameStart = i;
  while (isNameChar(text[i])) {
    i++;
  }
  const tag: ScannedTag = {
    name: text.slice(nameStart, i),
    start: lt,
    nameSpan: { start: nameStart, end: i },
    attributes: [],
    end: undefined,
    selfClosing: false,
  };
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (SPACE.test(ch)) {
      i++;
      continue;
    }
    if (ch === '>') {
      tag.end = i + 1;
      return tag;
    }
    if (ch === '/' && text[i + 1] === '>') {
      tag.end = i + 2;
      tag.selfClosing = true;
      return tag;
    }
    if (ch === '<') {
      return tag;
    }
    if (!NAME_START.test(ch)) {
      i++; // stray character: skip it
      continue;
    }
    const aStart = i;
    while (isNameChar(text[i])) {
      i++;
    }
    const a: ScannedAttribute = {
      name: text.slice(aStart, i),
      nameSpan: { start: aStart, end: i },
      value: undefined,
      valueSpan: undefined,
    };
    tag.attributes.push(a);
    let j = i;
    while (j < n && SPACE.test(text[j]!)) {
      j++;
    }
    if (text[j] !== '=') {
      continue;
    }
    j++;
    while (j < n && SPACE.test(text[j]!)) {
      j++;
    }
    const q = text[j];
    if (q !== "'" && q !== '"') {
      a.valueSpan = { start: j, end: j };
      i = j;
      continue;
    }
    const vStart = j + 1;
    let k = vStart;
    while (k < n && text[k] !== q && text[k] !== '<') {
      k++;
    }
    if (text[k] === q) {
      a.value = text.slice(vStart, k);
      a.valueSpan = { start: vStart, end: k };
      i = k + 1;
    } else {
      // Unterminated: the value is the run of non-space characters after the quote.
      let e = vStart;
      while (e < k && !SPACE.test(text[e]!) && text[e] !== '>' && text[e] !== '/') {
        e++;
      }
      a.value = text.slice(vStart, e);
      a.valueSpan = { start: vStart, end: e };
      a.unterminated = true;
      i = e;
    }
  }
  return tag;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Leading whitespace width of the line holding `offset`, counted up to the offset at most. */
function indentBefore(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let i = lineStart;
  while (i < offset && (text[i] === ' ' || text[i] === '\t')) {
    i++;
  }
  return i - lineStart;
}

/** The last element of a sorted list whose start is before `offset`. */
function lastBefore(list: readonly XmlElement[], offset: number): XmlElement | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found: XmlElement | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const el = list[mid]!;
    if (el.span.start < offset) {
      found = el;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** True when `offset` is in the content of `el` (between its start tag and its close tag). */
function contentHolds(text: string, el: XmlElement, offset: number, siblingAfter: XmlElement | undefined): boolean {
  if (el.selfClosing || text[el.startTagEnd - 1] !== '>' || offset < el.startTagEnd) {
    return false;
  }
  if (el.closeNameSpan) {
    return offset <= el.closeNameSpan.start - 2;
  }
  if (offset <= el.span.end) {
    return true;
  }
  // Never closed: what is indented deeper than the element still belongs to it, up to the next sibling.
  if (siblingAfter && siblingAfter.span.start < offset) {
    return false;
  }
  return indentBefore(text, offset) > columnOf(text, el.span.start);
}

/** The innermost element whose content holds the offset (undefined at top level). */
function enclosingElement(doc: XmlDocument, offset: number): XmlElement | undefined {
  const root = doc.root;
  if (!root || !contentHolds(doc.text, root, offset, undefined)) {
    return undefined;
  }
  let cur = root;
  for (;;) {
    const c = lastBefore(cur.children, offset);
    if (!c) {
      return cur;
    }
    const idx = cur.children.indexOf(c);
    if (!contentHolds(doc.text, c, offset, cur.children[idx + 1])) {
      return cur;
    }
    cur = c;
  }
}

/** The element the tree built for the tag starting at `lt`, if any. */
export function elementStartingAt(doc: XmlDocument, lt: number): XmlElement | undefined {
  let list: readonly XmlElement[] = doc.root ? [doc.root] : [];
  for (;;) {
    const c = lastBefore(list, lt + 1);
    if (!c) {
      return undefined;
    }
    if (c.span.start === lt) {
      return c;
    }
    list = c.children;
  }
}

/** What is at `offset` in the document. */
export function cursorContext(doc: XmlDocument, offset: number): CursorContext {
  const text = doc.text;
  if (offset < 0 || offset > text.length || inSpecialMarkup(doc, offset)) {
    return { kind: 'none' };
  }
  // The nearest '<' or '>' before the cursor says whether the cursor is in a tag.
  let p = offset - 1;
  while (p >= 0 && text[p] !== '<' && text[p] !== '>') {
    p--;
  }
  if (p >= 0 && text[p] === '<') {
    const next = text[p + 1];
    if (next === '/' || next === '!' || next === '?') {
      return { kind: 'none' };
    }
    return tagContext(doc, p, offset);
  }
  if (p >= 0 && text[p] === '>') {
    // The '>' may still belong to an attribute value ('a>b'): then it is not the end of a tag.
    const lt = text.lastIndexOf('<', p);
    if (lt >= 0 && text[lt + 1] !== '/' && text[lt + 1] !== '!' && text[lt + 1] !== '?') {
      const tag = scanTag(text, lt);
      if (tag && tag.end !== undefined && tag.end > offset) {
        return tagContext(doc, lt, offset);
      }
    }
  }
  const parent = enclosingElement(doc, offset);
  if (!parent && doc.root && offset > doc.root.span.start && offset < doc.root.span.end) {
    return { kind: 'none' };
  }
  let s = offset;
  while (s > 0 && isNameChar(text[s - 1])) {
    s--;
  }
  let e = offset;
  while (isNameChar(text[e])) {
    e++;
  }
  return { kind: 'text', parent, prefix: text.slice(s, offset), span: { start: s, end: e } };
}

function tagContext(doc: XmlDocument, lt: number, offset: number): CursorContext {
  const text = doc.text;
  const tag = scanTag(text, lt);
  if (!tag) {
    return { kind: 'none' };
  }
  const parent = enclosingElement(doc, lt);
  if (offset <= tag.nameSpan.end) {
    // In the element name (or right after '<').
    let rest = tag.nameSpan.end;
    while (rest < text.length && (text[rest] === ' ' || text[rest] === '\t')) {
      rest++;
    }
    const tagHasMore =
      tag.attributes.length > 0 ||
      tag.end !== undefined ||
      (rest < text.length && text[rest] !== '\n' && text[rest] !== '\r' && text[rest] !== '<');
    return {
      kind: 'element-name',
      parent,
      lt,
      prefix: text.slice(tag.nameSpan.start, offset),
      span: { start: tag.nameSpan.start, end: tag.nameSpan.end },
      tagHasMore,
    };
  }
  if (tag.end !== undefined && offset >= tag.end) {
    return { kind: 'none' };
  }
  for (const a of tag.attributes) {
    if (a.nameSpan.start <= offset && offset <= a.nameSpan.end) {
      return {
        kind: 'attribute-name',
        parent,
        tag,
        hasValue: a.valueSpan !== undefined,
        prefix: text.slice(a.nameSpan.start, offset),
        span: { start: a.nameSpan.start, end: a.nameSpan.end },
      };
    }
    const vs = a.valueSpan;
    if (vs && vs.start <= offset && offset <= vs.end) {
      const quote = a.value === undefined ? '' : (text[vs.start - 1] ?? "'");
      return {
        kind: 'attribute-value',
        parent,
        tag,
        attribute: a.name,
        quote,
        closed: a.value !== undefined && !a.unterminated,
        prefix: text.slice(vs.start, offset),
        span: { start: vs.start, end: vs.end },
      };
    }
  }
  // Between attributes: after whitespace a new attribute name may start.
  if (!SPACE.test(text[offset - 1] ?? '')) {
    return { kind: 'none' };
  }
  return { kind: 'attribute-name', parent, tag, hasValue: false, prefix: '', span: { start: offset, end: offset } };
}

/** The attributes of a scanned tag as a name -> value record, leaving one out. */
export function tagAttributes(tag: ScannedTag, except?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of tag.attributes) {
    if (a.name !== except && a.value !== undefined && !(a.name in out)) {
      out[a.name] = a.value;
    }
  }
  return out;
}

/** The attributes of a tree element as a name -> value record. */
export function elementAttributes(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of el.attributes) {
    if (a.value !== undefined && !(a.name in out)) {
      out[a.name] = a.value;
    }
  }
  return out;
}

/** The element and its ancestors, outermost first. */
export function ancestry(el: XmlElement | undefined): XmlElement[] {
  const out: XmlElement[] = [];
  for (let cur = el; cur; cur = cur.parent) {
    out.push(cur);
  }
  return out.reverse();
}

/**
 * The light XML tree the rest of the server works on. Offsets are 0-based UTF-16 code-unit
 * offsets into the document text, and every span is half-open: [start, end).
 *
 * The tree is a value: later layers point into it and never change it.
 */

export interface Span {
  start: number;
  end: number;
}

export interface XmlAttribute {
  name: string;
  nameSpan: Span;
  /** The value with quotes removed and entities decoded; undefined when the attribute has no value. */
  value: string | undefined;
  /** The span of the value including its quotes. */
  valueSpan: Span | undefined;
  /** From the first character of the name to the closing quote. */
  span: Span;
}

export interface XmlElement {
  name: string;
  nameSpan: Span;
  /** From '<' to the end of the close tag (or to the end of what belongs to the element when broken). */
  span: Span;
  /** Offset just after the start tag's '>' or '/>' (or where the broken start tag ends). */
  startTagEnd: number;
  selfClosing: boolean;
  /** False when the start tag has no '>' or when no matching close tag was found. */
  wellFormed: boolean;
  closeNameSpan: Span | undefined;
  attributes: XmlAttribute[];
  children: XmlElement[];
  parent: XmlElement | undefined;
  /** Character data directly inside the element, entities decoded, not trimmed. */
  text: string;
  /** Span of the trimmed character data, when there is any. */
  textSpan: Span | undefined;
}

export interface XmlSyntaxError {
  message: string;
  span: Span;
}

export interface XmlDocument {
  text: string;
  /** The first top-level element, if any. */
  root: XmlElement | undefined;
  errors: XmlSyntaxError[];
  /** Spans of all comments, in order. */
  comments: Span[];
}

export function attr(el: XmlElement, name: string): XmlAttribute | undefined {
  for (const a of el.attributes) {
    if (a.name === name) {
      return a;
    }
  }
  return undefined;
}

export function attrValue(el: XmlElement, name: string): string | undefined {
  return attr(el, name)?.value;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.name === name) {
      return c;
    }
  }
  return undefined;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Follows a path of child names; the first match at each step. */
export function descendant(el: XmlElement, ...path: string[]): XmlElement | undefined {
  let cur: XmlElement | undefined = el;
  for (const name of path) {
    cur = cur && child(cur, name);
  }
  return cur;
}

/** Visits every element in document order without recursion (documents may nest very deeply). */
export function forEachElement(root: XmlElement | undefined, visit: (el: XmlElement) => void): void {
  if (!root) {
    return;
  }
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    visit(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      stack.push(el.children[i]!);
    }
  }
}

export function contains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The innermost element whose span contains the offset. */
export function elementAt(root: XmlElement | undefined, offset: number): XmlElement | undefined {
  let found: XmlElement | undefined;
  let cur = root;
  while (cur && cur.span.start <= offset && offset <= cur.span.end) {
    found = cur;
    cur = childAt(cur.children, offset);
  }
  return found;
}

/** The first child whose span holds `offset` (children are in document order: a binary search, for elements with very many children). */
function childAt(children: readonly XmlElement[], offset: number): XmlElement | undefined {
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid]!.span.end < offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const c = children[lo];
  return c && c.span.start <= offset && offset <= c.span.end ? c : undefined;
}

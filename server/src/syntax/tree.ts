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

/**
 * An attribute. Its offsets are plain numbers on the object and its spans are computed when asked
 * for (a big domain has tens of thousands of attributes: three span objects each would triple what
 * the parser allocates and the garbage collector copies). Spans read from it are fresh objects:
 * changing one changes nothing in the tree.
 */
export class XmlAttribute {
  constructor(
    readonly name: string,
    /** The value with quotes removed and entities decoded; undefined when the attribute has no value. */
    public value: string | undefined,
    /** Where the name starts. */
    public start: number,
    /** From the first character of the name to the closing quote (or to the name's end or the '=' when there is no value). */
    public end: number,
    /** Where the value's opening quote is; -1 when the attribute has no quoted value. */
    public valueStart: number
  ) {}

  get nameSpan(): Readonly<Span> {
    return { start: this.start, end: this.start + this.name.length };
  }

  /** The span of the value including its quotes. */
  get valueSpan(): Readonly<Span> | undefined {
    return this.valueStart < 0 ? undefined : { start: this.valueStart, end: this.end };
  }

  /** From the first character of the name to the closing quote. */
  get span(): Readonly<Span> {
    return { start: this.start, end: this.end };
  }
}

/**
 * An element. Like attributes, offsets are numbers on the object and spans are computed on
 * demand; hot loops read `start`/`end` directly.
 */
export class XmlElement {
  /** Offset just after the start tag's '>' or '/>' (or where the broken start tag ends). */
  startTagEnd: number;
  selfClosing = false;
  /** False when the start tag has no '>' or when no matching close tag was found. */
  wellFormed = true;
  /** The close tag's name (it may differ from `name` by a typo the parser forgave); -1 when there is none. */
  closeNameStart = -1;
  closeNameEnd = -1;
  children: XmlElement[];
  parent: XmlElement | undefined = undefined;
  /** Character data directly inside the element, entities decoded, not trimmed. */
  text = '';
  /** The trimmed character data's offsets, -1 when there is none. */
  textStart = -1;
  textEnd = -1;

  constructor(
    readonly name: string,
    /** Offset of '<'. */
    public start: number,
    /** The end of the close tag (or of what belongs to the element when broken). */
    public end: number,
    public attributes: XmlAttribute[],
    children: XmlElement[]
  ) {
    this.startTagEnd = end;
    this.children = children;
  }

  /** From '<' to the end of the close tag (or to the end of what belongs to the element when broken). */
  get span(): Readonly<Span> {
    return { start: this.start, end: this.end };
  }

  get nameSpan(): Readonly<Span> {
    return { start: this.start + 1, end: this.start + 1 + this.name.length };
  }

  get closeNameSpan(): Readonly<Span> | undefined {
    return this.closeNameStart < 0 ? undefined : { start: this.closeNameStart, end: this.closeNameEnd };
  }

  /** Span of the trimmed character data, when there is any. */
  get textSpan(): Readonly<Span> | undefined {
    return this.textStart < 0 ? undefined : { start: this.textStart, end: this.textEnd };
  }
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
  while (cur && cur.start <= offset && offset <= cur.end) {
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
    if (children[mid]!.end < offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const c = children[lo];
  return c && c.start <= offset && offset <= c.end ? c : undefined;
}

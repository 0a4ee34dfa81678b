/**
 * What is under the cursor in a parsed document, for hover and navigation: an element's name
 * (in its start or end tag), an attribute's name or value, or an element's text. Unlike the
 * completion context (context.ts), which scans text being typed, this reads the tree, which is
 * what a finished document hovered or navigated has.
 *
 * Offsets are 0-based UTF-16 offsets and spans half-open, as everywhere in the engine. A cursor
 * right after a word still counts as on it (an editor's caret sits between characters).
 */
import type { ResolvedElement } from '../schema/lookup';
import { resolveElement } from '../schema/walk';
import { elementAt, type Span, type XmlAttribute, type XmlDocument, type XmlElement } from '../syntax/tree';

export type CursorTarget =
  | { kind: 'element'; el: XmlElement; span: Span }
  | { kind: 'attribute-name'; el: XmlElement; attr: XmlAttribute; span: Span }
  | { kind: 'attribute-value'; el: XmlElement; attr: XmlAttribute; span: Span }
  | { kind: 'text'; el: XmlElement; span: Span };

function within(span: Span | undefined, offset: number): boolean {
  return !!span && span.start <= offset && offset <= span.end;
}

/** The value without its quotes, when it has them. */
export function valueContent(a: XmlAttribute): Span | undefined {
  const v = a.valueSpan;
  if (!v) {
    return undefined;
  }
  return v.end - v.start >= 2 ? { start: v.start + 1, end: v.end - 1 } : v;
}

export function targetAt(doc: XmlDocument, offset: number): CursorTarget | undefined {
  const el = elementAt(doc.root, offset);
  if (!el) {
    return undefined;
  }
  if (within(el.nameSpan, offset)) {
    return { kind: 'element', el, span: el.nameSpan };
  }
  if (within(el.closeNameSpan, offset)) {
    return { kind: 'element', el, span: el.closeNameSpan! };
  }
  if (offset < el.startTagEnd) {
    for (const a of el.attributes) {
      if (within(a.nameSpan, offset)) {
        return { kind: 'attribute-name', el, attr: a, span: a.nameSpan };
      }
      if (within(a.valueSpan, offset)) {
        return { kind: 'attribute-value', el, attr: a, span: a.valueSpan! };
      }
    }
    return undefined;
  }
  if (el.textSpan && within(el.textSpan, offset) && !el.children.some((c) => c.span.start <= offset && offset <= c.span.end)) {
    return { kind: 'text', el, span: el.textSpan };
  }
  return undefined;
}

/**
 * The schema element of an element of the document: resolved from the root down, as the
 * structural checks do (a fragment's root under domain/devices). undefined where the schema does
 * not know the element (or an ancestor).
 */
export function schemaElementOf(el: XmlElement): ResolvedElement | undefined {
  return resolveElement(el);
}

/**
 * What an XML editor does with tags, read from the tree: the start and end tag names of one
 * element edited together (linked editing, rename), highlighted together; expand selection from
 * a value outwards; folding by element and comment. Plain data with offsets; lsp/editing.ts
 * speaks LSP.
 */
import type { DomainModel } from '../model/types';
import { elementAt, type Span, type XmlDocument, type XmlElement } from '../syntax/tree';
import { valueContent } from './cursor';
import { referencesAt } from './navigation';

/** An XML name as libvirt's elements use them (with an optional prefix). */
export const TAG_NAME_PATTERN = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const WHOLE_NAME = new RegExp(`^${TAG_NAME_PATTERN.source}$`);

function within(span: Span | undefined, offset: number): span is Span {
  return !!span && span.start <= offset && offset <= span.end;
}

/** The element whose start or end tag name is under the cursor. */
function tagAt(doc: XmlDocument, offset: number): XmlElement | undefined {
  const el = elementAt(doc.root, offset);
  return el && (within(el.nameSpan, offset) || within(el.closeNameSpan, offset)) ? el : undefined;
}

/** The names of an element's start and end tag when the cursor is on either and both exist with the same name. */
export function linkedTagNames(doc: XmlDocument, offset: number): Span[] | undefined {
  const el = tagAt(doc, offset);
  if (!el || !el.closeNameSpan || doc.text.slice(el.closeNameSpan.start, el.closeNameSpan.end) !== el.name) {
    return undefined;
  }
  return [el.nameSpan, el.closeNameSpan];
}

/** Document highlight: a tag name and its partner; else a controller index and every address naming it. */
export function highlightsAt(doc: XmlDocument, model: DomainModel | undefined, offset: number): Span[] {
  const el = tagAt(doc, offset);
  if (el) {
    return el.closeNameSpan ? [el.nameSpan, el.closeNameSpan] : [el.nameSpan];
  }
  return referencesAt(model, offset, true);
}

type TagRename = { span: Span; placeholder: string } | { error: string } | undefined;

/** Rename on a tag name: the name under the cursor (undefined elsewhere: an index rename may apply). */
export function prepareTagRename(doc: XmlDocument, offset: number): TagRename {
  const el = tagAt(doc, offset);
  if (!el) {
    return undefined;
  }
  const span = within(el.nameSpan, offset) ? el.nameSpan : el.closeNameSpan!;
  return { span, placeholder: el.name };
}

export function renameTag(
  doc: XmlDocument,
  offset: number,
  newName: string
): { edits: { span: Span; newText: string }[] } | { error: string } | undefined {
  const el = tagAt(doc, offset);
  if (!el) {
    return undefined;
  }
  if (!WHOLE_NAME.test(newName)) {
    return { error: `'${newName}' is not an element name.` };
  }
  const spans = el.closeNameSpan ? [el.nameSpan, el.closeNameSpan] : [el.nameSpan];
  return { edits: spans.map((span) => ({ span, newText: newName })) };
}

/**
 * Expand selection, innermost first: the value without quotes, with quotes, the attribute, the
 * start tag, the element, then each enclosing element. On a tag name: the name, the tag, the
 * element... In text: the text, the element...
 */
export function selectionChain(doc: XmlDocument, offset: number): Span[] {
  const out: Span[] = [];
  const push = (s: Span | undefined): void => {
    const last = out[out.length - 1];
    if (s && (!last || (s.start <= last.start && last.end <= s.end && (s.start !== last.start || s.end !== last.end)))) {
      out.push(s);
    }
  };
  const el = tagAt(doc, offset) ?? elementAt(doc.root, offset);
  if (!el) {
    return out;
  }
  const startTag: Span = { start: el.span.start, end: el.startTagEnd };
  if (offset <= el.startTagEnd) {
    const a = el.attributes.find((x) => within(x.span, offset));
    if (a) {
      if (a.valueSpan && within(a.valueSpan, offset) && offset > a.nameSpan.end) {
        push(valueContent(a));
        push(a.valueSpan);
      } else {
        push(a.nameSpan);
      }
      push(a.span);
    } else if (within(el.nameSpan, offset)) {
      push(el.nameSpan);
    }
    push(startTag);
  } else if (within(el.closeNameSpan, offset)) {
    push(el.closeNameSpan);
    push({ start: el.closeNameSpan.start - 2, end: el.span.end });
  } else if (within(el.textSpan, offset)) {
    push(el.textSpan);
  }
  for (let p: XmlElement | undefined = el; p; p = p.parent) {
    push(p.span);
  }
  return out;
}

interface Fold {
  kind: 'element' | 'comment';
  /** For an element, from its '<' to the start of its close tag (which stays visible); a comment whole. */
  span: Span;
}

/** Folds: every element with content and every comment; the edge keeps those that span lines. */
export function folds(doc: XmlDocument): Fold[] {
  const out: Fold[] = [];
  const stack: XmlElement[] = doc.root ? [doc.root] : [];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (!el.selfClosing) {
      const end = el.closeNameSpan ? el.closeNameSpan.start - 2 : el.span.end;
      out.push({ kind: 'element', span: { start: el.span.start, end } });
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      stack.push(el.children[i]!);
    }
  }
  for (const c of doc.comments) {
    out.push({ kind: 'comment', span: c });
  }
  return out;
}

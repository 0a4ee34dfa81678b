/**
 * A parsed document brought up to date with an edit, in place, by re-parsing only what the edit
 * touched: the result is the tree parseXml() gives for the new text (a property test checks it
 * over thousands of random edits, test/unit/syntax/splice.test.ts), or undefined when the edit
 * is not one of the local kinds below, and the caller parses the whole text.
 *
 * - An edit inside one attribute value (no quote, '<' or '&' typed or removed): the attribute's
 *   value and spans change, the elements keep their identity.
 * - An edit in an element's content between two untouched children (or inside children it
 *   replaces whole): that stretch is re-parsed with the element's ancestors open
 *   (parse.ts's parseContent), and fails over when the parse would reach outside it.
 * Everything after the edit moves by its length change. Edits near markup whose tokens look far
 * ahead (comments, CDATA, declarations, processing instructions, CR characters) are not local.
 *
 * In place: the caller gives up the previous document (and anything sharing its spans); the
 * elements outside the re-parsed stretch are the same objects, so a model built from the previous
 * version still recognises them.
 */
import { decodeEntities, parseContent } from './parse';
import type { Span, XmlAttribute, XmlDocument, XmlElement, XmlSyntaxError } from './tree';

/** Markup whose tokens depend on text far away: an edit near it is never local. */
const FAR_REACHING = ['<!', '<?', '?>', '-->', ']]>', '\r', '\u2028', '\u2029'];

interface Change {
  /** Start of the change (same in both texts). */
  p: number;
  /** End of the replaced text in the old text, and of the new text in the new one. */
  oldEnd: number;
  newEnd: number;
  delta: number;
}

/** Where two texts differ: the common prefix and suffix taken off. */
export function changeOf(before: string, after: string): Change {
  const max = Math.min(before.length, after.length);
  // Whole chunks first (a flat comparison), then characters.
  const CHUNK = 2048;
  let p = 0;
  while (p + CHUNK <= max && before.slice(p, p + CHUNK) === after.slice(p, p + CHUNK)) {
    p += CHUNK;
  }
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) {
    p++;
  }
  let s = 0;
  const room = max - p;
  while (
    s + CHUNK <= room &&
    before.slice(before.length - s - CHUNK, before.length - s) === after.slice(after.length - s - CHUNK, after.length - s)
  ) {
    s += CHUNK;
  }
  while (s < room && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) {
    s++;
  }
  return { p, oldEnd: before.length - s, newEnd: after.length - s, delta: after.length - before.length };
}

function farReaching(s: string): boolean {
  return FAR_REACHING.some((m) => s.includes(m));
}

/** Where the close tag of a closed element starts ('<' of '</name'), or -1. */
function closeStart(text: string, el: XmlElement): number {
  if (!el.closeNameSpan || el.selfClosing || !el.wellFormed || text.charCodeAt(el.startTagEnd - 1) !== 62) {
    return -1;
  }
  return text.lastIndexOf('</', el.closeNameSpan.start);
}

function shiftAttribute(a: XmlAttribute, d: number): void {
  a.start += d;
  a.end += d;
  if (a.valueStart >= 0) {
    a.valueStart += d;
  }
}

function shiftCloseName(el: XmlElement, d: number): void {
  if (el.closeNameStart >= 0) {
    el.closeNameStart += d;
    el.closeNameEnd += d;
  }
}

/** Moves an element and everything in it by d. */
function shiftTree(root: XmlElement, d: number): void {
  const stack = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    el.start += d;
    el.end += d;
    el.startTagEnd += d;
    shiftCloseName(el, d);
    if (el.textStart >= 0) {
      el.textStart += d;
      el.textEnd += d;
    }
    for (const a of el.attributes) {
      shiftAttribute(a, d);
    }
    for (const c of el.children) {
      stack.push(c);
    }
  }
}

/** An element on the path to the edit: what ends after the edit moves by d. */
function shiftAround(el: XmlElement, at: number, d: number): void {
  el.end += d;
  shiftCloseName(el, d);
  if (el.textStart >= 0) {
    if (el.textStart >= at) {
      el.textStart += d;
    }
    if (el.textEnd >= at) {
      el.textEnd += d;
    }
  }
}

/** The errors and comments of the document with [from, to) (old offsets) replaced and what follows moved. */
function spliceLists(doc: XmlDocument, from: number, to: number, d: number, errors: XmlSyntaxError[], comments: Span[]): void {
  const keptErrors = doc.errors.filter((e) => e.span.start < from);
  const movedErrors = doc.errors
    .filter((e) => e.span.start >= to)
    .map((e) => ({ message: e.message, span: { start: e.span.start + d, end: e.span.end + d } }));
  doc.errors = [...keptErrors, ...errors, ...movedErrors];
  doc.comments = [
    ...doc.comments.filter((c) => c.end <= from),
    ...comments,
    ...doc.comments.filter((c) => c.start >= to).map((c) => ({ start: c.start + d, end: c.end + d })),
  ];
}

/** An edit inside one attribute value. */
function valueEdit(doc: XmlDocument, text: string, ch: Change, path: XmlElement[]): boolean {
  const el = path[path.length - 1]!;
  if (ch.p >= el.startTagEnd) {
    return false;
  }
  const a = el.attributes.find((x) => x.valueSpan && x.valueSpan.start < ch.p && ch.oldEnd < x.valueSpan.end);
  if (!a || !a.valueSpan) {
    return false;
  }
  for (const piece of [doc.text.slice(ch.p, ch.oldEnd), text.slice(ch.p, ch.newEnd)]) {
    if (/['"<&]/.test(piece)) {
      return false;
    }
  }
  const d = ch.delta;
  const at = ch.oldEnd;
  spliceLists(doc, at, at, d, [], []);
  a.value = decodeEntities(text.slice(a.valueStart + 1, a.end - 1 + d));
  a.end += d;
  for (let k = el.attributes.indexOf(a) + 1; k < el.attributes.length; k++) {
    shiftAttribute(el.attributes[k]!, d);
  }
  el.startTagEnd += d;
  moveRest(path, at, d);
  doc.text = text;
  return true;
}

/**
 * The path's elements end after the edit, and the children after the path's next step (or after
 * `after` for the innermost element) start after it: all move by d. `at` is in old offsets.
 */
function moveRest(path: XmlElement[], at: number, d: number): void {
  if (d === 0) {
    return;
  }
  for (let k = 0; k < path.length; k++) {
    const el = path[k]!;
    shiftAround(el, at, d);
    const next = path[k + 1];
    const kids = el.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      const c = kids[i]!;
      if (c === next || c.start < at) {
        break;
      }
      shiftTree(c, d);
    }
  }
}

/** Brings `doc` up to `text` in place; false when the edit is not local (doc is then unchanged). */
export function spliceEdit(doc: XmlDocument, text: string, change?: Change): boolean {
  const old = doc.text;
  if (old === text) {
    return true;
  }
  const ch = change ?? changeOf(old, text);
  const lo = Math.max(0, ch.p - 3);
  if (farReaching(old.slice(lo, ch.oldEnd + 3)) || farReaching(text.slice(lo, ch.newEnd + 3))) {
    return false;
  }
  const root = doc.root;
  if (!root) {
    return false;
  }
  // An element closed implicitly hands back children by their columns, which an edit moves on
  // its line: documents needing that recovery are parsed whole.
  if (doc.errors.some((e) => e.message.endsWith(' is never closed.') || e.message.endsWith("has no closing '>'."))) {
    return false;
  }
  // Down to the innermost element whose content holds the whole change.
  const path: XmlElement[] = [];
  let cur: XmlElement | undefined = root;
  while (cur) {
    const cs = closeStart(old, cur);
    if (cs < 0 || ch.p < cur.startTagEnd || ch.oldEnd > cs) {
      // Not in cur's content: in its start tag (an attribute value) or not local.
      return cur !== root && path.length > 0 && valueEdit(doc, text, ch, [...path, cur]);
    }
    path.push(cur);
    let inner: XmlElement | undefined;
    for (const c of cur.children) {
      if (c.start <= ch.p && ch.oldEnd <= c.end) {
        inner = c;
        break;
      }
      if (c.start > ch.oldEnd) {
        break;
      }
    }
    if (!inner) {
      break;
    }
    const ics = closeStart(old, inner);
    if (ics < 0 || ch.p < inner.startTagEnd || ch.oldEnd > ics) {
      if (ch.p < inner.startTagEnd && valueEdit(doc, text, ch, [...path, inner])) {
        return true;
      }
      break; // the child is re-parsed whole
    }
    cur = inner;
  }
  const el = path[path.length - 1]!;
  const kids = el.children;

  // Every child closed where it ends: none is open across the stretch re-parsed.
  for (const c of kids) {
    if (!c.wellFormed) {
      return false;
    }
  }
  // The stretch: from the end of the last child before the change to the start of the first after it.
  let first = 0;
  while (first < kids.length && kids[first]!.end <= ch.p && old.charCodeAt(kids[first]!.end - 1) === 62) {
    first++;
  }
  let last = kids.length;
  while (last > first && kids[last - 1]!.start >= ch.oldEnd) {
    last--;
  }
  // The child at the start of the stretch must not end exactly at the change unless it ends with '>'.
  const from = first > 0 ? kids[first - 1]!.end : el.startTagEnd;
  const to = last < kids.length ? kids[last]!.start : closeStart(old, el);
  if (from > ch.p || to < ch.oldEnd) {
    return false;
  }
  // Text before the stretch parsed without errors: an element left open there (closed
  // implicitly further on, its children handed back) would be on the parser's stack although the
  // tree shows it elsewhere, and a quote that found no partner may find one in the new text.
  if (doc.errors.length > 0 && doc.errors[0]!.span.start < from) {
    return false;
  }
  const d = ch.delta;
  // Direct text before and after the stretch, which is only whitespace and plain text (checked).
  // (After a close tag without '>' the lexer is still in a tag and skips whitespace: not plain.)
  const gapLength = (a: number, b: number): number => {
    if (b > a && old.charCodeAt(a - 1) !== 62) {
      return -1;
    }
    for (let q = a; q < b; q++) {
      const c = old.charCodeAt(q);
      if (c === 60 || c === 38) {
        return -1;
      }
    }
    return b - a;
  };
  let before = 0;
  let after = 0;
  for (let i = 0; i <= first; i++) {
    const a = i === 0 ? el.startTagEnd : kids[i - 1]!.end;
    const b = i === first ? from : kids[i]!.start;
    const g = gapLength(a, b);
    if (g < 0) {
      return false;
    }
    before += g;
  }
  for (let i = last; i <= kids.length; i++) {
    const a = i === last ? to : kids[i - 1]!.end;
    const b = i === kids.length ? closeStart(old, el) : kids[i]!.start;
    const g = gapLength(a, b);
    if (g < 0) {
      return false;
    }
    after += g;
  }
  if (before + after > el.text.length) {
    return false;
  }
  const parsed = parseContent(text, from, to + d, path);
  if (!parsed) {
    return false;
  }
  // The trimmed text's span: its ends must not lie in the stretch replaced.
  const ts = el.textSpan;
  const held = parsed.holder.textSpan;
  let textSpan: Readonly<Span> | undefined;
  if (!ts) {
    textSpan = held;
  } else if (ts.end <= from) {
    textSpan = held ? { start: ts.start, end: held.end } : ts;
  } else if (ts.start >= to) {
    textSpan = held ? { start: held.start, end: ts.end + d } : { start: ts.start + d, end: ts.end + d };
  } else if (ts.start < from && ts.end > to) {
    textSpan = { start: ts.start, end: ts.end + d };
  } else if (ts.start >= from && ts.end <= to) {
    textSpan = held; // only blanks around the stretch
  } else {
    return false;
  }
  // From here on the document changes.
  spliceLists(doc, from, to, d, parsed.errors, parsed.comments);
  for (const c of parsed.children) {
    c.parent = el;
  }
  for (let i = last; i < kids.length; i++) {
    shiftTree(kids[i]!, d);
  }
  el.children = [...kids.slice(0, first), ...parsed.children, ...kids.slice(last)];
  el.text = el.text.slice(0, before) + parsed.holder.text + el.text.slice(el.text.length - after);
  el.textStart = textSpan ? textSpan.start : -1;
  el.textEnd = textSpan ? textSpan.end : -1;
  el.end += d;
  shiftCloseName(el, d);
  moveRest(path.slice(0, -1), to, d);
  doc.text = text;
  return true;
}

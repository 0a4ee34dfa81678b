/**
 * Formatting in the layout `virsh dumpxml` prints: one element per line, children indented by one
 * unit (two spaces unless the editor says otherwise), all attributes of a start tag on its line,
 * `<x/>` for an element without content, attribute values in single quotes (or as configured).
 *
 * What carries meaning is never touched: attribute values are copied as written (entities
 * included), and an element holding text or CDATA (<name>, <description>, <cmdline>, mixed
 * content) or marked xml:space='preserve' keeps everything between its tags exactly. Comments and
 * processing instructions keep their text; a comment that followed something on the same line
 * stays on that line. Runs of blank lines become one blank line.
 *
 * A document with syntax errors is refused: its tree is a guess, and formatting a guess would
 * move the user's text around. Plain data: spans and strings, no LSP.
 */
import type { Span, XmlDocument, XmlElement } from '../syntax/tree';

export type QuoteStyle = 'single' | 'double' | 'preserve';

export interface FormatOptions {
  /** One level of indentation: two spaces by default, a tab when the editor indents with tabs. */
  indent: string;
  quotes: QuoteStyle;
}

export const DEFAULT_FORMAT_OPTIONS: FormatOptions = { indent: '  ', quotes: 'single' };

interface FormatEdit {
  span: Span;
  newText: string;
}

export type FormatResult = { edits: FormatEdit[] } | { error: string; span: Span };

type ItemKind = 'ws' | 'comment' | 'cdata' | 'pi' | 'decl' | 'text' | 'element';

interface Item {
  kind: ItemKind;
  start: number;
  end: number;
  el?: XmlElement;
}

/** XML white space: space, tab, CR, LF. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Splits markup-free source (between elements) into whitespace, comments, CDATA, PIs, declarations and text. */
function scanGap(text: string, from: number, to: number): Item[] {
  const out: Item[] = [];
  let i = from;
  const push = (kind: ItemKind, end: number): void => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && (kind === 'ws' || kind === 'text')) {
      last.end = end;
    } else {
      out.push({ kind, start: i, end });
    }
    i = end;
  };
  const until = (close: string, kind: ItemKind): void => {
    const k = text.indexOf(close, i + 2);
    push(kind, k < 0 || k + close.length > to ? to : k + close.length);
  };
  while (i < to) {
    const c = text[i]!;
    if (c === '<') {
      if (text.startsWith('<!--', i)) {
        until('-->', 'comment');
      } else if (text.startsWith('<![CDATA[', i)) {
        until(']]>', 'cdata');
      } else if (text.startsWith('<?', i)) {
        until('?>', text.startsWith('<?xml', i) && /\s/.test(text[i + 5] ?? '') ? 'decl' : 'pi');
      } else if (text.startsWith('<!', i)) {
        until('>', 'decl');
      } else {
        push('text', i + 1);
      }
    } else if (isSpace(text.charCodeAt(i))) {
      let k = i + 1;
      while (k < to && isSpace(text.charCodeAt(k))) {
        k++;
      }
      push('ws', k);
    } else {
      let k = i + 1;
      while (k < to && text.charCodeAt(k) !== 60 /* < */ && !isSpace(text.charCodeAt(k))) {
        k++;
      }
      push('text', k);
    }
  }
  return out;
}

/** Where the close tag of a well-formed, not self-closing element starts ('</'). */
function closeTagStart(el: XmlElement): number {
  return el.closeNameSpan!.start - 2;
}

/** The element's content as items: children, and what lies between them. */
function contentItems(text: string, el: XmlElement): Item[] {
  const out: Item[] = [];
  let at = el.startTagEnd;
  for (const c of el.children) {
    out.push(...scanGap(text, at, c.span.start));
    out.push({ kind: 'element', start: c.span.start, end: c.span.end, el: c });
    at = c.span.end;
  }
  out.push(...scanGap(text, at, closeTagStart(el)));
  return out;
}

function preservesSpace(el: XmlElement): boolean {
  return el.attributes.some((a) => a.name === 'xml:space' && a.value === 'preserve');
}

/** How an element's content is written: laid out (children, comments), kept exactly, or empty (<x/>). */
function contentMode(el: XmlElement, items: Item[]): 'layout' | 'keep' | 'empty' {
  if (preservesSpace(el) || items.some((it) => it.kind === 'text' || it.kind === 'cdata')) {
    return 'keep';
  }
  if (items.some((it) => it.kind !== 'ws')) {
    return 'layout';
  }
  return closeTagStart(el) === el.startTagEnd ? 'empty' : 'keep';
}

/** Inside <metadata> lives other applications' XML: libvirt writes it back with its own quotes, and so do we. */
function inMetadata(el: XmlElement): boolean {
  for (let p = el.parent; p; p = p.parent) {
    if (p.name === 'metadata' && !p.parent?.parent) {
      return true;
    }
  }
  return false;
}

class Writer {
  constructor(
    private readonly text: string,
    private readonly opts: FormatOptions,
    private readonly eol: string
  ) {}

  startTag(el: XmlElement, close: '>' | '/>'): string {
    let s = '<' + el.name;
    for (const a of el.attributes) {
      const vs = a.valueSpan!;
      const written = this.text[vs.start]!;
      const raw = this.text.slice(vs.start + 1, vs.end - 1);
      const wanted = this.opts.quotes === 'preserve' || inMetadata(el) ? written : this.opts.quotes === 'single' ? "'" : '"';
      const q = raw.includes(wanted) ? written : wanted;
      s += ` ${a.name}=${q}${raw}${q}`;
    }
    return s + close;
  }

  /** The element as text; lines after the first are indented for `depth`. */
  element(el: XmlElement, depth: number): string {
    if (el.selfClosing) {
      return this.startTag(el, '/>');
    }
    const items = contentItems(this.text, el);
    const mode = contentMode(el, items);
    if (mode === 'empty') {
      return this.startTag(el, '/>');
    }
    const close = `</${el.name}>`;
    if (mode === 'keep') {
      return this.startTag(el, '>') + this.text.slice(el.startTagEnd, closeTagStart(el)) + close;
    }
    return this.startTag(el, '>') + this.items(items, depth + 1, true) + this.eol + this.opts.indent.repeat(depth) + close;
  }

  /**
   * Items one per line at `depth` (each line starts with the line break); a comment that followed
   * something on the same line stays there; blank lines between items become at most one.
   */
  items(items: Item[], depth: number, leadingBreak: boolean): string {
    const pad = this.opts.indent.repeat(depth);
    let out = '';
    let wrote = false;
    let gap = ''; // whitespace since the last item written
    for (const it of items) {
      if (it.kind === 'ws') {
        gap += this.text.slice(it.start, it.end);
        continue;
      }
      const body = it.kind === 'element' ? this.element(it.el!, depth) : this.text.slice(it.start, it.end);
      const breaks = (gap.match(/\n/g) ?? []).length;
      if (wrote && it.kind === 'comment' && breaks === 0) {
        out += ' ' + body;
      } else {
        if (wrote && breaks >= 2) {
          out += this.eol;
        }
        out += (wrote || leadingBreak ? this.eol : '') + pad + body;
      }
      wrote = true;
      gap = '';
    }
    return out;
  }
}

function syntaxRefusal(doc: XmlDocument): FormatResult | undefined {
  const first = doc.errors[0];
  if (!first) {
    return undefined;
  }
  const n = doc.errors.length;
  return {
    error: `Not formatted: the document has ${n} syntax error${n === 1 ? '' : 's'} (the first: ${first.message}). Fix ${n === 1 ? 'it' : 'them'} first.`,
    span: first.span,
  };
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The whole document formatted; an error instead when it has syntax errors. */
export function formatText(
  doc: XmlDocument,
  opts: FormatOptions = DEFAULT_FORMAT_OPTIONS
): { text: string } | { error: string; span: Span } {
  const refusal = syntaxRefusal(doc);
  if (refusal) {
    return refusal as { error: string; span: Span };
  }
  const { text } = doc;
  const root = doc.root;
  if (!root) {
    return { text };
  }
  const eol = eolOf(text);
  const w = new Writer(text, opts, eol);
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const items: Item[] = [
    ...scanGap(text, bom.length, root.span.start),
    { kind: 'element', start: root.span.start, end: root.span.end, el: root },
    ...scanGap(text, root.span.end, text.length),
  ];
  return { text: bom + w.items(items, 0, false) + eol };
}

/** Formatting as edits: one edit for the whole document, none when it is formatted already. */
export function formatDocument(doc: XmlDocument, opts: FormatOptions = DEFAULT_FORMAT_OPTIONS): FormatResult {
  const r = formatText(doc, opts);
  if ('error' in r) {
    return r;
  }
  return { edits: r.text === doc.text ? [] : [{ span: { start: 0, end: doc.text.length }, newText: r.text }] };
}

function depthOf(el: XmlElement): number {
  let d = 0;
  for (let p = el.parent; p; p = p.parent) {
    d++;
  }
  return d;
}

/** Where a line's indentation starts when only whitespace precedes `offset` on its line; else `offset`. */
function lineStartIfBlank(text: string, offset: number): number | undefined {
  let k = offset;
  while (k > 0 && (text[k - 1] === ' ' || text[k - 1] === '\t')) {
    k--;
  }
  return k === 0 || text[k - 1] === '\n' ? k : undefined;
}

/**
 * Formats what the range touches: the run of sibling items it covers inside the innermost
 * element holding it (or that element itself when the range reaches into its tags). Text inside an
 * element whose content is kept exactly is left alone.
 */
export function formatRange(doc: XmlDocument, range: Span, opts: FormatOptions = DEFAULT_FORMAT_OPTIONS): FormatResult {
  const refusal = syntaxRefusal(doc);
  if (refusal) {
    return refusal;
  }
  const { text } = doc;
  const root = doc.root;
  if (!root || range.end <= root.span.start || range.start >= root.span.end) {
    return { edits: [] };
  }
  // innermost element containing the whole range
  let holder = root;
  for (;;) {
    const next = holder.children.find((c) => c.span.start <= range.start && range.end <= c.span.end);
    if (!next) {
      break;
    }
    holder = next;
  }
  if (!(holder.span.start <= range.start && range.end <= holder.span.end)) {
    return formatDocument(doc, opts);
  }
  for (let p: XmlElement | undefined = holder; p; p = p.parent) {
    if (!p.selfClosing && contentMode(p, contentItems(text, p)) === 'keep' && p !== holder) {
      return { edits: [] }; // inside content kept exactly
    }
  }
  const w = new Writer(text, opts, eolOf(text));
  const depth = depthOf(holder);
  const inContent = !holder.selfClosing && range.start >= holder.startTagEnd && range.end <= closeTagStart(holder);
  if (inContent) {
    const items = contentItems(text, holder);
    if (contentMode(holder, items) !== 'layout') {
      return { edits: [] };
    }
    const touched = items.filter((it) => it.kind !== 'ws' && it.end >= range.start && it.start <= range.end);
    if (touched.length === 0) {
      return { edits: [] };
    }
    const first = items.indexOf(touched[0]!);
    const last = items.indexOf(touched[touched.length - 1]!);
    const run = items.slice(first, last + 1);
    const from = lineStartIfBlank(text, run[0]!.start);
    const body = w.items(run, depth + 1, false);
    return edit(text, { start: from ?? run[0]!.start, end: run[run.length - 1]!.end }, from === undefined ? body.trimStart() : body);
  }
  const from = lineStartIfBlank(text, holder.span.start);
  const body = (from === undefined ? '' : opts.indent.repeat(depth)) + w.element(holder, depth);
  return edit(text, { start: from ?? holder.span.start, end: holder.span.end }, body);
}

function edit(text: string, span: Span, newText: string): FormatResult {
  return { edits: text.slice(span.start, span.end) === newText ? [] : [{ span, newText }] };
}

/**
 * Inline suppression comments:
 *
 *     <!-- libvirt-lint-disable-next-line mac-multicast, pci-address-zero: reason -->
 *     <!-- libvirt-lint-disable graphics-vnc-open: reason -->
 *
 * The first hides the codes on the next line, the second from the comment to the end of the file.
 * The reason follows a colon: XML forbids '--' inside a comment, so eslint's `-- reason` would make
 * the file unreadable for libvirt. A code that a comment names but that is never hidden where it
 * applies is reported as `suppression-unused` (after the checks over several domains have run,
 * for the codes they report).
 */
import type { Span, XmlDocument } from '../syntax/tree';
import { CODES, isCode, type Code } from './codes';
import type { Finding, TextEdit } from './types';

interface SuppressedCode {
  code: string;
  span: Span;
  used: boolean;
}

export interface Suppression {
  kind: 'next-line' | 'rest-of-file';
  /** The whole comment, `<!--` to `-->`. */
  comment: Span;
  /** Findings starting in [from, to) are hidden. */
  from: number;
  to: number;
  codes: SuppressedCode[];
}

const DIRECTIVE = /^(\s*)libvirt-lint-(disable-next-line|disable)(?=\s|$)/;

/** The suppression comments of a document, in order. */
export function parseSuppressions(doc: XmlDocument): Suppression[] {
  const out: Suppression[] = [];
  const text = doc.text;
  for (const c of doc.comments) {
    const inner = text.slice(c.start + 4, c.end - 3);
    const m = DIRECTIVE.exec(inner);
    if (!m) {
      continue;
    }
    const listStart = c.start + 4 + m[0].length;
    const colon = text.indexOf(':', listStart);
    const listEnd = colon >= 0 && colon < c.end - 3 ? colon : c.end - 3;
    const codes: SuppressedCode[] = [];
    const re = /[^\s,]+/g;
    const list = text.slice(listStart, listEnd);
    for (let w = re.exec(list); w; w = re.exec(list)) {
      codes.push({ code: w[0], span: { start: listStart + w.index, end: listStart + w.index + w[0].length }, used: false });
    }
    let from: number;
    let to: number;
    if (m[2] === 'disable-next-line') {
      const eol = text.indexOf('\n', c.end);
      from = eol < 0 ? text.length : eol + 1;
      const next = text.indexOf('\n', from);
      to = next < 0 ? text.length : next + 1;
    } else {
      from = c.end;
      to = text.length;
    }
    out.push({ kind: m[2] === 'disable' ? 'rest-of-file' : 'next-line', comment: c, from, to, codes });
  }
  return out;
}

/** The findings no suppression hides; the codes that hide one are marked used. */
export function applySuppressions<F extends Finding>(sups: readonly Suppression[], findings: readonly F[]): F[] {
  if (sups.length === 0) {
    return [...findings];
  }
  return findings.filter((f) => {
    let hidden = false;
    for (const s of sups) {
      if (f.span.start < s.from || f.span.start >= s.to) {
        continue;
      }
      for (const c of s.codes) {
        if (c.code === f.code) {
          c.used = true;
          hidden = true;
        }
      }
    }
    return !hidden;
  });
}

/**
 * `suppression-unused` findings for codes no finding used. `pending(code)` is true for codes
 * whose findings come later (the checks over several domains): those are left for that pass.
 */
export function unusedSuppressions(text: string, sups: readonly Suppression[], pending: (code: Code) => boolean): Finding[] {
  const out: Finding[] = [];
  for (const s of sups) {
    if (s.codes.length === 0) {
      out.push({
        code: 'suppression-unused',
        message: 'This libvirt-lint-disable comment names no code: it hides nothing. Name the codes, separated by commas.',
        span: s.comment,
      });
      continue;
    }
    for (const c of s.codes) {
      if (c.used || (isCode(c.code) && pending(c.code))) {
        continue;
      }
      const where = s.kind === 'next-line' ? 'on the next line' : 'after this comment';
      out.push({
        code: 'suppression-unused',
        message: isCode(c.code)
          ? `'${c.code}' is not reported ${where}: this suppression hides nothing.`
          : `'${c.code}' is no libvirt-lint code (see libvirt-lint --list-codes): this suppression hides nothing.`,
        span: c.span,
        fixes: [{ title: `Remove '${c.code}' from the suppression`, edits: [removeCode(text, s, c)] }],
      });
    }
  }
  return out;
}

/** Removes one code from a comment's list (with its comma), or the whole comment line when it is the only code. */
function removeCode(text: string, s: Suppression, c: SuppressedCode): TextEdit {
  if (s.codes.length === 1) {
    const lineStart = text.lastIndexOf('\n', s.comment.start - 1) + 1;
    const eol = text.indexOf('\n', s.comment.end);
    const lineEnd = eol < 0 ? text.length : eol + 1;
    const alone = /^[ \t]*$/.test(text.slice(lineStart, s.comment.start)) && /^[ \t\r]*\n?$/.test(text.slice(s.comment.end, lineEnd));
    return { span: alone ? { start: lineStart, end: lineEnd } : s.comment, newText: '' };
  }
  const i = s.codes.indexOf(c);
  const other = i === 0 ? s.codes[1]! : s.codes[i - 1]!;
  return i === 0
    ? { span: { start: c.span.start, end: other.span.start }, newText: '' }
    : { span: { start: other.span.end, end: c.span.end }, newText: '' };
}

/**
 * The edit that hides `code` on the line where `offset` is: a disable-next-line comment on its
 * own line just above, indented like that line. When the line above already is such a comment,
 * the code is added to it.
 */
export function suppressEdit(doc: XmlDocument, sups: readonly Suppression[], code: string, offset: number): TextEdit {
  const text = doc.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const existing = sups.find((s) => s.kind === 'next-line' && s.from === lineStart);
  if (existing && existing.codes.length > 0) {
    const last = existing.codes[existing.codes.length - 1]!;
    return { span: { start: last.span.end, end: last.span.end }, newText: `, ${code}` };
  }
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { span: { start: lineStart, end: lineStart }, newText: `${indent}<!-- libvirt-lint-disable-next-line ${code}: reason -->${eol}` };
}

/** Codes reported over several domains: their suppressions are settled by that pass. */
export function isAcrossCode(code: Code): boolean {
  return 'across' in CODES[code];
}

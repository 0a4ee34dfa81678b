/**
 * Helpers that build text edits for fixes, keeping the file's indentation and line endings.
 */
import { allocation, type Allocation } from '../model/allocate';
import type { DomainModel } from '../model/types';
import type { Span, XmlElement } from '../syntax/tree';
import type { Fix, TextEdit } from './types';

/**
 * A fix that takes a free resource from the allocator: built once on a fresh allocation (what the
 * quick fix offers), and kept buildable so Fix All can build it again on its shared allocation.
 * No fix when `build` finds nothing free.
 */
export function claimingFix(model: DomainModel, build: (alloc: Allocation) => Fix | undefined): Fix[] {
  const alloc = allocation(model);
  const fix = build(alloc);
  return fix ? [{ ...fix, claim: { model, build, taken: alloc.reservations() } }] : [];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

let eolOf: { text: string; eol: string } | undefined;

/** The document's line break; remembered for the last text, since a fix per finding asks again. */
function eol(text: string): string {
  if (eolOf?.text !== text) {
    eolOf = { text, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  }
  return eolOf.eol;
}

/** Inserts `markup` on its own line before `el`, with the same indentation. */
export function insertBefore(text: string, el: XmlElement, markup: string): TextEdit {
  const start = lineStart(text, el.span.start);
  const indent = text.slice(start, el.span.start);
  if (/^[ \t]*$/.test(indent)) {
    return { span: { start, end: start }, newText: `${indent}${markup}${eol(text)}` };
  }
  return { span: { start: el.span.start, end: el.span.start }, newText: markup };
}

/** The span of an element together with its indentation and line break when it stands alone on its lines. */
export function wholeLines(text: string, span: Span): Span {
  const start = lineStart(text, span.start);
  if (!/^[ \t]*$/.test(text.slice(start, span.start))) {
    return span;
  }
  let end = span.end;
  while (text[end] === ' ' || text[end] === '\t') {
    end++;
  }
  if (text[end] === '\r') {
    end++;
  }
  if (text[end] === '\n') {
    return { start, end: end + 1 };
  }
  return span;
}

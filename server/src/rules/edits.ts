/**
 * Helpers that build text edits for fixes, keeping the file's indentation and line endings.
 */
import { allocation, type Allocation } from '../model/allocate';
import type { DomainModel } from '../model/types';
import type { Span, XmlElement } from '../syntax/tree';
import type { Fix, TextEdit } from './types';

/** What each unbuilt claimingFix list (by its array) will be built from. */
const pending = new WeakMap<Fix[], { model: DomainModel; build: (alloc: Allocation) => Fix | undefined }>();
/** The array behind each claimingFix list handed out. */
const arrays = new WeakMap<Fix[], Fix[]>();

/** Builds the list's fix, once, into its array. */
function filled(fixes: Fix[]): Fix[] {
  const p = pending.get(fixes);
  if (p) {
    pending.delete(fixes);
    const alloc = allocation(p.model);
    const fix = p.build(alloc);
    if (fix) {
      fixes.push({ ...fix, claim: { model: p.model, build: p.build, taken: alloc.reservations() } });
    }
  }
  return fixes;
}

/** One handler for every list (a handler per list, with its own closures, cost ~770 bytes each). */
const LAZY: ProxyHandler<Fix[]> = {
  get: (t, key): unknown => Reflect.get(filled(t), key),
  has: (t, key) => Reflect.has(filled(t), key),
  ownKeys: (t) => Reflect.ownKeys(filled(t)),
  getOwnPropertyDescriptor: (t, key) => Reflect.getOwnPropertyDescriptor(filled(t), key),
  set: (t, key, value) => Reflect.set(filled(t), key, value),
  deleteProperty: (t, key) => Reflect.deleteProperty(filled(t), key),
  defineProperty: (t, key, desc) => Reflect.defineProperty(filled(t), key, desc),
};

/**
 * A fix that takes a free resource from the allocator: built on a fresh allocation (what the
 * quick fix offers), and kept buildable so Fix All can build it again on its shared allocation.
 * No fix when `build` finds nothing free.
 *
 * Built when first read, not when the finding is made: each build runs the allocator over the
 * whole model, and a document with thousands of clashing devices (the fuzz suite's 10 MB domain:
 * 68,000 such findings) spent time and memory building fixes nobody looked at. An editor reads
 * them for the findings under the cursor (code actions) and for Fix All; the CLI for --fix and
 * its "fixable" mark. To its readers the list is a real array (a Proxy that fills it on the first
 * read of anything).
 */
export function claimingFix(model: DomainModel, build: (alloc: Allocation) => Fix | undefined): Fix[] {
  const fixes: Fix[] = [];
  pending.set(fixes, { model, build });
  const list = new Proxy(fixes, LAZY);
  arrays.set(list, fixes);
  return list;
}

/**
 * True for a list of claimingFix that nobody has read yet: its fix (if any) claims a resource,
 * and asking would build it. Lets a caller that only cares about fixes already shown (one just
 * applied) or about fixes that claim nothing pass over it.
 */
export function fixesUnbuilt(fixes: readonly Fix[] | undefined): boolean {
  const a = fixes && arrays.get(fixes as Fix[]);
  return a !== undefined && pending.has(a);
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

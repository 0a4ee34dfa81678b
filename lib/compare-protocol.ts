/**
 * The custom LSP request with which the VS Code client asks the language server for the semantic
 * diff (server/src/compare/diff.ts) between what a user wrote and what libvirt stored. Shared by
 * both sides (the client may import lib/ only): method name and shapes, no code.
 */
export const COMPARE_DOMAINS_METHOD = 'libvirt/compareDomains';

export interface CompareDomainsParams {
  /** The user's text (a file's content as sent to libvirt). */
  written: string;
  /** What libvirt stored: `virsh dumpxml --inactive NAME`. */
  stored: string;
}

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface CompareEntry {
  kind: 'dropped' | 'added' | 'changed';
  path: string;
  element: string;
  attribute?: string;
  written?: string;
  stored?: string;
  /** In the user's text: what was dropped or changed; for added, the element it was added to. */
  writtenRange?: LspRange;
  /** In libvirt's text. */
  storedRange?: LspRange;
  assigned?: boolean;
  /** For a pinnable assigned element: replace `range` of the user's text with `text` (empty range: insert). */
  pin?: { range: LspRange; text: string };
  message: string;
}

export interface CompareDomainsResult {
  entries: CompareEntry[];
  /** "2 dropped, 9 added or assigned, 1 changed". */
  summary: string;
  errors: string[];
}

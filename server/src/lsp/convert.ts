/**
 * Offsets <-> LSP positions, and findings -> LSP diagnostics. The only place in the server that
 * converts positions.
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReportedFinding } from '../analysis';
import type { Span } from '../syntax/tree';

export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

export function toSpan(doc: TextDocument, range: Range): Span {
  return { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) };
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

const DIAGNOSTIC_SOURCE = 'libvirt';

/**
 * `peer(member)`: the other document a related place is in (findings over several documents);
 * places in documents no longer open are left out.
 */
export function toDiagnostic(
  doc: TextDocument,
  f: ReportedFinding,
  uri: string,
  peer?: (member: number) => TextDocument | undefined
): Diagnostic {
  return {
    range: toRange(doc, f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    relatedInformation: f.related?.flatMap((r) => {
      const other = r.member === undefined ? doc : peer?.(r.member);
      return other ? [{ location: { uri: other === doc ? uri : other.uri, range: toRange(other, r.span) }, message: r.message }] : [];
    }),
  };
}

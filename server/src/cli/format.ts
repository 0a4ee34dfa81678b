/**
 * Output formats of libvirt-lint. Positions are converted here, once, for each file.
 */
import { LineIndex, type Position } from '../common/line-index';
import type { ReportedFinding } from '../analysis';
import { CODES } from '../rules/codes';

/** A document linted together with the others: where a related place of another document is. */
export interface Peer {
  file: string;
  text: string;
}

export interface FileResult {
  file: string;
  text: string;
  findings: ReportedFinding[];
  /** The documents `related[].member` indexes (checks over several domains). */
  peers?: readonly Peer[];
}

interface RelatedPlace {
  file: string;
  message: string;
  range: { start: Position; end: Position };
}

/** The related places of a finding, each with its file and 0-based range; line indexes are built once per text. */
function relatedPlaces(r: FileResult, f: ReportedFinding, indexes: Map<string, LineIndex>): RelatedPlace[] {
  const indexOf = (text: string): LineIndex => {
    let i = indexes.get(text);
    if (!i) {
      indexes.set(text, (i = new LineIndex(text)));
    }
    return i;
  };
  return (f.related ?? []).flatMap((x) => {
    const peer = x.member === undefined ? r : r.peers?.[x.member];
    if (!peer) {
      return [];
    }
    const index = indexOf(peer.text);
    return [{ file: peer.file, message: x.message, range: { start: index.positionAt(x.span.start), end: index.positionAt(x.span.end) } }];
  });
}

interface JsonDiagnostic {
  code: string;
  severity: ReportedFinding['severity'];
  message: string;
  range: { start: Position; end: Position };
  /** Other places involved (in this file or, for conflicts between domains, another one). */
  related?: RelatedPlace[];
}

function toJson(r: FileResult, indexes: Map<string, LineIndex>): { file: string; diagnostics: JsonDiagnostic[] } {
  const index = new LineIndex(r.text);
  return {
    file: r.file,
    diagnostics: r.findings.map((f) => {
      const related = relatedPlaces(r, f, indexes);
      return {
        code: f.code,
        severity: f.severity,
        message: f.message,
        range: { start: index.positionAt(f.span.start), end: index.positionAt(f.span.end) },
        ...(related.length > 0 ? { related } : {}),
      };
    }),
  };
}

export function formatJson(results: FileResult[]): string {
  const indexes = new Map<string, LineIndex>();
  return (
    JSON.stringify(
      results.map((r) => toJson(r, indexes)),
      null,
      2
    ) + '\n'
  );
}

export function formatText(results: FileResult[], color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor = { error: '31;1', warning: '33;1', information: '36;1', hint: '2' } as const;
  const out: string[] = [];
  const totals = { error: 0, warning: 0, information: 0, hint: 0 };
  const indexes = new Map<string, LineIndex>();
  for (const r of results) {
    const index = new LineIndex(r.text);
    for (const f of r.findings) {
      totals[f.severity]++;
      const s = index.positionAt(f.span.start);
      const e = index.positionAt(f.span.end);
      out.push(
        `${paint('1', `${r.file}:${s.line + 1}:${s.character + 1}`)}: ${paint(sevColor[f.severity], f.severity)} ${paint('2', f.code)}: ${f.message}`
      );
      const line = index.lineText(s.line);
      const width = Math.max(1, (e.line === s.line ? e.character : line.length) - s.character);
      out.push(`  ${line.replace(/\t/g, ' ')}`);
      out.push(
        `  ${' '.repeat(s.character)}${paint(sevColor[f.severity], '^'.repeat(Math.min(width, Math.max(1, line.length - s.character))))}`
      );
      for (const x of relatedPlaces(r, f, indexes)) {
        out.push(`  ${paint('2', 'note:')} ${x.file}:${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`);
      }
    }
  }
  const files = results.length;
  out.push(
    `${files} file${files === 1 ? '' : 's'} checked: ${totals.error} error${totals.error === 1 ? '' : 's'}, ` +
      `${totals.warning} warning${totals.warning === 1 ? '' : 's'}, ${totals.information + totals.hint} note${totals.information + totals.hint === 1 ? '' : 's'}`
  );
  return out.join('\n') + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

export function formatSarif(results: FileResult[], version: string): string {
  const rules = Object.entries(CODES).map(([id, info]) => ({
    id,
    shortDescription: { text: info.summary },
    defaultConfiguration: { level: SARIF_LEVEL[info.severity] },
  }));
  const indexes = new Map<string, LineIndex>();
  const region = (range: RelatedPlace['range']) => ({
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  });
  const sarifResults = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.findings.map((f) => {
      const s = index.positionAt(f.span.start);
      const e = index.positionAt(f.span.end);
      const related = relatedPlaces(r, f, indexes);
      return {
        ruleId: f.code,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: r.file.split('\\').join('/') },
              region: { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 },
            },
          },
        ],
        ...(related.length > 0
          ? {
              relatedLocations: related.map((x, id) => ({
                id,
                message: { text: x.message },
                physicalLocation: { artifactLocation: { uri: x.file.split('\\').join('/') }, region: region(x.range) },
              })),
            }
          : {}),
      };
    });
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'libvirt-lint', version, rules } }, columnKind: 'utf16CodeUnits', results: sarifResults }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

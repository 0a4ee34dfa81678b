/**
 * Output formats of libvirt-lint. Positions are converted here, once, for each file.
 */
import { LineIndex, type Position } from '../common/line-index';
import type { ReportedFinding } from '../analysis';
import { CODES } from '../rules/codes';

export interface FileResult {
  file: string;
  text: string;
  findings: ReportedFinding[];
}

interface JsonDiagnostic {
  code: string;
  severity: ReportedFinding['severity'];
  message: string;
  range: { start: Position; end: Position };
}

function toJson(r: FileResult): { file: string; diagnostics: JsonDiagnostic[] } {
  const index = new LineIndex(r.text);
  return {
    file: r.file,
    diagnostics: r.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      range: { start: index.positionAt(f.span.start), end: index.positionAt(f.span.end) },
    })),
  };
}

export function formatJson(results: FileResult[]): string {
  return JSON.stringify(results.map(toJson), null, 2) + '\n';
}

export function formatText(results: FileResult[], color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor = { error: '31;1', warning: '33;1', information: '36;1', hint: '2' } as const;
  const out: string[] = [];
  const totals = { error: 0, warning: 0, information: 0, hint: 0 };
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
  const sarifResults = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.findings.map((f) => {
      const s = index.positionAt(f.span.start);
      const e = index.positionAt(f.span.end);
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

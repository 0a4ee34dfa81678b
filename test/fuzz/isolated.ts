/**
 * Runs one big hostile case in a child process with a hard time limit, so a hang is reported
 * as a failure instead of stalling the whole suite. The child is this same module run as a
 * script: `node isolated.js FILE OPTIONS_JSON`; it prints one JSON line with the outcome.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, type AnalysisOptions } from '../../server/src/analysis';
import { decodeBytes } from '../../server/src/common/read-text';
import { applyEdits, fixAllEdits } from '../../server/src/fixes';

export interface IsolatedResult {
  ok: boolean;
  ms?: number;
  findings?: number;
  error?: string;
  /** True when the child was killed at the time limit. */
  timedOut?: boolean;
}

/** Decode + analyze + fix-all `bytes` in a child process; resolves within `limitMs` (+ start-up). */
export function runIsolated(bytes: Buffer, opts: AnalysisOptions, limitMs: number): Promise<IsolatedResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-isolated-'));
  const file = path.join(dir, 'case.xml');
  fs.writeFileSync(file, bytes);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [__filename, file, JSON.stringify(opts)],
      { timeout: limitMs + 2000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        fs.rmSync(dir, { recursive: true, force: true });
        const line = String(stdout).trim().split('\n').pop() ?? '';
        if (err && (err as { killed?: boolean }).killed) {
          resolve({ ok: false, timedOut: true, error: `no result within ${limitMs} ms (killed)` });
          return;
        }
        try {
          const r = JSON.parse(line) as IsolatedResult;
          resolve(r.ok && r.ms! > limitMs ? { ...r, ok: false, error: `took ${r.ms!.toFixed(0)} ms, limit ${limitMs} ms` } : r);
        } catch {
          resolve({ ok: false, error: `child failed (${err?.message ?? 'no output'}): ${String(stderr).slice(-2000)}` });
        }
      }
    );
  });
}

function child(file: string, optsJson: string): void {
  const bytes = fs.readFileSync(file);
  const t0 = performance.now();
  try {
    const d = decodeBytes(bytes);
    let findings = 0;
    if (!('skip' in d)) {
      const a = analyze(d.text, JSON.parse(optsJson) as AnalysisOptions);
      if (a.internalErrors.length > 0) {
        const e = a.internalErrors[0]!;
        throw new Error(`rule family ${e.family} threw: ${e.error instanceof Error ? e.error.stack : String(e.error)}`);
      }
      for (const f of a.findings) {
        if (!(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= d.text.length)) {
          throw new Error(`${f.code} span outside the text`);
        }
      }
      applyEdits(d.text, fixAllEdits(a.findings));
      findings = a.findings.length;
    }
    process.stdout.write(JSON.stringify({ ok: true, ms: performance.now() - t0, findings }) + '\n');
  } catch (e) {
    process.stdout.write(
      JSON.stringify({ ok: false, ms: performance.now() - t0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }) + '\n'
    );
  }
}

if (require.main === module) {
  child(process.argv[2]!, process.argv[3] ?? '{}');
}

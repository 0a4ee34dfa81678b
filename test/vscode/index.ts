/**
 * The integration tests' entry point, loaded by VS Code's extension host: `run()` is what
 * @vscode/test-electron (desktop) and scripts/vscode/run-in-code-server.mjs (code-server) call.
 * Runs the mocha suites in ./suite and writes the counts to $LIBVIRT_XML_VSCODE_RESULTS (JSON)
 * when that is set, or to out/tap/vscode-results.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface Results {
  passed: number;
  failed: number;
  skipped: number;
  tests: { title: string; state: 'passed' | 'failed' | 'skipped'; ms?: number; error?: string }[];
  vscodeVersion?: string;
}

export async function run(): Promise<void> {
  const vscode = await import('vscode');
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, slow: 5_000 });
  const grep = process.env.LIBVIRT_XML_VSCODE_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  const dir = path.join(__dirname, process.env.LIBVIRT_XML_VSCODE_SUITE_DIR || 'suite');
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) {
      mocha.addFile(path.join(dir, f));
    }
  }
  const results: Results = { passed: 0, failed: 0, skipped: 0, tests: [], vscodeVersion: vscode.version };
  const out = process.env.LIBVIRT_XML_VSCODE_RESULTS || path.resolve(__dirname, '..', '..', 'tap', 'vscode-results.json');
  const save = (): void => {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
  };
  await new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => {
        results.passed++;
        results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
        console.log(`ok - ${t.fullTitle()} (${t.duration ?? 0} ms)`);
        save();
      });
      runner.on('fail', (t, err: Error) => {
        results.failed++;
        results.tests.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) });
        console.log(
          `not ok - ${t.fullTitle()}\n  ${String(err?.stack ?? err)
            .split('\n')
            .join('\n  ')}`
        );
        save();
      });
      runner.on('pending', (t) => {
        results.skipped++;
        results.tests.push({ title: t.fullTitle(), state: 'skipped' });
        console.log(`ok - ${t.fullTitle()} # SKIP`);
        save();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
  save();
  console.log(`# vscode ${vscode.version}: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  if (results.failed > 0) {
    throw new Error(`${results.failed} integration test(s) failed`);
  }
}

/**
 * `npm run test:vscode:electron`: the integration suites in a desktop VS Code downloaded by
 * @vscode/test-electron (on a machine that can reach update.code.visualstudio.com; needs a
 * display, or xvfb-run). VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code instead;
 * VSCODE_VERSION picks a version (default: stable). The same suites run here inside code-server:
 * scripts/vscode/run-in-code-server.mjs (`npm run test:vscode`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { Results } from './index';

const REPO = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-electron-'));
  const ws = path.join(tmp, 'workspace');
  const ud = path.join(tmp, 'user-data');
  fs.cpSync(path.join(REPO, 'test', 'vscode', 'workspace'), ws, { recursive: true });
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(ud, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' })
  );
  const results = path.join(tmp, 'results.json');
  try {
    await runTests({
      version: process.env.VSCODE_VERSION || 'stable',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out', 'test', 'vscode', 'index.js'),
      launchArgs: [
        ws,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        ud,
        '--skip-welcome',
        '--skip-release-notes',
      ],
      extensionTestsEnv: { LIBVIRT_XML_VSCODE_RESULTS: results },
    });
  } catch (e) {
    console.error(`VS Code tests did not pass: ${e instanceof Error ? e.message : String(e)}`);
  }
  let r: Results | undefined;
  try {
    r = JSON.parse(fs.readFileSync(results, 'utf8')) as Results;
  } catch {
    console.error('the tests wrote no results (VS Code could not be downloaded or started?)');
  }
  const tapDir = process.env.TAP_DIR || path.join(REPO, 'out', 'tap');
  fs.mkdirSync(tapDir, { recursive: true });
  fs.writeFileSync(path.join(tapDir, 'vscode-electron.counts'), `${r?.passed ?? 0} ${r ? r.failed : 1} ${r?.skipped ?? 0}\n`);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(r ? `VS Code ${r.vscodeVersion}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped` : 'no results');
  return r && r.failed === 0 && r.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  }
);

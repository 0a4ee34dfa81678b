#!/usr/bin/env node
// @ts-check
// Runs the extension's integration suites (out/test/vscode/index.js, mocha) inside a real VS Code:
// code-server 4.100.3 (VS Code 1.100.3, Node extension host) driven by Debian's Chromium through
// playwright-core. The same suites run on a desktop with `npm run test:vscode:electron`.
//
//   node scripts/vscode/run-in-code-server.mjs [--build] [--grep PATTERN] [--vsix FILE]
//   node scripts/vscode/run-in-code-server.mjs --screenshot docs/screenshot.png
//
// Two sessions, each a fresh code-server + Chromium: test/vscode/suite in a trusted workspace,
// then test/vscode/untrusted in a workspace VS Code does not trust (restricted mode).
// --vsix installs the packaged extension into code-server (code-server --install-extension) and
// runs the same suites against it instead of the working tree (an empty extension is the
// development extension that carries the tests).
// --screenshot runs test/vscode/screenshot instead: a domain with problems and the hover over one,
// saved as a PNG (no counts written).
//
// Writes "PASSED FAILED SKIPPED" to $TAP_DIR/vscode.counts (TAP_DIR defaults to out/tap) and exits
// non-zero when a test failed or a session could not complete. Bounded in time
// (LIBVIRT_XML_VSCODE_TIMEOUT seconds for the whole run, default 600); stops the code-server and
// Chromium it started, also on timeout and on SIGINT/SIGTERM.
//
// Environment: CODE_SERVER (a code-server binary; default: scripts/setup/code-server.sh installs
// one into .cache/code-server), CHROMIUM (default /usr/bin/chromium), LIBVIRT_XML_VSCODE_KEEP=1
// keeps the temporary folders (user data with logs, workspace copy).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TAP_DIR = process.env.TAP_DIR || path.join(REPO, 'out', 'tap');
const TIMEOUT_S = Number(process.env.LIBVIRT_XML_VSCODE_TIMEOUT || 600);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? '') : undefined;
};
const screenshot = opt('--screenshot');
const grep = opt('--grep');
const vsix = opt('--vsix');
const countsFile = path.join(TAP_DIR, 'vscode.counts');

const log = (...a) => console.log('[vscode]', ...a);
let finished = false;
const cleanups = [];

function writeCounts(p, f, s) {
  if (screenshot !== undefined) {
    return;
  }
  fs.mkdirSync(TAP_DIR, { recursive: true });
  fs.writeFileSync(countsFile, `${p} ${f} ${s}\n`);
}

async function cleanup() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch (/** @type {any} */ e) {
      log(`cleanup: ${e?.message ?? e}`);
    }
  }
}

/** @returns {Promise<never>} */
async function fail(message) {
  console.error(`[vscode] error: ${message}`);
  if (!finished) {
    writeCounts(totals.passed, totals.failed + 1, totals.skipped);
  }
  finished = true;
  await cleanup();
  process.exit(1);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => void fail(`interrupted (${sig})`));
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: REPO, ...opts });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

/** Kills a process group we started (detached), politely first. */
async function killGroup(child, name) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const gone = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5000);
  await gone;
  clearTimeout(t);
  log(`${name} (pid ${child.pid}) stopped`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };

/** Runs the suites in out/test/vscode/<suiteDir> in a fresh code-server + Chromium. */
async function session(codeServer, { suiteDir, trusted }) {
  const own = []; // this session's cleanups, run at its end (and by fail() if it never ends)
  const done = async () => {
    while (own.length > 0) {
      const c = own.pop();
      cleanups.splice(cleanups.indexOf(c), 1);
      try {
        await c();
      } catch (/** @type {any} */ e) {
        log(`cleanup: ${e?.message ?? e}`);
      }
    }
  };
  const defer = (fn) => {
    own.push(fn);
    cleanups.push(fn);
  };

  // A fresh user-data dir, extensions dir and copy of the test workspace.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-vscode-'));
  defer(() => {
    if (process.env.LIBVIRT_XML_VSCODE_KEEP === '1') {
      log(`kept ${tmp}`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
  const ud = path.join(tmp, 'user-data');
  const ext = path.join(tmp, 'extensions');
  const ws = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.mkdirSync(ext, { recursive: true });
  fs.cpSync(path.join(REPO, 'test/vscode/workspace'), ws, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    // VS Code for the Web defaults to afterDelay; the desktop (what users run) to off.
    'files.autoSave': 'off',
    'window.commandCenter': false,
    'editor.minimap.enabled': screenshot === undefined,
    ...(trusted
      ? { 'security.workspace.trust.enabled': false }
      : {
          // Restricted mode without the dialog that asks whether to trust the folder.
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
          'security.workspace.trust.emptyWindow': false,
        }),
  };
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  let devExtension = REPO;
  if (vsix !== undefined) {
    const file = path.resolve(vsix);
    if (!fs.existsSync(file)) {
      return fail(`${vsix} not found (npm run package builds it)`);
    }
    const r = sh(codeServer, ['--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', file]);
    log(`code-server --install-extension ${path.relative(REPO, file)}: ${(r.out || r.err).split('\n').pop()}`);
    if (!r.ok || !fs.readdirSync(ext).some((d) => d.startsWith('libvirt-xml.libvirt-xml-'))) {
      return fail(`installing ${vsix} failed:\n${r.out}\n${r.err}`);
    }
    devExtension = path.join(tmp, 'tests-only-extension');
    fs.mkdirSync(devExtension);
    fs.writeFileSync(
      path.join(devExtension, 'package.json'),
      JSON.stringify({ name: 'libvirt-xml-vsix-tests', publisher: 'libvirt-xml-tests', version: '0.0.0', engines: { vscode: '^1.100.0' } })
    );
  }
  const results = path.join(tmp, 'results.json');
  const csLog = path.join(tmp, 'code-server.log');

  // code-server on a free loopback port.
  const cs = spawn(
    codeServer,
    [
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override',
      '--user-data-dir',
      ud,
      '--extensions-dir',
      ext,
      ws,
    ],
    {
      detached: true,
      stdio: ['ignore', fs.openSync(csLog, 'a'), fs.openSync(csLog, 'a')],
      env: {
        ...process.env,
        LIBVIRT_XML_VSCODE_RESULTS: results,
        LIBVIRT_XML_VSCODE_SUITE_DIR: suiteDir,
        LIBVIRT_XML_VSCODE_GREP: grep ?? '',
        LIBVIRT_XML_SCREENSHOT_READY: path.join(tmp, 'screenshot-ready'),
        LIBVIRT_XML_SCREENSHOT_SIGNAL: path.join(tmp, 'screenshot-taken'),
      },
    }
  );
  defer(() => killGroup(cs, 'code-server'));
  let port;
  for (let i = 0; i < 600 && !port; i++) {
    await new Promise((r) => setTimeout(r, 100));
    port = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(csLog, 'utf8'))?.[1];
    if (cs.exitCode !== null) {
      break;
    }
  }
  if (!port) {
    console.error(fs.readFileSync(csLog, 'utf8'));
    return fail('code-server did not start listening within 60 s');
  }
  log(`${suiteDir} (${trusted ? 'trusted' : 'untrusted'} workspace): code-server on 127.0.0.1:${port} (pid ${cs.pid})`);

  // Chromium: the workbench with the extension under development and its tests.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  defer(async () => {
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
    log('chromium stopped');
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  let exitCode;
  const exited = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    if ((/^(ok|not ok|#) /m.test(text) || type === 'error') && !/open-vsx|marketplace|gallery/i.test(text)) {
      console.log(`  ${text}`);
    }
  });
  page.on('pageerror', (e) => log(`page error: ${e.message}`));

  if (screenshot !== undefined) {
    // The scene signals "ready" by writing a file; we take the picture, then tell it to end.
    const ready = path.join(tmp, 'screenshot-ready');
    const signal = path.join(tmp, 'screenshot-taken');
    void (async () => {
      while (!finished && exitCode === undefined) {
        if (fs.existsSync(ready)) {
          await new Promise((r) => setTimeout(r, 800));
          const out = path.resolve(REPO, screenshot || 'docs/screenshot.png');
          fs.mkdirSync(path.dirname(out), { recursive: true });
          await page.screenshot({ path: out });
          log(`screenshot saved: ${path.relative(REPO, out)}`);
          fs.writeFileSync(signal, 'done');
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  }

  const payload = [
    ['extensionDevelopmentPath', remote(devExtension)],
    ['extensionTestsPath', remote(path.join(REPO, 'out/test/vscode/index.js'))],
    ['skipWelcome', 'true'],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  const code = await exited;

  /** @type {{ passed: number, failed: number, skipped: number, tests: { title: string, state: string, error?: string }[], vscodeVersion?: string }} the results test/vscode/index.ts writes */
  let r = { passed: 0, failed: 0, skipped: 0, tests: [] };
  try {
    r = JSON.parse(fs.readFileSync(results, 'utf8'));
  } catch {
    log('the tests wrote no results');
  }
  for (const t of r.tests.filter((x) => x.state === 'failed')) {
    console.log(`\n  FAILED: ${t.title}\n    ${String(t.error).split('\n').slice(0, 12).join('\n    ')}`);
  }
  const failed = r.failed + (code !== 0 && r.failed === 0 ? 1 : 0);
  log(`${suiteDir}: VS Code ${r.vscodeVersion ?? '?'}: ${r.passed} passed, ${failed} failed, ${r.skipped} skipped (exit code ${code})`);
  if (failed > 0 || r.passed + r.skipped === 0) {
    log(`last lines of the code-server log:\n${fs.readFileSync(csLog, 'utf8').split('\n').slice(-20).join('\n')}`);
  }
  await done();
  return { passed: r.passed, failed: failed + (r.passed + r.skipped + failed === 0 ? 1 : 0), skipped: r.skipped };
}

async function main() {
  const deadline = setTimeout(() => void fail(`not finished within ${TIMEOUT_S} s`), TIMEOUT_S * 1000);
  cleanups.push(() => clearTimeout(deadline));

  // What the run needs.
  if (argv.includes('--build')) {
    /** @type {[string, string[]][]} */
    const steps = [
      ['node', ['scripts/build.mjs']],
      ['npx', ['tsc', '-p', 'tsconfig.json']],
    ];
    for (const [cmd, args] of steps) {
      const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit' });
      if (r.status !== 0) {
        return fail(`${cmd} ${args.join(' ')} failed`);
      }
    }
  }
  const needed = ['dist/extension.js', 'dist/server.js', 'out/test/vscode/index.js'];
  const missing = needed.filter((f) => !fs.existsSync(path.join(REPO, f)));
  if (missing.length > 0) {
    return fail(`missing ${missing.join(', ')}: run npm run build && npm run compile-tests (or pass --build)`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    return fail(`${CHROMIUM} not found: install it with scripts/setup/system-deps.sh vscode (or set CHROMIUM)`);
  }
  let codeServer = process.env.CODE_SERVER;
  if (!codeServer) {
    log('code-server: scripts/setup/code-server.sh');
    const r = spawnSync('bash', [path.join(REPO, 'scripts/setup/code-server.sh')], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    codeServer = (r.stdout ?? '').trim().split('\n').pop();
    if (r.status !== 0 || !codeServer) {
      return fail('scripts/setup/code-server.sh could not provide code-server');
    }
  }
  log(sh(codeServer, ['--version']).out.split('\n')[0]);
  // The define/attach tests want a real libvirtd; start one when we can (left running: other
  // suites use it too; scripts/setup/libvirt-daemon.sh stop stops it).
  if (screenshot === undefined && !sh('virsh', ['-q', '-c', 'qemu:///system', 'version']).ok && process.getuid?.() === 0) {
    log('qemu:///system does not answer; starting it with scripts/setup/libvirt-daemon.sh start');
    const r = sh('bash', ['scripts/setup/libvirt-daemon.sh', 'start']);
    log(r.ok ? 'libvirtd started' : `libvirtd could not be started (the tests that need it will be skipped): ${r.err.split('\n').pop()}`);
  }

  const sessions =
    screenshot !== undefined
      ? [{ suiteDir: 'screenshot', trusted: true }]
      : [
          { suiteDir: 'suite', trusted: true },
          { suiteDir: 'untrusted', trusted: false },
        ];
  for (const s of sessions) {
    const r = await session(codeServer, s);
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
  }
  writeCounts(totals.passed, totals.failed, totals.skipped);
  finished = true;
  log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  await cleanup();
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}

main().catch((e) => fail(e?.stack ?? String(e)));

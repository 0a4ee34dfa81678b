/**
 * Not tests: the scenes for the README's pictures of live domains (issue 13), each run alone:
 *   node scripts/vscode/run-in-code-server.mjs --screenshot docs/live-view.png --grep 'libvirt view scene'
 *   node scripts/vscode/run-in-code-server.mjs --screenshot docs/live-diff.png --grep 'classified diff scene'
 * They need qemu:///system; the lxtest-live-* domains they define are undefined afterwards.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { answering, api, open, qemuSystemAnswers, Settings, sleep, waitFor, wsPath } from '../suite/helpers';

const QEMU = 'qemu:///system';
const SHOTS = ['lxtest-live-web', 'lxtest-live-db', 'lxtest-live-dropped'];

function virshLocked(args: string[]): void {
  spawnSync('flock', ['/tmp/libvirt-daemon.lock', 'virsh', '-c', QEMU, ...args], { encoding: 'utf8', timeout: 60_000 });
}

function define(name: string, memoryMiB: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lxtest-live-'));
  const file = path.join(dir, 'd.xml');
  fs.writeFileSync(
    file,
    `<domain type='qemu'><name>${name}</name><memory unit='MiB'>${memoryMiB}</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator><disk type='file' device='disk'><source file='/var/lib/libvirt/images/${name}.qcow2'/><target dev='vda' bus='virtio'/></disk><interface type='network'><source network='default'/><model type='virtio'/></interface></devices></domain>`
  );
  virshLocked(['define', file]);
  fs.rmSync(dir, { recursive: true, force: true });
}

async function picture(): Promise<void> {
  await sleep(1500);
  const ready = process.env.LIBVIRT_XML_SCREENSHOT_READY;
  const taken = process.env.LIBVIRT_XML_SCREENSHOT_SIGNAL;
  if (ready && taken) {
    fs.writeFileSync(ready, 'ready');
    await waitFor('the screenshot', () => fs.existsSync(taken), 60_000);
  }
}

suite('live screenshots', function () {
  this.timeout(180_000);
  const settings = new Settings();
  suiteTeardown(async () => {
    for (const n of SHOTS) {
      virshLocked(['undefine', n]);
    }
    await settings.restore();
  });

  test('libvirt view scene', async function () {
    if (!qemuSystemAnswers()) {
      this.skip();
    }
    await api();
    define('lxtest-live-web', 1024);
    define('lxtest-live-db', 2048);
    await settings.set('libvirt', 'connections', [
      { uri: QEMU, name: 'this host' },
      { uri: 'test:///default', name: 'test driver' },
    ]);
    await vscode.commands.executeCommand('libvirt.domains.focus');
    await vscode.commands.executeCommand('libvirt.refreshDomains');
    const r = await vscode.commands.executeCommand<{ status: string }>('libvirt.openDomain', QEMU, 'lxtest-live-web');
    if (r.status !== 'ok') {
      throw new Error(JSON.stringify(r));
    }
    await vscode.commands.executeCommand('libvirt.domains.focus');
    await picture();
  });

  test('classified diff scene', async function () {
    if (!qemuSystemAnswers()) {
      this.skip();
    }
    await api();
    virshLocked(['undefine', 'lxtest-live-dropped']);
    await settings.set('libvirt', 'connectionUri', QEMU);
    const editor = await open(wsPath('live/lxtest-live-dropped.xml'));
    const { prompter } = answering({ confirmHypervisor: 'Define', defineWithErrors: 'Define Anyway' });
    (await api()).setPrompter(prompter);
    await vscode.commands.executeCommand('libvirt.defineDomain');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('libvirt.showDefinedReport', editor.document.uri);
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One });
    await picture();
  });
});

/**
 * The host in a real VS Code (libvirt.hostAware, default 'connection' in a trusted workspace):
 * the status bar item names qemu:///system once the server has read it, completion inside a
 * `<hostdev type='pci'><source><address …>` offers this machine's PCI devices by name, and hover
 * on such an address names the device. Needs the real libvirt daemon (scripts/setup/libvirt-daemon.sh).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAll, open, waitFor } from './helpers';

const DOMAIN = `<domain type='kvm'>
  <name>host-aware</name>
  <memory>1048576</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
      </source>
    </hostdev>
  </devices>
</domain>
`;

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('the host in VS Code', () => {
  let dir: string;
  suiteSetup(async () => {
    await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-host-'));
  });
  teardown(async () => {
    await closeAll();
  });
  suiteTeardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the status bar names qemu:///system; completion in a hostdev source offers this host's PCI devices; hover names one", async () => {
    const a = await api();
    const file = path.join(dir, 'host-aware.xml');
    fs.writeFileSync(file, DOMAIN);
    const editor = await open(file);
    const status = await waitFor(
      'the host status',
      () => {
        const s = a.hostStatus.current();
        return s.status && s.status.state !== 'loading' && s.status.state !== 'off' ? s : undefined;
      },
      45_000
    );
    assert.equal(status.status?.state, 'ready', status.tooltip);
    assert.equal(status.text, '$(server) libvirt: qemu:///system');
    assert.match(status.tooltip, /Files are judged against qemu:\/\/\/system: libvirt \d/);

    const doc = editor.document;
    const offset = doc.getText().indexOf("bus='0x00'") + 5;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      doc.positionAt(offset)
    );
    const labels = list.items.map(labelOf);
    const nic = labels.find((l) => l.startsWith('0000:00:03.0 '));
    assert.ok(nic, `host devices offered: ${labels.filter((l) => l.startsWith('0000:')).join(', ')}`);
    assert.match(nic, /Virtio 1\.0 network device/);
    assert.ok(!labels.some((l) => l.startsWith('0000:00:00.0 ')), 'the host bridge is not offered');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset));
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(text, /0000:00:03\.0.*Virtio 1\.0 network device.*on qemu:\/\/\/system/);
  });
});

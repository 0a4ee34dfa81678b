/**
 * Inlay hints through the real stdio server (dist/server.js, as an editor starts it): the
 * addresses libvirt will assign appear after the devices' start tags, the controllers libvirt adds
 * at <devices>; "Pin this address" writes the address in dumpxml's form; the setting turns hints off.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, InlayHint } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startStdioServer, type StdioServer } from '../../support/stdio-server';

const PC = `<domain type='kvm'>
  <name>hints</name>
  <memory unit='MiB'>512</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc'/>
  </devices>
</domain>
`;

/** The real stdio server with these libvirt settings (in initialize and in workspace/configuration). */
const startServer = (settings: unknown): Promise<StdioServer> => startStdioServer(settings, { settings });

/** A label or tooltip as text (the server sends plain strings). */
const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const whole = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

describe('inlay hints through the stdio server', () => {
  let on: StdioServer;
  let off: StdioServer;
  const uri = 'file:///hints.xml';

  before(async () => {
    on = await startServer({});
    off = await startServer({ inlayHints: { enabled: false } });
    for (const s of [on, off]) {
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'libvirt-xml', version: 1, text: PC } });
    }
  });
  after(() => {
    for (const s of [on, off]) {
      s.stop();
    }
  });

  test('the addresses libvirt 9.0 assigns on pc (checked with virsh define + dumpxml)', async () => {
    const hints = await on.conn.sendRequest<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole });
    const doc = TextDocument.create(uri, 'libvirt-xml', 1, PC);
    const at = hints.map(
      (h) => `${doc.getText({ start: { line: h.position.line, character: 0 }, end: h.position }).trim()} ${str(h.label)}`
    );
    assert.deepEqual(at, [
      '<devices> +3 added by libvirt',
      "<disk type='file' device='disk'> pci 0000:00:04.0",
      "<interface type='network'> pci 0000:00:03.0",
      "<input type='tablet' bus='usb'/> usb bus 0 port 1",
    ]);
    const implicit = hints.find((h) => str(h.label).startsWith('+'))!;
    assert.match(str(implicit.tooltip), /piix3-uhci.*0000:00:01\.2/);
    assert.match(str(implicit.tooltip), /memballoon.*0000:00:05\.0/);
    assert.match(str(implicit.tooltip), /video.*0000:00:02\.0/);
  });

  test('"Pin this address" writes the address as dumpxml does', async () => {
    const actions = await on.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 9, character: 6 }, end: { line: 9, character: 6 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    const pin = actions.find((a) => a.title.startsWith('Pin this address'));
    assert.ok(pin, `got ${actions.map((a) => a.title).join(', ')}`);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, PC), pin.edit!.changes![uri]!);
    assert.ok(
      fixed.includes(
        `      <model type='virtio'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </interface>`
      ),
      fixed
    );
  });

  test('"Pin what libvirt adds" on <devices> writes those controllers and devices with their addresses', async () => {
    const line = PC.split('\n').findIndex((l) => l.trim() === '<devices>');
    const actions = await on.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 4 }, end: { line, character: 4 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    const pin = actions.find((a) => a.title.startsWith('Pin what libvirt adds'));
    assert.ok(pin, `got ${actions.map((a) => a.title).join(', ')}`);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, PC), pin.edit!.changes![uri]!);
    assert.ok(
      fixed.includes(
        "    <controller type='usb' index='0' model='piix3-uhci'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>\n    </controller>\n"
      ),
      fixed
    );
    assert.ok(
      fixed.includes(
        "    <memballoon model='virtio'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n    </memballoon>\n  </devices>"
      ),
      fixed
    );
  });

  test('libvirt.inlayHints.enabled = false turns them off', async () => {
    const hints = await off.conn.sendRequest<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole });
    assert.deepEqual(hints, []);
  });
});

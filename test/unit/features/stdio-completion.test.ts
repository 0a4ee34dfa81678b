/**
 * Completion through the real stdio server (dist/server.js, as an editor starts it): inserting
 * the PCI hostdev template into a seed domain gives a device at a free slot and no diagnostics;
 * the model completion of <controller type='usb'> lists the USB models. Builds dist/ first when
 * it is missing or older than the sources.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type CompletionItem,
  type CompletionList,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { positionAt } from '../../support/cursor';
import { FIXTURES } from '../../support/paths';
import { startStdioServer, type StdioServer } from '../../support/stdio-server';
import { expandSnippet } from '../../support/snippets';

describe('completion through the stdio server', () => {
  let server: StdioServer;
  let conn: ProtocolConnection;

  before(async () => {
    server = await startStdioServer({ flavor: 'openeuler' }, { settings: { flavor: 'openeuler' } });
    conn = server.conn;
  });

  after(() => {
    server.stop();
  });

  const diagnostics = (uri: string, version: number): Promise<PublishDiagnosticsParams> => server.diagnostics(uri, version);

  async function completion(uri: string, text: string, offset: number, triggerCharacter?: string): Promise<CompletionItem[]> {
    const r = await conn.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
      textDocument: { uri },
      position: positionAt(text, offset),
      context: triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 },
    });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  test('the PCI hostdev template in a seed domain: a free slot, no diagnostics', async () => {
    const uri = 'file:///seed-hostdev.xml';
    const seed = fs.readFileSync(path.join(FIXTURES, 'seeds', 'domain-openeuler-pci-passthrough-hostdev.xml'), 'utf8');
    const close = seed.lastIndexOf('</devices>');
    const lineStart = seed.lastIndexOf('\n', close) + 1;
    const text = seed.slice(0, lineStart) + '    <\n' + seed.slice(lineStart);
    const offset = lineStart + 5;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'libvirt-xml', version: 1, text } });
    await diagnostics(uri, 1);
    const items = await completion(uri, text, offset, '<');
    const tpl = items.find((i) => /PCI passthrough/.test(i.label));
    assert.ok(tpl, `templates offered: ${items.map((i) => i.label).join(', ')}`);
    const edit = tpl.textEdit as TextEdit;
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'libvirt-xml', 1, text), [
      { range: edit.range, newText: expandSnippet(edit.newText) },
    ]);
    // The seed's hostdev is at 00:03.0: the new one takes the next free slot on bus 0.
    const guest = [
      ...after.matchAll(/<address type='pci' domain='0x0000' bus='(0x[0-9a-f]+)' slot='(0x[0-9a-f]+)' function='0x0'\/>/g),
    ].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(guest, ['0x00:0x03', '0x00:0x04']);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: after }] });
    const d = await diagnostics(uri, 2);
    assert.deepEqual(d.diagnostics, []);
  });

  test("<controller type='usb' model='|'> lists the USB models", async () => {
    const uri = 'file:///usb-model.xml';
    const text =
      "<domain type='kvm'>\n  <name>u</name>\n  <memory unit='MiB'>512</memory>\n  <devices>\n    <controller type='usb' index='0' model=''/>\n  </devices>\n</domain>\n";
    const offset = text.indexOf("model=''") + 7;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'libvirt-xml', version: 1, text } });
    await diagnostics(uri, 1);
    const labels = (await completion(uri, text, offset, "'")).map((i) => i.label);
    for (const m of ['piix3-uhci', 'ehci', 'ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3', 'nec-xhci', 'qemu-xhci']) {
      assert.ok(labels.includes(m), `${m} missing from ${labels.join(', ')}`);
    }
    assert.ok(!labels.includes('pcie-root-port'));
  });
});

describe('the host through the stdio server (hostAware snapshot, from workspace/configuration)', () => {
  let server: StdioServer;
  const snapshot = path.join(FIXTURES, 'hosts', 'sriov-iommu');
  before(async () => {
    server = await startStdioServer({ hostAware: 'snapshot', hostSnapshot: snapshot });
  });
  after(() => server.stop());

  test('completion inside a hostdev <source> offers the host PCI devices with their names; hover names the device', async () => {
    const uri = 'file:///stdio-host.xml';
    const text =
      "<domain type='kvm'>\n  <name>vm</name>\n  <memory>1048576</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n" +
      "  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>\n      </source>\n    </hostdev>\n  </devices>\n</domain>\n";
    await server.open(uri, text);
    await server.diagnostics(uri, 1);
    const offset = text.indexOf("bus='0x03'") + 5;
    // The snapshot is read in the background after the settings: ask until it is there.
    let items: CompletionItem[] = [];
    for (let i = 0; i < 50 && !items.some((x) => x.label.startsWith('0000:03:10.0 ')); i++) {
      const r = await server.conn.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
        textDocument: { uri },
        position: positionAt(text, offset),
        context: { triggerKind: 1 },
      });
      items = Array.isArray(r) ? r : (r?.items ?? []);
      if (!items.some((x) => x.label.startsWith('0000:03:10.0 '))) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const vf = items.find((x) => x.label.startsWith('0000:03:10.0 '));
    assert.ok(vf, items.map((x) => x.label).join('\n'));
    assert.equal(vf.label, '0000:03:10.0 Intel Corporation 82599 Ethernet Controller Virtual Function');
    assert.match(vf.detail ?? '', /IOMMU group 30 · vfio-pci/);
    const hover = await server.conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionAt(text, offset),
    });
    assert.match(hover?.contents.value ?? '', /\*\*0000:03:10\.0\*\* Intel Corporation 82599 Ethernet Controller Virtual Function/);
  });
});

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

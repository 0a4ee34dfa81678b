/**
 * The document outline: the domain, its main sections, and its devices grouped by kind with
 * what identifies each (controller type/index/model, disk target, NIC type and MAC, host device
 * source address). Then documentSymbol through the in-process LSP client.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import { analyze } from '../../../server/src/analysis';
import { outline, type OutlineSymbol } from '../../../server/src/features/symbols';
import { startTestClient, type TestClient } from '../../support/lsp-client';
import { REPO } from '../../support/paths';

const DOMAIN = `<domain type='kvm'>
  <name>outline</name>
  <memory unit='GiB'>4</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/outline.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </controller>
    <controller type='usb' index='0'/>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <source><address type='pci' domain='0x0000' bus='0x05' slot='0x10' function='0x2'/></source>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x04' slot='0x10' function='0x1'/></source>
    </hostdev>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source><vendor id='0x1234'/><product id='0xbeef'/></source>
    </hostdev>
    <graphics type='vnc' port='-1'/>
  </devices>
</domain>
`;

/** name [detail] with children, for compact comparisons. */
function shape(s: OutlineSymbol): unknown {
  const label = s.detail ? `${s.name} [${s.detail}]` : s.name;
  return s.children.length ? { [label]: s.children.map(shape) } : label;
}

describe('outline', () => {
  test('a domain: sections, then devices grouped by kind with what identifies each', () => {
    const got = outline(analyze(DOMAIN).model).map(shape);
    assert.deepEqual(got, [
      {
        'domain outline [kvm]': [
          'memory [4 GiB]',
          'vcpu [2]',
          'os [pc-q35-7.2]',
          {
            'devices [10]': [
              { 'Controllers (3)': ['pci 0 pcie-root', 'pci 1 pcie-root-port [00:02.0]', 'usb 0 piix3-uhci'] },
              { 'Disks (1)': ['vda (virtio) [/var/lib/libvirt/images/outline.qcow2]'] },
              { 'Interfaces (2)': ['network default [52:54:00:aa:bb:cc · virtio · 01:00.0]', 'hostdev 0000:05:10.2'] },
              { 'Host devices (2)': ['pci 0000:04:10.1', 'usb 1234:beef'] },
              { 'Other devices (2)': ['emulator', 'graphics vnc'] },
            ],
          },
        ],
      },
    ]);
  });

  test('every symbol lies within its parent, and selects inside itself', () => {
    const check = (s: OutlineSymbol, parent?: OutlineSymbol) => {
      assert.ok(s.span.start <= s.selection.start && s.selection.end <= s.span.end, `${s.name}: selection inside`);
      if (parent) {
        assert.ok(parent.span.start <= s.span.start && s.span.end <= parent.span.end, `${s.name} inside ${parent.name}`);
      }
      s.children.forEach((c) => check(c, s));
    };
    outline(analyze(DOMAIN).model).forEach((s) => check(s));
  });

  test('a device fragment is its own outline; a document that is not libvirt XML has none', () => {
    const frag = outline(
      analyze(`<hostdev mode='subsystem' type='pci'><source><address bus='0x04' slot='0x10' function='0x1'/></source></hostdev>`).model
    );
    assert.deepEqual(frag.map(shape), ['pci 0000:04:10.1']);
    assert.deepEqual(outline(analyze('<project><modelVersion>4.0.0</modelVersion></project>').model), []);
  });

  test('the example domain outlines without surprises', () => {
    const text = fs.readFileSync(path.join(REPO, 'examples', 'pcie-passthrough.xml'), 'utf8');
    const [domain] = outline(analyze(text).model);
    assert.ok(domain);
    const devices = domain.children.find((c) => c.name === 'devices');
    assert.ok(devices && devices.children.length >= 3);
    assert.ok(devices.children.every((g) => g.kind === 'group' && g.children.length > 0));
  });
});

describe('documentSymbol through the language server', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient();
  });
  after(() => c.close());

  test('hierarchical symbols with kinds and ranges', async () => {
    await c.open('file:///outline.xml', DOMAIN);
    const symbols = await c.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: 'file:///outline.xml' },
    });
    assert.equal(symbols.length, 1);
    const domain = symbols[0]!;
    assert.equal(domain.name, 'domain outline');
    assert.equal(domain.kind, SymbolKind.Module);
    assert.deepEqual(domain.selectionRange, { start: { line: 1, character: 8 }, end: { line: 1, character: 15 } });
    const devices = domain.children!.find((s) => s.name === 'devices')!;
    const controllers = devices.children!.find((s) => s.name.startsWith('Controllers'))!;
    const port = controllers.children!.find((s) => s.name === 'pci 1 pcie-root-port')!;
    assert.equal(port.kind, SymbolKind.Class);
    assert.equal(port.detail, '00:02.0');
    assert.deepEqual(port.range.start, { line: 14, character: 4 });
    assert.deepEqual(port.range.end, { line: 16, character: 17 });
  });

  test('null for a document the server does not have', async () => {
    assert.equal(await c.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///none.xml' } }), null);
  });
});

/**
 * Hover at cursor markers ($0) in inline XML: docs of elements, attributes and values from the
 * schema and our overlay; what an address resolves to in the topology; what plugs into a
 * controller. Then every element and attribute of the seeds, and the LSP round trip.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { analyze } from '../../../server/src/analysis';
import { hoverAt } from '../../../server/src/features/hover';
import { schemaElementOf } from '../../../server/src/features/cursor';
import { forEachElement } from '../../../server/src/syntax/tree';
import { cursor, positionAt } from '../../support/cursor';
import { startTestClient, type TestClient } from '../../support/lsp-client';
import { xmlFiles } from '../../support/files';
import { FIXTURES } from '../../support/paths';

function hover(src: string): { markdown: string; on: string } {
  const c = cursor(src);
  const h = hoverAt(analyze(c.text, { flavor: 'upstream' }), c.offset);
  assert.ok(h, 'a hover');
  return { markdown: h.markdown, on: c.text.slice(h.span.start, h.span.end) };
}

function q35(devices: string): string {
  return `<domain type='kvm'>\n  <name>t</name>\n  <memory unit='MiB'>1024</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

const TOPOLOGY = `
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'>
      <target chassis='1' port='0x10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </controller>
    <controller type='usb' index='1' model='ehci'/>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <interface type='network'>
      <mac address='52:54:00:11:22:33'/>
      <source network='default'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <hub type='usb'>
      <address type='usb' bus='1' port='2'/>
    </hub>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='1' port='2.3'/>
    </input>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/data.img'/>
      <target dev='sdb' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='1'/>
    </disk>`;

describe('hover: docs from the schema', () => {
  test('an element: its doc, its attributes and an example', () => {
    const h = hover(
      q35(
        `    <host$0dev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='4' slot='16' function='1'/></source></hostdev>`
      )
    );
    assert.equal(h.on, 'hostdev');
    assert.match(h.markdown, /A host device assigned directly to the guest/);
    assert.match(h.markdown, /`<hostdev>` mode='subsystem' type='pci'/);
    assert.match(h.markdown, /```xml/);
  });

  test('the end tag hovers like the start tag', () => {
    const h = hover(q35(`    <controller type='usb' index='0' model='qemu-xhci'></contr$0oller>`));
    assert.equal(h.on, 'controller');
    assert.match(h.markdown, /USB controller index 0/);
  });

  test('an attribute: its doc and its values with their meanings', () => {
    const h = hover(q35(`    <controller type='pci' index='1' mo$0del='pcie-root-port'/>`));
    assert.equal(h.on, 'model');
    assert.match(h.markdown, /Kind of PCI controller/);
    assert.match(h.markdown, /- `pcie-root-port` — A PCIe root port: a single hot-pluggable slot/);
  });

  test("a value: that value's meaning", () => {
    const h = hover(q35(`    <controller type='pci' index='1' model='pcie-ro$0ot-port'/>`));
    assert.equal(h.on, "'pcie-root-port'");
    assert.match(h.markdown, /^\*\*`model='pcie-root-port'`\*\* — A PCIe root port/);
  });

  test('a wrong value: what is allowed, and the nearest one', () => {
    const h = hover(q35(`    <controller type='usb' index='0' model='qemu-xh$0cii'/>`));
    assert.match(h.markdown, /is not a valid value/);
    assert.match(h.markdown, /Did you mean `qemu-xhci`\?/);
  });

  test('an openEuler-only attribute says so', () => {
    const h = hover(
      q35(
        `    <disk type='file' device='disk'><driver name='qemu' retry_inter$0val='1000'/><source file='/x'/><target dev='vda' bus='virtio'/></disk>`
      )
    );
    assert.match(h.markdown, /openEuler only/);
  });

  test('an unknown element or attribute: libvirt ignores it, and what was probably meant', () => {
    assert.match(hover(q35(`    <interfce$0 type='network'/>`)).markdown, /silently ignores it\. Did you mean `<interface>`\?/);
    assert.match(
      hover(q35(`    <hostdev mode='subsystem' type='pci' man$0ged='yes'/>`)).markdown,
      /no attribute `manged`.*Did you mean `managed`\?/
    );
  });

  test('element content: its type', () => {
    assert.match(
      hover(`<domain type='kvm'><name>t</name><on_poweroff>dest$0roy</on_poweroff></domain>`).markdown,
      /content: one of 'destroy'/
    );
  });

  test('a fragment is documented as a device', () => {
    const h = hover(
      `<hostdev mode='subsystem' type='usb' man$0aged='yes'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>`
    );
    assert.match(h.markdown, /\*\*`managed`\*\* of `<hostdev>`/);
  });

  test('nothing on a document that is not libvirt XML, or between tags', () => {
    const c = cursor(`<project><modelVer$0sion>4.0.0</modelVersion></project>`);
    assert.equal(hoverAt(analyze(c.text), c.offset), undefined);
    const d = cursor(q35(`   $0 <memballoon model='virtio'/>`));
    assert.equal(hoverAt(analyze(d.text), d.offset), undefined);
  });
});

describe('hover: the topology', () => {
  test("a PCI address's bus: the controller providing it, where it is plugged in, its slots", () => {
    const h = hover(q35(TOPOLOGY.replace("bus='0x01' slot='0x00'", "bus='0x$001' slot='0x00'")));
    assert.equal(h.on, "'0x01'");
    assert.match(h.markdown, /^\*\*PCI address 0000:01:00\.0\*\*/);
    assert.match(h.markdown, /Bus 0x01 is pcie-root-port index 1, plugged in at 00:02\.0, which has a single slot \(0x00\)\./);
  });

  test('an <address type="pci">: the same, with what else shares the slot', () => {
    const h = hover(
      q35(`    <controller type='pci' index='1' model='pcie-root-port'><address type='pci' bus='0x00' slot='0x02' function='0x0' multifunction='on'/></controller>
    <controller type='pci' index='2' model='pcie-root-port'><addr$0ess type='pci' bus='0x00' slot='0x02' function='0x1'/></controller>`)
    );
    assert.match(h.markdown, /PCI address 0000:00:02\.1/);
    assert.match(h.markdown, /Bus 0x00 is the root bus \(pcie-root, which libvirt adds by itself\), with slots 0x01 to 0x1f\./);
    assert.match(h.markdown, /Also in slot 0x02: function 0: `<controller type='pci' index='1'>` \(pcie-root-port\)/);
  });

  test('a bus no controller provides: libvirt adds one', () => {
    const h = hover(
      q35(`    <interface type='network'><source network='default'/><address type='pci' bus='0x0$07' slot='0x00'/></interface>`)
    );
    assert.match(h.markdown, /No PCI controller has index 7: libvirt adds one/);
  });

  test("a hostdev's source address: the host device in lspci form", () => {
    const h = hover(
      q35(
        `    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x04' sl$0ot='0x10' function='0x1'/></source></hostdev>`
      )
    );
    assert.match(h.markdown, /\*\*Host device 0000:04:10\.1\*\*/);
    assert.match(h.markdown, /lspci -s 0000:04:10\.1/);
    assert.match(h.markdown, /pci_0000_04_10_1/);
  });

  test('a USB address: the controller and its ports, or the hub the port is on', () => {
    const direct = hover(q35(TOPOLOGY.replace("bus='1' port='2'/>", "bus='1' port='$02'/>")));
    assert.match(direct.markdown, /USB bus 1 is ehci \(index 1\), with 6 ports\./);
    assert.match(direct.markdown, /Port 2 is a port of the controller itself\./);
    const viaHub = hover(q35(TOPOLOGY.replace("port='2.3'", "port='2.$03'")));
    assert.match(viaHub.markdown, /Port 2\.3 is port 3 of the USB hub at port 2 \(a hub has 8 ports\)\./);
  });

  test('a drive address: the controller of the disk bus', () => {
    const h = hover(q35(TOPOLOGY.replace("controller='0' bus='0' target='0' unit='1'", "cont$0roller='0' bus='0' target='0' unit='1'")));
    assert.match(h.markdown, /Controller 0 is `<controller type='scsi' index='0'>` \(virtio-scsi\)\./);
  });

  test("a disk's target name when libvirt derives the drive address from it", () => {
    const h = hover(q35(`    <disk type='file' device='disk'><source file='/x'/><target dev='sd$0i' bus='scsi'/></disk>`));
    assert.match(h.markdown, /libvirt derives the drive address from the target name: controller 1\./);
    assert.match(h.markdown, /No scsi controller has index 1/);
  });

  test('a controller: what plugs into it', () => {
    const pci = hover(q35(TOPOLOGY.replace("index='1' model='pcie-root-port'", "index='$01' model='pcie-root-port'")));
    assert.match(
      pci.markdown,
      /\*\*PCI controller index 1\*\* \(pcie-root-port\): provides bus 0x01 with a single slot \(0x00\); plugged in at 00:02\.0\./
    );
    assert.match(pci.markdown, /- slot 0x00: `<interface type='network'>` 52:54:00:11:22:33/);
    const usb = hover(q35(TOPOLOGY.replace("<controller type='usb'", "<contr$0oller type='usb'")));
    assert.match(usb.markdown, /\*\*USB controller index 1\*\* \(ehci\), with 6 ports\./);
    assert.match(usb.markdown, /- port 2: `<hub type='usb'>`/);
    assert.match(usb.markdown, /- port 2\.3: `<input type='tablet'>`/);
    const scsi = hover(q35(TOPOLOGY.replace("<controller type='scsi'", "<contr$0oller type='scsi'")));
    assert.match(scsi.markdown, /- bus 0 target 0 unit 1: `<disk>` sdb on scsi/);
    const empty = hover(
      q35(
        `    <controller type='pci' index='3' model='pcie-root-port'><address type='pci' bus='0x00' slot='0x05'/></controller>`.replace(
          '<controller',
          '<contr$0oller'
        )
      )
    );
    assert.match(empty.markdown, /Nothing is plugged into it yet\./);
  });
});

describe('hover: every element and attribute of the seeds', () => {
  const seeds = path.join(FIXTURES, 'seeds');
  for (const file of xmlFiles(seeds)) {
    test(path.relative(seeds, file), () => {
      const text = fs.readFileSync(file, 'utf8');
      const a = analyze(text, { flavor: 'openeuler' });
      if (!a.model) {
        return; // not a domain or device (a network definition)
      }
      const missing: string[] = [];
      forEachElement(a.doc.root, (el) => {
        const h = hoverAt(a, el.nameSpan.start);
        const r = schemaElementOf(el);
        if (!h || !r || !(r.doc || h.markdown.split('\n\n').length > 1)) {
          missing.push(`<${el.name}>`);
        }
        for (const at of el.attributes) {
          const ah = hoverAt(a, at.nameSpan.start);
          if (!ah || !r?.attributes.get(at.name)) {
            missing.push(`<${el.name} ${at.name}>`);
          }
        }
      });
      assert.deepEqual(missing, [], 'every element and attribute hovers with what the schema says of it');
    });
  }
});

describe('hover through the language server', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient();
  });
  after(() => c.close());

  test('advertises hover', () => {
    assert.equal(c.init.capabilities.hoverProvider, true);
  });

  test('answers markdown with the range of the word', async () => {
    const src = cursor(q35(TOPOLOGY.replace("bus='0x01' slot='0x00'", "bus='0x$001' slot='0x00'")));
    await c.open('file:///hover.xml', src.text);
    const h = await c.conn.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: 'file:///hover.xml' },
      position: positionAt(src.text, src.offset),
    });
    const contents = h.contents as MarkupContent;
    assert.equal(contents.kind, 'markdown');
    assert.match(contents.value, /Bus 0x01 is pcie-root-port index 1/);
    const start = src.text.indexOf("'0x01' slot='0x00'");
    assert.deepEqual(h.range, { start: positionAt(src.text, start), end: positionAt(src.text, start + 6) });
  });

  test('null where there is nothing to say, and for unknown documents', async () => {
    await c.open('file:///pom.xml', '<project><modelVersion>4.0.0</modelVersion></project>');
    const none = await c.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///pom.xml' },
      position: { line: 0, character: 12 },
    });
    assert.equal(none, null);
    const unknown = await c.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///nowhere.xml' },
      position: { line: 0, character: 0 },
    });
    assert.equal(unknown, null);
  });
});

/**
 * Completion at cursor markers ($0) in inline XML: what is offered where, the values computed
 * from the document, while typing broken tags; then the same through the in-process LSP client.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../server/src/analysis';
import { complete, type CompletionCandidate, type CompletionOptions } from '../../../server/src/features/completion';
import { cursorContext } from '../../../server/src/features/context';
import { snippetText } from '../../../server/src/features/templates';
import { allocation } from '../../../server/src/model/allocate';
import { parseXml } from '../../../server/src/syntax/parse';
import { toSnippetString } from '../../../server/src/lsp/completion';
import { cursor, positionAt } from '../../support/cursor';
import { expandSnippet } from '../../support/snippets';
import { startTestClient, type TestClient } from '../../support/lsp-client';

function at(src: string, opts: CompletionOptions = {}): CompletionCandidate[] {
  const c = cursor(src);
  return complete(analyze(c.text, { flavor: opts.flavor }), c.offset, { random: () => 0.5, ...opts });
}

function labels(items: CompletionCandidate[], kind?: CompletionCandidate['kind']): string[] {
  return items.filter((i) => !kind || i.kind === kind).map((i) => i.label);
}

function item(items: CompletionCandidate[], label: string): CompletionCandidate {
  const i = items.find((x) => x.label === label);
  assert.ok(i, `no item ${label} among ${labels(items).join(', ')}`);
  return i;
}

function inserted(items: CompletionCandidate[], label: string): string {
  return snippetText(item(items, label).insert);
}

/** A q35 domain with `devices` inside <devices> (indented 4). */
function q35(devices: string, machine = 'q35'): string {
  return `<domain type='kvm'>\n  <name>t</name>\n  <memory unit='MiB'>1024</memory>\n  <os>\n    <type arch='x86_64' machine='${machine}'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

const USB_MODELS = [
  'piix3-uhci',
  'piix4-uhci',
  'ehci',
  'ich9-ehci1',
  'ich9-uhci1',
  'ich9-uhci2',
  'ich9-uhci3',
  'vt82c686b-uhci',
  'pci-ohci',
  'nec-xhci',
  'qemu-xhci',
];

describe('cursor context', () => {
  const ctx = (src: string) => {
    const c = cursor(src);
    return cursorContext(parseXml(c.text), c.offset);
  };

  test('element name after <, with the enclosing element', () => {
    const r = ctx('<domain>\n  <devices>\n    <di$0\n  </devices>\n</domain>');
    assert.equal(r.kind, 'element-name');
    assert.ok(r.kind === 'element-name' && r.parent?.name === 'devices' && r.prefix === 'di' && !r.tagHasMore);
  });

  test('attribute name, attribute value, text, comment', () => {
    assert.equal(ctx("<domain><devices><disk type='file' $0/></devices></domain>").kind, 'attribute-name');
    const v = ctx("<domain><devices><disk type='fi$0le'/></devices></domain>");
    assert.ok(v.kind === 'attribute-value' && v.attribute === 'type' && v.prefix === 'fi' && v.closed && v.quote === "'");
    const t = ctx('<domain><devices>\n  $0\n</devices></domain>');
    assert.ok(t.kind === 'text' && t.parent?.name === 'devices');
    assert.equal(ctx('<domain><!-- <dis$0 --></domain>').kind, 'none');
    assert.equal(ctx('<domain></dom$0ain>').kind, 'none');
  });

  test('inside a start tag being typed without > and without the closing quote', () => {
    const r = ctx("<domain>\n  <devices>\n    <controller type='usb' model='$0\n  </devices>\n</domain>\n");
    assert.ok(r.kind === 'attribute-value', r.kind);
    assert.equal(r.attribute, 'model');
    assert.equal(r.closed, false);
    assert.equal(r.parent?.name, 'devices');
    assert.deepEqual(
      r.tag.attributes.map((a) => [a.name, a.value]),
      [
        ['type', 'usb'],
        ['model', ''],
      ]
    );
  });

  test('content of an element left unclosed: deeper indentation stays inside it', () => {
    const r = ctx("<domain>\n  <devices>\n    <disk type='file'>\n      <$0\n  </devices>\n</domain>\n");
    assert.ok(r.kind === 'element-name' && r.parent?.name === 'disk', JSON.stringify(r.kind));
  });
});

describe('values', () => {
  test("<controller type='usb' model='|'> lists the USB models only", () => {
    const items = at(q35("    <controller type='usb' index='0' model='$0'/>"));
    const got = labels(items, 'value');
    for (const m of USB_MODELS) {
      assert.ok(got.includes(m), `${m} missing from ${got.join(', ')}`);
    }
    assert.ok(!got.includes('pcie-root-port') && !got.includes('virtio-scsi'));
    assert.equal(items.find((i) => i.preselect)?.label, 'qemu-xhci');
    assert.match(item(items, 'ehci').detail ?? '', /6 ports/);
    assert.match(item(items, 'ich9-uhci1').detail ?? '', /companion/);
  });

  test('the USB models also while typing a broken start tag (no closing quote, no >)', () => {
    const items = at(q35("    <controller type='usb' index='0' model='$0\n    <controller type='pci' index='0' model='pcie-root'/>"));
    assert.ok(USB_MODELS.every((m) => labels(items).includes(m)));
    assert.equal(inserted(items, 'ehci'), "ehci'", 'the closing quote is added');
    const typed = at(q35("    <controller type='usb' model='ic$0"));
    assert.deepEqual(item(typed, 'ich9-ehci1').span.end - item(typed, 'ich9-ehci1').span.start, 2, 'replaces what was typed');
  });

  test('the models of the controller type: pci, scsi', () => {
    const pci = labels(at(q35("    <controller type='pci' index='1' model='$0'/>")), 'value');
    assert.ok(pci.includes('pcie-root-port') && pci.includes('pcie-to-pci-bridge') && !pci.includes('ehci'));
    assert.equal(at(q35("    <controller type='pci' index='1' model='$0'/>"), {}).find((i) => i.preselect)?.label, 'pcie-root-port');
    assert.equal(at(q35("    <controller type='pci' index='1' model='$0'/>", 'pc')).find((i) => i.preselect)?.label, 'pci-bridge');
    const scsi = labels(at(q35("    <controller type='scsi' model='$0'/>")));
    assert.equal(scsi[0], 'virtio-scsi');
    assert.ok(scsi.includes('lsilogic') && !scsi.includes('qemu-xhci'));
  });

  test('enumerations: yes/no with their meaning, discriminators', () => {
    const managed = at(q35("    <hostdev mode='subsystem' type='pci' managed='$0'>\n    </hostdev>"));
    assert.deepEqual(labels(managed).sort(), ['no', 'yes']);
    const types = labels(at(q35("    <disk type='$0'/>")));
    assert.ok(types.includes('file') && types.includes('block') && types.includes('network'));
  });

  test('next free controller index per type', () => {
    const devices =
      "    <controller type='usb' index='0' model='ehci'/>\n    <controller type='usb' index='1' model='qemu-xhci'/>\n    <controller type='pci' index='1' model='pcie-root-port'/>\n";
    const usb = at(q35(devices + "    <controller type='usb' model='nec-xhci' index='$0'/>"));
    assert.equal(usb.find((i) => i.preselect)?.label, '2');
    const pci = at(q35(devices + "    <controller type='pci' model='pcie-root-port' index='$0'/>"));
    assert.equal(pci.find((i) => i.preselect)?.label, '2');
    const scsi = at(q35(devices + "    <controller type='scsi' index='$0'/>"));
    assert.equal(scsi.find((i) => i.preselect)?.label, '0');
    // Its own index does not count as taken.
    const own = at(q35("    <controller type='usb' index='0$0' model='ehci'/>"));
    assert.equal(own.find((i) => i.preselect)?.label, '0');
  });

  test('a free PCI slot on the bus of the same address', () => {
    const devices =
      "    <controller type='pci' index='1' model='pci-bridge'/>\n" +
      "    <interface type='network'>\n      <source network='default'/>\n      <address type='pci' domain='0x0000' bus='0x01' slot='0x01' function='0x0'/>\n    </interface>\n" +
      "    <interface type='network'>\n      <source network='default'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </interface>\n";
    const onBridge = at(
      q35(devices + "    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' bus='0x01' slot='$0'/>\n    </hostdev>", 'pc')
    );
    assert.equal(onBridge.find((i) => i.preselect)?.label, '0x02');
    const onRoot = at(
      q35(
        devices +
          "    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='$0'/>\n    </hostdev>",
        'pc'
      )
    );
    assert.equal(onRoot.find((i) => i.preselect)?.label, '0x04');
    assert.ok(!labels(onRoot).includes('0x03'));
  });

  test('bus values are the existing PCI controllers, with their model', () => {
    const devices =
      "    <controller type='pci' index='1' model='pcie-root-port'/>\n    <controller type='pci' index='2' model='pcie-root-port'/>\n";
    const items = at(q35(devices + "    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' bus='$0'/>\n    </hostdev>"));
    assert.deepEqual(labels(items).sort(), ['0x00', '0x01', '0x02']);
    assert.match(item(items, '0x01').detail ?? '', /pcie-root-port \(index 1\) · 1 free slot/);
    assert.match(item(items, '0x00').detail ?? '', /pcie-root/);
    assert.equal(items.find((i) => i.preselect)?.label, '0x01', 'an empty root port first');
  });

  test('USB: buses with room and the next free port', () => {
    const devices =
      "    <controller type='usb' index='0' model='piix3-uhci'/>\n    <controller type='usb' index='1' model='ehci'/>\n" +
      "    <input type='tablet' bus='usb'>\n      <address type='usb' bus='0' port='1'/>\n    </input>\n    <input type='mouse' bus='usb'>\n      <address type='usb' bus='0' port='2'/>\n    </input>\n";
    const bus = at(q35(devices + "    <hostdev mode='subsystem' type='usb'>\n      <address type='usb' bus='$0'/>\n    </hostdev>"));
    assert.match(item(bus, '0').detail ?? '', /piix3-uhci \(index 0\) · 0 of 2 ports free/);
    assert.match(item(bus, '1').detail ?? '', /ehci \(index 1\) · 6 of 6 ports free/);
    assert.equal(bus.find((i) => i.preselect)?.label, '1');
    const port = at(
      q35(devices + "    <hostdev mode='subsystem' type='usb'>\n      <address type='usb' bus='1' port='$0'/>\n    </hostdev>")
    );
    assert.equal(port.find((i) => i.preselect)?.label, '1');
    const port0 = at(
      q35(
        devices
          .replace("port='2'", "port='1'")
          .replace("type='mouse' bus='usb'>\n      <address type='usb' bus='0' port='1'/>", "type='mouse' bus='usb'>") +
          "    <redirdev bus='usb' type='spicevmc'>\n      <address type='usb' bus='0' port='$0'/>\n    </redirdev>"
      )
    );
    assert.equal(port0.find((i) => i.preselect)?.label, '2');
  });

  test('next free disk target for the bus', () => {
    const disks =
      "    <disk type='file' device='disk'>\n      <source file='/a.img'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n" +
      "    <disk type='file' device='disk'>\n      <source file='/b.img'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>\n";
    const on = (bus: string) =>
      at(q35(disks + `    <disk type='file' device='disk'>\n      <target bus='${bus}' dev='$0'/>\n    </disk>`)).find((i) => i.preselect)
        ?.label;
    assert.equal(on('virtio'), 'vdb');
    assert.equal(on('scsi'), 'sdb');
    assert.equal(on('sata'), 'sdb');
    assert.equal(on('usb'), 'sdb');
    assert.equal(on('ide'), 'hda');
    const noBus = at(q35(disks + "    <disk type='file' device='disk'>\n      <target dev='$0'/>\n    </disk>"));
    assert.deepEqual(labels(noBus), ['vdb', 'sdb', 'hda']);
  });

  test('random unicast, locally administered MAC addresses not used in the domain', () => {
    let seed = 1;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 20; k++) {
      const items = at(q35("    <interface type='network'>\n      <mac address='$0'/>\n    </interface>"), { random });
      assert.equal(items.length, 2);
      for (const i of items) {
        assert.match(i.label, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        const first = parseInt(i.label.slice(0, 2), 16);
        assert.equal(first & 1, 0, `${i.label} is multicast`);
        assert.equal(first & 2, 2, `${i.label} is not locally administered`);
      }
      assert.match(items[0]!.label, /^52:54:00:/);
    }
    // A MAC already in the domain is not offered again.
    const taken = at(
      q35(
        "    <interface type='network'>\n      <mac address='52:54:00:80:80:80'/>\n    </interface>\n    <interface type='network'>\n      <mac address='$0'/>\n    </interface>"
      ),
      {
        random: (() => {
          const seq = [0.5, 0.5, 0.5, 0.1, 0.2, 0.3];
          let n = 0;
          return () => seq[n++ % seq.length]!;
        })(),
      }
    );
    assert.notEqual(taken[0]!.label, '52:54:00:80:80:80');
  });

  test("openEuler's retry policy: offered unless the flavor is upstream", () => {
    const src = q35("    <disk type='block' device='disk'>\n      <driver name='qemu' error_policy='$0'/>\n    </disk>");
    assert.ok(labels(at(src)).includes('retry'));
    assert.match(item(at(src), 'retry').detail ?? '', /openEuler/);
    assert.ok(labels(at(src, { flavor: 'openeuler' })).includes('retry'));
    assert.ok(!labels(at(src, { flavor: 'upstream' })).includes('retry'));
  });

  test('a value typed after = without a quote gets its quotes', () => {
    const items = at(q35("    <hostdev mode='subsystem' type='pci' managed=$0>\n    </hostdev>"));
    assert.equal(inserted(items, 'yes'), "'yes'");
  });

  test('element text with a fixed set of values', () => {
    const c = cursor("<domain type='kvm'>\n  <name>t</name>\n  <on_poweroff>$0</on_poweroff>\n</domain>");
    const items = complete(analyze(c.text), c.offset);
    assert.ok(labels(items, 'value').includes('destroy'));
  });
});

describe('values outside <devices> and in fragments', () => {
  test('<os><type>: architecture and machine, and the element with its usual values', () => {
    const machine = at("<domain type='kvm'>\n  <os>\n    <type arch='x86_64' machine='$0'>hvm</type>\n  </os>\n</domain>");
    assert.equal(machine.find((i) => i.preselect)?.label, 'q35');
    assert.ok(labels(machine).includes('pc'));
    const arm = at("<domain type='kvm'>\n  <os>\n    <type arch='aarch64' machine='$0'>hvm</type>\n  </os>\n</domain>");
    assert.equal(arm.find((i) => i.preselect)?.label, 'virt');
    const type = at("<domain type='kvm'>\n  <os>\n    <$0\n  </os>\n</domain>");
    assert.equal(inserted(type, 'type'), "type arch='x86_64' machine='q35'>hvm</type>");
  });

  test('a PCI address in a device fragment goes on bus 0 of the domain it is attached to', () => {
    const items = at("<hostdev mode='subsystem' type='pci' managed='yes'>\n  <address type='pci' bus='$0'/>\n</hostdev>");
    assert.equal(items.find((i) => i.preselect)?.label, '0x00');
    const el = at("<hostdev mode='subsystem' type='pci' managed='yes'>\n  <$0\n</hostdev>");
    assert.equal(inserted(el, "address type='pci'"), "address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>");
  });

  test("a root port's chassis defaults to its index when no other port uses it", () => {
    const own = at(q35("    <controller type='pci' index='3' model='pcie-root-port'>\n      <target chassis='$0'/>\n    </controller>"));
    assert.equal(own.find((i) => i.preselect)?.label, '3');
    const clash = at(
      q35(
        "    <controller type='pci' index='1' model='pcie-root-port'>\n      <target chassis='3'/>\n    </controller>\n    <controller type='pci' index='3' model='pcie-root-port'>\n      <target chassis='$0'/>\n    </controller>"
      )
    );
    assert.equal(clash.find((i) => i.preselect)?.label, '1', 'port 1 has chassis 3, so chassis 1 is unused');
  });

  test("a device's own address counts as free while it is edited", () => {
    const items = at(
      q35(
        "    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03$0' function='0x0'/>\n    </hostdev>"
      )
    );
    assert.equal(items.find((i) => i.preselect)?.label, '0x03');
    const port = at(q35("    <input type='tablet' bus='usb'>\n      <address type='usb' bus='0' port='1$0'/>\n    </input>"));
    assert.equal(port.find((i) => i.preselect)?.label, '1');
    const target = at(q35("    <disk type='file' device='disk'>\n      <target dev='vda$0' bus='virtio'/>\n    </disk>"));
    assert.equal(target.find((i) => i.preselect)?.label, 'vda');
  });
});

describe('attributes', () => {
  test('only those not yet present, required first, with docs', () => {
    const items = at(q35("    <hostdev mode='subsystem' type='pci' $0>\n    </hostdev>"));
    const names = labels(items);
    assert.ok(names.includes('managed'));
    assert.ok(!names.includes('mode') && !names.includes('type'));
    assert.ok(item(items, 'managed').documentation);
  });

  test('address attributes follow the address type', () => {
    const pci = labels(at(q35("    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' $0/>\n    </hostdev>")));
    assert.deepEqual(pci.filter((n) => ['domain', 'bus', 'slot', 'function', 'port', 'controller'].includes(n)).sort(), [
      'bus',
      'domain',
      'function',
      'slot',
    ]);
    const usb = labels(at(q35("    <hostdev mode='subsystem' type='usb'>\n      <address type='usb' $0/>\n    </hostdev>")));
    assert.ok(usb.includes('port') && usb.includes('bus') && !usb.includes('slot'));
    const drive = labels(at(q35("    <disk type='file'>\n      <address type='drive' $0/>\n    </disk>")));
    assert.ok(drive.includes('controller') && drive.includes('unit') && !drive.includes('slot'));
  });

  test('source attributes follow the disk type', () => {
    const file = labels(at(q35("    <disk type='file' device='disk'>\n      <source $0/>\n    </disk>")));
    const block = labels(at(q35("    <disk type='block' device='disk'>\n      <source $0/>\n    </disk>")));
    assert.ok(file.includes('file') && !file.includes('dev'));
    assert.ok(block.includes('dev') && !block.includes('file'));
  });

  test('an attribute with a computed value is inserted with it; others ask for their value', () => {
    const items = at(q35("    <controller type='usb' index='0'/>\n    <controller type='usb' $0/>"));
    assert.equal(inserted(items, 'index'), "index='1'");
    const model = item(items, 'model');
    assert.equal(snippetText(model.insert), "model='qemu-xhci'");
    const ports = item(items, 'ports');
    assert.equal(snippetText(ports.insert), "ports=''");
    assert.equal(ports.retrigger, true);
  });

  test('renaming a partly typed attribute replaces just the name when it has a value', () => {
    const c = cursor("<domain><devices><hostdev ma$0='yes'/></devices></domain>");
    const items = complete(analyze(c.text), c.offset);
    const m = item(items, 'managed');
    assert.deepEqual(snippetText(m.insert), 'managed');
    assert.equal(c.text.slice(m.span.start, m.span.end), 'ma');
  });
});

describe('elements', () => {
  test('children of the element at the cursor, variant-aware snippets', () => {
    const file = at(q35("    <disk type='file' device='disk'>\n      <$0\n    </disk>"));
    assert.equal(inserted(file, 'source'), "source file=''/>");
    const block = at(q35("    <disk type='block' device='disk'>\n      <$0\n    </disk>"));
    assert.equal(inserted(block, 'source'), "source dev=''/>");
    assert.ok(!labels(file).includes('controller'));
  });

  test('inside <devices>: devices, typed variants with free values, templates', () => {
    const items = at(q35("    <controller type='usb' index='0' model='qemu-xhci'/>\n    <$0"));
    assert.equal(inserted(items, "controller type='usb'"), "controller type='usb' index='1' model='qemu-xhci'/>");
    assert.ok(labels(items, 'template').length >= 6);
    const hostdev = inserted(items, "hostdev mode='subsystem' type='pci' managed='yes'");
    assert.match(hostdev, /<source>\n {8}<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'\/>\n {6}<\/source>/);
    const disk = inserted(items, "disk type='file' device='disk'");
    assert.match(disk, /<target dev='vda' bus='virtio'\/>/);
    const cdrom = inserted(items, "disk type='file' device='cdrom'");
    assert.match(cdrom, /<target dev='sda' bus='sata'\/>/);
    assert.match(cdrom, /<readonly\/>/);
    const iface = inserted(items, "interface type='network'");
    assert.match(iface, /<mac address='52:54:00:[0-9a-f:]+'\/>/);
  });

  test('an address element at a free slot, of the type that fits the device', () => {
    const items = at(
      q35(
        "    <controller type='pci' index='1' model='pcie-root-port'/>\n    <hostdev mode='subsystem' type='pci'>\n      <$0\n    </hostdev>"
      )
    );
    assert.equal(inserted(items, "address type='pci'"), "address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>");
    const usb = at(q35("    <hostdev mode='subsystem' type='usb'>\n      <$0\n    </hostdev>"));
    assert.equal(inserted(usb, "address type='usb'"), "address type='usb' bus='0' port='1'/>");
    const scsi = at(q35("    <disk type='file'>\n      <target dev='sda' bus='scsi'/>\n      <$0\n    </disk>"));
    assert.equal(inserted(scsi, "address type='drive'"), "address type='drive' controller='0' bus='0' target='0' unit='1'/>");
  });

  test('an element that may appear once is not offered again', () => {
    const items = at(q35("    <disk type='file'>\n      <target dev='vda'/>\n      <$0\n    </disk>"));
    assert.ok(!labels(items).includes('target'));
  });

  test('in element content without <, the items bring their own <', () => {
    const items = at(q35('    $0'));
    assert.ok(inserted(items, 'controller').startsWith('<controller '));
  });

  test('renaming the name of a tag that has attributes inserts the name only', () => {
    const items = at(q35("    <contr$0 type='usb'/>"));
    assert.equal(inserted(items, 'controller'), 'controller');
    assert.ok(!items.some((i) => i.kind === 'template'));
  });

  test('top of an empty file: domain, devices as fragments, templates', () => {
    const items = complete(analyze(''), 0);
    assert.ok(labels(items).includes('domain') && labels(items).includes('hostdev') && labels(items, 'template').length > 0);
    assert.match(inserted(items, 'domain'), /^<domain type='kvm'>\n {2}<name><\/name>\n<\/domain>$/);
  });

  test('nothing in comments, close tags, or after the root', () => {
    assert.deepEqual(at("<domain type='kvm'>\n  <!-- $0 -->\n</domain>"), []);
    assert.deepEqual(at("<domain type='kvm'>\n</dom$0ain>"), []);
    assert.deepEqual(at("<domain type='kvm'>\n</domain>\n$0"), []);
  });

  test('trigger characters only where they start something', () => {
    assert.deepEqual(at(q35("    <controller type='usb' $0"), { triggerCharacter: "'" }), []);
    assert.deepEqual(at(q35('    $0'), { triggerCharacter: ' ' }), []);
    assert.ok(at(q35("    <controller type='usb' $0"), { triggerCharacter: ' ' }).length > 0);
  });
});

// ---------------------------------------------------------------------------
// LSP

describe('snippet syntax', () => {
  test('placeholders, choices, escapes; expandSnippet inverts it', () => {
    const s = toSnippetString([
      "a$b}c\\ '",
      { tab: 1, text: 'x}y' },
      ' ',
      { tab: 2, text: 'p', choices: ['p', 'q,r', 's|t'] },
      { tab: 0, text: '' },
    ]);
    assert.equal(s, "a\\$b\\}c\\\\ '${1:x\\}y} ${2|p,q\\,r,s\\|t|}$0");
    assert.equal(expandSnippet(s), "a$b}c\\ 'x}y p");
  });
});

describe('completion through the LSP client', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient({ flavor: 'openeuler' });
  });
  after(() => c.close());

  async function completion(uri: string, text: string, offset: number, triggerCharacter?: string): Promise<CompletionItem[]> {
    const r = await c.conn.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
      textDocument: { uri },
      position: positionAt(text, offset),
      context: triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 },
    });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  test('advertises completion with its trigger characters', () => {
    const p = c.init.capabilities.completionProvider;
    assert.ok(p);
    assert.deepEqual(p.triggerCharacters, ['<', ' ', "'", '"']);
  });

  test('USB controller models, as values replacing the quoted text', async () => {
    const src = cursor(q35("    <controller type='usb' index='0' model='e$0'/>"));
    await c.open('file:///usb.xml', src.text);
    await c.diagnostics('file:///usb.xml', 1); // nothing left pending when the client closes
    const items = await completion('file:///usb.xml', src.text, src.offset, undefined);
    const ehci = items.find((i) => i.label === 'ehci');
    assert.ok(ehci);
    assert.equal(ehci.kind, CompletionItemKind.Value);
    const edit = ehci.textEdit as TextEdit;
    assert.deepEqual(edit.range.start, positionAt(src.text, src.offset - 1));
    assert.deepEqual(edit.range.end, positionAt(src.text, src.offset));
    for (const m of USB_MODELS) {
      assert.ok(
        items.some((i) => i.label === m),
        m
      );
    }
  });

  test('a template applied through its text edit gives a document without errors', async () => {
    const uri = 'file:///tpl.xml';
    const src = cursor(q35("    <controller type='pci' index='1' model='pcie-root-port'/>\n    <$0"));
    await c.open(uri, src.text);
    await c.diagnostics(uri, 1);
    const items = await completion(uri, src.text, src.offset, '<');
    const tpl = items.find((i) => i.kind === CompletionItemKind.Snippet && /PCI passthrough/.test(i.label));
    assert.ok(tpl, items.map((i) => i.label).join(', '));
    assert.equal(tpl.insertTextFormat, InsertTextFormat.Snippet);
    assert.ok(tpl.documentation && typeof tpl.documentation === 'object' && tpl.documentation.value.includes('```xml'));
    const edit = tpl.textEdit as TextEdit;
    const newText = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, src.text), [
      { range: edit.range, newText: expandSnippet(edit.newText) },
    ]);
    assert.match(newText, /<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'\/>/);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: newText }] });
    const d = await c.diagnostics(uri, 2);
    assert.deepEqual(
      d.diagnostics.filter((x) => x.severity === 1),
      []
    );
  });

  test('attribute items re-trigger suggestions when their value is still to choose', async () => {
    const src = cursor(q35("    <hostdev mode='subsystem' type='pci' $0>\n    </hostdev>"));
    await c.open('file:///attr.xml', src.text);
    await c.diagnostics('file:///attr.xml', 1);
    const items = await completion('file:///attr.xml', src.text, src.offset, ' ');
    const managed = items.find((i) => i.label === 'managed');
    assert.ok(managed);
    assert.equal((managed.textEdit as TextEdit).newText, "managed='$1'");
    assert.equal(managed.command?.command, 'editor.action.triggerSuggest');
  });

  test('a document that is not open gives no items; a garbage position does not fail', async () => {
    assert.deepEqual(await completion('file:///nope.xml', '', 0), []);
    await c.open('file:///odd.xml', '<<<\'"\n<domain');
    await c.diagnostics('file:///odd.xml', 1);
    const r = await completion('file:///odd.xml', '<<<\'"\n<domain', 3);
    assert.ok(Array.isArray(r));
  });
});

test('a root-port number is found even when all 256 are taken (no endless search)', () => {
  const ports = Array.from(
    { length: 256 },
    (_, i) => `<controller type='pci' index='${i + 1}' model='pcie-root-port'><target chassis='${i + 1}' port='${i}'/></controller>`
  ).join('');
  const text = `<domain type='kvm'><name>x</name><memory>1</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>${ports}</devices></domain>`;
  const a = analyze(text, { flavor: 'upstream' });
  assert.equal(allocation(a.model).freeRootPortNumber(3), 24);
});

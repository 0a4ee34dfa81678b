import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributeOf,
  attributesOf,
  booleanStyle,
  checkValue,
  childDoc,
  childElement,
  childrenOf,
  describeType,
  elementAt,
  enumValues,
  knownElementNames,
  rootElement,
  schemaSource,
  valueType,
  vendorOnlyValue,
  type PathStep,
  type ResolvedElement,
} from '../../../server/src/schema/lookup';

/** Path shorthand: 'name' or ['name', {attrs}]. */
type S = string | [string, Record<string, string>];
function steps(...s: S[]): PathStep[] {
  return s.map((x) => (typeof x === 'string' ? { name: x, attrs: {} } : { name: x[0], attrs: x[1] }));
}
function at(...s: S[]): ResolvedElement {
  const el = elementAt(steps(...s));
  assert.ok(el, `no element at ${JSON.stringify(s)}`);
  return el;
}
function attrNames(el: ResolvedElement): string[] {
  return attributesOf(el).map((a) => a.name);
}
function typeOf(el: ResolvedElement, attr: string) {
  const a = attributeOf(el, attr);
  assert.ok(a, `<${el.name}> has no attribute ${attr}`);
  return valueType(a);
}

test('schema records where it came from', () => {
  const src = schemaSource();
  assert.match(src.libvirt, /^\d+\.\d+\.\d+$/);
  assert.ok(src.origin.length > 0);
  assert.ok(src.files.includes('domaincommon.rng'));
  assert.match(src.sha256, /^[0-9a-f]{64}$/);
});

// Element paths taken from the XML examples in the user's reference documents
// (openEuler virtualization guides, RHEL device assignment chapter).
const SEED_PATHS: S[][] = [
  [['domain', { type: 'kvm' }]],
  ['domain', 'name'],
  ['domain', ['memory', { unit: 'GiB' }]],
  ['domain', ['currentMemory', { unit: 'KiB' }]],
  ['domain', ['vcpu', { placement: 'static' }]],
  ['domain', 'iothreads'],
  ['domain', 'os'],
  ['domain', 'os', ['type', { arch: 'aarch64', machine: 'virt' }]],
  ['domain', 'os', ['loader', { readonly: 'yes', type: 'pflash' }]],
  ['domain', 'os', 'nvram'],
  ['domain', 'features'],
  ['domain', 'features', 'acpi'],
  ['domain', 'features', ['gic', { version: '3' }]],
  ['domain', ['cpu', { mode: 'host-passthrough', check: 'none' }]],
  ['domain', 'cpu', ['topology', { sockets: '2', cores: '2', threads: '1' }]],
  ['domain', 'cpu', 'numa', ['cell', { id: '0', cpus: '0-1', memory: '2097152' }]],
  ['domain', 'cputune', ['vcpupin', { vcpu: '0', cpuset: '0-3' }]],
  ['domain', 'cputune', ['iothreadpin', { iothread: '1', cpuset: '1-3,5,7-12' }]],
  ['domain', 'numatune', ['memory', { mode: 'strict', nodeset: '0' }]],
  ['domain', 'numatune', ['memnode', { cellid: '0', mode: 'strict', nodeset: '0' }]],
  ['domain', 'memoryBacking', 'hugepages', ['page', { size: '1', unit: 'GiB' }]],
  ['domain', ['clock', { offset: 'utc' }]],
  ['domain', 'on_poweroff'],
  ['domain', 'on_reboot'],
  ['domain', 'on_crash'],
  ['domain', ['seclabel', { type: 'dynamic', model: 'selinux', relabel: 'yes' }]],
  ['domain', 'devices'],
  ['domain', 'devices', 'emulator'],
  [['disk', { type: 'file', device: 'disk' }]],
  [
    ['disk', { type: 'file', device: 'disk' }],
    ['driver', { name: 'qemu', type: 'qcow2', cache: 'none', io: 'native' }],
  ],
  [
    ['disk', { type: 'file', device: 'disk' }],
    ['source', { file: '/path/to/another/qcow2-file' }],
  ],
  [['disk', { type: 'file', device: 'disk' }], 'backingStore'],
  [
    ['disk', { type: 'file', device: 'disk' }],
    ['target', { dev: 'sdb', bus: 'scsi' }],
  ],
  [
    ['disk', { type: 'file', device: 'disk' }],
    ['address', { type: 'drive', controller: '0', bus: '0', target: '1', unit: '0' }],
  ],
  [['disk', { type: 'file', device: 'cdrom' }], 'readonly'],
  [
    ['disk', { type: 'file', device: 'cdrom' }],
    ['boot', { order: '2' }],
  ],
  [
    ['disk', { type: 'block', device: 'disk' }],
    ['source', { dev: '/path/to/your/storage' }],
  ],
  [['interface', { type: 'bridge' }]],
  [
    ['interface', { type: 'bridge' }],
    ['mac', { address: '52:54:00:76:f2:bb' }],
  ],
  [
    ['interface', { type: 'bridge' }],
    ['source', { bridge: 'br0' }],
  ],
  [
    ['interface', { type: 'bridge' }],
    ['virtualport', { type: 'openvswitch' }],
  ],
  [
    ['interface', { type: 'bridge' }],
    ['model', { type: 'virtio' }],
  ],
  [
    ['interface', { type: 'bridge' }],
    ['driver', { name: 'vhost', queues: '2' }],
  ],
  [
    ['interface', { type: 'hostdev', managed: 'yes' }],
    'source',
    ['address', { type: 'pci', domain: '0x0000', bus: '0x06', slot: '0x11', function: '0x6' }],
  ],
  [['interface', { type: 'hostdev', managed: 'yes' }], 'vlan', ['tag', { id: '1' }]],
  [['controller', { type: 'pci', index: '0', model: 'pcie-root' }]],
  [
    ['controller', { type: 'pci', index: '1', model: 'pcie-root-port' }],
    ['model', { name: 'pcie-root-port' }],
  ],
  [
    ['controller', { type: 'pci', index: '1', model: 'pcie-root-port' }],
    ['target', { chassis: '1', port: '0x8' }],
  ],
  [
    ['controller', { type: 'pci', index: '1', model: 'pcie-root-port' }],
    ['address', { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x01', function: '0x0', multifunction: 'on' }],
  ],
  [['controller', { type: 'usb', index: '0', model: 'piix3-uhci' }]],
  [['serial', { type: 'pty' }]],
  [
    ['serial', { type: 'pty' }],
    ['target', { type: 'isa-serial', port: '0' }],
    ['model', { name: 'isa-serial' }],
  ],
  [
    ['console', { type: 'pty' }],
    ['target', { type: 'serial', port: '0' }],
  ],
  [['hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }]],
  [
    ['hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }],
    ['driver', { name: 'vfio' }],
  ],
  [
    ['hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }],
    'source',
    ['address', { domain: '0x0000', bus: '0x04', slot: '0x10', function: '0x01' }],
  ],
  [
    ['hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }],
    ['rom', { bar: 'off' }],
  ],
  [
    ['hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }],
    ['address', { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x03', function: '0x0' }],
  ],
  [['hostdev', { mode: 'subsystem', type: 'usb', managed: 'yes' }], 'source', ['address', { bus: '1', device: '3' }]],
  [
    ['hostdev', { mode: 'subsystem', type: 'usb', managed: 'yes' }],
    ['address', { type: 'usb', bus: '0', port: '1' }],
  ],
  [['input', { type: 'tablet', bus: 'usb' }]],
  [
    ['input', { type: 'tablet', bus: 'usb' }],
    ['address', { type: 'usb', bus: '0', port: '1' }],
  ],
  [['graphics', { type: 'vnc', listen: '0.0.0.0', passwd: 'n8VfjbFK' }]],
  [
    ['graphics', { type: 'vnc', port: '-1', autoport: 'yes', listen: '0.0.0.0' }],
    ['listen', { type: 'address', address: '0.0.0.0' }],
  ],
  ['video', ['model', { type: 'vga', vram: '16384', heads: '1', primary: 'yes' }]],
  ['video', ['address', { type: 'pci', domain: '0x0000', bus: '0x00', slot: '0x02', function: '0x0' }]],
  [['memballoon', { model: 'virtio' }]],
];

/** Values in the reference documents that libvirt's RNG rejects (libvirt's own parser accepts them). */
const RNG_REJECTS = new Set(['domain/devices/hostdev/source/address@function=0x01']);

test('every element of the reference documents is known and documented', () => {
  const known = knownElementNames();
  for (const p of SEED_PATHS) {
    const el = at(...p);
    assert.ok(known.has(el.name), el.name);
    assert.ok(el.doc && el.doc.length > 20, `no doc for ${el.path.join('/')}`);
    // every attribute used in the examples is known to the schema (or the overlay) and valid
    const last = p[p.length - 1] as S;
    if (typeof last !== 'string') {
      for (const [n, v] of Object.entries(last[1])) {
        const a = attributeOf(el, n);
        assert.ok(a, `${el.path.join('/')} has no attribute ${n}`);
        const key = `${el.path.join('/')}@${n}=${v}`;
        if (RNG_REJECTS.has(key)) {
          assert.ok(checkValue(a.type, v), key);
        } else {
          assert.equal(checkValue(a.type, v), undefined, key);
        }
      }
    }
  }
});

test('attributes users edit in the reference documents all have docs', () => {
  const need: [S[], string[]][] = [
    [[['hostdev', { mode: 'subsystem', type: 'pci' }]], ['mode', 'type', 'managed']],
    [
      [['hostdev', { type: 'pci' }], 'source', 'address'],
      ['domain', 'bus', 'slot', 'function'],
    ],
    [[['hostdev', { type: 'pci' }], 'driver'], ['name']],
    [
      [['hostdev', { type: 'pci' }], 'rom'],
      ['bar', 'file', 'enabled'],
    ],
    [
      [['hostdev', { type: 'usb' }], 'source', 'address'],
      ['bus', 'device'],
    ],
    [[['hostdev', { type: 'usb' }], 'source', 'vendor'], ['id']],
    [[['hostdev', { type: 'usb' }], 'source', 'product'], ['id']],
    [[['controller', { type: 'usb' }]], ['type', 'index', 'model', 'ports']],
    [[['controller', { type: 'pci' }]], ['type', 'index', 'model']],
    [[['controller', { type: 'scsi' }]], ['model']],
    [[['controller', { type: 'virtio-serial' }]], ['model', 'ports', 'vectors']],
    [
      [['controller', { type: 'pci', model: 'pcie-root-port' }], 'target'],
      ['chassis', 'port', 'busNr', 'chassisNr'],
    ],
    [[['controller', { type: 'pci', model: 'pcie-root-port' }], 'model'], ['name']],
    [
      [
        ['disk', { type: 'file' }],
        ['address', { type: 'pci' }],
      ],
      ['type', 'domain', 'bus', 'slot', 'function', 'multifunction'],
    ],
    [
      [
        ['disk', { type: 'file' }],
        ['address', { type: 'drive' }],
      ],
      ['controller', 'bus', 'target', 'unit'],
    ],
    [
      [
        ['input', { type: 'tablet', bus: 'usb' }],
        ['address', { type: 'usb' }],
      ],
      ['bus', 'port'],
    ],
    [[['disk', { type: 'file' }]], ['type', 'device']],
    [
      [['disk', { type: 'file' }], 'driver'],
      ['name', 'type', 'cache', 'io', 'error_policy', 'rerror_policy', 'retry_interval', 'retry_timeout'],
    ],
    [[['disk', { type: 'file' }], 'source'], ['file']],
    [[['disk', { type: 'block' }], 'source'], ['dev']],
    [
      [['disk', { type: 'file' }], 'target'],
      ['dev', 'bus'],
    ],
    [[['disk', { type: 'file' }], 'boot'], ['order']],
    [[['interface', { type: 'network' }]], ['type']],
    [[['interface', { type: 'hostdev' }]], ['type', 'managed']],
    [[['interface', { type: 'bridge' }], 'mac'], ['address']],
    [[['interface', { type: 'bridge' }], 'source'], ['bridge']],
    [[['interface', { type: 'network' }], 'source'], ['network']],
    [[['interface', { type: 'bridge' }], 'model'], ['type']],
    [[['interface', { type: 'bridge' }], 'vlan', 'tag'], ['id']],
    [[['serial', { type: 'pty' }]], ['type']],
    [[['console', { type: 'pty' }]], ['type']],
    [
      [['console', { type: 'pty' }], 'target'],
      ['type', 'port'],
    ],
    [[['input', { type: 'tablet' }]], ['type', 'bus']],
    [[['graphics', { type: 'vnc' }]], ['type', 'port', 'autoport', 'listen', 'passwd']],
    [
      [
        ['graphics', { type: 'vnc' }],
        ['listen', { type: 'address' }],
      ],
      ['type', 'address'],
    ],
  ];
  for (const [p, attrs] of need) {
    const el = at(...p);
    for (const n of attrs) {
      const a = attributeOf(el, n);
      assert.ok(a, `${el.path.join('/')} has no attribute ${n}`);
      assert.ok(a.doc, `no doc for ${el.path.join('/')} @${n}`);
    }
  }
});

test('enum values the user picks from have meanings documented', () => {
  const usb = at(['controller', { type: 'usb' }]);
  const model = attributeOf(usb, 'model');
  for (const v of enumValues(model!.type) ?? []) {
    assert.ok(model!.valueDocs?.[v], `controller usb model ${v}`);
  }
  const pci = at(['controller', { type: 'pci' }]);
  for (const v of ['pci-root', 'pcie-root', 'pcie-root-port', 'pcie-to-pci-bridge', 'pci-bridge', 'dmi-to-pci-bridge']) {
    assert.ok(attributeOf(pci, 'model')!.valueDocs?.[v], `controller pci model ${v}`);
  }
  const drv = at(['disk', { type: 'file' }], 'driver');
  for (const attr of ['error_policy', 'rerror_policy', 'cache', 'io']) {
    const a = attributeOf(drv, attr)!;
    for (const v of enumValues(a.type) ?? []) {
      assert.ok(a.valueDocs?.[v], `driver ${attr}=${v}`);
    }
  }
  const addr = at(['disk', {}], ['address', { type: 'pci' }]);
  for (const v of ['pci', 'drive', 'usb', 'virtio-serial']) {
    assert.ok(attributeOf(addr, 'type')!.valueDocs?.[v]);
  }
});

test('the <source> of a disk depends on the disk type', () => {
  const file = at(['disk', { type: 'file', device: 'disk' }], 'source');
  const block = at(['disk', { type: 'block', device: 'disk' }], 'source');
  const dflt = at(['disk', { device: 'disk' }], 'source');
  assert.ok(attrNames(file).includes('file'));
  assert.ok(!attrNames(file).includes('dev'));
  assert.ok(attrNames(block).includes('dev'));
  assert.ok(!attrNames(block).includes('file'));
  assert.deepEqual(attrNames(dflt), attrNames(file), 'type defaults to file');
  assert.notDeepEqual(file.ids, block.ids);
  const disk = at(['disk', { type: 'block' }]);
  assert.equal(disk.variant['type'], 'block');
  assert.equal(disk.variant['device'], 'floppy', 'device absent selects the floppy/disk/cdrom case');
  const net = at(['disk', { type: 'network' }], ['source', { protocol: 'rbd', name: 'pool/image' }]);
  assert.ok(attrNames(net).includes('protocol'));
  assert.ok(childrenOf(net).some((c) => c.name === 'host'));
  // a LUN only takes block, network or volume sources
  const lun = at(['disk', { type: 'block', device: 'lun' }], 'source');
  assert.ok(attrNames(lun).includes('dev'));
});

test('the attributes of <address> depend on its type', () => {
  const pci = at(['disk', {}], ['address', { type: 'pci' }]);
  const drive = at(['disk', {}], ['address', { type: 'drive' }]);
  const usb = at(['input', { type: 'tablet', bus: 'usb' }], ['address', { type: 'usb' }]);
  for (const a of ['domain', 'bus', 'slot', 'function', 'multifunction']) {
    assert.ok(attrNames(pci).includes(a), a);
  }
  for (const a of ['controller', 'unit', 'target', 'port']) {
    assert.ok(!attrNames(pci).includes(a), a);
  }
  for (const a of ['controller', 'bus', 'target', 'unit']) {
    assert.ok(attrNames(drive).includes(a), a);
  }
  assert.ok(!attrNames(drive).includes('slot'));
  assert.ok(attrNames(usb).includes('port'));
  assert.ok(attrNames(usb).includes('bus'));
  assert.ok(!attrNames(usb).includes('slot'));
  // bus means different things, with different value types
  assert.equal(checkValue(typeOf(pci, 'bus'), '0x01'), undefined);
  assert.ok(checkValue(typeOf(drive, 'bus'), '0x01'));
  // unknown or missing type: every case is merged and the element says so
  const unknown = at(['disk', {}], ['address', { type: 'nonsense' }]);
  assert.deepEqual(unknown.unresolved, ['type']);
  assert.ok(attrNames(unknown).includes('slot') && attrNames(unknown).includes('unit'));
  assert.ok(!attributeOf(unknown, 'slot')!.required);
});

test('controller models depend on the controller type', () => {
  const usb = enumValues(typeOf(at(['controller', { type: 'usb' }]), 'model'));
  for (const m of ['piix3-uhci', 'ehci', 'ich9-ehci1', 'ich9-uhci1', 'nec-xhci', 'qemu-xhci']) {
    assert.ok(usb?.includes(m), m);
  }
  assert.ok(!usb?.includes('pcie-root-port'));
  const pci = enumValues(typeOf(at(['controller', { type: 'pci' }]), 'model'));
  for (const m of ['pci-root', 'pcie-root', 'pcie-root-port', 'pcie-to-pci-bridge']) {
    assert.ok(pci?.includes(m), m);
  }
  assert.ok(!pci?.includes('ehci'));
  const scsi = enumValues(typeOf(at(['controller', { type: 'scsi' }]), 'model'));
  assert.ok(scsi?.includes('virtio-scsi'));
  assert.ok(attrNames(at(['controller', { type: 'usb' }])).includes('ports'));
  assert.ok(childrenOf(at(['controller', { type: 'pci', model: 'pcie-root-port' }])).some((c) => c.name === 'target'));
  assert.ok(!childrenOf(at(['controller', { type: 'usb' }])).some((c) => c.name === 'target'));
  // the type itself lists every kind, for completion
  const types = enumValues(typeOf(at(['controller', { type: 'usb' }]), 'type'));
  for (const t of ['pci', 'usb', 'scsi', 'virtio-serial', 'sata', 'ide', 'fdc', 'ccid']) {
    assert.ok(types?.includes(t), t);
  }
  assert.equal(attributeOf(at(['controller', { type: 'usb' }]), 'type')!.required, true);
});

test('hostdev content depends on mode and type', () => {
  const pciSrc = at(['hostdev', { mode: 'subsystem', type: 'pci' }], 'source');
  const usbSrc = at(['hostdev', { mode: 'subsystem', type: 'usb' }], 'source');
  assert.deepEqual(
    childrenOf(pciSrc).map((c) => c.name),
    ['address']
  );
  assert.ok(['vendor', 'product', 'address'].every((n) => usbSrc.children.has(n)));
  const pciAddr = at(['hostdev', { type: 'pci' }], 'source', 'address');
  const usbAddr = at(['hostdev', { type: 'usb' }], 'source', 'address');
  assert.ok(['domain', 'bus', 'slot', 'function'].every((n) => pciAddr.attributes.has(n)));
  assert.ok(['bus', 'device'].every((n) => usbAddr.attributes.has(n)));
  assert.ok(!usbAddr.attributes.has('slot'));
  // mode defaults to subsystem; type is then required
  const h = at(['hostdev', { type: 'pci' }]);
  assert.equal(h.variant['mode'], 'subsystem');
  assert.equal(h.variant['type'], 'pci');
  assert.equal(attributeOf(h, 'type')!.required, true);
  assert.equal(booleanStyle(typeOf(h, 'managed')), 'yes/no');
  const caps = at(['hostdev', { mode: 'capabilities', type: 'storage' }], 'source');
  assert.ok(caps.children.has('block'));
  assert.equal(at(['hostdev', { type: 'pci' }], 'driver').attributes.get('name')!.default, 'vfio');
});

test('interface source depends on the interface type', () => {
  assert.ok(attrNames(at(['interface', { type: 'bridge' }], 'source')).includes('bridge'));
  assert.ok(attrNames(at(['interface', { type: 'network' }], 'source')).includes('network'));
  assert.ok(attrNames(at(['interface', { type: 'direct' }], 'source')).includes('mode'));
  const hd = at(['interface', { type: 'hostdev' }], 'source');
  assert.ok(hd.children.has('address'));
  assert.ok(!attrNames(hd).includes('bridge'));
  const vp = at(['interface', { type: 'bridge' }], ['virtualport', { type: 'openvswitch' }]);
  assert.equal(vp.ids.length, 1, 'same-named alternatives are told apart by their attributes');
});

test('checkValue follows the RNG types', () => {
  const addr = at(['hostdev', { type: 'pci' }], 'source', 'address');
  const fn = typeOf(addr, 'function');
  // RNG pciFunc: pattern (0x)?[0-7] or int 0..7
  assert.equal(checkValue(fn, '0x7'), undefined);
  assert.equal(checkValue(fn, '7'), undefined);
  // the openEuler guide writes function='0x01'; libvirt's parser reads it, but the RNG pattern allows one hex digit only
  assert.ok(checkValue(fn, '0x01'));
  const bad = checkValue(fn, '0x8');
  assert.ok(bad);
  assert.match(bad.allowed, /0 to 7/);
  assert.ok(checkValue(fn, '8'));
  const slot = typeOf(addr, 'slot');
  assert.equal(checkValue(slot, '0x1f'), undefined);
  assert.equal(checkValue(slot, '31'), undefined);
  assert.ok(checkValue(slot, '0x20'));
  assert.ok(checkValue(slot, '32'));
  const bus = typeOf(addr, 'bus');
  assert.equal(checkValue(bus, '0xff'), undefined);
  assert.ok(checkValue(bus, '0x100'));
  assert.ok(checkValue(bus, '256'));
  const yn = typeOf(at(['hostdev', { type: 'pci' }]), 'managed');
  assert.equal(checkValue(yn, 'yes'), undefined);
  assert.equal(checkValue(yn, 'no'), undefined);
  const p = checkValue(yn, 'true');
  assert.ok(p);
  assert.deepEqual(p.values, ['yes', 'no']);
  assert.equal(p.allowed, "'yes' or 'no'");
  const bar = typeOf(at(['hostdev', { type: 'pci' }], 'rom'), 'bar');
  assert.equal(booleanStyle(bar), 'on/off');
  assert.ok(checkValue(bar, 'yes'));
  const mac = typeOf(at(['interface', { type: 'bridge' }], 'mac'), 'address');
  assert.equal(checkValue(mac, '52:54:00:76:f2:bb'), undefined);
  assert.ok(checkValue(mac, '53:54:00:76:f2:bb'), 'multicast MAC');
  assert.ok(checkValue(mac, '52:54:00:76:f2'));
  const index = typeOf(at(['controller', { type: 'pci' }]), 'index');
  assert.equal(checkValue(index, '0'), undefined);
  assert.ok(checkValue(index, '-1'));
  assert.ok(checkValue(index, 'one'));
  assert.equal(checkValue(index, '4294967295'), undefined);
  assert.equal(checkValue(index, '4294967296')?.problem, 'out of range');
  const order = typeOf(at(['disk', {}], 'boot'), 'order');
  assert.ok(checkValue(order, '0'), 'boot order starts at 1');
  const model = typeOf(at(['controller', { type: 'usb' }]), 'model');
  assert.equal(checkValue(model, 'qemu-xhci'), undefined);
  assert.equal(checkValue(model, 'pcie-root-port')?.problem, 'not one of the allowed values');
  const file = typeOf(at(['disk', { type: 'file' }], 'source'), 'file');
  assert.equal(checkValue(file, '/var/lib/libvirt/images/a.qcow2'), undefined);
  assert.ok(checkValue(file, 'relative.qcow2'));
  assert.equal(checkValue(typeOf(at('domain', 'memory'), 'unit'), 'GiB'), undefined);
  assert.ok(checkValue(typeOf(at('domain', 'memory'), 'unit'), 'GB2'));
  const text = at('domain', 'memory').text;
  assert.ok(text);
  assert.equal(checkValue(text, '18446744073709551615'), undefined);
  assert.ok(checkValue(text, '18446744073709551616'));
  assert.match(describeType(typeOf(addr, 'slot')), /0x1f/);
});

test('openEuler additions: retry policies and their timing attributes', () => {
  const drv = at(['disk', { type: 'block', device: 'disk' }], 'driver');
  const ep = attributeOf(drv, 'error_policy')!;
  const rp = attributeOf(drv, 'rerror_policy')!;
  for (const a of [ep, rp]) {
    assert.equal(checkValue(a.type, 'retry'), undefined);
    assert.equal(vendorOnlyValue(a, 'retry'), 'openEuler');
    assert.equal(vendorOnlyValue(a, 'stop'), undefined);
    assert.ok(a.valueDocs?.['retry']);
  }
  assert.equal(checkValue(ep.type, 'enospace'), undefined);
  assert.ok(checkValue(rp.type, 'enospace'), 'upstream rejects enospace for reads');
  for (const [n, dflt] of [
    ['retry_interval', '1000'],
    ['retry_timeout', '0'],
  ] as const) {
    const a = attributeOf(drv, n);
    assert.ok(a, n);
    assert.equal(a.vendor, 'openEuler');
    assert.equal(a.default, dflt);
    assert.equal(a.unit, 'ms');
    assert.equal(a.required, false);
    assert.equal(checkValue(a.type, '0'), undefined);
    assert.equal(checkValue(a.type, '9223372036854775807'), undefined, 'MAX_LONG');
    assert.ok(checkValue(a.type, '9223372036854775808'));
    assert.ok(checkValue(a.type, '-1'));
  }
  // upstream attributes are not marked as vendor ones
  assert.equal(attributeOf(drv, 'cache')!.vendor, undefined);
});

test('seed knowledge is in the docs', () => {
  const slot = attributeOf(at(['hostdev', { type: 'pci' }], ['address', { type: 'pci' }]), 'slot')!;
  assert.match(slot.doc ?? '', /0x03-0x1e/);
  assert.match(slot.doc ?? '', /0x1f/);
  const usb = attributeOf(at(['controller', { type: 'usb' }]), 'model')!;
  assert.match(usb.valueDocs?.['piix3-uhci'] ?? '', /2 ports/);
  assert.match(usb.valueDocs?.['ehci'] ?? '', /6 ports/);
  assert.match(usb.valueDocs?.['nec-xhci'] ?? '', /4 ports/);
  assert.match(usb.valueDocs?.['nec-xhci'] ?? '', /8 ports/);
  assert.match(attributeOf(at(['disk', {}], 'driver'), 'retry_interval')!.doc ?? '', /virtio|milliseconds/);
});

test('documents for virsh attach-device start at a device', () => {
  const disk = at(['disk', { type: 'file' }]);
  assert.deepEqual(disk.path, ['domain', 'devices', 'disk']);
  assert.equal(disk.parent?.name, 'devices');
  assert.equal(elementAt(steps('nonsense')), undefined);
  assert.equal(elementAt(steps(['disk', {}], 'nonsense')), undefined);
  assert.equal(elementAt([]), undefined);
  assert.equal(rootElement().name, 'domain');
});

test('metadata takes any element; namespaced elements resolve by prefix', () => {
  const md = at('domain', 'metadata');
  assert.ok(md.anyChildren);
  const custom = at('domain', 'metadata', ['app:info', { 'xmlns:app': 'urn:x' }], 'anything');
  assert.ok(custom.anyAttributes);
  const qemu = at('domain', 'qemu:commandline', ['qemu:arg', { value: '-foo' }]);
  assert.equal(qemu.ns, 'http://libvirt.org/schemas/domain/qemu/1.0');
});

test('child docs are available before the child exists', () => {
  const hostdev = at(['hostdev', { type: 'pci' }]);
  assert.match(childDoc(hostdev, 'rom') ?? '', /ROM/);
  assert.match(childDoc(at('domain'), 'devices') ?? '', /devices/i);
});

test('resolution is cached and cheap for a 10,000-device domain', () => {
  const root = rootElement({ type: 'kvm' });
  const devices = childElement(root, { name: 'devices', attrs: {} })!;
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < 10000; i++) {
    const slot = `0x${((i % 29) + 3).toString(16)}`;
    const kind = i % 4;
    if (kind === 0) {
      const d = childElement(devices, { name: 'disk', attrs: { type: 'file', device: 'disk' } })!;
      childElement(d, { name: 'driver', attrs: { name: 'qemu', type: 'qcow2' } });
      childElement(d, { name: 'source', attrs: { file: `/img/${i}.qcow2` } });
      childElement(d, { name: 'target', attrs: { dev: `vd${i}`, bus: 'virtio' } });
      childElement(d, { name: 'address', attrs: { type: 'pci', bus: '0x01', slot } });
      n += 5;
    } else if (kind === 1) {
      const h = childElement(devices, { name: 'hostdev', attrs: { mode: 'subsystem', type: 'pci', managed: 'yes' } })!;
      const s = childElement(h, { name: 'source', attrs: {} })!;
      childElement(s, { name: 'address', attrs: { domain: '0', bus: '4', slot, function: '1' } });
      n += 3;
    } else if (kind === 2) {
      const itf = childElement(devices, { name: 'interface', attrs: { type: 'bridge' } })!;
      childElement(itf, { name: 'mac', attrs: { address: '52:54:00:00:00:01' } });
      childElement(itf, { name: 'source', attrs: { bridge: 'br0' } });
      childElement(itf, { name: 'model', attrs: { type: 'virtio' } });
      n += 4;
    } else {
      const c = childElement(devices, { name: 'controller', attrs: { type: 'pci', index: String(i), model: 'pcie-root-port' } })!;
      childElement(c, { name: 'target', attrs: { chassis: String(i % 256), port: '0x8' } });
      n += 2;
    }
  }
  // full-path lookups, as a consumer without a tree walk would do them
  for (let i = 0; i < 10000; i++) {
    elementAt(steps(['domain', { type: 'kvm' }], 'devices', ['disk', { type: 'file' }], ['address', { type: 'pci', slot: '0x05' }]));
    n++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(n > 30000);
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms for ${n} lookups`);
  // identical requests give the identical object
  const a = childElement(devices, { name: 'disk', attrs: { type: 'file', device: 'disk' } });
  const b = childElement(devices, { name: 'disk', attrs: { type: 'file', device: 'disk', snapshot: 'no' } });
  assert.equal(a, b);
});

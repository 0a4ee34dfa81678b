/**
 * The semantic diff (server/src/compare/diff.ts): what the user wrote against what libvirt stored.
 * Table-driven cases for the classification, then the REAL libvirt: `virsh define` + `dumpxml
 * --inactive` on test:///default and on qemu:///system (a throwaway lxtest-live-* domain,
 * serialized with flock /tmp/libvirt-daemon.lock, undefined even when the test fails).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { compareDomains, sameValue, summarize, type DiffEntry } from '../../../server/src/compare/diff';
import { ensureQemuDaemon, NO_VIRSH } from '../virsh/support';

function dom(body: string, devices = ''): string {
  return `<domain type='kvm'>\n  <name>d</name>\n${body}\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

/** kind path [written -> stored], one string per entry, for readable tables. */
function brief(entries: DiffEntry[]): string[] {
  return entries.map(
    (e) =>
      `${e.kind} ${e.path}${e.written !== undefined && e.kind !== 'added' && !e.written.includes('<') ? ` '${e.written}'` : ''}${e.stored !== undefined && e.kind !== 'dropped' && !e.stored.includes('<') ? ` -> '${e.stored}'` : ''}`
  );
}

describe('semantic diff: classification (table)', () => {
  const cases: { name: string; written: string; stored: string; expect: string[] }[] = [
    {
      name: 'identical up to attribute order, quoting, whitespace and numeric forms',
      written: dom(
        `  <vcpu>1</vcpu>`,
        `    <interface type="network"><mac address='52:54:00:AA:bb:01'/>\n<address   slot="0x3" bus='0' domain='0x0000' type='pci' function='0'/></interface>`
      ),
      stored: dom(
        `  <vcpu> 1 </vcpu>`,
        `    <interface type='network'>\n      <mac address='52:54:00:aa:bb:01'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </interface>`
      ),
      expect: [],
    },
    {
      name: 'sizes are quantities: 256 MiB is 262144 KiB; 300 MiB is not',
      written: dom(`  <memory unit='MiB'>256</memory>\n  <currentMemory unit='MiB'>300</currentMemory>`),
      stored: dom(`  <memory unit='KiB'>262144</memory>\n  <currentMemory unit='KiB'>262144</currentMemory>`),
      expect: ["changed domain/currentMemory '300 MiB' -> '262144 KiB'"],
    },
    {
      name: 'an unknown attribute and an unknown element are dropped',
      written: dom('', `    <disk type='file' device='disk' frob='1'><target dev='vda' bus='virtio'/><wibble/></disk>`),
      stored: dom('', `    <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>`),
      expect: ["dropped domain/devices/disk[vda]/@frob '1'", 'dropped domain/devices/disk[vda]/wibble'],
    },
    {
      name: 'a 0000:00:00.0 address is dropped and the assigned one added (pinnable)',
      written: dom(
        '',
        `    <interface type='network'>\n      <mac address='52:54:00:00:00:01'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>\n    </interface>`
      ),
      stored: dom(
        '',
        `    <interface type='network'>\n      <mac address='52:54:00:00:00:01'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n    </interface>`
      ),
      expect: ['dropped domain/devices/interface[52:54:00:00:00:01]/address', 'added domain/devices/interface[52:54:00:00:00:01]/address'],
    },
    {
      name: 'devices matched by identity, not position; defaults and controllers added; values rewritten',
      written: dom(
        `  <vcpu>1</vcpu>\n  <os><type arch='x86_64' machine='pc'>hvm</type></os>`,
        `    <interface type='network'><mac address='52:54:00:00:00:02'/></interface>\n    <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>`
      ),
      stored: dom(
        `  <vcpu placement='static'>1</vcpu>\n  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='hd'/></os>`,
        `    <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>\n    <controller type='usb' index='0' model='piix3-uhci'/>\n    <interface type='network'><mac address='52:54:00:00:00:02'/></interface>`
      ),
      expect: [
        "added domain/vcpu/@placement -> 'static'",
        "changed domain/os/type/@machine 'pc' -> 'pc-i440fx-7.2'",
        'added domain/os/boot',
        'added domain/devices/controller[usb/0]',
      ],
    },
    {
      name: 'controllers by type and index (0x1 = 1), two disks by target',
      written: dom(
        '',
        `    <controller type='pci' index='0x1' model='pcie-root-port'/>\n    <disk type='file' device='disk'><target dev='vdb'/></disk>\n    <disk type='file' device='disk'><target dev='vda'/></disk>`
      ),
      stored: dom(
        '',
        `    <disk type='file' device='disk'><target dev='vda'/></disk>\n    <disk type='file' device='disk'><target dev='vdb'/></disk>\n    <controller type='pci' index='1' model='pcie-root-port'/>`
      ),
      expect: [],
    },
  ];
  cases.push({
    name: 'an interface without a MAC and a controller without an index: matched to what libvirt filled in',
    written: dom(
      '',
      `    <controller type='pci' model='pcie-root'/>\n    <controller type='pci' model='pcie-root-port'/>\n    <interface type='network'><source network='default'/></interface>`
    ),
    stored: dom(
      '',
      `    <controller type='pci' index='0' model='pcie-root'/>\n    <controller type='pci' index='1' model='pcie-root-port'/>\n    <interface type='network'><mac address='52:54:00:11:22:33'/><source network='default'/></interface>`
    ),
    expect: [
      "added domain/devices/controller[pci/0]/@index -> '0'",
      "added domain/devices/controller[pci/1]/@index -> '1'",
      'added domain/devices/interface[52:54:00:11:22:33]/mac',
    ],
  });
  for (const c of cases) {
    test(c.name, () => {
      const d = compareDomains(c.written, c.stored);
      assert.deepEqual(d.errors, []);
      assert.deepEqual(brief(d.entries), c.expect);
    });
  }

  test('numeric forms', () => {
    assert.ok(sameValue('0x1', '1'));
    assert.ok(sameValue('0x01', '0x1'));
    assert.ok(!sameValue('0x10', '10'));
    assert.ok(sameValue('52:54:00:AA:BB:CC', '52:54:00:aa:bb:cc'));
    assert.ok(!sameValue('pc', 'pc-i440fx-7.2'));
    assert.ok(sameValue('0B3E4F6A4A444F4B9B463C0E5A6F1D20', '0b3e4f6a-4a44-4f4b-9b46-3c0e5a6f1d20'));
  });

  test('pinning the address libvirt assigned replaces a 0000:00:00.0 address', () => {
    const written = dom(
      '',
      `    <interface type='network'>\n      <mac address='52:54:00:00:00:04'/>\n      <address type='pci' domain='0' bus='0' slot='0' function='0'/>\n    </interface>`
    );
    const stored = dom(
      '',
      `    <interface type='network'>\n      <mac address='52:54:00:00:00:04'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </interface>`
    );
    const added = compareDomains(written, stored).entries.find((e) => e.kind === 'added' && e.element === 'address')!;
    const pinned = written.slice(0, added.pin!.offset) + added.pin!.text + written.slice(added.pin!.end);
    assert.equal(pinned, stored);
    assert.deepEqual(compareDomains(pinned, stored).entries, []);
  });

  test('dropped entries point at the user text; a pin inserts the assigned address before the close tag', () => {
    const written = dom('', `    <interface type='network' frob='x'>\n      <mac address='52:54:00:00:00:03'/>\n    </interface>`);
    const stored = dom(
      '',
      `    <interface type='network'>\n      <mac address='52:54:00:00:00:03'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n    </interface>`
    );
    const d = compareDomains(written, stored);
    const dropped = d.entries.find((e) => e.kind === 'dropped')!;
    assert.equal(written.slice(dropped.writtenSpan!.start, dropped.writtenSpan!.end), "frob='x'");
    const added = d.entries.find((e) => e.kind === 'added' && e.element === 'address')!;
    assert.equal(added.assigned, true);
    const pinned = written.slice(0, added.pin!.offset) + added.pin!.text + written.slice(added.pin!.end);
    assert.match(
      pinned,
      /<mac address='52:54:00:00:00:03'\/>\n {6}<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'\/>\n {4}<\/interface>/
    );
    assert.equal(compareDomains(pinned, stored).entries.filter((e) => e.kind === 'added').length, 0);
    assert.equal(summarize(d.entries), '1 dropped, 1 added or assigned, 0 changed');
  });
});

/** The user's file for the real-libvirt tests: an unknown attribute and a 0000:00:00.0 address. */
function userFile(name: string, type: string): string {
  return `<domain type='${type}'>
  <name>${name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <interface type='network' frobnicate='yes'>
      <mac address='52:54:00:7e:57:01'/>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>
    </interface>
  </devices>
</domain>
`;
}

function virsh(args: string[], lock = false): { ok: boolean; out: string } {
  const cmd = lock ? ['flock', '/tmp/libvirt-daemon.lock', 'virsh', ...args] : ['virsh', ...args];
  // With the lock, the time includes waiting for it (other suites may hold it for minutes).
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: lock ? 600_000 : 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function assertDroppedBoth(written: string, stored: string): DiffEntry[] {
  const d = compareDomains(written, stored);
  const dropped = d.entries.filter((e) => e.kind === 'dropped');
  assert.deepEqual(
    dropped.map((e) => e.path),
    ['domain/devices/interface[52:54:00:7e:57:01]/@frobnicate', 'domain/devices/interface[52:54:00:7e:57:01]/address'],
    JSON.stringify(d.entries, null, 1)
  );
  assert.equal(written.slice(dropped[0]!.writtenSpan!.start, dropped[0]!.writtenSpan!.end), "frobnicate='yes'");
  assert.match(written.slice(dropped[1]!.writtenSpan!.start, dropped[1]!.writtenSpan!.end), /^<address type='pci' .*slot='0x00'/);
  // Nothing the user wrote is reported as changed: 128 MiB is what libvirt stores in KiB.
  assert.ok(!d.entries.some((e) => e.kind === 'changed' && e.element === 'memory'));
  return d.entries;
}

describe('semantic diff against the real libvirt', () => {
  test('test:///default: define + dumpxml --inactive in one virsh session', { skip: NO_VIRSH }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-compare-'));
    try {
      const name = 'lxtest-live-unit-test';
      const written = userFile(name, 'kvm');
      const file = path.join(dir, 'd.xml');
      fs.writeFileSync(file, written);
      // The test driver forgets everything when virsh exits: both in one session.
      const r = virsh(['-c', 'test:///default', `define ${file}; dumpxml --inactive ${name}`]);
      assert.ok(r.ok, r.out);
      const stored = r.out.slice(r.out.indexOf('<domain'));
      const entries = assertDroppedBoth(written, stored);
      assert.ok(entries.some((e) => e.kind === 'added' && e.path === 'domain/uuid'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const skipQemu = ensureQemuDaemon();
  test(
    'qemu:///system: assigned addresses and controllers, the 00:00.0 address and the unknown attribute dropped',
    { skip: skipQemu },
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-compare-'));
      const name = `lxtest-live-unit-${process.pid}`;
      try {
        const written = userFile(name, 'qemu');
        const file = path.join(dir, 'd.xml');
        fs.writeFileSync(file, written);
        const def = virsh(['-c', 'qemu:///system', 'define', file], true);
        assert.ok(def.ok, def.out);
        const dump = virsh(['-c', 'qemu:///system', 'dumpxml', '--inactive', name]);
        assert.ok(dump.ok, dump.out);
        const entries = assertDroppedBoth(written, dump.out);
        const assigned = entries.filter((e) => e.assigned && e.kind === 'added');
        assert.ok(
          assigned.some((e) => e.path === 'domain/devices/interface[52:54:00:7e:57:01]/address' && e.pin),
          'the interface address libvirt assigned, pinnable'
        );
        assert.ok(assigned.some((e) => e.path.startsWith('domain/devices/controller[')));
        assert.ok(entries.some((e) => e.kind === 'changed' && e.path === 'domain/os/type/@machine'));
      } finally {
        virsh(['-c', 'qemu:///system', 'undefine', name], true);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  );
});

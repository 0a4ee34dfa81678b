/**
 * Conflicts between domains (rules/fleet.ts): who conflicts with whom, by scope. The fixtures in
 * test/fixtures/rules/fleet/ show each code; these cases show hosts, files and identities.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { checkFleet, type FleetMember } from '../../../server/src/rules/fleet';

function dom(name: string, uuid: string, devices = ''): string {
  return `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><memory>1</memory><devices>${devices}</devices></domain>`;
}
const U1 = '11111111-2222-3333-4444-555555555501';
const U2 = '11111111-2222-3333-4444-555555555502';
const NIC = `<interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/></interface>`;
const VNC = `<graphics type='vnc' port='5901' autoport='no'/>`;

function run(members: { xml: string; host?: string }[]): string[][] {
  const ms: FleetMember[] = members.map((m) => ({ model: analyze(m.xml).model!, host: m.host }));
  return checkFleet(ms).map((fs) => fs.map((f) => `${f.code}->${f.related!.map((r) => r.member).join(',')}`));
}

describe('conflicts between domains', () => {
  const table: { name: string; members: { xml: string; host?: string }[]; expect: string[][] }[] = [
    {
      name: 'two files with one name',
      members: [{ xml: dom('a', U1) }, { xml: dom('a', U2) }],
      expect: [['fleet-name-duplicate->1'], ['fleet-name-duplicate->0']],
    },
    {
      name: 'one name on two hosts is fine',
      members: [
        { xml: dom('a', U1), host: 'h1' },
        { xml: dom('a', U2), host: 'h2' },
      ],
      expect: [[], []],
    },
    {
      name: 'a fixed port on two hosts is fine, on one host not',
      members: [
        { xml: dom('a', U1, VNC), host: 'h1' },
        { xml: dom('b', U2, VNC), host: 'h2' },
        { xml: dom('c', '11111111-2222-3333-4444-555555555503', VNC), host: 'h2' },
      ],
      expect: [[], ['fleet-graphics-port-duplicate->2'], ['fleet-graphics-port-duplicate->1']],
    },
    {
      name: 'a MAC meets across hosts',
      members: [
        { xml: dom('a', U1, NIC), host: 'h1' },
        { xml: dom('b', U2, NIC), host: 'h2' },
      ],
      expect: [['fleet-mac-duplicate->1'], ['fleet-mac-duplicate->0']],
    },
    {
      name: 'a file is compared with every host',
      members: [{ xml: dom('a', U1), host: 'h1' }, { xml: dom('a', U2) }],
      expect: [['fleet-name-duplicate->1'], ['fleet-name-duplicate->0']],
    },
    {
      name: 'a file that is the source of a host domain (same name and UUID) is that domain',
      members: [{ xml: dom('a', U1, NIC + VNC), host: 'h1' }, { xml: dom('a', U1, NIC + VNC) }],
      expect: [[], []],
    },
    {
      name: 'UUIDs compare without case and dashes',
      members: [{ xml: dom('a', U1) }, { xml: dom('b', U1.replace(/-/g, '').toUpperCase()) }],
      expect: [['fleet-uuid-duplicate->1'], ['fleet-uuid-duplicate->0']],
    },
  ];
  for (const c of table) {
    test(c.name, () => assert.deepEqual(run(c.members), c.expect));
  }

  const disk = (file: string, extra = '', device = 'disk'): string =>
    `<disk type='file' device='${device}'><source file='${file}'/><target dev='vda' bus='virtio'/>${extra}</disk>`;
  const diskTable: { name: string; a: string; b: string; conflict: boolean }[] = [
    { name: 'both writable', a: disk('/i/x.qcow2'), b: disk('/i//x.qcow2'), conflict: true },
    { name: 'both shareable', a: disk('/i/x', '<shareable/>'), b: disk('/i/x', '<shareable/>'), conflict: false },
    { name: 'one shareable', a: disk('/i/x', '<shareable/>'), b: disk('/i/x'), conflict: true },
    { name: 'one read-only', a: disk('/i/x', '<readonly/>'), b: disk('/i/x'), conflict: false },
    { name: 'a cdrom', a: disk('/i/x.iso', '', 'cdrom'), b: disk('/i/x.iso', '', 'cdrom'), conflict: false },
    { name: 'different images', a: disk('/i/x'), b: disk('/i/y'), conflict: false },
  ];
  for (const c of diskTable) {
    test(`disks: ${c.name}`, () => {
      const r = run([{ xml: dom('a', U1, c.a) }, { xml: dom('b', U2, c.b) }]);
      assert.deepEqual(r, c.conflict ? [['fleet-disk-shared->1'], ['fleet-disk-shared->0']] : [[], []]);
    });
  }

  test('host devices: the same PCI address written differently, and USB by vendor and product', () => {
    const pci = (a: string): string => `<hostdev mode='subsystem' type='pci' managed='yes'><source><address ${a}/></source></hostdev>`;
    const usb = `<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xBEEF'/></source></hostdev>`;
    const r = run([
      { xml: dom('a', U1, pci("domain='0x0000' bus='0x03' slot='0x00' function='0x0'") + usb) },
      { xml: dom('b', U2, pci("bus='3' slot='0'") + usb.replace('0xBEEF', '0xbeef')) },
    ]);
    assert.deepEqual(r, [
      ['fleet-hostdev-shared->1', 'fleet-hostdev-shared->1'],
      ['fleet-hostdev-shared->0', 'fleet-hostdev-shared->0'],
    ]);
  });
});

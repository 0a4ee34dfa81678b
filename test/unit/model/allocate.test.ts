/**
 * The allocator (server/src/model/allocate.ts), driven directly: one row per question, on a small
 * domain written for it. `ask` runs on a fresh allocation; rows that take several resources in a
 * row show that what one `take…` hands out is not handed out again in the same session.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allocation, type Allocation } from '../../../server/src/model/allocate';
import { buildModel } from '../../../server/src/model/build';
import type { DomainModel } from '../../../server/src/model/types';
import { parseXml } from '../../../server/src/syntax/parse';

function domain(machine: string, devices: string, os = `<type arch='x86_64' machine='${machine}'>hvm</type>`): DomainModel {
  const text = `<domain type='kvm'><name>t</name><memory>1</memory><os>${os}</os><devices>${devices}</devices></domain>`;
  const model = buildModel(parseXml(text));
  assert.ok(model);
  return model;
}

const pci = (bus: number, slot: number, fn = 0): string =>
  `<address type='pci' domain='0x0000' bus='${bus}' slot='${slot}' function='${fn}'/>`;
const nic = (address = ''): string => `<interface type='network'><source network='default'/>${address}</interface>`;
const usb = (bus: number, port: string): string =>
  `<input type='tablet' bus='usb'><address type='usb' bus='${bus}' port='${port}'/></input>`;
const disk = (dev: string, bus: string, address = ''): string =>
  `<disk type='file' device='disk'><source file='/x/${dev}'/><target dev='${dev}' bus='${bus}'/>${address}</disk>`;
const drive = (controller: number, unit: number, target = 0): string =>
  `<address type='drive' controller='${controller}' bus='0' target='${target}' unit='${unit}'/>`;

interface Row {
  name: string;
  model: DomainModel | undefined;
  ask: (a: Allocation, model: DomainModel | undefined) => unknown;
  want: unknown;
}

/** The n-th device of the model (for `exclude`). */
const nth = (model: DomainModel | undefined, n: number) => model!.devices[n]!;

const ROWS: Row[] = [
  {
    name: "pci: libvirt's own search starts at slot 1 and skips the chipset and the fixed video (pc)",
    model: domain('pc', nic(pci(0, 3))),
    ask: (a) => [a.claimPciAddress({ bus: 0, slot: 2, function: 0 }), a.takeLibvirtPciAddress([{ bus: 0, minSlot: 1, maxSlot: 31 }])],
    want: [true, { bus: 0, slot: 4, function: 0 }],
  },
  {
    name: 'pci: aggregating functions (root ports) share a slot',
    model: domain('q35', ''),
    ask: (a) => [1, 2].map(() => a.takeLibvirtPciAddress([{ bus: 0, minSlot: 1, maxSlot: 31 }], true)),
    want: [
      { bus: 0, slot: 1, function: 0 },
      { bus: 0, slot: 1, function: 1 },
    ],
  },
  // ---------------------------------------------------------------- PCI slots
  { name: 'pci: empty document, bus 0 starts at 0x03', model: undefined, ask: (a) => a.freePciSlot(0), want: 3 },
  { name: 'pci: pc, slot 3 taken', model: domain('pc', nic(pci(0, 3))), ask: (a) => a.freePciSlot(0), want: 4 },
  { name: 'pci: a device keeps its own slot', model: domain('pc', nic(pci(0, 3))), ask: (a, m) => a.freePciSlot(0, nth(m, 0)), want: 3 },
  {
    name: 'pci: a duplicate slot stays taken for either holder',
    model: domain('pc', nic(pci(0, 3)) + nic(pci(0, 3))),
    ask: (a, m) => a.freePciSlot(0, nth(m, 1)),
    want: 4,
  },
  {
    name: 'pci: take reserves for the session',
    model: domain('pc', nic(pci(0, 3))),
    ask: (a) => [a.takePciSlot(0), a.takePciSlot(0), a.freePciSlot(0)],
    want: [4, 5, 6],
  },
  {
    name: 'pci: a fresh session starts over',
    model: domain('pc', ''),
    ask: (a, m) => [a.takePciSlot(0), allocation(m).freePciSlot(0)],
    want: [3, 3],
  },
  {
    name: 'pci: q35 bus 0 ends at 0x1e (0x1f is the ICH9 chipset)',
    model: domain('q35', ''),
    ask: (a) => a.freePciSlots(0).at(-1),
    want: 0x1e,
  },
  {
    name: 'pci: a function in a slot, skipping the PIIX3 functions (ISA, IDE, USB, ACPI)',
    model: domain('pc', ''),
    ask: (a) => [
      a.takePciFunction({ domain: 0, bus: 0, slot: 1, function: 0 }),
      a.takePciFunction({ domain: 0, bus: 0, slot: 1, function: 0 }),
    ],
    want: [4, 5],
  },
  {
    name: 'pci: a root port has one slot (0), taken by its device',
    model: domain('q35', `<controller type='pci' index='1' model='pcie-root-port'/>` + nic(pci(1, 0))),
    ask: (a) => a.freePciSlot(1),
    want: undefined,
  },
  {
    name: 'pci: placement on q35 prefers an empty root port',
    model: domain(
      'q35',
      `<controller type='pci' index='1' model='pcie-root-port'/><controller type='pci' index='2' model='pcie-root-port'/>` + nic(pci(1, 0))
    ),
    ask: (a) => a.freePciPlacement(),
    want: { bus: 2, slot: 0 },
  },
  {
    name: 'pci: placement takes, so two new devices get two places',
    model: domain('q35', `<controller type='pci' index='1' model='pcie-root-port'/>`),
    ask: (a) => [a.takePciPlacement(), a.takePciPlacement()],
    want: [
      { bus: 1, slot: 0 },
      { bus: 0, slot: 3 },
    ],
  },
  {
    name: 'pci: a root port goes on the PCIe root, not behind another port',
    model: domain('q35', `<controller type='pci' index='1' model='pcie-root-port'/>`),
    ask: (a) => a.freePciPlacement('pcie-root-port'),
    want: { bus: 0, slot: 3 },
  },
  {
    name: 'pci: host addresses already assigned are skipped',
    model: domain(
      'pc',
      `<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='1' slot='0' function='0'/></source></hostdev>`
    ),
    ask: (a) => [a.takeHostPciAddress(), a.takeHostPciAddress()],
    want: [
      { domain: 0, bus: 1, slot: 0, function: 1 },
      { domain: 0, bus: 1, slot: 0, function: 2 },
    ],
  },

  // ---------------------------------------------------------------- controller indexes
  {
    name: 'index: usb 0 is taken by the controller libvirt adds',
    model: domain('q35', ''),
    ask: (a) => a.freeControllerIndex('usb'),
    want: 1,
  },
  { name: 'index: pci starts at 1', model: domain('pc', ''), ask: (a) => a.freeControllerIndex('pci'), want: 1 },
  {
    name: 'index: above the bus a bridge sits on',
    model: domain('pc', `<controller type='pci' index='1' model='pci-bridge'/>`),
    ask: (a) => a.freeControllerIndex('pci', { after: 4 }),
    want: 5,
  },
  {
    name: 'index: take reserves',
    model: domain('q35', `<controller type='scsi' index='0'/><controller type='scsi' index='2'/>`),
    ask: (a) => [a.takeControllerIndex('scsi'), a.takeControllerIndex('scsi'), a.takeControllerIndex('scsi')],
    want: [1, 3, 4],
  },
  {
    name: 'index: a controller keeps its own index, but not a shared one',
    model: domain('q35', `<controller type='scsi' index='0'/><controller type='scsi' index='0'/><controller type='scsi' index='1'/>`),
    ask: (a, m) => [a.freeControllerIndex('scsi', { exclude: nth(m, 2) }), a.freeControllerIndex('scsi', { exclude: nth(m, 1) })],
    want: [1, 2],
  },
  {
    name: 'index: claiming the index libvirt would add itself replaces it',
    model: domain('pc', `<controller type='pci' index='1' model='pci-root'/>`),
    ask: (a, m) => [a.claimControllerIndex('pci', 0, nth(m, 0)), a.claimControllerIndex('pci', 0)],
    want: [true, false],
  },
  {
    name: 'index: a root port index is free as a chassis too',
    model: domain('q35', `<controller type='pci' index='1' model='pcie-root-port'><target chassis='2'/></controller>`),
    ask: (a) => [a.takeRootPortIndex(), a.takeRootPortIndex()],
    want: [3, 4],
  },
  {
    name: 'index: a new disk controller avoids indexes that disks already reach',
    model: domain('q35', disk('sda', 'scsi', drive(1, 0))),
    ask: (a) => a.takeDiskControllerIndex('scsi'),
    want: 0,
  },
  {
    name: 'index: ... and one reached through a target name',
    model: domain('q35', `<controller type='scsi' index='0'/>` + disk('sdh', 'scsi')),
    ask: (a) => a.takeDiskControllerIndex('scsi'),
    want: 2,
  },

  // ---------------------------------------------------------------- chassis and root-port numbers
  {
    name: 'chassis: a port without one takes its index as chassis',
    model: domain(
      'q35',
      `<controller type='pci' index='1' model='pcie-root-port'/><controller type='pci' index='2' model='pcie-root-port'><target chassis='3'/></controller>`
    ),
    ask: (a) => [a.takeChassis(), a.takeChassis()],
    want: [2, 4],
  },
  {
    name: 'root port number: slot << 3, moved on while taken',
    model: domain('q35', `<controller type='pci' index='1' model='pcie-root-port'><target port='0x18'/></controller>`),
    ask: (a) => [a.takeRootPortNumber(3), a.takeRootPortNumber(3)],
    want: [0x19, 0x1a],
  },

  // ---------------------------------------------------------------- USB ports
  {
    name: 'usb: q35 qemu-xhci has 4 ports, port 1 taken',
    model: domain('q35', usb(0, '1')),
    ask: (a) => a.freeUsbPort(),
    want: { bus: 0, port: '2' },
  },
  {
    name: 'usb: piix3-uhci has 2 ports; then nothing',
    model: domain('pc', usb(0, '1')),
    ask: (a) => [a.takeUsbPort(), a.takeUsbPort()],
    want: [{ bus: 0, port: '2' }, undefined],
  },
  {
    name: 'usb: a hub port when the top level is full',
    model: domain('pc', `<hub type='usb'><address type='usb' bus='0' port='1'/></hub>` + usb(0, '2') + usb(0, '1.1')),
    ask: (a) => a.freeUsbPort(),
    want: { bus: 0, port: '1.2' },
  },
  {
    name: 'usb: no hub ports of a hub that shares its port (it will move)',
    model: domain('pc', `<hub type='usb'><address type='usb' bus='0' port='1'/></hub>` + usb(0, '1') + usb(0, '2')),
    ask: (a) => a.freeUsbPort(),
    want: undefined,
  },
  {
    name: 'usb: the preferred bus first',
    model: domain('q35', `<controller type='usb' index='1' model='qemu-xhci' ports='8'/>`),
    ask: (a) => a.freeUsbPort(1),
    want: { bus: 1, port: '1' },
  },
  {
    name: 'usb: a bus the session adds is used before adding another',
    model: domain('pc', usb(0, '1') + usb(0, '2')),
    ask: (a) => [a.takeNewUsbBus(15), a.takeUsbPort(), a.takeUsbPort()],
    want: [1, { bus: 1, port: '1' }, { bus: 1, port: '2' }],
  },
  {
    name: 'usb: an unknown controller model (not x86) offers 3 ports',
    model: domain('virt', `<controller type='usb' index='0'/>`, `<type arch='aarch64' machine='virt'>hvm</type>`),
    ask: (a) => a.usbBuses().map((b) => b.freePorts),
    want: [[1, 2, 3]],
  },

  // ---------------------------------------------------------------- disks
  {
    name: 'target: first free vd name',
    model: domain('q35', disk('vda', 'virtio') + disk('vdc', 'virtio')),
    ask: (a) => a.freeTarget('vd'),
    want: 'vdb',
  },
  {
    name: 'target: take reserves',
    model: domain('q35', disk('vda', 'virtio')),
    ask: (a) => [a.takeTarget('vd'), a.takeTarget('vd'), a.takeTarget('sd')],
    want: ['vdb', 'vdc', 'sda'],
  },
  {
    name: 'target: a disk keeps its own name, but not a shared one',
    model: domain('q35', disk('vda', 'virtio') + disk('vda', 'virtio') + disk('vdb', 'virtio')),
    ask: (a, m) => [a.freeTarget('vd', nth(m, 2)), a.freeTarget('vd', nth(m, 1))],
    want: ['vdb', 'vdc'],
  },
  {
    name: 'target: claim an exact name once',
    model: domain('q35', disk('vda1', 'virtio') + disk('vda2', 'virtio')),
    ask: (a, m) => [a.claimTarget('vda', nth(m, 0)), a.claimTarget('vda', nth(m, 1))],
    want: [true, false],
  },
  {
    name: 'drive: units of one SCSI target, derived addresses included',
    model: domain('q35', disk('sda', 'scsi') + disk('sdb', 'scsi', drive(0, 2))),
    ask: (a) => [a.takeDriveUnit('scsi', 0, { bus: 0, target: 0 }), a.takeDriveUnit('scsi', 0, { bus: 0, target: 0 })],
    want: [1, 3],
  },
  {
    name: 'drive: a full SATA controller has no unit',
    model: domain('q35', ['sda', 'sdb', 'sdc', 'sdd', 'sde', 'sdf'].map((d) => disk(d, 'sata')).join('')),
    ask: (a) => a.freeDriveUnit('sata', 0, { bus: 0, target: 0 }),
    want: undefined,
  },
  {
    name: 'drive: IDE uses bus 1 when bus 0 is full',
    model: domain('pc', disk('hda', 'ide') + disk('hdb', 'ide')),
    ask: (a) => a.freeDrivePlace('ide', 0),
    want: { bus: 1, target: 0, unit: 0 },
  },

  // ---------------------------------------------------------------- MAC, boot order, serial ports
  {
    name: 'mac: a used address is not handed out',
    model: domain('pc', `<interface type='network'><mac address='52:54:00:00:00:00'/><source network='default'/></interface>`),
    ask: (a) => {
      let n = 0;
      return a.takeMac(() => (n++ < 3 ? 0 : 0.5), 'qemu');
    },
    want: '52:54:00:80:80:80',
  },
  {
    name: 'boot: the smallest free order, reserved',
    model: domain('q35', `${disk('vda', 'virtio').replace('</disk>', "<boot order='1'/></disk>")}`),
    ask: (a) => [a.takeBootOrder(), a.takeBootOrder()],
    want: [2, 3],
  },
  {
    name: 'boot: a new device boots after the last one',
    model: domain('q35', `${disk('vda', 'virtio').replace('</disk>', "<boot order='3'/></disk>")}`),
    ask: (a) => a.nextBootOrder(),
    want: 4,
  },
  {
    name: 'serial: written ports are taken, unnumbered ones count in order',
    model: domain('pc', `<serial type='pty'><target port='0'/></serial><serial type='pty'/>`),
    ask: (a) => a.freeSerialPort(),
    want: 2,
  },
];

describe('allocator', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      assert.deepEqual(row.ask(allocation(row.model), row.model), row.want);
    });
  }
});

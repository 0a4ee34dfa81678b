/**
 * host/parse.ts and host/match.ts over the snapshot fixtures in test/fixtures/hosts: this-host-like
 * is this machine's own virsh output (captured with readLiveHost + writeSnapshot, host uuid
 * blanked); aarch64-kvm and sriov-iommu are written by hand from libvirt's documented formats.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  canonicalMachine,
  domcapsFileName,
  findDomcaps,
  findPciDevice,
  findUsbDevices,
  formatPciAddress,
  guestFor,
  hasExactDomcaps,
  machineFamily,
  machinesFor,
  samePciAddress,
} from '../../../server/src/host/match';
import {
  parseCapabilities,
  parseDomainCapabilities,
  parseDomainIdentity,
  parseNodeDevice,
  parseNumber,
  parseVersion,
} from '../../../server/src/host/parse';
import { loadSnapshot } from '../../../server/src/host/source';
import { FIXTURES } from '../../support/paths';

const HOSTS = path.join(FIXTURES, 'hosts');
const read = (...p: string[]): string => fs.readFileSync(path.join(HOSTS, ...p), 'utf8');
const pci = (domain: number, bus: number, slot: number, fn: number) => ({ domain, bus, slot, function: fn });

describe('host/parse.ts', () => {
  test('numbers: decimal and 0x hexadecimal, nothing else', () => {
    assert.equal(parseNumber('0x1c'), 28);
    assert.equal(parseNumber('12'), 12);
    assert.equal(parseNumber(' 7 '), 7);
    assert.equal(parseNumber('1e3'), undefined);
    assert.equal(parseNumber(undefined), undefined);
  });

  test('capabilities of this host: arch, CPUs, memory, the guests with machines and aliases', () => {
    const c = parseCapabilities(read('this-host-like', 'capabilities.xml'))!;
    assert.equal(c.arch, 'x86_64');
    assert.equal(c.cpus, 2);
    assert.equal(c.memoryKiB, 24683784);
    assert.deepEqual(c.cells, [{ id: 0, memoryKiB: 24683784, cpus: [0, 1] }]);
    const x86 = c.guests.find((g) => g.arch === 'x86_64')!;
    assert.equal(x86.emulator, '/usr/bin/qemu-system-x86_64');
    assert.deepEqual(
      x86.domains.map((d) => d.type),
      ['qemu', 'kvm']
    );
    assert.deepEqual(
      x86.machines.find((m) => m.name === 'q35'),
      { name: 'q35', canonical: 'pc-q35-7.2', maxCpus: 288 }
    );
  });

  test('capabilities: two NUMA cells add up; not a capabilities document gives undefined', () => {
    const c = parseCapabilities(read('sriov-iommu', 'capabilities.xml'))!;
    assert.equal(c.cpus, 16);
    assert.equal(c.memoryKiB, 64 * 1024 * 1024);
    assert.deepEqual(
      c.cells.map((x) => x.cpus.length),
      [8, 8]
    );
    assert.equal(parseCapabilities('<domain/>'), undefined);
    assert.equal(parseCapabilities('not xml'), undefined);
  });

  test('domcapabilities: machine, vcpu max, os/loader, cpu models, device and feature enums', () => {
    const d = parseDomainCapabilities(read('this-host-like', 'domcapabilities', 'kvm-x86_64-pc-q35-7.2.xml'))!;
    assert.equal(d.domainType, 'kvm');
    assert.equal(d.machine, 'pc-q35-7.2');
    assert.equal(d.arch, 'x86_64');
    assert.equal(d.vcpuMax, 288);
    assert.equal(d.iothreads, true);
    assert.deepEqual(d.os.enums.firmware, ['efi']);
    assert.deepEqual(d.os.loader?.enums.type, ['rom', 'pflash']);
    assert.equal(d.cpu.modes['host-passthrough'], true);
    assert.ok(d.cpu.models.some((m) => m.name === 'pentium3' && m.usable === 'yes'));
    assert.deepEqual(d.devices.disk?.enums.bus, ['fdc', 'scsi', 'virtio', 'usb', 'sata']);
    assert.deepEqual(d.devices.hostdev?.enums.subsysType, ['usb', 'pci', 'scsi']);
    assert.deepEqual(d.devices.hostdev?.enums.capsType, []);
    assert.equal(d.features.gic?.supported, false);
    assert.deepEqual(d.features.hyperv?.enums.features, ['spinlocks', 'vendor_id']);
    const arm = parseDomainCapabilities(read('aarch64-kvm', 'domcapabilities', 'kvm-aarch64.xml'))!;
    assert.equal(arm.devices.redirdev?.supported, false);
    assert.deepEqual(arm.features.gic?.enums.version, ['3']);
    assert.equal(parseDomainCapabilities('<domainCapabilities><arch>x86_64</arch></domainCapabilities>'), undefined);
  });

  test('node device: a real virtio NIC of this host, with class, ids, names and driver', () => {
    const d = parseNodeDevice(read('this-host-like', 'nodedev', 'pci_0000_00_03_0.xml'));
    assert.deepEqual(d, {
      kind: 'pci',
      device: {
        name: 'pci_0000_00_03_0',
        parent: 'computer',
        address: pci(0, 0, 3, 0),
        class: '0x020000',
        vendor: { id: '0x1af4', name: 'Red Hat, Inc.' },
        product: { id: '0x1041', name: 'Virtio 1.0 network device' },
        driver: 'virtio-pci',
      },
    });
    const hb = parseNodeDevice(read('this-host-like', 'nodedev', 'pci_0000_00_00_0.xml'));
    assert.ok(
      hb?.kind === 'pci' && hb.device.pciExpress === true && hb.device.product.name === undefined && hb.device.driver === undefined
    );
  });

  test('node device: SR-IOV PF with its VFs, a VF with its PF, IOMMU groups', () => {
    const pf = parseNodeDevice(read('sriov-iommu', 'nodedev', 'pci_0000_03_00_0.xml'));
    assert.ok(pf?.kind === 'pci');
    assert.deepEqual(pf.device.virtFunctions, { max: 63, addresses: [pci(0, 3, 0x10, 0), pci(0, 3, 0x10, 2)] });
    assert.equal(pf.device.driver, 'ixgbe');
    const vf = parseNodeDevice(read('sriov-iommu', 'nodedev', 'pci_0000_03_10_0.xml'));
    assert.ok(vf?.kind === 'pci');
    assert.deepEqual(vf.device.physFunction, pci(0, 3, 0, 0));
    assert.deepEqual(vf.device.iommuGroup, { number: 30, members: [pci(0, 3, 0x10, 0)] });
    const gpu = parseNodeDevice(read('sriov-iommu', 'nodedev', 'pci_0000_01_00_0.xml'));
    assert.ok(gpu?.kind === 'pci');
    assert.deepEqual(gpu.device.iommuGroup, { number: 1, members: [pci(0, 1, 0, 0), pci(0, 1, 0, 1)] });
    const idle = parseNodeDevice(read('sriov-iommu', 'nodedev', 'pci_0000_03_00_1.xml'));
    assert.ok(idle?.kind === 'pci');
    assert.deepEqual(idle.device.virtFunctions, { max: 63, addresses: [] });
  });

  test('node device: USB and network devices; others (storage, system) are not kept', () => {
    assert.deepEqual(parseNodeDevice(read('sriov-iommu', 'nodedev', 'usb_1_3.xml')), {
      kind: 'usb',
      device: {
        name: 'usb_1_3',
        parent: 'usb_usb1',
        bus: 1,
        device: 3,
        vendor: { id: '0x046d', name: 'Logitech, Inc.' },
        product: { id: '0xc52b', name: 'Unifying Receiver' },
        driver: 'usb',
      },
    });
    assert.deepEqual(parseNodeDevice(read('this-host-like', 'nodedev', 'net_eth0_02_fc_00_00_00_01.xml')), {
      kind: 'net',
      device: { name: 'net_eth0_02_fc_00_00_00_01', parent: 'pci_0000_00_03_0', interface: 'eth0', mac: '02:fc:00:00:00:01' },
    });
    assert.equal(parseNodeDevice(read('this-host-like', 'nodedev', 'block_vda.xml')), undefined);
    assert.equal(parseNodeDevice(read('this-host-like', 'nodedev', 'computer.xml')), undefined);
  });

  test('virsh version and a domain’s identity', () => {
    assert.deepEqual(parseVersion(read('this-host-like', 'version.txt')), {
      libvirtVersion: '9.0.0',
      hypervisor: { name: 'QEMU', version: '7.2.22' },
    });
    assert.deepEqual(parseVersion('nonsense'), {});
    assert.deepEqual(parseDomainIdentity(read('sriov-iommu', 'domains', 'db1.xml')), {
      name: 'db1',
      uuid: '1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    });
  });
});

describe('host/match.ts', () => {
  test('PCI addresses print as lspci does; devices are found by address and USB by ids or bus/device', async () => {
    const h = await loadSnapshot(path.join(HOSTS, 'sriov-iommu'));
    assert.equal(formatPciAddress(pci(0, 3, 0x10, 2)), '0000:03:10.2');
    assert.equal(findPciDevice(h, pci(0, 1, 0, 1))?.driver, 'snd_hda_intel');
    assert.equal(findPciDevice(h, pci(0, 0x0a, 0, 0)), undefined);
    assert.ok(samePciAddress(pci(0, 3, 0x10, 2), { domain: 0, bus: 3, slot: 16, function: 2 }));
    assert.ok(!samePciAddress(pci(0, 3, 0x10, 2), pci(0, 3, 0x10, 0)));
    assert.equal(findUsbDevices(h, { vendor: '0x046D', product: '0xC52B' }).length, 1);
    assert.equal(findUsbDevices(h, { vendor: '0x46d', product: '0xc52b' }).length, 1);
    assert.equal(findUsbDevices(h, { bus: 1, device: 3 }).length, 1);
    assert.equal(findUsbDevices(h, { vendor: '0x0781', product: '0x5591' }).length, 0);
  });

  test('machine families and aliases', async () => {
    const h = await loadSnapshot(path.join(HOSTS, 'this-host-like'));
    assert.equal(machineFamily('pc-q35-7.2'), 'q35');
    assert.equal(machineFamily('q35'), 'q35');
    assert.equal(machineFamily('pc'), 'i440fx');
    assert.equal(machineFamily('pc-i440fx-2.12'), 'i440fx');
    assert.equal(machineFamily('virt-7.2'), 'virt');
    assert.equal(machineFamily('pseries-7.2'), 'pseries');
    assert.equal(canonicalMachine(h, 'x86_64', 'kvm', 'q35'), 'pc-q35-7.2');
    const g = guestFor(h, 'x86_64')!;
    assert.equal(g.emulator, '/usr/bin/qemu-system-x86_64');
    assert.equal(guestFor(h, 'aarch64'), undefined);
    assert.ok(
      machinesFor(g, 'kvm').some((m) => m.name === 'pc-i440fx-7.2'),
      'the arch’s list when the virt type has none of its own'
    );
    assert.equal(canonicalMachine(h, 'x86_64', 'kvm', 'pc-q35-5.2'), 'pc-q35-5.2');
  });

  test('the domcapabilities for a domain: exact, same family, else the default', async () => {
    const h = await loadSnapshot(path.join(HOSTS, 'this-host-like'));
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'kvm' })?.machine, 'pc-i440fx-7.2');
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'q35' })?.machine, 'pc-q35-7.2');
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'pc-q35-5.2' })?.machine, 'pc-q35-7.2');
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'pc-i440fx-2.12' })?.machine, 'pc-i440fx-7.2');
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'microvm' })?.machine, 'pc-i440fx-7.2');
    assert.equal(findDomcaps(h, { arch: 'x86_64', virtType: 'qemu' })?.domainType, 'qemu');
    assert.equal(findDomcaps(h, { arch: 'aarch64', virtType: 'kvm' }), undefined);
    assert.equal(hasExactDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'q35' }), true);
    assert.equal(hasExactDomcaps(h, { arch: 'x86_64', virtType: 'kvm', machine: 'pc-q35-5.2' }), false);
    assert.equal(domcapsFileName({ arch: 'x86_64', virtType: 'kvm', machine: 'pc-q35-7.2' }), 'kvm-x86_64-pc-q35-7.2.xml');
  });
});

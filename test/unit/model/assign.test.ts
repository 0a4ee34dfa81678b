/**
 * The address prediction (server/src/model/assign.ts) on hand-written domains. Every row's
 * expectation is what libvirt 9.0 (QEMU driver, QEMU 7.2) wrote back with `virsh dumpxml
 * --inactive` after `virsh define` of the same devices on this project's test machine.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { predictAddresses } from '../../../server/src/model/assign';
import { buildModel } from '../../../server/src/model/build';
import { parseXml } from '../../../server/src/syntax/parse';
import { addressLabel } from '../../../server/src/features/inlay';

function predict(machine: string, devices: string, head = ''): Record<string, string> {
  const text = `<domain type='qemu'><name>t</name><memory>1</memory>${head}<os><type arch='x86_64' machine='${machine}'>hvm</type></os><devices>${devices}</devices></domain>`;
  const model = buildModel(parseXml(text))!;
  const p = predictAddresses(model);
  const out: Record<string, string> = {};
  model.devices.forEach((d, i) => {
    const a = p.devices.get(d);
    out[`${i}:${d.el.name}`] = a ? addressLabel(a.address) : p.unpredicted.has(d) ? 'not predicted' : '-';
  });
  for (const im of p.implicit) {
    out[im.what] = im.address ? addressLabel(im.address) : '-';
  }
  return out;
}

const disk = (dev: string, bus: string): string =>
  `<disk type='file' device='disk'><source file='/x/${dev}'/><target dev='${dev}' bus='${bus}'/></disk>`;
const nic = (model: string): string => `<interface type='network'><source network='default'/><model type='${model}'/></interface>`;

/** `head`: elements of <domain> before <os> that libvirt needs to accept the devices (ACPI, NUMA). */
const ROWS: { name: string; machine: string; head?: string; devices: string; want: Record<string, string> }[] = [
  {
    name: 'pc: nets before virtio disks, video fixed at 00:02.0, the balloon last',
    machine: 'pc',
    devices: disk('vda', 'virtio') + nic('virtio') + `<input type='tablet' bus='usb'/><graphics type='vnc'/>`,
    want: {
      '0:disk': 'pci 0000:00:04.0',
      '1:interface': 'pci 0000:00:03.0',
      '2:input': 'usb bus 0 port 1',
      '3:graphics': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
      "<memballoon model='virtio'>": 'pci 0000:00:05.0',
      '<video> (primary)': 'pci 0000:00:02.0',
    },
  },
  {
    name: 'pc without a video: the first device takes slot 2',
    machine: 'pc',
    devices: nic('e1000') + `<memballoon model='none'/>`,
    want: {
      '0:interface': 'pci 0000:00:02.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: 'drive addresses from the target names',
    machine: 'pc',
    devices: disk('hdb', 'ide') + disk('hdc', 'ide') + `<memballoon model='none'/>`,
    want: {
      '0:disk': 'drive 0:0:0:1',
      '1:disk': 'drive 0:1:0:0',
      '2:memballoon': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
      "<controller type='ide' index='0' model='piix3'>": 'pci 0000:00:01.1',
    },
  },
  {
    name: 'q35: each PCIe device on a root port libvirt adds (00:02.x behind the video at 00:01.0), plus one spare',
    machine: 'q35',
    devices: disk('vda', 'virtio') + nic('virtio') + `<video><model type='virtio'/></video>`,
    want: {
      '0:disk': 'pci 0000:03:00.0',
      '1:interface': 'pci 0000:01:00.0',
      '2:video': 'pci 0000:00:01.0',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:02:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<memballoon model='virtio'>": 'pci 0000:04:00.0',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:02.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:02.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:02.2',
      "<controller type='pci' index='4' model='pcie-root-port'>": 'pci 0000:00:02.3',
      "<controller type='pci' index='5' model='pcie-root-port'>": 'pci 0000:00:02.4',
    },
  },
  {
    name: 'q35 without video: root ports from 00:01.0; a conventional PCI NIC behind a pcie-to-pci-bridge',
    machine: 'q35',
    devices: nic('e1000') + `<memballoon model='none'/>`,
    want: {
      '0:interface': 'pci 0000:02:01.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:03:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-to-pci-bridge'>": 'pci 0000:01:00.0',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='4' model='pcie-root-port'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: "an <interface type='hostdev'> is addressed first among the host devices, once, whatever the document order",
    machine: 'q35',
    devices:
      `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/></source></hostdev>` +
      `<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x06' slot='0x10' function='0x2'/></source></interface>` +
      `<memballoon model='none'/>`,
    want: {
      '0:hostdev': 'pci 0000:03:00.0',
      '1:interface': 'pci 0000:02:00.0',
      '2:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:01:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.2',
      "<controller type='pci' index='4' model='pcie-root-port'>": 'pci 0000:00:01.3',
    },
  },
  {
    name: "pc: an <interface type='hostdev'> comes after the NICs (with the host devices)",
    machine: 'pc',
    devices:
      `<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x06' slot='0x10' function='0x2'/></source></interface>` +
      nic('e1000'),
    want: {
      '0:interface': 'pci 0000:00:03.0',
      '1:interface': 'pci 0000:00:02.0',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
      "<memballoon model='virtio'>": 'pci 0000:00:04.0',
    },
  },
  {
    name: 'pc: virtio disks in target order (vdb before vdaa), after the SATA controller a sata disk makes libvirt add',
    machine: 'pc',
    devices: disk('vdaa', 'virtio') + disk('sda', 'sata') + disk('vdb', 'virtio') + `<memballoon model='none'/>`,
    want: {
      '0:disk': 'pci 0000:00:04.0',
      '1:disk': 'drive 0:0:0:0',
      '2:disk': 'pci 0000:00:03.0',
      '3:memballoon': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:02.0',
    },
  },
  {
    name: 'q35: the USB controller libvirt adds comes after a written one with a higher index',
    machine: 'q35',
    devices: `<controller type='usb' index='2' model='nec-xhci'/><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:01:00.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:02:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: 'q35: virtio-iommu on a slot of pcie-root after the root ports, vsock (virtio without a model) on a root port',
    machine: 'q35',
    head: '<features><acpi/></features>',
    devices: nic('virtio') + `<iommu model='virtio'/><vsock><cid auto='yes'/></vsock>`,
    want: {
      '0:interface': 'pci 0000:01:00.0',
      '1:iommu': 'pci 0000:00:02.0',
      '2:vsock': 'pci 0000:04:00.0',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:02:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<memballoon model='virtio'>": 'pci 0000:03:00.0',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.2',
      "<controller type='pci' index='4' model='pcie-root-port'>": 'pci 0000:00:01.3',
      "<controller type='pci' index='5' model='pcie-root-port'>": 'pci 0000:00:01.4',
    },
  },
  {
    name: 'pc: a transitional vsock is a conventional PCI device',
    machine: 'pc',
    devices: `<vsock model='virtio-transitional'><cid auto='yes'/></vsock><memballoon model='none'/>`,
    want: {
      '0:vsock': 'pci 0000:00:02.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: 'q35: virtio-mem is a PCIe device',
    machine: 'q35',
    head: "<maxMemory slots='4' unit='KiB'>4194304</maxMemory><cpu><numa><cell id='0' cpus='0' memory='131072' unit='KiB'/></numa></cpu>",
    devices:
      "<memory model='virtio-mem'><target><size unit='KiB'>131072</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>0</requested></target></memory>" +
      `<memballoon model='none'/>`,
    want: {
      '0:memory': 'pci 0000:02:00.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:01:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: 'pc: USB2 companions without indexes, tablet on the EHCI',
    machine: 'pc',
    devices: `<controller type='usb' model='ich9-ehci1'/><controller type='usb' model='ich9-uhci1'><master startport='0'/></controller><controller type='usb' model='ich9-uhci2'><master startport='2'/></controller><controller type='usb' model='ich9-uhci3'><master startport='4'/></controller><interface type='network'><source network='default'/><model type='e1000'/></interface><input type='tablet' bus='usb'/><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:00:03.7',
      '1:controller': 'pci 0000:00:03.0',
      '2:controller': 'pci 0000:00:03.1',
      '3:controller': 'pci 0000:00:03.2',
      '4:interface': 'pci 0000:00:02.0',
      '5:input': 'usb bus 0 port 1',
      '6:memballoon': '-',
    },
  },
  {
    name: 'q35: the first UHCI1 at 00:1d, the next at 00:1a (ICH9 places), each EHCI1 and UHCI joining the slot of its index',
    machine: 'q35',
    devices: `<controller type='usb' index='0' model='ich9-ehci1'/><controller type='usb' index='0' model='ich9-uhci1'/><controller type='usb' index='1' model='ich9-ehci1'/><controller type='usb' index='1' model='ich9-uhci1'/><controller type='usb' index='1' model='ich9-uhci2'/><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:00:1d.7',
      '1:controller': 'pci 0000:00:1d.0',
      '2:controller': 'pci 0000:00:1a.7',
      '3:controller': 'pci 0000:00:1a.0',
      '4:controller': 'pci 0000:00:1a.1',
      '5:memballoon': '-',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
    },
  },
  {
    name: 'q35: ehci1 alone behind a pcie-to-pci-bridge',
    machine: 'q35',
    devices: `<controller type='usb' index='0' model='ich9-ehci1'/><controller type='usb' index='1' model='ich9-uhci1'/><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:02:01.7',
      '1:controller': 'pci 0000:00:1d.0',
      '2:memballoon': '-',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-to-pci-bridge'>": 'pci 0000:01:00.0',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.1',
    },
  },
  {
    name: "q35: smartcard's CCID takes a USB port before the tablet",
    machine: 'q35',
    devices: `<smartcard mode='passthrough' type='spicevmc'/><input type='tablet' bus='usb'/><redirdev bus='usb' type='spicevmc'/><graphics type='spice'/><memballoon model='none'/>`,
    want: {
      '0:smartcard': '-',
      '1:input': 'usb bus 0 port 2',
      '2:redirdev': 'usb bus 0 port 3',
      '3:graphics': '-',
      '4:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:01:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='ccid' index='0'>": 'usb bus 0 port 1',
      '<video> (primary)': 'pci 0000:00:01.0',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:02.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:02.1',
    },
  },
  {
    name: 'q35: more USB devices than ports: libvirt adds a hub first, not predicted',
    machine: 'q35',
    devices: `<controller type='usb' index='0' model='qemu-xhci' ports='2'/><input type='tablet' bus='usb'/><input type='mouse' bus='usb'/><input type='keyboard' bus='usb'/><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:01:00.0',
      '1:input': 'not predicted',
      '2:input': 'not predicted',
      '3:input': 'not predicted',
      '4:memballoon': '-',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
    },
  },
  {
    name: 'pc: companions written before their master',
    machine: 'pc',
    devices: `<controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller><controller type='usb' index='0' model='ich9-ehci1'/><interface type='network'><source network='default'/><model type='e1000'/></interface><memballoon model='none'/>`,
    want: {
      '0:controller': 'pci 0000:00:03.0',
      '1:controller': 'pci 0000:00:03.7',
      '2:interface': 'pci 0000:00:02.0',
      '3:memballoon': '-',
    },
  },
  {
    name: 'q35: an mdev (vfio-pci) host device is a PCIe device',
    machine: 'q35',
    devices: `<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev><memballoon model='none'/>`,
    want: {
      '0:hostdev': 'pci 0000:02:00.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='qemu-xhci'>": 'pci 0000:01:00.0',
      "<controller type='sata' index='0' model='ich9-ahci'>": 'pci 0000:00:1f.2',
      "<controller type='pci' index='1' model='pcie-root-port'>": 'pci 0000:00:01.0',
      "<controller type='pci' index='2' model='pcie-root-port'>": 'pci 0000:00:01.1',
      "<controller type='pci' index='3' model='pcie-root-port'>": 'pci 0000:00:01.2',
    },
  },
  {
    name: 'pc: an mdev (vfio-pci) host device',
    machine: 'pc',
    devices: `<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev><memballoon model='none'/>`,
    want: {
      '0:hostdev': 'pci 0000:00:02.0',
      '1:memballoon': '-',
      "<controller type='usb' index='0' model='piix3-uhci'>": 'pci 0000:00:01.2',
    },
  },
];

describe('address prediction (libvirt 9.0 verdicts)', () => {
  for (const r of ROWS) {
    test(r.name, () => {
      assert.deepEqual(predict(r.machine, r.devices, r.head), r.want);
    });
  }
});

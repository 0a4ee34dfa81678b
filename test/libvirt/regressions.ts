/**
 * Hand-written cases for disagreements this suite found once, kept whatever the generators do
 * next: each was a false alarm or a miss before the rule was fixed.
 */
import { baseDevices, controller, disk, domainXml, driveAddr, nic, pciAddr, type Machine } from './build-domain';

export interface Regression {
  id: string;
  title: string;
  xml: string;
}

const dom = (machine: Machine, devices: string[]): string =>
  domainXml({ name: 'regression', machine, devices: [...baseDevices(machine), ...devices] });

export const REGRESSIONS: Regression[] = [
  {
    id: 'regression-usb-companion-master-elsewhere',
    title: 'ich9-uhci1 at index 0, its ich9-ehci1 at index 1: libvirt only needs some non-companion controller (was a false alarm)',
    xml: dom('q35', [controller('usb', 1, 'ich9-ehci1'), controller('usb', 0, 'ich9-uhci1')]),
  },
  {
    id: 'regression-q35-missing-bus-root-port-slot',
    title: 'q35, virtio disk at 05:02.1 with no controller 5: libvirt adds a pcie-root-port, slot must be 0 (was a miss)',
    xml: dom('q35', [disk({ dev: 'vda', bus: 'virtio', addr: pciAddr(5, 2, 1) })]),
  },
  {
    id: 'regression-pc-missing-bus-bridge-slot-0',
    title: 'pc, virtio NIC at ff:00.0: libvirt adds pci-bridges, slot 0 is not usable (was a miss)',
    xml: dom('pc', [nic({ addr: pciAddr(0xff, 0, 0) })]),
  },
  {
    id: 'regression-q35-missing-bus-conventional-slot-0',
    title: 'q35, e1000 at 05:00.0: libvirt adds a PCI bridge for a conventional device, slot 0 is not usable',
    xml: dom('q35', [nic({ model: 'e1000', addr: pciAddr(5, 0, 0) })]),
  },
  {
    id: 'regression-implied-drive-address',
    title: 'scsi sda at unit 2, sdc without an address (libvirt derives unit 2): duplicate drive address (was a miss)',
    xml: dom('q35', [
      controller('scsi', 0, 'virtio-scsi'),
      disk({ dev: 'sda', bus: 'scsi', addr: driveAddr(0, 0, 0, 2) }),
      disk({ dev: 'sdc', bus: 'scsi' }),
    ]),
  },
  {
    id: 'regression-huge-controller-index',
    title: "pci controller index='99999999999' (the fuzz suite's crash in the bus model)",
    xml: dom('q35', [controller('pci', '99999999999', 'pcie-root-port')]),
  },
  {
    id: 'regression-disk-target-index-overflow',
    title: "disk target 'hdzzzzzzz': libvirt's disk index overflows a C int, 'Unknown disk name' (was a miss)",
    xml: dom('pc', [disk({ dev: 'hdzzzzzzz', bus: 'ide' })]),
  },
  {
    id: 'regression-drive-controller-overflow',
    title: "drive address controller='99999999999': libvirt cannot read it as an unsigned int",
    xml: dom('pc', [disk({ dev: 'hda', bus: 'ide', addr: driveAddr(99999999999, 0, 0, 0) })]),
  },
];

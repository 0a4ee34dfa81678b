/**
 * The attach-device fragments of test/fixtures/attach, each with what libvirt 9.0 here said when
 * `virsh attach-device DOMAIN FILE --config` put it into the q35 domain `web` of the q35-guest
 * snapshot (defined on qemu:///system from that very XML), and the codes libvirt-lint reports
 * for it with `--attach-to web`. `attach`: the attach itself is refused, with this text in
 * libvirt's message; `start`: the attach is accepted but the domain then fails to start;
 * undefined: accepted, and the codes are none.
 */
interface AttachCase {
  file: string;
  codes: string[];
  refused?: { at: 'attach' | 'start'; message: RegExp };
}

export const ATTACH_DOMAIN = 'web';

export const ATTACH_CASES: readonly AttachCase[] = [
  { file: 'disk-target-taken.xml', codes: ['disk-target-duplicate'], refused: { at: 'attach', message: /target vda already exists/ } },
  { file: 'disk-new-target.xml', codes: [] },
  {
    file: 'disk-pci-address-taken.xml',
    codes: ['pci-address-duplicate'],
    refused: { at: 'attach', message: /double use of PCI Address 0000:03:00\.0/ },
  },
  { file: 'disk-free-root-port.xml', codes: [] },
  // A NIC written for pc (conventional PCI, bus 0 slot 5): q35's pcie-root takes it as an integrated device.
  { file: 'nic-e1000-on-pcie-root.xml', codes: [] },
  // The same MAC twice in one domain: attach-device --config takes it.
  { file: 'nic-same-mac.xml', codes: [] },
  { file: 'nic-new-mac.xml', codes: [] },
  // Fine on pc; on q35 attach --config takes it, but the domain no longer starts (nor can be defined again).
  {
    file: 'cdrom-ide.xml',
    codes: ['host-device-unsupported'],
    refused: { at: 'start', message: /IDE controllers are unsupported/ },
  },
  { file: 'cdrom-sata.xml', codes: [] },
  {
    file: 'nic-root-port-slot-1.xml',
    codes: ['pci-slot-bus-mismatch'],
    refused: { at: 'attach', message: /Invalid PCI address 0000:05:01\.0\. slot must be <= 0/ },
  },
  {
    file: 'nic-sata-slot.xml',
    codes: ['pci-address-reserved', 'pci-address-duplicate'],
    refused: { at: 'attach', message: /double use of PCI Address 0000:00:1f\.2/ },
  },
  // Bus 7 does not exist yet: libvirt adds the root ports up to it.
  { file: 'nic-bus-not-there.xml', codes: [] },
];

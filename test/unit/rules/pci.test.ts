/**
 * Rule family "pci": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * pci-address-zero, pci-address-reserved, pci-address-reserved-at-start, pci-chipset-address,
 * pci-slot-guest-range, pci-address-range, pci-address-duplicate, pci-slot-bus-mismatch,
 * pci-bus-incompatible; i440fx (pc) and q35 both.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'pc: 00:00.0 is no address',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>
      <!--                                                ^^^^^^ pci-address-zero -->
    </interface>`
    ),
    fix: { code: 'pci-address-zero', title: `Move to free slot 0x03 on bus 0x00`, contains: `slot='0x03'` },
  },
  {
    name: 'q35: 00:00.5 is no address either',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0' slot='0' function='5'/>
      <!--                             ^^^ pci-address-zero -->
    </interface>`
    ),
  },
  {
    name: 'decimal and octal numbers are read like libvirt does (010 = 8)',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0' slot='010' function='0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0' slot='8' function='0'/>
      <!--                             ^^^ pci-address-duplicate -->
    </interface>`
    ),
  },
  {
    name: 'pc: 00:01.0, 00:01.2 and 00:01.3 are the chipset',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x0'/>
      <!--                                ^^^^^^ pci-address-reserved: PIIX3 ISA -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x2'/>
      <!--                                ^^^^^^ pci-address-reserved: USB -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x3'/>
      <!--                                ^^^^^^ pci-address-reserved: ACPI -->
    </interface>`
    ),
  },
  {
    name: 'pc: 00:01.1 with no IDE is a start-time problem',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x1'/>
      <!--                                ^^^^^^ pci-address-reserved-at-start -->
    </interface>`
    ),
  },
  {
    name: 'pc: 00:01.1 with an IDE cdrom is a define-time conflict',
    xml: domainXml(
      {},
      `    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x1'/>
      <!--                                ^^^^^^ pci-address-reserved: IDE -->
    </interface>`
    ),
  },
  {
    name: 'pc: 00:01.4-7 are free, 00:01.2 too without a PIIX3 USB',
    xml: domainXml(
      {},
      `    <controller type='usb' index='0' model='ich9-ehci1'/>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x4'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x2'/>
    </interface>`
    ),
  },
  {
    name: 'pc: USB disabled frees 00:01.2',
    xml: domainXml(
      {},
      `    <controller type='usb' index='0' model='none'/>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x2'/>
    </interface>`
    ),
  },
  {
    name: 'pc: the chipset controllers may sit at their own addresses',
    xml: domainXml(
      {},
      `    <controller type='ide' index='0'>
      <address type='pci' bus='0x00' slot='0x01' function='0x1'/>
    </controller>
    <controller type='usb' index='0'>
      <address type='pci' bus='0x00' slot='0x01' function='0x2'/>
    </controller>`
    ),
  },
  {
    name: 'q35: 00:1f.0, 00:1f.2 and 00:1f.3 are the chipset; 00:1f.1 is free',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x1f' function='0x0'/>
      <!--                                ^^^^^^ pci-address-reserved: LPC -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x1f' function='0x1'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x1f' function='0x2'/>
      <!--                                ^^^^^^ pci-address-reserved: SATA -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x1f' function='0x3'/>
      <!--                                ^^^^^^ pci-address-reserved: SMBus -->
    </interface>`
    ),
  },
  {
    name: 'q35: the pc chipset addresses are free',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x0' multifunction='on'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x01' function='0x1'/>
    </interface>`
    ),
  },
  {
    name: 'fragment on q35: 00:1f.3',
    xml: `<!-- lint: machine=q35 -->
<interface type='network'>
  <source network='default'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x3'/>
  <!--                                                ^^^^^^ pci-address-reserved -->
</interface>
`,
  },
  {
    name: 'fragment without a machine type: chipset unknown',
    xml: `<interface type='network'>
  <source network='default'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
</interface>
`,
  },
  {
    name: 'pc: primary IDE elsewhere',
    xml: domainXml(
      {},
      `    <controller type='ide' index='0'>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
      <!--                                ^^^^^^ pci-chipset-address: 0000:00:01.1 -->
    </controller>`
    ),
    fix: { code: 'pci-chipset-address', title: `Move to 0000:00:01.1`, contains: `slot='0x01' function='0x1'` },
  },
  {
    name: 'q35: primary SATA elsewhere, second SATA anywhere',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='sata' index='0'>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
      <!--                                ^^^^^^ pci-chipset-address -->
    </controller>
    <controller type='sata' index='1'>
      <address type='pci' bus='0x00' slot='0x07' function='0x0'/>
    </controller>`
    ),
  },
  {
    name: 'pc: PIIX3 USB index 0 elsewhere; a qemu-xhci index 0 may go anywhere',
    xml: domainXml(
      {},
      `    <controller type='usb' index='0' model='piix3-uhci'>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
      <!--                                ^^^^^^ pci-chipset-address -->
    </controller>`
    ),
  },
  {
    name: 'pc: qemu-xhci at index 0 has no fixed address',
    xml: domainXml(
      {},
      `    <controller type='usb' index='0' model='qemu-xhci'>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
    </controller>`
    ),
  },
  {
    name: 'passthrough at guest slots 0x01, 0x02 and 0x1f (openEuler plan)',
    xml: domainXml(
      { machine: 'q35' },
      `    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0' bus='6' slot='2' function='0'/></source>
      <address type='pci' bus='0x00' slot='0x02' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-guest-range: video -->
    </hostdev>
    <interface type='hostdev'>
      <source><address type='pci' domain='0' bus='6' slot='2' function='1'/></source>
      <address type='pci' bus='0x00' slot='0x01' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-guest-range -->
    </interface>
    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0' bus='6' slot='2' function='2'/></source>
      <address type='pci' bus='0x00' slot='0x1f' function='0x0'/>
      <!--                                ^^^^^^ pci-address-reserved -->
    </hostdev>`
    ),
  },
  {
    name: 'guest slot range is about passthrough devices only',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x02' function='0x0'/>
    </interface>`
    ),
  },
  {
    name: 'out of range: domain, bus, slot, function',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0002' bus='0x00' slot='0x05' function='0x0'/>
      <!--                       ^^^^^^^^ pci-address-range: domain -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='256' slot='0x05' function='0x0'/>
      <!--                    ^^^^^ pci-address-range: bus -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x20' function='0x0'/>
      <!--                                ^^^^^^ pci-address-range: slot -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0x8'/>
      <!--                                                ^^^^^ pci-address-range: function -->
    </interface>`
    ),
  },
  {
    name: 'function out of range: fix picks a free function',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0x0' multifunction='on'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0xa'/>
      <!--                                                ^^^^^ pci-address-range -->
    </interface>`
    ),
    fix: { code: 'pci-address-range', title: `Use free function 0x1`, contains: `function='0x1'` },
  },
  {
    name: 'the same address twice, then a free one',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0x0'/>
      <!--                                ^^^^^^ pci-address-duplicate: 0000:00:06.0 -->
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x00' slot='0x06' function='0x1'/>
    </interface>`
    ),
    fix: { code: 'pci-address-duplicate', title: `Move to free slot 0x03 on bus 0x00`, contains: `slot='0x03'` },
  },
  {
    name: 'a device on a root port slot 1',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-root-port'>
      <target chassis='1' port='0x10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
    </controller>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x01' slot='0x01' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch: single slot -->
    </interface>`
    ),
    fix: { code: 'pci-slot-bus-mismatch', title: `Use slot 0x00`, contains: `bus='0x01' slot='0x00'` },
  },
  {
    name: 'a device on slot 0 of a pci-bridge',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pci-bridge'/>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x01' slot='0x00' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch: slots start at 0x01 -->
    </interface>`
    ),
  },
  {
    name: 'pc: a bus nobody provides becomes a pci-bridge, with no slot 0',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x02' slot='0x03' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x01' slot='0x00' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch: libvirt adds a pci-bridge -->
    </interface>`
    ),
  },
  {
    name: 'q35: a PCIe device on a bus nobody provides gets a root port, slot 0 only',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x03' slot='0x00' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x04' slot='0x01' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch: adds a pcie-root-port -->
    </interface>`
    ),
  },
  {
    name: 'q35: a conventional PCI device on a bus nobody provides gets a PCI bridge, no slot 0',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='e1000'/>
      <address type='pci' bus='0x03' slot='0x00' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch: adds a pci-bridge -->
    </interface>`
    ),
  },
  {
    name: 'q35: a missing index below the highest PCI controller is a root port',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='3' model='pcie-root-port'/>
    <interface type='network'>
      <source network='default'/>
      <model type='e1000'/>
      <address type='pci' bus='0x01' slot='0x01' function='0x0'/>
      <!--                                ^^^^^^ pci-slot-bus-mismatch -->
    </interface>`
    ),
  },
  {
    name: 'q35: devices of both kinds above the highest index are not judged (libvirt order decides; this pair is accepted)',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x02' slot='0x00' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <model type='e1000'/>
      <address type='pci' bus='0x03' slot='0x01' function='0x0'/>
    </interface>`
    ),
  },
  {
    name: 'root port on pci-root (pc)',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pcie-root-port'>
      <address type='pci' bus='0x00' slot='0x05' function='0x0'/>
      <!--                    ^^^^^^ pci-bus-incompatible -->
    </controller>`
    ),
  },
  {
    name: 'dmi-to-pci-bridge on a root port; switch upstream port on pcie-root',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-root-port'>
      <target chassis='1' port='0x10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
    </controller>
    <controller type='pci' index='2' model='dmi-to-pci-bridge'>
      <address type='pci' bus='0x01' slot='0x00' function='0x0'/>
      <!--                    ^^^^^^ pci-bus-incompatible -->
    </controller>
    <controller type='pci' index='3' model='pcie-switch-upstream-port'>
      <address type='pci' bus='0x00' slot='0x05' function='0x0'/>
      <!--                    ^^^^^^ pci-bus-incompatible -->
    </controller>`
    ),
  },
  {
    name: 'expander buses: pxb-pcie on pcie-root, a dmi bridge on it; an endpoint on it is refused',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-expander-bus'>
      <target busNr='200'/>
      <address type='pci' bus='0x00' slot='0x05' function='0x0'/>
    </controller>
    <controller type='pci' index='2' model='dmi-to-pci-bridge'>
      <address type='pci' bus='0x01' slot='0x00' function='0x0'/>
    </controller>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' bus='0x01' slot='0x01' function='0x0'/>
      <!--                    ^^^^^^ pci-bus-incompatible -->
    </interface>`
    ),
  },
  {
    name: 'pci-expander-bus only on pci-root',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pci-bridge'/>
    <controller type='pci' index='2' model='pci-expander-bus'>
      <target busNr='254'/>
      <address type='pci' bus='0x01' slot='0x01' function='0x0'/>
      <!--                    ^^^^^^ pci-bus-incompatible -->
    </controller>`
    ),
  },
];

runRuleCases('pci', CASES);

/**
 * Rule family "controllers": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * controller-index-duplicate, controller-usb-master-missing, controller-usb-master-at-start,
 * controller-pci-root-index, controller-pci-root-address, controller-pci-index-range,
 * controller-bridge-order, controller-chassis-duplicate, controller-usb-ports-range.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'two pci-bridges with index 1',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pci-bridge'/>
    <controller type='pci' index='1' model='pci-bridge'/>
    <!--                         ^^^ controller-index-duplicate -->`
    ),
    fix: { code: 'controller-index-duplicate', title: `Use free index 2`, contains: `index='2' model='pci-bridge'` },
  },
  {
    name: 'two virtio-serial controllers with index 0',
    xml: domainXml(
      {},
      `    <controller type='virtio-serial' index='0'/>
    <controller type='virtio-serial' index='0'/>
    <!--                                   ^^^ controller-index-duplicate -->`
    ),
  },
  {
    name: 'index 0 once per type',
    xml: domainXml(
      {},
      `    <controller type='scsi' index='0'/>
    <controller type='sata' index='0'/>
    <controller type='virtio-serial' index='0'/>`
    ),
  },
  {
    name: 'ehci and qemu-xhci sharing index 0 (QEMU driver refuses)',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ich9-ehci1'/>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <!--                         ^^^ controller-index-duplicate -->`
    ),
  },
  {
    name: 'companions share the index of their ich9-ehci1',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='2' model='ich9-ehci1'/>
    <controller type='usb' index='2' model='ich9-uhci1'/>
    <controller type='usb' index='2' model='ich9-uhci2'/>
    <controller type='usb' index='2' model='ich9-uhci3'/>`
    ),
  },
  {
    name: 'an xhci with ports=0 counts as a companion for duplicates',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='qemu-xhci'/>
    <controller type='usb' index='0' model='qemu-xhci' ports='0'/>`
    ),
  },
  {
    name: 'companions only: no master anywhere',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ich9-uhci1'/>
    <!--                                   ^^^^^^^^^^^^ controller-usb-master-missing -->
    <controller type='usb' index='0' model='ich9-uhci2'/>
    <!--                                   ^^^^^^^^^^^^ controller-usb-master-missing -->`
    ),
  },
  {
    name: 'companion whose ich9-ehci1 has another index',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ich9-ehci1'/>
    <controller type='usb' index='1' model='ich9-uhci3'/>
    <!--                                   ^^^^^^^^^^^^ controller-usb-master-at-start: no ich9-ehci1 controller has index 1 -->`
    ),
  },
  {
    name: 'companion next to a plain ehci (QEMU takes only ich9-ehci1 as master)',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ehci'/>
    <controller type='usb' index='0' model='ich9-uhci1'/>
    <!--                                   ^^^^^^^^^^^^ controller-usb-master-at-start -->`
    ),
  },
  {
    name: 'USB disabled: model none is not a master, nor a companion',
    xml: domainXml({ machine: 'q35' }, `    <controller type='usb' index='0' model='none'/>`),
  },
  {
    name: 'pSeries PHBs: pci-root controllers with index > 0 (libvirt 9.0 allows them on pseries)',
    xml: domainXml(
      { machine: 'pseries' },
      `    <controller type='pci' index='0' model='pci-root'/>
    <controller type='pci' index='1' model='pci-root'>
      <model name='spapr-pci-host-bridge'/>
      <target index='1'/>
    </controller>
    <controller type='pci' index='2' model='pci-root'/>`
    ).replace("arch='x86_64'", "arch='ppc64le'"),
  },
  {
    name: 'a PHB model name off pSeries does not lift the index rule (QEMU driver: should have index 0)',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pci-root'>
    <!--                         ^^^ controller-pci-root-index -->
      <model name='spapr-pci-host-bridge'/>
    <!--          ^^^^^^^^^^^^^^^^^^^^^^^ controller-pci-option-invalid: takes no <model name> -->
    </controller>`
    ),
  },
  {
    name: 'pci-root with index 2',
    xml: domainXml(
      {},
      `    <controller type='pci' index='2' model='pci-root'/>
    <!--                         ^^^ controller-pci-root-index -->`
    ),
    fix: { code: 'controller-pci-root-index', title: `Use index '0'`, contains: `index='0' model='pci-root'` },
  },
  {
    name: 'pci-root on q35',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='0' model='pci-root'/>
    <!--                                   ^^^^^^^^^^ controller-pci-root-index: pcie-root -->`
    ),
    fix: { code: 'controller-pci-root-index', title: `Use model 'pcie-root'`, contains: `model='pcie-root'` },
  },
  {
    name: 'a root port at index 0 (fix offered, not preferred: the port has children)',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='0' model='pcie-root-port'>
    <!--                                   ^^^^^^^^^^^^^^^^ controller-pci-root-index -->
      <target chassis='1' port='0x10'/>
    </controller>`
    ),
    fix: { code: 'controller-pci-root-index', title: `Use model 'pcie-root'`, contains: `index='0' model='pcie-root'>` },
  },
  {
    name: 'fragment: no machine type configured, index 0 is not judged',
    xml: `<controller type='pci' index='0' model='pcie-root'/>
`,
  },
  {
    name: 'fragment: q35 configured, pci-root at index 0',
    xml: `<!-- lint: machine=q35 -->
<controller type='pci' index='0' model='pci-root'/>
<!--                                   ^^^^^^^^^^ controller-pci-root-index -->
`,
  },
  {
    name: 'root with an address',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='0' model='pcie-root'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>
  <!-- ^^^^^^^ controller-pci-root-address -->
    </controller>`
    ),
    fix: { code: 'controller-pci-root-address', title: `Remove the <address>`, contains: `model='pcie-root'>`, lacks: `<address` },
  },
  {
    name: 'PCI index 256 and 255',
    xml: domainXml(
      {},
      `    <controller type='pci' index='255' model='pci-bridge'/>
    <controller type='pci' index='256' model='pci-bridge'/>
    <!--                         ^^^^^ controller-pci-index-range -->`
    ),
  },
  {
    name: 'index above 255 is fine for other types',
    xml: domainXml({}, `    <controller type='virtio-serial' index='300'/>`),
  },
  {
    name: 'pci-bridge on its own bus',
    xml: domainXml(
      {},
      `    <controller type='pci' index='1' model='pci-bridge'>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x01' function='0x0'/>
      <!--                                    ^^^^^^ controller-bridge-order -->
    </controller>`
    ),
  },
  {
    name: 'root port with an index below its bus is not a pci-bridge (start-time only)',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='2' model='pcie-root-port'>
      <target chassis='2' port='0x10'/>
    </controller>
    <controller type='pci' index='1' model='pcie-to-pci-bridge'>
      <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
    </controller>`
    ),
  },
  {
    name: 'chassis given twice',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-root-port'>
      <target chassis='7' port='0x10'/>
    </controller>
    <controller type='pci' index='2' model='pcie-switch-upstream-port'>
      <address type='pci' bus='0x01' slot='0x00' function='0x0'/>
    </controller>
    <controller type='pci' index='3' model='pcie-switch-downstream-port'>
      <target chassis='7' port='0x0'/>
      <!--            ^^^ controller-chassis-duplicate -->
      <address type='pci' bus='0x02' slot='0x00' function='0x0'/>
    </controller>`
    ),
  },
  {
    name: 'default chassis is the index',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-root-port'>
      <target chassis='3' port='0x10'/>
    </controller>
    <controller type='pci' index='3' model='pcie-root-port'/>
    <!--                         ^^^ controller-chassis-duplicate: Chassis 3 -->`
    ),
  },
  {
    name: 'a duplicate index is not also a duplicate chassis',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <!--                         ^^^ controller-index-duplicate -->`
    ),
  },
  {
    name: 'xhci ports 0..15; 16 is too many; ehci ports ignored',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>
    <controller type='usb' index='1' model='nec-xhci' ports='16'/>
    <!--                                                    ^^^^ controller-usb-ports-range -->
    <controller type='usb' index='2' model='ehci' ports='64'/>`
    ),
    fix: { code: 'controller-usb-ports-range', title: `Use ports='15'`, contains: `model='nec-xhci' ports='15'` },
  },
  {
    name: 'fragment: a SCSI disk on target 1 is not judged (the controller it goes to is not in the file)',
    xml: `<disk type='file' device='disk'>
  <source file='/var/lib/libvirt/images/a.qcow2'/>
  <target dev='sdb' bus='scsi'/>
  <address type='drive' controller='0' bus='0' target='1' unit='0'/>
</disk>
`,
  },
  {
    name: 'virtio-serial: addresses without a port (or port 0) take ports 1 up of their controller; the third has none left',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='virtio-serial' index='0' ports='3'/>
    <channel type='pty'>
      <target type='virtio' name='org.example.a'/>
      <address type='virtio-serial' controller='0' port='1'/>
    </channel>
    <channel type='pty'>
      <target type='virtio' name='org.example.b'/>
      <address type='virtio-serial' controller='0'/>
    </channel>
    <channel type='pty'>
      <target type='virtio' name='org.example.c'/>
      <address type='virtio-serial' controller='0' port='0'/>
  <!-- ^^^^^^^ virtio-serial-port-range: no free port -->
    </channel>`
    ),
  },
];

runRuleCases('controllers', CASES);

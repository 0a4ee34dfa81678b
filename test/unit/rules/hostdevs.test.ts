/**
 * Rule family "hostdevs": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * hostdev-duplicate, matched as libvirt 9.0 matches host devices.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'same PCI function twice',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
    <!-- ^^^^^^^ hostdev-duplicate: 0000:06:02.0 -->
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'same function written differently (6 = 0x06, 02 octal)',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='6' slot='02' function='0'/>
    <!-- ^^^^^^^ hostdev-duplicate -->
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'other functions and devices',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x1'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x07' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0001' bus='0x06' slot='0x02' function='0x0'/>
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'interface type=hostdev and hostdev',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='hostdev'>
      <source>
        <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>
      </source>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>
    <!-- ^^^^^^^ hostdev-duplicate: <interface> -->
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'USB by vendor/product, compared as numbers',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x46D'/>
        <!--    ^^^^^^^^^^ hostdev-duplicate: 046d:c52b -->
        <product id='0xC52B'/>
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'USB by host bus/device',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='usb'>
      <source>
        <address bus='1' device='5'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <address bus='1' device='5'/>
        <!--     ^^^^^^^ hostdev-duplicate: bus 1 device 5 -->
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <address bus='1' device='6'/>
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'USB: the earlier device decides how to compare',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
        <address bus='1' device='5'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
        <address bus='1' device='5'/>
        <!--     ^^^^^^^ hostdev-duplicate -->
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'PCI and USB never match each other; SCSI is not compared here',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x01' slot='0x02' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <address bus='1' device='2'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source>
    </hostdev>`
    ),
  },
  {
    name: 'mdev by UUID, SCSI by adapter and address, iSCSI by host and IQN (LUN 0 implied), vhost-scsi by wwpn',
    xml: domainXml(
      { machine: 'q35' },
      `    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='mdev' model='vfio-ccw'>
      <source>
        <address uuid='c2177883f1bb47f0914d32a22e3a8804'/>
        <!--          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ hostdev-duplicate: mediated device -->
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host3'/>
        <address bus='0' target='2' unit='1'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host3'/>
        <address bus='0' target='2' unit='1'/>
    <!-- ^^^^^^^ hostdev-duplicate: scsi_host3 bus 0 target 2 unit 1 -->
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool'>
        <host name='example.com' port='3260'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/0'>
 <!--  ^^^^^^ hostdev-duplicate: iSCSI -->
        <host name='example.com' port='3260'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d8'/>
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d8'/>
      <!--                          ^^^^^^^^^^^^^^^^^^^^^^ hostdev-duplicate: vhost-scsi -->
    </hostdev>`
    ),
  },
  {
    name: 'near misses: other UUID, unit, adapter, LUN, wwpn',
    xml: domainXml(
      { machine: 'q35' },
      `    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8805'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host3'/>
        <address bus='0' target='2' unit='1'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host3'/>
        <address bus='0' target='2' unit='2'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host4'/>
        <address bus='0' target='2' unit='1'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/1'>
        <host name='example.com' port='3260'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/2'>
        <host name='example.com' port='3260'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d8'/>
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d9'/>
    </hostdev>`
    ),
  },
  {
    name: 'SCSI drive addresses: a hostdev on an explicit disk address, one on a hostdev; near misses on sata and without an address',
    xml: domainXml(
      { machine: 'q35' },
      `    <disk type='file' device='disk'>
      <target dev='sdq' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='4'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='sdb' bus='sata'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='0'/>
      </source>
      <address type='drive' controller='0' bus='0' target='0' unit='4'/>
  <!-- ^^^^^^^ scsi-drive-address-conflict: disk 'sdq' -->
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='1'/>
      </source>
      <address type='drive' controller='0' bus='0' target='0' unit='1'/>
    </hostdev>
    <hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='2'/>
      </source>
    </hostdev>`
    ),
  },
  {
    name: 'guest address types: a PCI host device on a drive, a vhost-scsi one on usb; pci unassigned fit, ccw fits the type (but not an x86 machine)',
    xml: domainXml(
      { machine: 'q35' },
      `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
      <!--          ^^^^^^^ hostdev-address-type: 'pci' or 'unassigned' -->
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d8'/>
      <address type='usb' bus='0' port='1'/>
      <!--          ^^^^^ hostdev-address-type: vhost-scsi -->
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host'>
      <source protocol='vhost' wwpn='naa.50014057667280d9'/>
      <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>
      <!--          ^^^^^ address-type-unsupported: s390 -->
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x03' function='0x0'/>
      </source>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x0'/>
    </hostdev>`
    ),
    fix: { code: 'hostdev-address-type', title: 'Remove the <address>', contains: "function='0x0'/>", lacks: "<address type='drive'" },
  },
];

runRuleCases('hostdevs', CASES);

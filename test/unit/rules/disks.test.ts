/**
 * Rule family "disks": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * disk-target-duplicate, disk-target-invalid, disk-drive-address-duplicate and the retry codes
 * (disk-retry-unsupported, disk-retry-flavor-unknown, disk-retry-value, disk-retry-without-policy,
 * disk-retry-bus) under each flavor.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'same target twice',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <!--        ^^^^^ disk-target-duplicate -->
    </disk>`
    ),
    fix: { code: 'disk-target-duplicate', title: `Use free target 'vdb'`, contains: `dev='vdb'` },
  },
  {
    name: 'same letters, other prefix: different targets',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sda' bus='sata'/>
    </disk>`
    ),
  },
  {
    name: 'target names libvirt refuses',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda1' bus='virtio'/>
      <!--        ^^^^^^ disk-target-invalid: partition -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='disk0' bus='virtio'/>
      <!--        ^^^^^^^ disk-target-invalid -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='VDB' bus='virtio'/>
      <!--        ^^^^^ disk-target-invalid -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vd' bus='virtio'/>
      <!--        ^^^^ disk-target-invalid -->
    </disk>`
    ),
    fix: { code: 'disk-target-invalid', title: `Use 'vda'`, contains: `dev='vda'` },
  },
  {
    name: 'target names libvirt knows',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vdzz' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='ubda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='hdd' bus='ide'/>
    </disk>`
    ),
  },
  {
    name: 'explicit drive addresses: same on one bus, different across buses',
    xml: domainXml(
      { machine: 'q35' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sda' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='3'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdb' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='3'/>
      <!--                                                         ^^^ disk-drive-address-duplicate -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdc' bus='sata'/>
      <address type='drive' controller='0' bus='0' target='0' unit='3'/>
    </disk>`
    ),
    fix: { code: 'disk-drive-address-duplicate', title: `Use free unit 0`, contains: `unit='0'` },
  },
  {
    name: 'missing address parts count as 0',
    xml: domainXml(
      { machine: 'q35' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sda' bus='scsi'/>
      <address type='drive' unit='0'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdb' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
      <!--                                                         ^^^ disk-drive-address-duplicate -->
    </disk>`
    ),
  },
  {
    name: 'implicit SATA addresses: sdb is unit 1, sdh is controller 1 unit 1',
    xml: domainXml(
      { machine: 'q35' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdb' bus='sata'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdh' bus='sata'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdc' bus='sata'/>
      <address type='drive' controller='0' bus='0' target='0' unit='1'/>
      <!--                                                         ^^^ disk-drive-address-duplicate: derives -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdd' bus='sata'/>
      <address type='drive' controller='1' bus='0' target='0' unit='1'/>
      <!--                                                         ^^^ disk-drive-address-duplicate -->
    </disk>`
    ),
  },
  {
    name: 'implicit IDE addresses: hdc is bus 1 unit 0',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='hdc' bus='ide'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='hda' bus='ide'/>
      <address type='drive' controller='0' bus='1' target='0' unit='0'/>
      <!--                                                         ^^^ disk-drive-address-duplicate -->
    </disk>`
    ),
  },
  {
    name: 'implicit SCSI addresses from letters only: hdb and sdb collide',
    xml: domainXml(
      { machine: 'q35' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdb' bus='scsi'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='hdb' bus='scsi'/>
      <!--        ^^^^^ disk-drive-address-duplicate -->
    </disk>`
    ),
  },
  {
    name: 'virtio disks have no drive address',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>`
    ),
  },
  {
    name: 'upstream: retry policies refused, retry attributes ignored',
    xml: domainXml(
      { flavor: 'upstream' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry' rerror_policy='retry' retry_interval='10'/>
      <!--                             ^^^^^^^ disk-retry-unsupported -->
      <!--                                                   ^^^^^^^ disk-retry-unsupported -->
      <!--                                                           ^^^^^^^^^^^^^^ disk-retry-without-policy: upstream -->
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
    fix: { code: 'disk-retry-unsupported', title: `Use error_policy='report'`, contains: `error_policy='report'` },
  },
  {
    name: 'unknown flavor: retry is only noted',
    xml: domainXml(
      { flavor: 'unknown' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry' retry_interval='10'/>
      <!--                             ^^^^^^^ disk-retry-flavor-unknown -->
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
  },
  {
    name: 'openEuler: values must be whole milliseconds up to 2^63-1',
    xml: domainXml(
      { flavor: 'openeuler' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry' retry_interval='9223372036854775807' retry_timeout='9223372036854775808'/>
      <!--                                                                                        ^^^^^^^^^^^^^^^^^^^^^ disk-retry-value -->
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' rerror_policy='retry' retry_interval='+5' retry_timeout='-5'/>
      <!--                                                     ^^^^ disk-retry-value -->
      <!--                                                                        ^^^^ disk-retry-value -->
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>`
    ),
  },
  {
    name: 'openEuler: retry_* without a retry policy (fix adds one)',
    xml: domainXml(
      { flavor: 'openeuler' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' retry_timeout='0'/>
      <!--                ^^^^^^^^^^^^^ disk-retry-without-policy -->
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
    fix: {
      code: 'disk-retry-without-policy',
      title: `Add error_policy='retry'`,
      contains: `<driver error_policy='retry' name='qemu' retry_timeout='0'/>`,
    },
  },
  {
    name: 'openEuler: retry on ide and usb disks',
    xml: domainXml(
      { flavor: 'openeuler' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='hda' bus='ide'/>
      <!--                  ^^^^^ disk-retry-bus -->
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sdb' bus='usb'/>
      <!--                  ^^^^^ disk-retry-bus -->
    </disk>`
    ),
  },
  {
    name: 'openEuler: retry on virtio and scsi',
    xml: domainXml(
      { machine: 'q35', flavor: 'openeuler' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' error_policy='retry' rerror_policy='retry' retry_interval='1000' retry_timeout='0'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' rerror_policy='retry' retry_timeout='100'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='sda' bus='scsi'/>
    </disk>`
    ),
  },
  {
    name: 'address types a bus cannot take: pci on scsi and fdc, usb on sata, drive on virtio (bus from the target name)',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <target dev='sda' bus='scsi'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
      <!--          ^^^^^ disk-address-type: scsi -->
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='floppy'>
      <target dev='fda' bus='fdc'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/>
      <!--          ^^^^^ disk-address-type: fdc -->
    </disk>
    <disk type='file' device='disk'>
      <target dev='sdb' bus='sata'/>
      <address type='usb' bus='0' port='1'/>
      <!--          ^^^^^ disk-address-type: usb address -->
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='vdb'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
      <!--          ^^^^^^^ disk-address-type: virtio -->
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>`
    ),
    fix: { code: 'disk-address-type', title: 'Remove the <address>', contains: "<target dev='sda' bus='scsi'/>", lacks: "slot='0x05'" },
  },
  {
    name: 'address types that fit: drive on ide, usb on usb, pci and ccw on virtio, none at all',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <target dev='hda' bus='ide'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='sdc' bus='usb'/>
      <address type='usb' bus='0' port='1'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='vdb' bus='virtio'/>
      <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>
      <!--          ^^^^^ address-type-unsupported: s390 -->
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <target dev='sdd' bus='sata'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>`
    ),
  },
  {
    name: 'settings of another device type: sgio on a disk, reservations on a cdrom, a tray on a lun',
    xml: domainXml(
      {},
      `    <disk type='block' device='disk' sgio='filtered'>
      <!--                           ^^^^^^^^^^^^^^^ disk-option-device: sgio -->
      <source dev='/dev/sdz'/>
      <target dev='sda' bus='scsi'/>
    </disk>
    <disk type='block' device='cdrom'>
      <source dev='/dev/sr0'>
        <reservations managed='yes'/>
    <!-- ^^^^^^^^^^^^ disk-option-device: reservations -->
      </source>
      <target dev='sdb' bus='scsi'/>
    </disk>
    <disk type='block' device='lun'>
      <source dev='/dev/sdy'/>
      <target dev='sdc' bus='scsi' tray='open'/>
      <!--                         ^^^^^^^^^^^ disk-option-device: lun -->
    </disk>
    <disk type='file' device='disk'>
      <target dev='sdd' bus='scsi' tray='closed'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>`
    ),
    fix: { code: 'disk-option-device', title: 'Remove sgio', contains: "<disk type='block' device='disk'>" },
  },
  {
    name: 'iotune: every kind of total with read or write; zeros are unset',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/case.img'/>
      <target dev='vda' bus='virtio'/>
      <iotune>
        <total_iops_sec>100</total_iops_sec>
        <write_iops_sec>50</write_iops_sec>
    <!-- ^^^^^^^^^^^^^^ disk-iotune-conflict -->
        <total_bytes_sec_max>0</total_bytes_sec_max>
        <read_bytes_sec_max>10</read_bytes_sec_max>
        <total_iops_sec_max>100</total_iops_sec_max>
        <read_iops_sec_max>10</read_iops_sec_max>
    <!-- ^^^^^^^^^^^^^^^^^ disk-iotune-conflict -->
        <write_iops_sec_max>10</write_iops_sec_max>
    <!-- ^^^^^^^^^^^^^^^^^^ disk-iotune-conflict -->
      </iotune>
    </disk>`
    ),
  },
  {
    name: "io='native' without cache='none': the fix sets it",
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' io='native'/>
      <!--                              ^^^^^^^^ disk-io-native-cache -->
      <source file='/var/lib/libvirt/images/case.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
    fix: { code: 'disk-io-native-cache', title: "Use cache='none'", contains: "io='native' cache='none'" },
  },
  {
    name: "drive addresses: lsilogic (x86's default SCSI model) takes target 0 only; ide, fdc and sata limits",
    xml: domainXml(
      {},
      `    <controller type='scsi' index='0'/>
    <controller type='scsi' index='1' model='lsilogic'/>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.img'/>
      <target dev='sda' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='3' unit='0'/>
      <!--                                                ^^^ drive-address-unsupported: lsilogic -->
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/b.img'/>
      <target dev='sdb' bus='scsi'/>
      <address type='drive' controller='1' bus='0' target='3' unit='0'/>
      <!--                                                ^^^ drive-address-unsupported: lsilogic -->
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/c.img'/>
      <target dev='hda' bus='ide'/>
      <address type='drive' controller='0' bus='1' target='0' unit='1'/>
    </disk>`
    ),
  },
  {
    name: 'iothreads: a missing one, a present one, a bus without them',
    xml: domainXml(
      { head: '  <iothreads>2</iothreads>' },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iothread='3'/>
      <!--                                    ^^^ disk-iothread-missing -->
      <source file='/var/lib/libvirt/images/a.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iothread='2'/>
      <source file='/var/lib/libvirt/images/b.img'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iothread='1'/>
      <!--                           ^^^^^^^^^^^^ disk-option-bus: virtio disks only -->
      <source file='/var/lib/libvirt/images/c.img'/>
      <target dev='sda' bus='sata'/>
    </disk>`
    ),
  },
  {
    name: 'throttle groups: same limits pass, different ones and a bare name do not',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.img'/>
      <target dev='vda' bus='virtio'/>
      <iotune><total_bytes_sec>100</total_bytes_sec><group_name>g</group_name></iotune>
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/b.img'/>
      <target dev='vdb' bus='virtio'/>
      <iotune><total_bytes_sec>100</total_bytes_sec><group_name>g</group_name></iotune>
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/c.img'/>
      <target dev='vdc' bus='virtio'/>
      <iotune><total_bytes_sec>200</total_bytes_sec><group_name>g</group_name></iotune>
      <!--                                           ^^^^^^^^^^ disk-iotune-group: vdc -->
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/d.img'/>
      <target dev='vdd' bus='virtio'/>
      <iotune><group_name>h</group_name></iotune>
      <!--     ^^^^^^^^^^ disk-iotune-group: alone -->
    </disk>`
    ),
  },
  {
    name: 'a vhost-user disk: each refused setting is named',
    xml: domainXml(
      { head: "  <memoryBacking><access mode='shared'/></memoryBacking>" },
      `    <disk type='vhostuser' device='disk'>
      <driver name='qemu' type='raw' cache='none' discard='unmap'/>
      <!--                           ^^^^^^^^^^^^ disk-vhostuser-option: cache -->
      <!--                                        ^^^^^^^^^^^^^^^ disk-vhostuser-option: discard -->
      <source type='unix' path='/run/vhost.sock'/>
      <target dev='vda' bus='virtio'/>
      <readonly/>
<!--   ^^^^^^^^ disk-vhostuser-option: readonly -->
    </disk>`
    ),
  },
  {
    name: "a driver name other than 'qemu': the fix names qemu",
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='tap'/>
      <!--         ^^^^^ disk-driver-name -->
      <source file='/var/lib/libvirt/images/case.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
    fix: { code: 'disk-driver-name', title: "Use name='qemu'", contains: "<driver name='qemu'/>" },
  },
];

runRuleCases('disks', CASES);

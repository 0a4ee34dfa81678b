/**
 * Rule family "boot": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * boot-order-duplicate and boot-order-with-os-boot.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'two devices boot first',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='1'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vdb' bus='virtio'/>
      <boot order='1'/>
      <!--        ^^^ boot-order-duplicate -->
    </disk>`
    ),
    fix: { code: 'boot-order-duplicate', title: `Use boot order 2`, contains: `<boot order='2'/>` },
  },
  {
    name: 'the fix skips orders in use',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='1'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vdb' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <boot order='1'/>
      <!--        ^^^ boot-order-duplicate -->
    </interface>`
    ),
    fix: { code: 'boot-order-duplicate', title: `Use boot order 3`, contains: `<boot order='3'/>` },
  },
  {
    name: 'hostdevs and interfaces share the numbering',
    xml: domainXml(
      {},
      `    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0' bus='6' slot='2' function='0'/></source>
      <boot order='4'/>
    </hostdev>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <boot order='4'/>
      <!--        ^^^ boot-order-duplicate -->
    </interface>`
    ),
  },
  {
    name: 'gaps are fine',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <boot order='9'/>
    </interface>`
    ),
  },
  {
    name: 'os boot with a device boot order',
    xml: domainXml(
      {
        os: `    <boot dev='hd'/>
<!-- ^^^^ boot-order-with-os-boot -->
    <boot dev='network'/>
<!-- ^^^^ boot-order-with-os-boot -->`,
      },
      `    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
      <boot order='1'/>
    </interface>`
    ),
    fix: { code: 'boot-order-with-os-boot', title: `Remove the <os><boot> elements`, contains: `<boot order='1'/>`, lacks: `<boot dev` },
  },
  {
    name: 'os boot alone',
    xml: domainXml(
      { os: `    <boot dev='hd'/>` },
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
  },
];

runRuleCases('boot', CASES);

/**
 * Rule family "machine-devices": machine-no-pci on the isapc machine (libvirt 9.0 here: "No PCI
 * buses available"), with caret markers naming exactly the findings expected.
 */
import { runRuleCases, type RuleCase } from './cases';

const isapc = (devices: string, machine = 'isapc'): string => `<domain type='kvm'>
  <name>case</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='${machine}'>hvm</type>
  </os>
  <devices>
${devices}
  </devices>
</domain>
`;

const CASES: RuleCase[] = [
  {
    name: 'explicit PCI devices, and a graphics console whose video libvirt adds',
    xml: isapc(`    <controller type='usb' model='piix3-uhci'/>
<!-- ^^^^^^^^^^ machine-no-pci -->
    <memballoon model='virtio'/>
<!-- ^^^^^^^^^^ machine-no-pci -->
    <disk type='file' device='disk'>
<!-- ^^^^ machine-no-pci -->
      <target dev='vda' bus='virtio'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <graphics type='vnc'/>`).replace(
      "machine='isapc'>hvm</type>",
      "machine='isapc'>hvm</type>\n    <!--                        ^^^^^^^ machine-no-pci: <graphics> -->"
    ),
  },
  {
    name: 'the fix adds what turns the implicit device off',
    xml: isapc(`    <memballoon model='none'/>`).replace(
      "machine='isapc'>hvm</type>",
      "machine='isapc'>hvm</type>\n    <!--                        ^^^^^^^ machine-no-pci: USB controller -->"
    ),
    fix: {
      code: 'machine-no-pci',
      title: "Add <controller type='usb' model='none'/>",
      contains: "<controller type='usb' model='none'/>\n    <memballoon",
    },
  },
  {
    name: 'near misses: isapc without PCI devices; the same devices on pc',
    xml: isapc(`    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <video>
      <model type='none'/>
    </video>
    <watchdog model='ib700'/>`),
  },
  {
    name: 'pc has a PCI bus',
    xml: isapc(`    <interface type='user'/>`, 'pc'),
  },
];

runRuleCases('machine-devices', CASES);

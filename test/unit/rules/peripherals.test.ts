/**
 * Rule family "peripherals": small cases with caret markers naming exactly the findings expected;
 * near misses expect none, as libvirt 9.0's QEMU driver judges them.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'a diag288 watchdog with an address, a vsock with CID 1, a smartcard on a USB address, a repeated alias on a disk and a NIC',
    xml: domainXml(
      {},
      `    <watchdog model='diag288' action='reset'>
      <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>
  <!-- ^^^^^^^ watchdog-model-unsupported -->
<!--                ^^^^^ address-type-unsupported -->
    </watchdog>
    <vsock model='virtio'>
      <cid auto='no' address='1'/>
      <!--                   ^^^ vsock-cid-invalid -->
    </vsock>
    <smartcard mode='host'>
      <address type='usb' bus='0' port='2'/>
      <!--          ^^^^^ smartcard-option-invalid -->
    </smartcard>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <alias name='ua-x'/>
    </disk>
    <interface type='user'>
      <alias name='ua-x'/>
      <!--        ^^^^^^ device-alias-duplicate -->
    </interface>
    <interface type='user'>
      <alias name='net7'/>
    </interface>
    <interface type='user'>
      <alias name='net7'/>
    </interface>`
    ),
  },
];

runRuleCases('peripherals', CASES);

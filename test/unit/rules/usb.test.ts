/**
 * Rule family "usb": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * usb-port-range, usb-port-syntax, usb-hub-missing, usb-address-duplicate, usb-bus-missing,
 * against the USB controllers libvirt 9.0 really has (implicit ones included).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'pc: implicit piix3-uhci has ports 1-2',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='2'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='3'/>
      <!--                             ^^^ usb-port-range: 2 ports -->
    </input>`
    ),
    fix: { code: 'usb-port-range', title: `Use free port 1 on USB bus 0`, contains: `port='1'` },
  },
  {
    name: 'q35: implicit qemu-xhci has ports 1-4',
    xml: domainXml(
      { machine: 'q35' },
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='4'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='5'/>
      <!--                             ^^^ usb-port-range: qemu-xhci -->
    </input>`
    ),
  },
  {
    name: 'q35: an explicit USB controller without a model is a piix3-uhci',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='3'/>
      <!--                             ^^^ usb-port-range: piix3-uhci -->
    </input>`
    ),
  },
  {
    name: 'q35: USB index 0 is implicit even when index 1 is written',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='1' model='ehci'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='4'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='1' port='6'/>
    </input>`
    ),
  },
  {
    name: 'xhci ports= sets the count',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='qemu-xhci' ports='8'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='8'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='9'/>
      <!--                             ^^^ usb-port-range -->
    </input>`
    ),
  },
  {
    name: 'ehci ports= is ignored: 6 ports',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ehci' ports='2'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='6'/>
    </input>`
    ),
  },
  {
    name: 'companions add no ports to their master',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' index='0' model='ich9-ehci1'/>
    <controller type='usb' index='0' model='ich9-uhci1'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='7'/>
      <!--                             ^^^ usb-port-range -->
    </input>`
    ),
  },
  {
    name: 'a hub has 8 ports',
    xml: domainXml(
      {},
      `    <hub type='usb'>
      <address type='usb' bus='0' port='1'/>
    </hub>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1.8'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1.9'/>
      <!--                             ^^^^^ usb-port-range: hub -->
    </input>`
    ),
  },
  {
    name: 'path through a port with no hub',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='2.1'/>
      <!--                             ^^^^^ usb-hub-missing -->
    </input>`
    ),
  },
  {
    name: 'port syntax: hex, letters, five levels, empty',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='0x1'/>
      <!--                             ^^^^^ usb-port-syntax -->
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='one'/>
      <!--                             ^^^^^ usb-port-syntax -->
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1.1.1.1.1'/>
      <!--                             ^^^^^^^^^^^ usb-port-syntax -->
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port=''/>
      <!--                             ^^ usb-port-syntax -->
    </input>`
    ),
  },
  {
    name: 'port 0 means pick one; the same port twice',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='0'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='0'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
      <!--                             ^^^ usb-address-duplicate -->
    </input>`
    ),
    fix: { code: 'usb-address-duplicate', title: `Use free port 2 on USB bus 0`, contains: `port='2'` },
  },
  {
    name: 'no room: the fix adds a controller past the implicit one',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='2'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='2'/>
      <!--                             ^^^ usb-address-duplicate -->
    </input>`
    ),
    fix: {
      code: 'usb-address-duplicate',
      title: `Add a qemu-xhci controller (index 1) and use its port 1`,
      contains: `<controller type='usb' index='1' model='qemu-xhci' ports='15'/>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='1' port='1'/>`,
    },
  },
  {
    name: 'bus with no controller',
    xml: domainXml(
      {},
      `    <input type='tablet' bus='usb'>
      <address type='usb' bus='2' port='1'/>
      <!--                    ^^^ usb-bus-missing -->
    </input>`
    ),
  },
  {
    name: 'USB disabled: addressed and unaddressed USB devices',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' model='none'/>
    <input type='tablet' bus='usb'/>
    <!--                     ^^^^^ usb-bus-missing -->
    <hostdev mode='subsystem' type='usb'>
    <!--                           ^^^^^ usb-bus-missing -->
      <source><vendor id='0x1234'/><product id='0x5678'/></source>
    </hostdev>
    <hub type='usb'/>
    <!--      ^^^^^ usb-bus-missing -->
    <disk type='file' device='disk'>
      <source file='/tmp/stick.img'/>
      <target dev='sdz' bus='usb'/>
      <!--                  ^^^^^ usb-bus-missing -->
    </disk>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
      <!--                    ^^^ usb-bus-missing: disabled -->
    </input>`
    ),
  },
  {
    name: 'USB disabled, no USB devices',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='usb' model='none'/>
    <input type='tablet' bus='virtio'/>`
    ),
  },
  {
    name: "fragment: the buses are the target domain's",
    xml: `<!-- lint: machine=q35 -->
<input type='tablet' bus='usb'>
  <address type='usb' bus='3' port='9'/>
</input>
`,
  },
];

runRuleCases('usb', CASES);

/**
 * Rule family "interfaces": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * mac-invalid and mac-multicast, read the way libvirt 9.0 reads a MAC.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'not six octets, bad digits, three-digit octet, dashes, leading space',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <mac address='52:54:00:12:34'/>
      <!--         ^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:56:78'/>
      <!--         ^^^^^^^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:zz'/>
      <!--         ^^^^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:567'/>
      <!--         ^^^^^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52-54-00-12-34-56'/>
      <!--         ^^^^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address=' 52:54:00:12:34:56'/>
      <!--         ^^^^^^^^^^^^^^^^^^^^ mac-invalid -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address=''/>
      <!--         ^^ mac-invalid -->
      <source network='default'/>
    </interface>`
    ),
  },
  {
    name: 'what libvirt accepts: one-digit octets, upper case, trailing space, the same MAC twice',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <mac address='52:54:0:1:2:3'/>
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:AB:CD:EF'/>
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:56 '/>
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:56'/>
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:12:34:56'/>
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='00:00:00:00:00:00'/>
      <source network='default'/>
    </interface>`
    ),
  },
  {
    name: 'odd first octet',
    xml: domainXml(
      {},
      `    <interface type='network'>
      <mac address='33:33:00:00:00:01'/>
      <!--         ^^^^^^^^^^^^^^^^^^^ mac-multicast -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='FF:FF:FF:FF:FF:FF'/>
      <!--         ^^^^^^^^^^^^^^^^^^^ mac-multicast -->
      <source network='default'/>
    </interface>
    <interface type='network'>
      <mac address='3:54:00:12:34:56'/>
      <!--         ^^^^^^^^^^^^^^^^^^ mac-multicast -->
      <source network='default'/>
    </interface>`
    ),
    fix: { code: 'mac-multicast', title: `Use 32:33:00:00:00:01`, contains: `'32:33:00:00:00:01'` },
  },
  {
    name: 'fragment',
    xml: `<!-- lint: machine=q35 -->
<interface type='direct'>
  <mac address='01:02:03:04:05:06'/>
  <!--         ^^^^^^^^^^^^^^^^^^^ mac-multicast -->
  <source dev='eth0' mode='bridge'/>
</interface>
`,
  },
];

runRuleCases('interfaces', CASES);

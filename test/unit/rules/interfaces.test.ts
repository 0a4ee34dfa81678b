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
  {
    name: 'nic-option-unsupported and nic-guest-ip-unsupported: virtualport on mcast, a guest route on a bridge, a user NIC with prefix 2 and an MTU',
    xml: domainXml(
      {},
      `    <interface type='mcast'>
      <source address='230.0.0.1' port='5558'/>
      <virtualport type='openvswitch'/>
<!--   ^^^^^^^^^^^ nic-option-unsupported -->
    </interface>
    <interface type='bridge'>
      <source bridge='br0'/>
      <route address='198.51.100.0' prefix='24' gateway='192.0.2.1'/>
<!--   ^^^^^ nic-guest-ip-unsupported -->
    </interface>
    <interface type='user'>
      <ip address='10.0.2.15' prefix='2'/>
<!--                                 ^^^ nic-guest-ip-unsupported -->
      <mtu size='1400'/>
<!--   ^^^ nic-option-unsupported -->
    </interface>`
    ),
  },
  {
    name: 'near misses: virtualport on direct, MTU on ethernet, coalesce on network, one IPv4 and one IPv6 address on a user NIC',
    xml: domainXml(
      {},
      `    <interface type='direct'>
      <source dev='eth0' mode='vepa'/>
      <virtualport type='802.1Qbg'/>
    </interface>
    <interface type='ethernet'>
      <mtu size='9000'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <coalesce>
        <rx>
          <frames max='7'/>
        </rx>
      </coalesce>
    </interface>
    <interface type='user'>
      <ip address='10.0.2.15' prefix='24'/>
      <ip family='ipv6' address='fd00::5'/>
    </interface>`
    ),
  },
];

runRuleCases('interfaces', CASES);

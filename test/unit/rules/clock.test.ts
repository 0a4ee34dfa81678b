/**
 * Rule family "clock": small cases around <clock> timers, each a domain with caret markers naming exactly the findings expected.
 */
import { runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'hypervclock takes no tick policy',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='hypervclock' tickpolicy='delay'/>
<!--                                     ^^^^^^^ timer-attribute-unsupported: tickpolicy -->
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'a <catchup> of zeros sets nothing and passes',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='rtc' tickpolicy='delay'>
      <catchup threshold='0'/>
    </timer>
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: "frequency='0' is no frequency",
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='pit' frequency='0'/>
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'an rtc with wall-clock tracking and a delay policy is fine',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='rtc' track='wall' tickpolicy='delay'/>
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'pit discard is a policy QEMU has',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='pit' tickpolicy='discard'/>
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'two problems on one timer: both are named',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <clock offset='utc'>
    <timer name='kvmclock' tickpolicy='catchup' track='guest'/>
<!--                                  ^^^^^^^^^ timer-attribute-unsupported: tickpolicy -->
<!--                                                  ^^^^^^^ timer-attribute-unsupported: track -->
  </clock>
  <devices>
  </devices>
</domain>
`,
  },
];

runRuleCases('clock', CASES);

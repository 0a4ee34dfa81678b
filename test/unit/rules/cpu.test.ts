/**
 * Rule family "cpu": small cases around the guest CPU's <maxphysaddr> and <cache>, each a domain with caret markers naming exactly the findings expected.
 */
import { runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'cache passthrough on a host-model CPU',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu mode='host-model'>
    <cache mode='passthrough'/>
<!--            ^^^^^^^^^^^^^ cpu-cache-invalid: 'host-model' -->
  </cpu>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'cache passthrough on the maximum CPU is fine',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu mode='maximum'>
    <cache mode='passthrough'/>
  </cpu>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'an emulated cache without a level',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu mode='host-passthrough'>
    <cache mode='emulate'/>
<!--            ^^^^^^^^^ cpu-cache-invalid: level='3' -->
  </cpu>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'a disabled cache without a level is fine',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu mode='host-passthrough'>
    <cache mode='disable'/>
  </cpu>
  <devices>
  </devices>
</domain>
`,
  },
];

runRuleCases('cpu', CASES);

/**
 * Rule family "features": small cases around <features> for the machine, each a domain with caret markers naming exactly the findings expected.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'an empty <tcg/> on a KVM domain sets nothing: libvirt drops it',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <features>
    <tcg/>
  </features>`,
      },
      ''
    ),
  },
  {
    name: 'a tb-cache of 2048 (KiB when no unit is given) is 2 MiB',
    xml: `<domain type='qemu'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <features>
    <tcg>
      <tb-cache>2048</tb-cache>
    </tcg>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'an <hpt/> with nothing set is dropped by libvirt, even on x86',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <features>
    <hpt/>
  </features>`,
      },
      ''
    ),
  },
  {
    name: 'the x86 features are fine',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <features>
    <acpi/>
    <apic eoi='on'/>
    <pvspinlock state='on'/>
    <ioapic driver='kvm'/>
  </features>`,
      },
      ''
    ),
  },
];

runRuleCases('features', CASES);

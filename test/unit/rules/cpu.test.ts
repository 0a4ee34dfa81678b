/**
 * Rule family "cpu": small cases around the guest CPU's <maxphysaddr> and <cache>, each a domain with caret markers naming exactly the findings expected.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'cache passthrough on a host-model CPU',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <cpu mode='host-model'>
    <cache mode='passthrough'/>
<!--            ^^^^^^^^^^^^^ cpu-cache-invalid: 'host-model' -->
  </cpu>`,
      },
      ''
    ),
  },
  {
    name: 'cache passthrough on the maximum CPU is fine',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <cpu mode='maximum'>
    <cache mode='passthrough'/>
  </cpu>`,
      },
      ''
    ),
  },
  {
    name: 'an emulated cache without a level',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <cpu mode='host-passthrough'>
    <cache mode='emulate'/>
<!--            ^^^^^^^^^ cpu-cache-invalid: level='3' -->
  </cpu>`,
      },
      ''
    ),
  },
  {
    name: 'a disabled cache without a level is fine',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <cpu mode='host-passthrough'>
    <cache mode='disable'/>
  </cpu>`,
      },
      ''
    ),
  },
];

runRuleCases('cpu', CASES);

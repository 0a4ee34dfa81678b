/**
 * Rule family "clock": small cases around <clock> timers, each a domain with caret markers naming exactly the findings expected.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'hypervclock takes no tick policy',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='hypervclock' tickpolicy='delay'/>
<!--                                     ^^^^^^^ timer-attribute-unsupported: tickpolicy -->
  </clock>`,
      },
      ''
    ),
  },
  {
    name: 'a <catchup> of zeros sets nothing and passes',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='rtc' tickpolicy='delay'>
      <catchup threshold='0'/>
    </timer>
  </clock>`,
      },
      ''
    ),
  },
  {
    name: "frequency='0' is no frequency",
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='pit' frequency='0'/>
  </clock>`,
      },
      ''
    ),
  },
  {
    name: 'an rtc with wall-clock tracking and a delay policy is fine',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='rtc' track='wall' tickpolicy='delay'/>
  </clock>`,
      },
      ''
    ),
  },
  {
    name: 'pit discard is a policy QEMU has',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='pit' tickpolicy='discard'/>
  </clock>`,
      },
      ''
    ),
  },
  {
    name: 'two problems on one timer: both are named',
    xml: domainXml(
      {
        machine: 'q35',
        name: 'c',
        after: `  <clock offset='utc'>
    <timer name='kvmclock' tickpolicy='catchup' track='guest'/>
<!--                                  ^^^^^^^^^ timer-attribute-unsupported: tickpolicy -->
<!--                                                  ^^^^^^^ timer-attribute-unsupported: track -->
  </clock>`,
      },
      ''
    ),
  },
];

runRuleCases('clock', CASES);

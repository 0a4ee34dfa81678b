/**
 * Rule family "graphics": small cases with caret markers naming exactly the findings expected; near
 * misses expect none, as libvirt 9.0's QEMU driver judges them.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'a SPICE display whose second listen has socket= on a network listen; a VNC listen without address takes listen=',
    xml: domainXml(
      {},
      `    <graphics type='spice'>
      <listen type='address' address='127.0.0.1'/>
      <listen type='network' network='default' socket='/run/s.sock'/>
      <!--                                     ^^^^^^ graphics-listen-invalid -->
    </graphics>
    <graphics type='vnc' listen='127.0.0.1'>
      <listen type='address'/>
    </graphics>`
    ),
  },
];

runRuleCases('graphics', CASES);

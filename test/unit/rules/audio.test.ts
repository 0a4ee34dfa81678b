/**
 * Rule family "audio": small cases with caret markers naming exactly the findings expected; near
 * misses expect none, as libvirt 9.0's QEMU driver judges them.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'fixedSettings without the mixing engine on an input, and a sound card naming a missing backend',
    xml: domainXml(
      {},
      `    <audio id='1' type='none'>
      <input fixedSettings='yes'/>
      <!--                 ^^^^^ audio-option-unsupported -->
    </audio>
    <sound model='ich9'>
      <audio id='4'/>
      <!--      ^^^ audio-id-missing -->
    </sound>`
    ),
  },
];

runRuleCases('audio', CASES);

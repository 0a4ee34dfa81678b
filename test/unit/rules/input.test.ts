/**
 * Rule family "input": small cases with caret markers naming exactly the findings expected; near
 * misses expect none. input-option-unsupported, as libvirt 9.0's QEMU driver judges <input>.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'a non-transitional passthrough device, a ps2 mouse (fine) and a virtio keyboard model on USB',
    xml: domainXml(
      {},
      `    <input type='passthrough' bus='virtio' model='virtio-non-transitional'>
<!--                                             ^^^^^^^^^^^^^^^^^^^^^^^^^ input-option-unsupported -->
      <source evdev='/dev/input/event1'/>
    </input>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='usb' model='virtio'/>
<!--                           ^^^^^ input-option-unsupported -->`
    ),
  },
];

runRuleCases('input', CASES);

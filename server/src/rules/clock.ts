/**
 * Rule family: clock — <clock> and its <timer>s, checked against libvirt 9.0's QEMU driver here
 * (conf/domain_postparse.c virDomainDefPostParseTimer, qemu/qemu_validate.c
 * qemuValidateDomainDefClockTimers):
 * - timer-attribute-unsupported: a timer setting that timer does not have: "timer kvmclock doesn't
 *   support setting of timer tickpolicy" (kvmclock, hypervclock), "... timer frequency" and "...
 *   timer mode" (all but tsc), "... timer track" (all but rtc and platform), and "setting of timer
 *   catchup policies is only supported with tickpolicy='catchup'".
 * - timer-unsupported: what QEMU cannot do: "unsupported timer type (name) 'platform'",
 *   "Configuring the 'armvtimer' timer is not supported for virtType=kvm arch=x86_64 ...",
 *   "unsupported rtc timer track 'boot'", "unsupported rtc timer tickpolicy 'merge'" (and
 *   'discard'), "unsupported pit tickpolicy 'merge'".
 * - clock-start-range: "The maximum 'start' value for <clock offset='absolute'> is 253402300799".
 */
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { valueSpan } from './numa';
import type { Finding, RuleFamily } from './types';

/** The latest time glib can convert: 9999-12-31T23:59:59 UTC. */
const MAX_START = 253402300799;

function checkTimerAttributes(timer: XmlElement, name: string, findings: Finding[]): void {
  const unsupported = (a: XmlAttribute | undefined, which: string) => {
    if (a) {
      findings.push({
        code: 'timer-attribute-unsupported',
        message: `The ${name} timer has no ${a.name}= setting (${which}); libvirt refuses it here.`,
        span: valueSpan(a),
      });
    }
  };
  if (name === 'kvmclock' || name === 'hypervclock') {
    unsupported(attr(timer, 'tickpolicy'), 'kvmclock and hypervclock take no tick policy');
  }
  const catchup = child(timer, 'catchup');
  if (
    catchup &&
    attrValue(timer, 'tickpolicy') !== 'catchup' &&
    ['threshold', 'slew', 'limit'].some((n) => {
      const v = attrValue(catchup, n);
      return v !== undefined && parseInteger(v, 10) !== 0;
    })
  ) {
    findings.push({
      code: 'timer-attribute-unsupported',
      message: `<catchup> tunes tickpolicy='catchup', which this ${name} timer does not have: set tickpolicy='catchup' or drop <catchup>.`,
      span: catchup.nameSpan,
    });
  }
  if (name !== 'tsc') {
    const frequency = attr(timer, 'frequency');
    unsupported(frequency && parseInteger(frequency.value, 10) !== 0 ? frequency : undefined, 'only tsc has a frequency');
    unsupported(attr(timer, 'mode'), 'only tsc has a mode');
  }
  if (name !== 'rtc' && name !== 'platform') {
    unsupported(attr(timer, 'track'), 'only rtc tracks a clock');
  }
}

function checkTimerQemu(model: DomainModel, timer: XmlElement, nameAttr: XmlAttribute, findings: Finding[]): void {
  const name = nameAttr.value ?? '';
  const cannot = (span: XmlAttribute, message: string) => findings.push({ code: 'timer-unsupported', message, span: valueSpan(span) });
  const track = attr(timer, 'track');
  const tickpolicy = attr(timer, 'tickpolicy');
  if (name === 'platform') {
    cannot(nameAttr, "QEMU has no 'platform' timer: libvirt refuses it.");
  } else if (name === 'armvtimer') {
    const armVirt = model.machine.arch === 'aarch64' && /^virt(-|$)/.test(model.machine.name);
    if (!armVirt || attrValue(model.root, 'type') !== 'kvm') {
      cannot(
        nameAttr,
        `The 'armvtimer' timer exists only on KVM ARM 'virt' guests (this is ${model.machine.arch} '${model.machine.name}').`
      );
    }
  } else if (name === 'rtc') {
    if (track?.value === 'boot') {
      cannot(track, "QEMU's rtc cannot track the boot time: use track='guest', 'wall' or 'realtime'.");
    }
    if (tickpolicy && (tickpolicy.value === 'merge' || tickpolicy.value === 'discard')) {
      cannot(tickpolicy, `QEMU's rtc has no '${tickpolicy.value}' tick policy: use 'delay' or 'catchup'.`);
    }
  } else if (name === 'pit' && tickpolicy?.value === 'merge') {
    cannot(tickpolicy, "QEMU's pit has no 'merge' tick policy: use 'delay', 'catchup' or 'discard'.");
  }
}

function check(model: DomainModel): Finding[] {
  const findings: Finding[] = [];
  const clock = child(model.root, 'clock');
  if (!clock) {
    return findings;
  }
  for (const timer of childrenNamed(clock, 'timer')) {
    const nameAttr = attr(timer, 'name');
    if (nameAttr?.value === undefined) {
      continue;
    }
    checkTimerAttributes(timer, nameAttr.value, findings);
    checkTimerQemu(model, timer, nameAttr, findings);
  }
  const start = attr(clock, 'start');
  if (attrValue(clock, 'offset') === 'absolute' && start) {
    const v = parseInteger(start.value, 10);
    if (v !== undefined && v > MAX_START) {
      findings.push({
        code: 'clock-start-range',
        message: `start=${start.value} is after the year 9999: the QEMU driver takes at most ${MAX_START} (9999-12-31T23:59:59 UTC).`,
        span: valueSpan(start),
      });
    }
  }
  return findings;
}

export const clockRules: RuleFamily = {
  id: 'clock',
  check(model) {
    return model.kind === 'domain' ? check(model) : [];
  },
};

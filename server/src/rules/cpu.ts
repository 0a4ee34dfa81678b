/**
 * Rule family: cpu — the guest CPU's <maxphysaddr> and <cache>, checked against libvirt 9.0's QEMU
 * driver here (qemu/qemu_validate.c qemuValidateDomainDefCpu):
 * - cpu-maxphysaddr-invalid: "CPU maximum physical address bits number specification cannot be used
 *   with mode='passthrough'", "if using CPU maximum physical address mode='emulate', bits= must be
 *   specified too".
 * - cpu-cache-invalid: "CPU cache mode 'emulate' can only be used with level='3'", "CPU cache mode
 *   'passthrough' can only be used with 'host-passthrough' / 'maximum' CPUs", "unsupported CPU cache
 *   level for mode 'passthrough'" (and 'disable': these take no level).
 */
import type { DomainModel } from '../model/types';
import { attr, attrValue, child } from '../syntax/tree';
import { valueSpan } from './numa';
import type { Finding, RuleFamily } from './types';

function check(model: DomainModel): Finding[] {
  const findings: Finding[] = [];
  const cpu = child(model.root, 'cpu');
  const arch = model.machine.arch;
  if (!cpu || (arch !== 'x86_64' && arch !== 'i686')) {
    return findings;
  }
  const addr = child(cpu, 'maxphysaddr');
  const addrMode = addr && attr(addr, 'mode');
  const bits = addr && attr(addr, 'bits');
  if (addrMode?.value === 'passthrough' && bits) {
    findings.push({
      code: 'cpu-maxphysaddr-invalid',
      message: "<maxphysaddr mode='passthrough'> takes the host's address bits: bits= is only for mode='emulate'.",
      span: valueSpan(bits),
    });
  } else if (addrMode?.value === 'emulate' && !bits) {
    findings.push({
      code: 'cpu-maxphysaddr-invalid',
      message: "<maxphysaddr mode='emulate'> needs bits= (the number of physical address bits to give the guest).",
      span: valueSpan(addrMode),
    });
  }
  const cache = child(cpu, 'cache');
  const cacheMode = cache && attr(cache, 'mode');
  const level = cache && attr(cache, 'level');
  if (cacheMode?.value === 'emulate' && level?.value !== '3') {
    findings.push({
      code: 'cpu-cache-invalid',
      message: `An emulated CPU cache is level 3 only${level ? ` (this is level ${level.value})` : ": add level='3'"}.`,
      span: level ? valueSpan(level) : valueSpan(cacheMode),
    });
  } else if (cacheMode?.value === 'passthrough' || cacheMode?.value === 'disable') {
    const cpuMode = attrValue(cpu, 'mode') ?? 'custom';
    if (cacheMode.value === 'passthrough' && cpuMode !== 'host-passthrough' && cpuMode !== 'maximum') {
      findings.push({
        code: 'cpu-cache-invalid',
        message: `Passing the host's CPU cache through needs <cpu mode='host-passthrough'> or 'maximum' (this is '${cpuMode}').`,
        span: valueSpan(cacheMode),
      });
    } else if (level) {
      findings.push({
        code: 'cpu-cache-invalid',
        message: `A cache of mode '${cacheMode.value}' takes no level=: it applies to every level.`,
        span: valueSpan(level),
      });
    }
  }
  return findings;
}

export const cpuRules: RuleFamily = {
  id: 'cpu',
  check(model) {
    return model.kind === 'domain' ? check(model) : [];
  },
};

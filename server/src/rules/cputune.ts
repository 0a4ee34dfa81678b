/**
 * Rule family: cputune — vCPU and I/O thread tuning (<cputune>, <iothreads>, <iothreadids>).
 * Each checked against libvirt 9.0's QEMU driver here:
 * - cputune-sched-overlap: "'vcpusched' attributes 'vcpus' must not overlap" (and the same for
 *   iothreadsched/iothreads).
 * - cputune-vcpu-missing: "vCPU '2' is not present in domain definition" (vcpusched).
 * - cputune-vcpupin-ignored: a <vcpupin> for a vCPU the guest does not have: define accepts it and
 *   drops it (virsh dumpxml no longer shows it).
 * - cputune-iothread-missing: "Cannot find 'iothread' : 2" (iothreadpin, iothreadsched).
 * - cputune-pin-duplicate: "duplicate vcpupin for vcpu '1'", "duplicate iothreadpin for same iothread '1'".
 * - cputune-iothread-id-duplicate: "duplicate iothread id '1' found" (<iothreadids>).
 * - cputune-vcpus-id-range: "vcpu id '2' is out of range of maximum vcpu count" (<vcpus><vcpu id>).
 * - cputune-emulator-duplicate: "only one emulatorpin is supported" (and emulatorsched).
 * - cputune-bitmap-empty: "Invalid value of 'cpuset': 0,^0" and "'vcpus' scheduler bitmap '0,^0' is
 *   empty": a cpuset or scheduler list that names nothing.
 */
import { formatBitmap, parseBitmap } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, child, childrenNamed, type XmlAttribute } from '../syntax/tree';
import { maxVcpus, textSpan, valueSpan } from './numa';
import type { Finding, RuleFamily } from './types';

/** The guest's I/O thread ids: <iothreadids>, then the lowest free ids up to <iothreads>. */
export function iothreadIds(model: DomainModel): Set<number> | undefined {
  const ids = new Set<number>();
  const list = child(model.root, 'iothreadids');
  for (const t of list ? childrenNamed(list, 'iothread') : []) {
    const id = parseInteger(attr(t, 'id')?.value, 10);
    if (id === undefined) {
      return undefined;
    }
    ids.add(id);
  }
  const countEl = child(model.root, 'iothreads');
  const count = countEl ? parseInteger(countEl.text, 10) : 0;
  if (count === undefined) {
    return undefined;
  }
  for (let i = 1; ids.size < count; i++) {
    ids.add(i);
  }
  return ids;
}

function checkIds(model: DomainModel, findings: Finding[]): void {
  const list = child(model.root, 'iothreadids');
  const seen = new Map<number, XmlAttribute>();
  for (const t of list ? childrenNamed(list, 'iothread') : []) {
    const a = attr(t, 'id');
    const id = parseInteger(a?.value, 10);
    if (!a || id === undefined) {
      continue;
    }
    if (seen.has(id)) {
      findings.push({
        code: 'cputune-iothread-id-duplicate',
        message: `I/O thread id ${id} is listed twice in <iothreadids>.`,
        span: valueSpan(a),
        related: [{ message: 'the first one', span: valueSpan(seen.get(id)!) }],
      });
      continue;
    }
    seen.set(id, a);
  }
  const vcpus = maxVcpus(model);
  const vcpuList = child(model.root, 'vcpus');
  for (const v of vcpuList && vcpus !== undefined ? childrenNamed(vcpuList, 'vcpu') : []) {
    const a = attr(v, 'id');
    const id = parseInteger(a?.value, 10);
    if (a && id !== undefined && id >= vcpus!) {
      findings.push({
        code: 'cputune-vcpus-id-range',
        message: `vCPU id ${id} is beyond the guest's ${vcpus} vCPU${vcpus === 1 ? '' : 's'} (0 to ${vcpus! - 1}, from <vcpu>).`,
        span: valueSpan(a),
      });
    }
  }
}

function check(model: DomainModel): Finding[] {
  const findings: Finding[] = [];
  checkIds(model, findings);
  const cputune = child(model.root, 'cputune');
  const lists: XmlAttribute[] = [];
  if (model.vcpu) {
    lists.push(...[attr(model.vcpu, 'cpuset')].filter((a): a is XmlAttribute => a !== undefined));
  }
  for (const [el, name] of [
    ['vcpupin', 'cpuset'],
    ['iothreadpin', 'cpuset'],
    ['emulatorpin', 'cpuset'],
    ['vcpusched', 'vcpus'],
    ['iothreadsched', 'iothreads'],
  ] as const) {
    for (const e of cputune ? childrenNamed(cputune, el) : []) {
      const a = attr(e, name);
      if (a) {
        lists.push(a);
      }
    }
  }
  for (const a of lists) {
    if (parseBitmap(a.value)?.length === 0) {
      findings.push({
        code: 'cputune-bitmap-empty',
        message: `'${a.value}' names no CPU at all: libvirt needs at least one.`,
        span: valueSpan(a),
      });
    }
  }
  if (!cputune) {
    return findings;
  }
  for (const name of ['emulatorpin', 'emulatorsched']) {
    for (const extra of childrenNamed(cputune, name).slice(1)) {
      findings.push({
        code: 'cputune-emulator-duplicate',
        message: `A second <${name}>: libvirt takes one for the emulator threads.`,
        span: extra.nameSpan,
      });
    }
  }
  const vcpus = maxVcpus(model);
  const iothreads = iothreadIds(model);
  const iothreadsLabel = (): string =>
    iothreads && iothreads.size > 0
      ? `the guest's I/O threads are ${formatBitmap([...iothreads].sort((a, b) => a - b))}`
      : 'the guest has no I/O threads (<iothreads>)';

  // Scheduler ranges: no id in two elements, and every id must exist.
  for (const [element, attribute] of [
    ['vcpusched', 'vcpus'],
    ['iothreadsched', 'iothreads'],
  ] as const) {
    const taken = new Map<number, XmlAttribute>();
    for (const el of childrenNamed(cputune, element)) {
      const a = attr(el, attribute);
      const ids = parseBitmap(a?.value);
      if (!a || !ids) {
        continue;
      }
      const missing =
        element === 'vcpusched'
          ? vcpus === undefined
            ? []
            : ids.filter((i) => i >= vcpus)
          : iothreads
            ? ids.filter((i) => !iothreads.has(i))
            : [];
      if (missing.length > 0) {
        findings.push(
          element === 'vcpusched'
            ? {
                code: 'cputune-vcpu-missing',
                message: `<vcpusched> names vCPU ${formatBitmap(missing)}, but the guest has ${vcpus} vCPU${vcpus === 1 ? '' : 's'} (0 to ${vcpus! - 1}).`,
                span: valueSpan(a),
              }
            : {
                code: 'cputune-iothread-missing',
                message: `<iothreadsched> names I/O thread ${formatBitmap(missing)}, which does not exist: ${iothreadsLabel()}.`,
                span: valueSpan(a),
              }
        );
        continue;
      }
      const shared = ids.filter((i) => taken.has(i));
      if (shared.length > 0) {
        findings.push({
          code: 'cputune-sched-overlap',
          message: `${element === 'vcpusched' ? 'vCPU' : 'I/O thread'} ${formatBitmap(shared)} already has a scheduler from an earlier <${element}>: the ${attribute}= ranges must not overlap.`,
          span: valueSpan(a),
          related: [{ message: 'the earlier one', span: valueSpan(taken.get(shared[0]!)!) }],
        });
        continue;
      }
      for (const i of ids) {
        taken.set(i, a);
      }
    }
  }

  // Pins: one per vCPU / I/O thread, and for one that exists.
  const vcpuPins = new Map<number, XmlAttribute>();
  for (const el of childrenNamed(cputune, 'vcpupin')) {
    const a = attr(el, 'vcpu');
    const id = parseInteger(a?.value, 10);
    if (!a || id === undefined) {
      continue;
    }
    if (vcpus !== undefined && id >= vcpus) {
      findings.push({
        code: 'cputune-vcpupin-ignored',
        message: `The guest has ${vcpus} vCPU${vcpus === 1 ? '' : 's'} (0 to ${vcpus - 1}), so libvirt silently drops this <vcpupin> for vCPU ${id}.`,
        span: valueSpan(a),
        related: model.vcpu ? [{ message: `<vcpu> is ${vcpus}`, span: textSpan(model.vcpu) }] : [],
      });
      continue;
    }
    if (vcpuPins.has(id)) {
      findings.push({
        code: 'cputune-pin-duplicate',
        message: `vCPU ${id} is pinned twice.`,
        span: valueSpan(a),
        related: [{ message: 'the first <vcpupin>', span: valueSpan(vcpuPins.get(id)!) }],
      });
      continue;
    }
    vcpuPins.set(id, a);
  }
  const threadPins = new Map<number, XmlAttribute>();
  for (const el of childrenNamed(cputune, 'iothreadpin')) {
    const a = attr(el, 'iothread');
    const id = parseInteger(a?.value, 10);
    if (!a || id === undefined || id === 0) {
      continue;
    }
    if (iothreads && !iothreads.has(id)) {
      findings.push({
        code: 'cputune-iothread-missing',
        message: `<iothreadpin> is for I/O thread ${id}, which does not exist: ${iothreadsLabel()}.`,
        span: valueSpan(a),
      });
      continue;
    }
    if (threadPins.has(id)) {
      findings.push({
        code: 'cputune-pin-duplicate',
        message: `I/O thread ${id} is pinned twice.`,
        span: valueSpan(a),
        related: [{ message: 'the first <iothreadpin>', span: valueSpan(threadPins.get(id)!) }],
      });
      continue;
    }
    threadPins.set(id, a);
  }
  return findings;
}

export const cputuneRules: RuleFamily = {
  id: 'cputune',
  check(model) {
    return model.kind === 'domain' ? check(model) : [];
  },
};

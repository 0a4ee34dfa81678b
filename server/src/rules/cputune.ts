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
 * - cputune-vcpu-offline-fixed: "vcpu '1' is both offline and not hotpluggable" (<vcpus><vcpu>).
 * - cputune-sched-ids-missing: "Missing attribute 'vcpus' in element 'vcpusched'" (and iothreads
 *   of iothreadsched).
 * - cputune-thread-pool: "thread_pool_max must be a positive integer", "thread_pool_min must be
 *   smaller or equal to thread_pool_max" (<iothreadids><iothread>, <defaultiothread>).
 * - cputune-shares-range: "Value of cputune 'shares' must be in range [2, 262144]" (0 is unset).
 * - cputune-resctrl-vcpus-missing: "Missing cachetune attribute 'vcpus'" (memorytune, monitor).
 * - cputune-resctrl-overlap: "Overlapping vcpus in resctrls", "Identical vcpus in cachetunes found"
 *   (a memorytune may share a cachetune's exact vcpus).
 * - cputune-monitor-vcpus: a resctrl <monitor> whose vcpus= names no vCPU of the guest ("vcpus is
 *   empty"), leaves its group's vcpus ("Monitor vcpus conflicts with allocation"), repeats another
 *   monitor's ("Identical vcpus found in same type monitors") or overlaps one ("vcpus overlaps in
 *   resctrl groups").
 * - cputune-monitor-level: "Invalid monitor cache level '2'" (cache monitors are level 3).
 * - cputune-blkio-path-duplicate: "duplicate blkio device path '/dev/sda'" (<blkiotune><device>).
 * - cputune-vcpu0: "vcpu 0 can't be offline" (also when <vcpus> leaves vCPU 0 out), "vcpu0 can't be
 *   hotpluggable", "vcpu0 must be enabled first" (order other than 1); qemuDomainDefVcpusPostParse.
 * - cputune-vcpus-order-mixed: "all vcpus must have either set or unset order" (an enabled vCPU
 *   with order where vCPU 0 has none, or the reverse).
 * - cputune-vcpus-order: "online non-hotpluggable vcpus need to be ordered prior to hotplugable
 *   vcpus" and "... must be ordered in ascending order" (hotpluggable='no' after a vCPU with
 *   hotpluggable='yes', or with a lower order than the vCPU before it).
 */
import { formatBitmap, parseBitmap } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { maxVcpus, textSpan, valueSpan } from './numa';
import type { Code } from './codes';
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
      continue;
    }
    const enabled = attr(v, 'enabled');
    const hot = attr(v, 'hotpluggable');
    if (enabled?.value === 'no' && hot?.value === 'no') {
      findings.push({
        code: 'cputune-vcpu-offline-fixed',
        message: `vCPU ${a?.value ?? ''} is offline (enabled='no') and cannot be hotplugged (hotpluggable='no'): it could never come online. Make it hotpluggable='yes'.`,
        span: valueSpan(hot),
        related: [{ message: "enabled='no'", span: valueSpan(enabled) }],
      });
    }
  }
}

/** One vCPU as <vcpus> leaves it before libvirt fills defaults: a vCPU not listed is offline. */
interface VcpuState {
  el?: XmlElement;
  online: boolean;
  hotpluggable?: 'yes' | 'no';
  order: number;
}

/** The QEMU driver's rules on <vcpus>: vCPU 0 first and fixed, orders all set or all unset. */
function checkVcpuStates(model: DomainModel, findings: Finding[]): void {
  const vcpus = maxVcpus(model);
  const list = child(model.root, 'vcpus');
  const listed = list ? childrenNamed(list, 'vcpu') : [];
  if (vcpus === undefined || listed.length === 0) {
    return;
  }
  const states: VcpuState[] = Array.from({ length: vcpus }, () => ({ online: false, order: 0 }));
  for (const v of listed) {
    const id = parseInteger(attr(v, 'id')?.value, 10);
    const enabled = attrValue(v, 'enabled');
    const hot = attrValue(v, 'hotpluggable');
    const orderAttr = attr(v, 'order');
    const order = orderAttr ? parseInteger(orderAttr.value, 10) : 0;
    if (id === undefined || id >= vcpus || (enabled !== 'yes' && enabled !== 'no') || order === undefined) {
      return; // another rule (or the schema) speaks first
    }
    if (hot !== undefined && hot !== 'yes' && hot !== 'no') {
      return;
    }
    states[id] = { el: v, online: enabled === 'yes', hotpluggable: hot, order };
  }
  const at = (s: VcpuState, name: string): Span => {
    const a = s.el && attr(s.el, name);
    return a ? valueSpan(a) : (s.el ?? list!).nameSpan;
  };
  const first = states[0]!;
  const say = (message: string, span: Span, code: Code = 'cputune-vcpu0'): void => {
    findings.push({ code, message, span });
  };
  if (!first.online) {
    say(
      first.el
        ? "vCPU 0 is disabled: the QEMU driver needs vCPU 0 online (enabled='yes')."
        : "<vcpus> does not list vCPU 0, which leaves it offline: the QEMU driver needs vCPU 0 online (<vcpu id='0' enabled='yes'/>).",
      at(first, 'enabled')
    );
    return;
  }
  if (first.hotpluggable === 'yes') {
    say("vCPU 0 cannot be hotpluggable: the QEMU driver needs it present from boot (hotpluggable='no').", at(first, 'hotpluggable'));
    return;
  }
  if (first.order > 1) {
    say(`vCPU 0 has order ${first.order}: it must come up first (order='1', or no order at all).`, at(first, 'order'));
    return;
  }
  const ordered = first.order !== 0;
  let prev = first;
  for (let i = 1; i < vcpus; i++) {
    const s = states[i]!;
    if (s.online && (s.order !== 0) !== ordered) {
      say(
        ordered
          ? `vCPU ${i} is enabled but has no order while vCPU 0 has one: give every enabled vCPU an order, or none.`
          : `vCPU ${i} has an order while vCPU 0 has none: give every enabled vCPU an order, or none.`,
        at(s, 'order'),
        'cputune-vcpus-order-mixed'
      );
      return;
    }
    if (s.hotpluggable === 'no') {
      if (prev.hotpluggable === 'yes') {
        say(
          `vCPU ${i} is not hotpluggable but comes after hotpluggable vCPU ${i - 1}: the QEMU driver wants the fixed vCPUs first.`,
          at(s, 'hotpluggable'),
          'cputune-vcpus-order'
        );
        return;
      }
      if (prev.order > s.order) {
        say(
          `vCPU ${i} is not hotpluggable and has order ${s.order}, below vCPU ${i - 1}'s ${prev.order}: fixed vCPUs must come up in ascending order.`,
          at(s, 'order'),
          'cputune-vcpus-order'
        );
        return;
      }
    }
    prev = s;
  }
}

function check(model: DomainModel): Finding[] {
  const findings: Finding[] = [];
  checkIds(model, findings);
  checkVcpuStates(model, findings);
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
  checkThreadPools(model, findings);
  checkBlkio(model, findings);
  if (!cputune) {
    return findings;
  }
  checkShares(cputune, findings);
  checkResctrl(model, cputune, findings);
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
      if (!a) {
        findings.push({
          code: 'cputune-sched-ids-missing',
          message: `<${element}> needs ${attribute}= (the ${element === 'vcpusched' ? 'vCPUs' : 'I/O threads'} it sets the scheduler of).`,
          span: el.nameSpan,
        });
        continue;
      }
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

/** thread_pool_min/max of <iothreadids><iothread> and <defaultiothread> (-1 when absent, as libvirt has it). */
function checkThreadPools(model: DomainModel, findings: Finding[]): void {
  const ids = child(model.root, 'iothreadids');
  const def = child(model.root, 'defaultiothread');
  for (const el of [...(ids ? childrenNamed(ids, 'iothread') : []), ...(def ? [def] : [])]) {
    const maxA = attr(el, 'thread_pool_max');
    const minA = attr(el, 'thread_pool_min');
    const max = maxA ? parseInteger(maxA.value, 10) : -1;
    const min = minA ? parseInteger(minA.value, 10) : -1;
    if (max === undefined || min === undefined) {
      continue; // the schema's
    }
    if (maxA && max === 0) {
      findings.push({
        code: 'cputune-thread-pool',
        message: "thread_pool_max='0': the pool needs at least one thread (or leave thread_pool_max out).",
        span: valueSpan(maxA),
      });
    } else if (minA && min > max) {
      findings.push({
        code: 'cputune-thread-pool',
        message: maxA
          ? `thread_pool_min (${min}) is larger than thread_pool_max (${max}).`
          : `thread_pool_min='${min}' without thread_pool_max: libvirt wants a thread_pool_max of at least ${min} too.`,
        span: valueSpan(minA),
      });
    }
  }
}

function checkBlkio(model: DomainModel, findings: Finding[]): void {
  const blkio = child(model.root, 'blkiotune');
  const seen = new Map<string, XmlElement>();
  for (const dev of blkio ? childrenNamed(blkio, 'device') : []) {
    const path = child(dev, 'path');
    const p = path?.text.trim();
    if (!path || !p) {
      continue;
    }
    const first = seen.get(p);
    if (first) {
      findings.push({
        code: 'cputune-blkio-path-duplicate',
        message: `<blkiotune> has two <device> entries for ${p}: merge them into one.`,
        span: textSpan(path),
        related: [{ message: 'the first one', span: textSpan(first) }],
      });
    } else {
      seen.set(p, path);
    }
  }
}

function checkShares(cputune: XmlElement, findings: Finding[]): void {
  const shares = child(cputune, 'shares');
  const n = shares ? parseInteger(shares.text, 10) : undefined;
  if (shares && n !== undefined && n > 0 && (n < 2 || n > 262144)) {
    findings.push({
      code: 'cputune-shares-range',
      message: `<shares> ${n} is out of range: libvirt takes 2 to 262144.`,
      span: textSpan(shares),
    });
  }
}

interface ResctrlGroup {
  vcpus: number[];
  alloc: boolean;
  monitors: { vcpus: number[]; tag: string }[];
}

const sameSet = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
const overlaps = (a: number[], b: number[]): boolean => a.some((x) => b.includes(x));

/**
 * <cachetune> and <memorytune> groups and their <monitor>s, as libvirt's parser builds them: vcpus=
 * is cut to the guest's vCPUs, a group naming none is dropped, cachetunes come first.
 */
function checkResctrl(model: DomainModel, cputune: XmlElement, findings: Finding[]): void {
  const max = maxVcpus(model);
  if (max === undefined) {
    return;
  }
  const groups: ResctrlGroup[] = [];
  /** The vCPUs of an element's vcpus=, cut to the guest's; undefined when missing (reported) or unreadable. */
  const vcpusOf = (el: XmlElement): { a: XmlAttribute; ids: number[] } | undefined => {
    const a = attr(el, 'vcpus');
    if (!a) {
      findings.push({
        code: 'cputune-resctrl-vcpus-missing',
        message: `<${el.name}> needs vcpus= (the vCPUs it applies to).`,
        span: el.nameSpan,
      });
      return undefined;
    }
    const ids = parseBitmap(a.value);
    return ids ? { a, ids: ids.filter((i) => i < max) } : undefined;
  };
  const tunes = [...childrenNamed(cputune, 'cachetune'), ...childrenNamed(cputune, 'memorytune')];
  for (const el of tunes) {
    const v = vcpusOf(el);
    if (!v || v.ids.length === 0) {
      continue;
    }
    let group: ResctrlGroup | undefined;
    let clash = false;
    for (const g of groups) {
      if (sameSet(g.vcpus, v.ids)) {
        group = g;
        break;
      }
      if (overlaps(g.vcpus, v.ids)) {
        clash = true;
        break;
      }
    }
    const cachetune = el.name === 'cachetune';
    if (clash || (group && cachetune)) {
      findings.push({
        code: 'cputune-resctrl-overlap',
        message: clash
          ? `vcpus='${v.a.value}' overlaps the vCPUs of an earlier <cachetune> or <memorytune>: each vCPU is in one allocation group (the same vcpus exactly share one).`
          : `Another <cachetune> has the same vcpus='${v.a.value}': merge them into one.`,
        span: valueSpan(v.a),
      });
      continue;
    }
    const allocs = childrenNamed(el, cachetune ? 'cache' : 'node').length;
    const fresh = !group;
    const g: ResctrlGroup = group ?? { vcpus: v.ids, alloc: false, monitors: [] };
    g.alloc ||= allocs > 0;
    const before = g.monitors.length;
    checkMonitors(el, cachetune ? 'cache' : 'memBW', g, vcpusOf, findings);
    if (fresh && (allocs > 0 || g.monitors.length > before)) {
      groups.push(g);
    }
  }
}

function checkMonitors(
  el: XmlElement,
  tag: string,
  g: ResctrlGroup,
  vcpusOf: (el: XmlElement) => { a: XmlAttribute; ids: number[] } | undefined,
  findings: Finding[]
): void {
  for (const mon of childrenNamed(el, 'monitor')) {
    const level = attr(mon, 'level');
    if (tag === 'cache' && level && parseInteger(level.value, 10) !== undefined && parseInteger(level.value, 10) !== 3) {
      findings.push({
        code: 'cputune-monitor-level',
        message: `A cache monitor watches the level 3 cache: level='${level.value}' is not one libvirt takes.`,
        span: valueSpan(level),
      });
      continue;
    }
    const v = vcpusOf(mon);
    if (!v) {
      continue;
    }
    const bad = (message: string): void => {
      findings.push({ code: 'cputune-monitor-vcpus', message, span: valueSpan(v.a) });
    };
    if (v.ids.length === 0) {
      bad(`The monitor's vcpus='${v.a.value}' names no vCPU of the guest.`);
      continue;
    }
    if (!v.ids.every((i) => g.vcpus.includes(i))) {
      bad(`The monitor's vcpus='${v.a.value}' must be within its <${el.name}>'s vcpus (${formatBitmap(g.vcpus)}).`);
      continue;
    }
    const equalGroup = sameSet(v.ids, g.vcpus);
    let any = false;
    let outside = false;
    let identical = false;
    for (const m of g.monitors) {
      if (sameSet(m.vcpus, v.ids)) {
        if (m.tag === tag) {
          identical = true;
          break;
        }
        continue;
      }
      if (overlaps(m.vcpus, v.ids)) {
        any = true;
        if (!equalGroup && !sameSet(m.vcpus, g.vcpus)) {
          outside = true;
        }
      }
    }
    if (identical) {
      bad(`Another monitor of the same kind already watches vcpus='${v.a.value}'.`);
      continue;
    }
    if (outside || (!g.alloc && any)) {
      bad(
        `The monitor's vcpus='${v.a.value}' overlap another monitor's: monitors of a group take disjoint vCPUs (or exactly the group's).`
      );
      continue;
    }
    g.monitors.push({ vcpus: v.ids, tag });
  }
}

export const cputuneRules: RuleFamily = {
  id: 'cputune',
  check(model) {
    return model.kind === 'domain' ? check(model) : [];
  },
};

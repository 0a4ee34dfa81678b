/**
 * Generated domains for the memory-device, NUMA, tuning and shmem families (rules/memory.ts,
 * numa.ts, cputune.ts, sizes.ts): memory devices and the hotplug frame around them, guest NUMA
 * cells with their distances, caches, interconnects and numatune, <cputune>/<vcpus>/thread pools,
 * and shmem names. Each draws defects and their near misses from the same pools; libvirt is the
 * oracle, nothing here decides what is valid. Every domain keeps <features><acpi/> (DIMMs need
 * it at start) and names only host NUMA node 0 and host CPUs 0-1, which every host has.
 */
import { baseDevices, type DomainSpec, type Machine } from './build-domain';
import type { Rng } from './rng';

type Generated = { title: string; machine: Machine; devices: string[]; extra?: Partial<DomainSpec> };

const one = (s: string): string => s.replace(/\s+/g, ' ');

/** `<numa>` with cells of 128 MiB each: `cells[i]` is the inner attributes/children of cell i. */
function numaXml(cells: { attrs: string; inner?: string[] }[], tail: string[] = []): string {
  const lines = ['<numa>'];
  for (const c of cells) {
    if (c.inner && c.inner.length > 0) {
      lines.push(`  <cell ${c.attrs}>`, ...c.inner.map((l) => `    ${l}`), '  </cell>');
    } else {
      lines.push(`  <cell ${c.attrs}/>`);
    }
  }
  lines.push(...tail.map((l) => `  ${l}`), '</numa>');
  return lines.join('\n    ');
}

const TWO_CELLS = numaXml([{ attrs: "id='0' cpus='0' memory='128' unit='MiB'" }, { attrs: "id='1' cpus='1' memory='128' unit='MiB'" }]);

// ---------------------------------------------------------------------------------------------
// Memory devices: sizes, labels, blocks, requested sizes, slots, target nodes, maxMemory.

interface MemOpts {
  model: 'dimm' | 'nvdimm' | 'virtio-mem' | 'virtio-pmem';
  sizeMiB: number;
  node?: number;
  slot?: number;
  access?: string;
  discard?: boolean;
  path?: boolean;
  label?: [number, string];
  uuid?: boolean;
  block?: [number, string];
  requested?: [number, string];
}

function memDevice(o: MemOpts): string {
  const head = `<memory model='${o.model}'${o.access ? ` access='${o.access}'` : ''}${o.discard ? " discard='yes'" : ''}>`;
  const lines: string[] = [];
  if (o.uuid) {
    lines.push('<uuid>9d4b6b1c-1b5b-4c8e-8e1f-2f3a4b5c6d7e</uuid>');
  }
  if (o.path) {
    lines.push('<source>', `  <path>/tmp/lxtest-gen-${o.model}</path>`, '</source>');
  }
  lines.push('<target>', `  <size unit='MiB'>${o.sizeMiB}</size>`);
  if (o.node !== undefined) {
    lines.push(`  <node>${o.node}</node>`);
  }
  if (o.label) {
    lines.push('  <label>', `    <size unit='${o.label[1]}'>${o.label[0]}</size>`, '  </label>');
  }
  if (o.block) {
    lines.push(`  <block unit='${o.block[1]}'>${o.block[0]}</block>`);
  }
  if (o.requested) {
    lines.push(`  <requested unit='${o.requested[1]}'>${o.requested[0]}</requested>`);
  }
  lines.push('</target>');
  if (o.slot !== undefined) {
    lines.push(`<address type='dimm' slot='${o.slot}'/>`);
  }
  return `${head}\n      ${lines.join('\n      ')}\n    </memory>`;
}

function memTitle(o: MemOpts): string {
  const parts: string[] = [o.model, `${o.sizeMiB} MiB`];
  if (o.node !== undefined) {
    parts.push(`node ${o.node}`);
  }
  if (o.slot !== undefined) {
    parts.push(`slot ${o.slot}`);
  }
  if (o.access) {
    parts.push(`access ${o.access}`);
  }
  if (o.discard) {
    parts.push('discard');
  }
  if (o.model === 'nvdimm' || o.model === 'virtio-pmem') {
    parts.push(o.path ? 'path' : 'no path');
  }
  if (o.label) {
    parts.push(`label ${o.label.join(' ')}`);
  }
  if (o.uuid) {
    parts.push('uuid');
  }
  if (o.block) {
    parts.push(`block ${o.block.join(' ')}`);
  }
  if (o.requested) {
    parts.push(`requested ${o.requested.join(' ')}`);
  }
  return parts.join(', ');
}

export function memoryDevicesGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const variant = i % 6;
  const node = (): number | undefined => rng.pick([0, 0, 1, 1, 1, 2, undefined]);
  const mems: MemOpts[] = [];
  let slots: number | undefined = rng.pick([2, 4, 4, 8]);
  let maxMiB: number | undefined = rng.pick([1024, 4096, 4096, 8192, 384]);
  let numa = true;
  if (variant === 0) {
    // DIMMs with nodes and slots.
    const n = rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      mems.push({
        model: 'dimm',
        sizeMiB: rng.pick([128, 128, 256, 130]),
        node: node(),
        slot: rng.chance(0.4) ? rng.int(0, 3) : undefined,
      });
    }
  } else if (variant === 1) {
    mems.push({
      model: 'nvdimm',
      sizeMiB: rng.pick([128, 256]),
      node: rng.pick([0, 1, 1, undefined]),
      path: rng.chance(0.8),
      label: rng.chance(0.7)
        ? rng.pick([
            [64, 'KiB'],
            [128, 'KiB'],
            [256, 'KiB'],
            [1, 'MiB'],
            [512, 'MiB'],
          ] as [number, string][])
        : undefined,
      uuid: rng.chance(0.2),
      discard: rng.chance(0.2),
    });
  } else if (variant === 2) {
    const sizeMiB = rng.pick([256, 512]);
    mems.push({
      model: 'virtio-mem',
      sizeMiB,
      node: rng.pick([0, 1, 1, undefined]),
      block: rng.chance(0.85)
        ? rng.pick([
            [2, 'MiB'],
            [2048, 'KiB'],
            [1, 'MiB'],
            [3, 'MiB'],
            [4096, 'KiB'],
            [8, 'MiB'],
          ] as [number, string][])
        : undefined,
      requested: rng.chance(0.8)
        ? rng.pick([
            [0, 'MiB'],
            [64, 'MiB'],
            [3, 'MiB'],
            [sizeMiB, 'MiB'],
            [1024, 'MiB'],
            [6, 'MiB'],
          ] as [number, string][])
        : undefined,
    });
  } else if (variant === 3) {
    mems.push({
      model: 'virtio-pmem',
      sizeMiB: rng.pick([128, 256]),
      node: rng.chance(0.3) ? rng.pick([0, 1]) : undefined,
      path: rng.chance(0.85),
      access: rng.pick(['shared', 'shared', 'private', undefined]),
      discard: rng.chance(0.2),
    });
  } else if (variant === 4) {
    // The hotplug frame: maxMemory, its slots, the NUMA cells a DIMM needs.
    const what = rng.pick(['no-max', 'no-slots', 'no-numa', 'small-max', 'fine', 'fine']);
    if (what === 'no-max') {
      maxMiB = undefined;
      slots = rng.chance(0.5) ? slots : undefined;
    } else if (what === 'no-slots') {
      slots = undefined;
    } else if (what === 'no-numa') {
      numa = false;
    } else if (what === 'small-max') {
      maxMiB = rng.pick([128, 256, 384]);
    }
    const k = rng.int(0, 1);
    for (let j = 0; j <= k; j++) {
      mems.push({ model: 'dimm', sizeMiB: rng.pick([128, 256]), node: numa ? rng.int(0, 1) : undefined });
    }
  } else {
    // Slot counts: more devices than slots, a slot past the count, two devices on one slot.
    slots = rng.pick([1, 2, 3]);
    maxMiB = 8192;
    const n = rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const model = rng.pick(['dimm', 'dimm', 'nvdimm'] as const);
      mems.push({
        model,
        sizeMiB: 128,
        node: rng.int(0, 1),
        slot: rng.chance(0.6) ? rng.int(0, 3) : undefined,
        path: model === 'nvdimm',
      });
    }
  }
  const head: string[] = [];
  if (maxMiB !== undefined || slots !== undefined) {
    head.push(`<maxMemory${slots === undefined ? '' : ` slots='${slots}'`} unit='MiB'>${maxMiB ?? 4096}</maxMemory>`);
  }
  const frame = `${maxMiB === undefined ? 'no maxMemory' : `maxMemory ${maxMiB} MiB`}${slots === undefined ? ' no slots' : ` slots ${slots}`}${numa ? '' : ', no NUMA'}`;
  return {
    title: `${frame}; ${mems.map(memTitle).join(' + ')}`,
    machine,
    devices: [...baseDevices(machine), ...mems.map(memDevice)],
    extra: { head, ...(numa ? { cpu: TWO_CELLS } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------
// NUMA: cell ids and cpus, distances, caches, interconnects, numatune, hugepage nodesets.

function cellsOf(n: number, vcpus: number): { id: number | undefined; cpus: string | undefined }[] {
  const out: { id: number | undefined; cpus: string | undefined }[] = [];
  const per = Math.max(1, Math.floor(vcpus / n));
  for (let k = 0; k < n; k++) {
    const lo = k * per;
    const hi = k === n - 1 ? vcpus - 1 : lo + per - 1;
    out.push({ id: k, cpus: lo >= vcpus ? undefined : lo === hi ? `${lo}` : `${lo}-${hi}` });
  }
  return out;
}

export function numaGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const vcpu = 4;
  const variant = i % 5;
  const n = rng.pick([2, 2, 3]);
  const cells = cellsOf(n, vcpu);
  const inner: string[][] = cells.map(() => []);
  const tail: string[] = [];
  const head: string[] = [];
  const notes: string[] = [];
  if (variant === 0) {
    // Cell ids and vCPU sets.
    const what = rng.pick(['dup-id', 'shift-ids', 'no-ids', 'overlap', 'cpu-range', 'no-cpus', 'fine', 'fine']);
    if (what === 'dup-id') {
      cells[n - 1]!.id = rng.int(0, n - 2);
    } else if (what === 'shift-ids') {
      cells.forEach((c, k) => (c.id = k + 1));
    } else if (what === 'no-ids') {
      cells.forEach((c) => (c.id = undefined));
    } else if (what === 'overlap') {
      cells[1]!.cpus = rng.pick(['0', '1', '1-3', '3']);
    } else if (what === 'cpu-range') {
      cells[n - 1]!.cpus = rng.pick(['3-4', '4', '3', '2-3']);
    } else if (what === 'no-cpus') {
      cells[n - 1]!.cpus = undefined;
    }
    notes.push(what);
  } else if (variant === 1) {
    // Distances: 10 to itself, 11..255 to the others, siblings that exist.
    cells.forEach((_, k) => {
      const sibs: string[] = [];
      for (let s = 0; s < n; s++) {
        const v = s === k ? rng.pick([10, 10, 10, 10, 20]) : rng.pick([21, 21, 31, 11, 255, 21]);
        sibs.push(`  <sibling id='${s}' value='${v}'/>`);
      }
      if (rng.chance(0.15)) {
        sibs.push(`  <sibling id='${n + rng.int(0, 1)}' value='21'/>`);
      }
      inner[k]!.push('<distances>', ...sibs, '</distances>');
    });
    notes.push('distances');
  } else if (variant === 2) {
    // Caches and the interconnects that name them.
    cells.forEach((_, k) => {
      const levels = rng.chance(0.7) ? [1] : rng.pick([[1, 2], [1, 2], [1, 1], [3], [4]]);
      for (const level of levels) {
        const assoc = rng.pick(['direct', 'full', 'none']);
        const policy = rng.pick(['writeback', 'writethrough', 'none']);
        inner[k]!.push(
          `<cache level='${level}' associativity='${assoc}' policy='${policy}'>`,
          "  <size value='10' unit='KiB'/>",
          "  <line value='8' unit='B'/>",
          '</cache>'
        );
      }
    });
    const links: string[] = [];
    const m = rng.int(1, 3);
    for (let k = 0; k < m; k++) {
      const ini = rng.pick([0, 0, 0, 1, n]);
      const tgt = rng.pick([0, 1, 1, 1, n]);
      const cache = rng.chance(0.3) ? ` cache='${rng.pick([1, 1, 2, 3])}'` : '';
      const kind = rng.pick(['latency', 'latency', 'bandwidth']);
      const type = rng.pick(['access', 'read', 'write']);
      links.push(
        kind === 'latency'
          ? `  <latency initiator='${ini}' target='${tgt}'${cache} type='${type}' value='5'/>`
          : `  <bandwidth initiator='${ini}' target='${tgt}'${cache} type='${type}' value='204800' unit='KiB'/>`
      );
    }
    if (rng.chance(0.3)) {
      cells[n - 1]!.cpus = undefined;
      notes.push(`cell ${n - 1} without cpus`);
    }
    tail.push('<interconnects>', ...links, '</interconnects>');
    notes.push('caches and interconnects');
  } else if (variant === 3) {
    // numatune: the memory element, memnodes for the cells.
    const placement = rng.pick(['', '', " placement='static'", " placement='auto'"]);
    const mode = rng.pick(['strict', 'strict', 'interleave', 'preferred', 'restrictive']);
    // Without nodeset= the placement is explicit: an absent one follows <vcpu placement='static'>.
    const nodeset = placement
      ? rng.pick([" nodeset='0'", " nodeset='0'", '', " nodeset='0,^0'"])
      : rng.pick([" nodeset='0'", " nodeset='0'", " nodeset='0,^0'"]);
    const lines = [`  <memory mode='${mode}'${placement}${nodeset}/>`];
    const k = rng.int(0, 2);
    for (let j = 0; j < k; j++) {
      const cellid = rng.pick([0, 1, 1, 1, n]);
      const mmode = rng.pick([mode, mode, 'strict', 'preferred', 'restrictive']);
      const mset = rng.pick(["'0'", "'0'", "'0'", "'0,^0'"]);
      lines.push(`  <memnode cellid='${cellid}' mode='${mmode}' nodeset=${mset}/>`);
    }
    head.push('<numatune>', ...lines, '</numatune>');
    if (rng.chance(0.1)) {
      head.push('<numatune>', `  <memory mode='strict' nodeset='0'/>`, '</numatune>');
    }
    const noCells = rng.chance(0.15);
    notes.push(`numatune${noCells ? ' without cells' : ''}`);
    if (noCells) {
      return { title: `${notes.join(', ')}: ${one(head.join(''))}`, machine, devices: [...baseDevices(machine)], extra: { vcpu, head } };
    }
  } else {
    // Hugepages per cell.
    const pages: string[] = [];
    const sets = [`${rng.int(0, n)}`, '0', '1', `0-${n - 1}`];
    const first = rng.pick(sets);
    pages.push(`  <page size='2048' unit='KiB' nodeset='${first}'/>`);
    if (rng.chance(0.4)) {
      const second = rng.pick([...sets, '']);
      pages.push(`  <page size='1048576' unit='KiB'${second ? ` nodeset='${second}'` : ''}/>`);
    }
    head.push('<memoryBacking>', '  <hugepages>', ...pages.map((p) => `  ${p}`), '  </hugepages>', '</memoryBacking>');
    notes.push('hugepages');
  }
  const cpu = numaXml(
    cells.map((c, k) => ({
      attrs: `${c.id === undefined ? '' : `id='${c.id}' `}${c.cpus === undefined ? '' : `cpus='${c.cpus}' `}memory='128' unit='MiB'`,
      inner: inner[k],
    })),
    tail
  );
  return {
    title: `${n} cells (${cells.map((c) => `${c.id ?? '-'}:${c.cpus ?? '-'}`).join(' ')}), ${notes.join(', ')}: ${one([...head, ...tail, ...inner.flat()].join(''))}`,
    machine,
    devices: [...baseDevices(machine)],
    extra: { vcpu, cpu, head },
  };
}

// ---------------------------------------------------------------------------------------------
// cputune: <vcpus> order and hotplug, resctrl groups and monitors, shares, pins, thread pools.

const BITMAPS = ['0', '1', '0-1', '2-3', '1-2', '3', '0-3', '4', '0,^0'];

export function cputuneGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const vcpu = 4;
  const variant = i % 4;
  const head: string[] = [];
  let title = '';
  if (variant === 0) {
    // <vcpus>: vCPU 0 first, enabled and fixed; fixed before hotpluggable; orders ascending.
    const withOrder = rng.chance(0.5);
    const lines: string[] = [];
    const ids = rng.chance(0.85)
      ? [0, 1, 2, 3]
      : rng.pick([
          [1, 2, 3],
          [0, 1, 2, 3, 4],
        ]);
    let order = 1;
    for (const id of ids) {
      const hot = id === 0 ? rng.chance(0.15) : rng.chance(0.5);
      const enabled = id === 0 ? rng.chance(0.9) : hot ? rng.chance(0.6) : rng.chance(0.85);
      let ord = '';
      if (enabled && (withOrder ? rng.chance(0.9) : rng.chance(0.1))) {
        ord = ` order='${rng.chance(0.8) ? order : rng.int(1, 4)}'`;
        order++;
      }
      lines.push(`  <vcpu id='${id}' enabled='${enabled ? 'yes' : 'no'}' hotpluggable='${hot ? 'yes' : 'no'}'${ord}/>`);
    }
    head.push('<vcpus>', ...lines, '</vcpus>');
    title = one(head.join(''));
  } else if (variant === 1) {
    // cachetune / memorytune groups and their monitors.
    const groups: string[] = [];
    const k = rng.int(1, 2);
    for (let j = 0; j < k; j++) {
      const kind = rng.pick(['cachetune', 'cachetune', 'memorytune']);
      const vcpus = rng.pick(['0-1', '0-1', '2-3', '1-2', '0', '3']);
      const body: string[] = [];
      if (kind === 'cachetune') {
        if (rng.chance(0.5)) {
          body.push("    <cache id='0' level='3' type='both' size='3' unit='MiB'/>");
        }
        const mons = rng.int(0, 2);
        for (let m = 0; m < mons; m++) {
          body.push(`    <monitor level='${rng.pick([3, 3, 3, 2])}' vcpus='${rng.pick([vcpus, vcpus, '0', '1', '2', '0-3', '5'])}'/>`);
        }
      } else {
        body.push("    <node id='0' bandwidth='50'/>");
        if (rng.chance(0.5)) {
          body.push(`    <monitor vcpus='${rng.pick([vcpus, '0', '3'])}'/>`);
        }
      }
      groups.push(
        body.length ? `  <${kind} vcpus='${vcpus}'>` : `  <${kind} vcpus='${vcpus}'/>`,
        ...body,
        ...(body.length ? [`  </${kind}>`] : [])
      );
    }
    head.push('<cputune>', ...groups, '</cputune>');
    title = one(head.join(''));
  } else if (variant === 2) {
    // shares, pins and scheduler groups.
    const lines: string[] = [];
    if (rng.chance(0.6)) {
      lines.push(`  <shares>${rng.pick([0, 1, 2, 1024, 262144, 262145])}</shares>`);
    }
    const pins = rng.int(0, 2);
    for (let p = 0; p < pins; p++) {
      lines.push(`  <vcpupin vcpu='${rng.pick([0, 1, 1, 3, 5])}' cpuset='${rng.pick(['0', '1', '0-1', '0,^0'])}'/>`);
    }
    if (rng.chance(0.3)) {
      lines.push(`  <emulatorpin cpuset='${rng.pick(['0', '0-1', '0,^0'])}'/>`);
      if (rng.chance(0.3)) {
        lines.push("  <emulatorpin cpuset='1'/>");
      }
    }
    const scheds = rng.int(0, 2);
    for (let s = 0; s < scheds; s++) {
      lines.push(
        `  <vcpusched vcpus='${rng.pick(BITMAPS)}' ${rng.pick(["scheduler='fifo' priority='1'", "scheduler='rr' priority='1'", "scheduler='batch'"])}/>`
      );
    }
    if (lines.length === 0) {
      lines.push('  <shares>2048</shares>');
    }
    head.push('<cputune>', ...lines, '</cputune>');
    title = one(head.join(''));
  } else {
    // I/O threads: ids, pools, pins.
    const count = rng.int(1, 2);
    const ids: string[] = [];
    for (let t = 1; t <= count; t++) {
      const id = rng.chance(0.15) ? 1 : t;
      const pool = rng.chance(0.7)
        ? ` thread_pool_min='${rng.pick([0, 1, 2, 4])}' thread_pool_max='${rng.pick([0, 1, 2, 4, 8])}'`
        : rng.chance(0.5)
          ? ` thread_pool_max='${rng.pick([0, 2])}'`
          : '';
      ids.push(`  <iothread id='${id}'${pool}/>`);
    }
    head.push(`<iothreads>${count}</iothreads>`, '<iothreadids>', ...ids, '</iothreadids>');
    if (rng.chance(0.4)) {
      head.push(`<defaultiothread thread_pool_min='${rng.pick([0, 1, 3])}' thread_pool_max='${rng.pick([1, 2, 4])}'/>`);
    }
    if (rng.chance(0.4)) {
      const pinned = rng.pick([1, 1, 2, 3]);
      head.push('<cputune>', `  <iothreadpin iothread='${pinned}' cpuset='${rng.pick(['0', '0-1'])}'/>`, '</cputune>');
    }
    title = one(head.join(''));
  }
  return { title, machine, devices: [...baseDevices(machine)], extra: { vcpu, head } };
}

// ---------------------------------------------------------------------------------------------
// shmem: names (a file in /dev/shm), msi with and without a server. Sizes stay valid powers of
// two: the size rule is start-time and the `sizes` generator covers it.

export function shmemGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const name = rng.pick([`lx-gen-${i}`, `lx-gen-${i}`, `lx.gen..${i}`, 'a/b', '.', '..', '...', `.lx${i}`]);
  const model = rng.pick(['ivshmem-plain', 'ivshmem-doorbell', 'ivshmem-doorbell']);
  const lines = [`<model type='${model}'/>`];
  if (model === 'ivshmem-plain' && rng.chance(0.6)) {
    lines.push(`<size unit='M'>${rng.pick([1, 4, 8])}</size>`);
  }
  const server = model === 'ivshmem-doorbell' && rng.chance(0.6);
  if (server) {
    lines.push(`<server path='/tmp/lxtest-gen-shmem-${i}'/>`);
  }
  const msi = model === 'ivshmem-doorbell' && rng.chance(0.6);
  if (msi) {
    lines.push(`<msi vectors='${rng.pick([1, 2, 4])}'${rng.chance(0.5) ? " ioeventfd='on'" : ''}/>`);
  }
  return {
    title: `shmem '${name}' ${model}${server ? ' with server' : ''}${msi ? ' with msi' : ''}`,
    machine,
    devices: [...baseDevices(machine), `<shmem name='${name}'>\n      ${lines.join('\n      ')}\n    </shmem>`],
  };
}

/**
 * Rule family: numa — the guest's NUMA cells (<cpu><numa><cell>) and everything that names one.
 * Each checked against libvirt 9.0's QEMU driver here (virsh define):
 * - numa-cell-id-duplicate: "Duplicate NUMA cell info for cell id '0'".
 * - numa-cell-id-range: "Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous
 *   ranges or ranges not starting from 0 are not allowed" (ids are 0..cells-1; a cell without id
 *   takes its position).
 * - numa-cpus-overlap: "NUMA cells 1 and 0 have overlapping vCPU ids".
 * - numa-cpus-range: "CPU IDs in <numa> exceed the <vcpu> count" (and "Number of CPUs in <numa>
 *   exceeds the <vcpu> count").
 * - numa-distance-cell-missing: "'sibling_id 2' does not refer to a valid cell within NUMA 'cell id 0'".
 * - numa-distance-value: "'value 20' is invalid for 'sibling id 0' under NUMA 'cell id 0'" (10 to
 *   itself, 11..255 to others).
 * - numatune-memnode-cell: "Argument 'cellid' in memnode element must correspond to existing
 *   guest's NUMA cell", or "Element 'memnode' is invalid without any guest NUMA cells".
 * - numatune-memnode-duplicate: "Multiple memnode elements with cellid 1".
 * - numa-hugepage-nodeset: "hugepages: node 3 not found".
 * - numatune-nodeset-missing: "nodeset for NUMA memory tuning must be set if 'placement' is 'static'".
 * - numatune-memnode-auto: "Per-node binding is not compatible with automatic NUMA placement."
 * - numa-hugepage-overlap: "nodeset attribute of hugepages of sizes 1048576 and 2048 intersect", and
 *   "two master hugepages detected" (two sizes without nodeset).
 * - numa-expander-node: "pci-expander-bus with index 1 is configured for a NUMA node (3) not present
 *   in the domain's <cpu><numa> array (2)".
 * - numatune-duplicate: "only one numatune is supported".
 * - numatune-memnode-mode: "'restrictive' mode is required in memnode element when mode is
 *   'restrictive' in memory element".
 * - numa-nodeset-empty: "Invalid value of 'nodeset': 0,^0" (<numatune><memory>, <memnode>) and
 *   "Invalid value of 'nodemask': 0,^0" (a memory device's <source><nodemask>).
 * - numa-cache-level: "Ain't nobody heard of that much cache level" (above 3), "Cache level '1'
 *   already defined" (twice in one cell).
 * - numa-interconnect-node: "'initiator' refers to a non-existent NUMA node", "'target' refers to
 *   a non-existent NUMA node", "NUMA nodes without CPUs can't be initiator".
 * - numa-interconnect-cache: "'cache' refers to a non-existent NUMA node cache".
 * - numa-interconnect-duplicate: "Duplicate info for NUMA latencies", "Link already defined" (the
 *   same pair of cells the other way round).
 */
import { parseBitmap } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

interface NumaCell {
  el: XmlElement;
  /** The cell's id: its id attribute, or its position when it has none; undefined when unreadable. */
  id: number | undefined;
  idAttr: XmlAttribute | undefined;
  cpusAttr: XmlAttribute | undefined;
  cpus: number[] | undefined;
}

/** The guest NUMA cells of a domain, in document order (none for a fragment or without <cpu><numa>). */
export function numaCells(model: DomainModel): NumaCell[] {
  const numa = model.kind === 'domain' ? child(model.root, 'cpu') && child(child(model.root, 'cpu')!, 'numa') : undefined;
  if (!numa) {
    return [];
  }
  return childrenNamed(numa, 'cell').map((el, i) => {
    const idAttr = attr(el, 'id');
    const cpusAttr = attr(el, 'cpus');
    return {
      el,
      id: idAttr ? parseInteger(idAttr.value, 10) : i,
      idAttr,
      cpusAttr,
      cpus: cpusAttr ? parseBitmap(cpusAttr.value) : undefined,
    };
  });
}

/** The maximum vCPU count: <vcpu>'s text, 1 without <vcpu>; undefined when unreadable. */
export function maxVcpus(model: DomainModel): number | undefined {
  return model.vcpu ? parseInteger(model.vcpu.text, 10) : 1;
}

export function valueSpan(a: XmlAttribute): Span {
  return a.valueSpan ?? a.span;
}

export function textSpan(el: XmlElement): Span {
  return el.textSpan ?? el.nameSpan;
}

function cellsLabel(n: number): string {
  return n === 0 ? 'the domain has no NUMA cells (<cpu><numa>)' : n === 1 ? 'the only NUMA cell is 0' : `the NUMA cells are 0 to ${n - 1}`;
}

function checkCells(model: DomainModel, cells: NumaCell[], findings: Finding[]): void {
  const n = cells.length;
  const seen = new Map<number, NumaCell>();
  for (const c of cells) {
    if (c.id === undefined) {
      continue;
    }
    const span = c.idAttr ? valueSpan(c.idAttr) : c.el.nameSpan;
    if (c.id >= n) {
      findings.push({
        code: 'numa-cell-id-range',
        message: `NUMA cell id ${c.id} is out of range: with ${n} <cell> element${n === 1 ? '' : 's'}, libvirt wants the ids 0 to ${n - 1}, each once.`,
        span,
      });
      continue;
    }
    const first = seen.get(c.id);
    if (first) {
      findings.push({
        code: 'numa-cell-id-duplicate',
        message: `Two NUMA cells have id ${c.id}${c.idAttr ? '' : ' (a cell without id takes its position)'}.`,
        span,
        related: [{ message: `cell ${c.id} is also here`, span: first.idAttr ? valueSpan(first.idAttr) : first.el.nameSpan }],
      });
      continue;
    }
    seen.set(c.id, c);
  }

  const vcpus = maxVcpus(model);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (!c.cpus || !c.cpusAttr) {
      continue;
    }
    for (let j = 0; j < i; j++) {
      const o = cells[j]!;
      const shared = o.cpus?.filter((x) => c.cpus!.includes(x)) ?? [];
      if (shared.length > 0) {
        findings.push({
          code: 'numa-cpus-overlap',
          message: `vCPU ${shared.join(', ')} ${shared.length === 1 ? 'is' : 'are'} in two NUMA cells (${o.id ?? j} and ${c.id ?? i}): a vCPU belongs to one cell.`,
          span: valueSpan(c.cpusAttr),
          related: [{ message: `cell ${o.id ?? j}'s cpus`, span: valueSpan(o.cpusAttr!) }],
        });
        break;
      }
    }
    if (vcpus !== undefined) {
      const beyond = c.cpus.filter((x) => x >= vcpus);
      if (beyond.length > 0) {
        findings.push({
          code: 'numa-cpus-range',
          message: `NUMA cell ${c.id ?? i} names vCPU ${beyond.slice(0, 4).join(', ')}${beyond.length > 4 ? '…' : ''}, but the guest has ${vcpus} vCPU${vcpus === 1 ? '' : 's'} (0 to ${vcpus - 1}, from <vcpu>).`,
          span: valueSpan(c.cpusAttr),
          related: model.vcpu ? [{ message: `<vcpu> is ${vcpus}`, span: textSpan(model.vcpu) }] : [],
        });
      }
    }
  }

  for (const c of cells) {
    const distances = child(c.el, 'distances');
    if (!distances || c.id === undefined || c.id >= n) {
      continue;
    }
    for (const s of childrenNamed(distances, 'sibling')) {
      const idA = attr(s, 'id');
      const valueA = attr(s, 'value');
      const sid = parseInteger(idA?.value, 10);
      if (sid === undefined || !idA) {
        continue;
      }
      if (sid >= n) {
        findings.push({
          code: 'numa-distance-cell-missing',
          message: `This distance is to NUMA cell ${sid}, which does not exist: ${cellsLabel(n)}.`,
          span: valueSpan(idA),
        });
        continue;
      }
      const v = parseInteger(valueA?.value, 10);
      if (v === undefined || !valueA) {
        continue;
      }
      const own = sid === c.id;
      if (v < 10 || v > 255 || (own && v !== 10) || (!own && v === 10)) {
        findings.push({
          code: 'numa-distance-value',
          message: own
            ? `The distance of cell ${c.id} to itself must be 10 (it is ${v}).`
            : `The distance from cell ${c.id} to cell ${sid} must be 11 to 255 (10 is a cell's distance to itself); it is ${v}.`,
          span: valueSpan(valueA),
          fixes: own ? [{ title: 'Set it to 10', edits: [{ span: valueSpan(valueA), newText: "'10'" }], preferred: true }] : [],
        });
      }
    }
  }
}

/** A nodeset or nodemask libvirt reads but that selects no host node (such as 0,^0). */
function emptyNodeset(a: XmlAttribute | undefined, what: string, findings: Finding[]): void {
  if (a && parseBitmap(a.value)?.length === 0) {
    findings.push({
      code: 'numa-nodeset-empty',
      message: `${what} '${a.value}' selects no host NUMA node.`,
      span: valueSpan(a),
    });
  }
}

function checkNumatune(model: DomainModel, n: number, findings: Finding[]): void {
  const all = childrenNamed(model.root, 'numatune');
  for (const extra of all.slice(1)) {
    findings.push({
      code: 'numatune-duplicate',
      message: 'A second <numatune>: libvirt takes one; merge them.',
      span: extra.nameSpan,
      related: [{ message: 'the first one', span: all[0]!.nameSpan }],
    });
  }
  const numatune = all[0];
  if (!numatune) {
    return;
  }
  const memory = child(numatune, 'memory');
  emptyNodeset(memory && attr(memory, 'nodeset'), 'The <numatune><memory> nodeset', findings);
  const restrictive = memory && attr(memory, 'mode')?.value === 'restrictive';
  for (const m of childrenNamed(numatune, 'memnode')) {
    const mode = attr(m, 'mode');
    if (restrictive && (mode?.value ?? 'strict') !== 'restrictive') {
      findings.push({
        code: 'numatune-memnode-mode',
        message: `With <memory mode='restrictive'>, each <memnode> must be mode='restrictive' too (this one is '${mode?.value ?? 'strict'}'${mode ? '' : ', the default'}).`,
        span: mode ? valueSpan(mode) : m.nameSpan,
      });
    }
    emptyNodeset(attr(m, 'nodeset'), 'The <memnode> nodeset', findings);
  }
  const placement = memory && attr(memory, 'placement');
  // Without placement=, <memory> follows <vcpu placement> (static unless 'auto'): libvirt 9.0 refuses
  // <memory mode='strict'/> alone with the same message as an explicit placement='static'.
  const vcpu = child(model.root, 'vcpu');
  const effective = placement?.value ?? (vcpu && attrValue(vcpu, 'placement') === 'auto' ? 'auto' : 'static');
  if (memory && effective === 'static' && !attr(memory, 'nodeset')) {
    findings.push({
      code: 'numatune-nodeset-missing',
      message: placement
        ? "<numatune><memory placement='static'> needs a nodeset= (the host NUMA nodes to take memory from)."
        : "<numatune><memory> without placement= is static (as <vcpu> is), so it needs a nodeset= (the host NUMA nodes to take memory from), or placement='auto'.",
      span: placement ? valueSpan(placement) : memory.nameSpan,
    });
  }
  const memnodes = childrenNamed(numatune, 'memnode');
  if (memory && placement?.value === 'auto' && memnodes.length > 0) {
    findings.push({
      code: 'numatune-memnode-auto',
      message:
        "<memnode> binds guest cells to host nodes, which automatic placement (placement='auto') decides itself: libvirt refuses both together.",
      span: memnodes[0]!.nameSpan,
      related: [{ message: "placement='auto'", span: valueSpan(placement) }],
    });
  }
  const seen = new Map<number, XmlAttribute>();
  for (const m of memnodes) {
    const a = attr(m, 'cellid');
    const id = parseInteger(a?.value, 10);
    if (!a || id === undefined) {
      continue;
    }
    if (id >= n) {
      findings.push({
        code: 'numatune-memnode-cell',
        message: `<memnode cellid='${id}'> names a NUMA cell the guest does not have: ${cellsLabel(n)}.`,
        span: valueSpan(a),
      });
      continue;
    }
    const first = seen.get(id);
    if (first) {
      findings.push({
        code: 'numatune-memnode-duplicate',
        message: `Two <memnode> elements are for NUMA cell ${id}.`,
        span: valueSpan(a),
        related: [{ message: 'the first one', span: valueSpan(first) }],
      });
      continue;
    }
    seen.set(id, a);
  }
}

function checkHugepages(model: DomainModel, n: number, findings: Finding[]): void {
  const hp = child(model.root, 'memoryBacking');
  const pages = hp && child(hp, 'hugepages');
  if (!pages) {
    return;
  }
  const earlier: { el: XmlElement; nodes: number[] | undefined }[] = [];
  for (const p of childrenNamed(pages, 'page')) {
    const a = attr(p, 'nodeset');
    const nodes = parseBitmap(a?.value);
    for (const e of earlier) {
      const both = a ? (nodes && e.nodes ? nodes.filter((x) => e.nodes!.includes(x)) : []) : attr(e.el, 'nodeset') ? [] : undefined;
      if (both === undefined || both.length > 0) {
        findings.push({
          code: 'numa-hugepage-overlap',
          message:
            both === undefined
              ? 'Two hugepage sizes without nodeset=: only one size can be the default for every node.'
              : `Two hugepage sizes are for NUMA node ${both.join(', ')}: each node takes one size.`,
          span: a ? valueSpan(a) : p.nameSpan,
          related: [{ message: 'the other size', span: e.el.nameSpan }],
        });
        break;
      }
    }
    earlier.push({ el: p, nodes: a ? nodes : undefined });
    const missing = nodes?.filter((x) => x >= n) ?? [];
    if (a && missing.length > 0) {
      findings.push({
        code: 'numa-hugepage-nodeset',
        message: `This hugepage size is for NUMA node ${missing.join(', ')}, which the guest does not have: ${cellsLabel(n)}.`,
        span: valueSpan(a),
      });
    }
  }
}

function checkExpanderBuses(model: DomainModel, n: number, findings: Finding[]): void {
  for (const c of model.controllers) {
    const m = c.model?.value;
    if (c.type !== 'pci' || (m !== 'pci-expander-bus' && m !== 'pcie-expander-bus')) {
      continue;
    }
    const target = child(c.el, 'target');
    const node = target && child(target, 'node');
    const id = parseInteger(node?.text, 10);
    if (node && id !== undefined && id >= n) {
      findings.push({
        code: 'numa-expander-node',
        message: `This ${m} is for NUMA node ${id}, which the guest does not have: ${cellsLabel(n)}.`,
        span: textSpan(node),
      });
    }
  }
}

/** <cell><cache>: levels 1 to 3, each once in a cell. */
function checkCaches(cells: NumaCell[], findings: Finding[]): void {
  for (const c of cells) {
    const seen = new Map<number, XmlAttribute>();
    for (const cache of childrenNamed(c.el, 'cache')) {
      const a = attr(cache, 'level');
      const level = parseInteger(a?.value, 10);
      if (!a || level === undefined) {
        continue;
      }
      if (level > 3) {
        findings.push({ code: 'numa-cache-level', message: `Cache level ${level}: libvirt knows levels up to 3.`, span: valueSpan(a) });
      } else if (seen.has(level)) {
        findings.push({
          code: 'numa-cache-level',
          message: `NUMA cell ${c.id ?? '?'} describes cache level ${level} twice.`,
          span: valueSpan(a),
          related: [{ message: 'the first one', span: valueSpan(seen.get(level)!) }],
        });
      } else {
        seen.set(level, a);
      }
    }
  }
}

/** <numa><interconnects>: latencies and bandwidths between existing cells, each described once. */
function checkInterconnects(model: DomainModel, cells: NumaCell[], findings: Finding[]): void {
  const numa = child(model.root, 'cpu') && child(child(model.root, 'cpu')!, 'numa');
  const list = numa && child(numa, 'interconnects');
  if (!list || cells.some((c) => c.id === undefined)) {
    return;
  }
  const byId = new Map(cells.map((c) => [c.id!, c]));
  interface Link {
    el: XmlElement;
    kind: string;
    initiator: number;
    target: number;
    cache: number;
    access: string;
  }
  const done: Link[] = [];
  for (const el of list.children) {
    if (el.name !== 'latency' && el.name !== 'bandwidth') {
      continue;
    }
    const ia = attr(el, 'initiator');
    const ta = attr(el, 'target');
    const ca = attr(el, 'cache');
    const initiator = parseInteger(ia?.value, 10);
    const target = parseInteger(ta?.value, 10);
    const cache = ca ? parseInteger(ca.value, 10) : 0;
    if (!ia || !ta || initiator === undefined || target === undefined || cache === undefined) {
      continue;
    }
    const l: Link = { el, kind: el.name, initiator, target, cache, access: attr(el, 'type')?.value ?? '' };
    const bad = (
      code: 'numa-interconnect-node' | 'numa-interconnect-cache' | 'numa-interconnect-duplicate',
      message: string,
      span: Span,
      other?: XmlElement
    ): void => {
      findings.push({ code, message, span, related: other ? [{ message: 'the other one', span: other.nameSpan }] : [] });
    };
    if (initiator >= cells.length) {
      bad(
        'numa-interconnect-node',
        `initiator='${initiator}' is not a NUMA cell of this guest: ${cellsLabel(cells.length)}.`,
        valueSpan(ia)
      );
      continue;
    }
    if (target >= cells.length) {
      bad('numa-interconnect-node', `target='${target}' is not a NUMA cell of this guest: ${cellsLabel(cells.length)}.`, valueSpan(ta));
      continue;
    }
    if (!byId.get(initiator)?.cpusAttr) {
      bad('numa-interconnect-node', `NUMA cell ${initiator} has no vCPUs (no cpus=), so it cannot be an initiator.`, valueSpan(ia));
      continue;
    }
    if (cache > 0) {
      const levels = childrenNamed(byId.get(target)!.el, 'cache').map((x) => parseInteger(attr(x, 'level')?.value, 10));
      if (!levels.includes(cache)) {
        bad(
          'numa-interconnect-cache',
          `cache='${cache}': NUMA cell ${target} describes no cache of level ${cache} (add a <cache level='${cache}'> to it).`,
          valueSpan(ca!)
        );
        continue;
      }
    }
    for (const o of done) {
      if (o.kind === l.kind && o.initiator === initiator && o.target === target && o.cache === cache && o.access === l.access) {
        bad('numa-interconnect-duplicate', `This ${l.kind} from cell ${initiator} to cell ${target} is given twice.`, el.nameSpan, o.el);
        break;
      }
      if (initiator !== target && o.initiator === target && o.target === initiator) {
        bad(
          'numa-interconnect-duplicate',
          `The link between cells ${initiator} and ${target} is already described the other way round (initiator ${target}, target ${initiator}).`,
          el.nameSpan,
          o.el
        );
        break;
      }
    }
    done.push(l);
  }
}

/** Memory devices' <source><nodemask>. */
function checkNodemasks(model: DomainModel, findings: Finding[]): void {
  for (const d of model.devices) {
    const source = d.kind === 'memory' ? child(d.el, 'source') : undefined;
    const mask = source && child(source, 'nodemask');
    if (mask && parseBitmap(mask.text)?.length === 0) {
      findings.push({
        code: 'numa-nodeset-empty',
        message: `The memory device's nodemask '${mask.text.trim()}' selects no host NUMA node.`,
        span: textSpan(mask),
      });
    }
  }
}

export const numaRules: RuleFamily = {
  id: 'numa',
  check(model) {
    const findings: Finding[] = [];
    if (model.kind !== 'domain') {
      return findings;
    }
    const cells = numaCells(model);
    checkCells(model, cells, findings);
    checkNumatune(model, cells.length, findings);
    checkHugepages(model, cells.length, findings);
    checkExpanderBuses(model, cells.length, findings);
    checkCaches(cells, findings);
    checkInterconnects(model, cells, findings);
    checkNodemasks(model, findings);
    return findings;
  },
};

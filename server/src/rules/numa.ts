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
 */
import { parseBitmap } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, child, childrenNamed, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
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

function checkNumatune(model: DomainModel, n: number, findings: Finding[]): void {
  const numatune = child(model.root, 'numatune');
  if (!numatune) {
    return;
  }
  const memory = child(numatune, 'memory');
  const placement = memory && attr(memory, 'placement');
  if (memory && placement?.value === 'static' && !attr(memory, 'nodeset')) {
    findings.push({
      code: 'numatune-nodeset-missing',
      message: "<numatune><memory placement='static'> needs a nodeset= (the host NUMA nodes to take memory from).",
      span: valueSpan(placement),
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
    return findings;
  },
};

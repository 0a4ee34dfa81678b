/**
 * Rule family: memory — the guest's memory size, memory hotplug (<maxMemory>) and memory
 * devices (<memory model='dimm'|'nvdimm'|'virtio-mem'|'virtio-pmem'>). Each checked against
 * libvirt 9.0's QEMU driver here:
 * - memory-missing: "Memory size must be specified via <memory> or in the <numa> configuration".
 * - memory-max-slots-missing: "both maximum memory size and memory slot count must be specified".
 * - memory-max-too-small: "maximum memory size must be equal or greater than the actual memory size"
 *   (with NUMA cells, libvirt's define takes the cells' sum plus the memory devices as the size).
 * - memory-hotplug-max-missing: "cannot use/hotplug a memory device when domain 'maxMemory' is not defined".
 * - memory-hotplug-numa-missing: "At least one numa node has to be configured when enabling memory hotplug" (not ppc64).
 * - memory-slot-range: "memory device slot '2' exceeds slots count '2'", and more memory devices
 *   than slots ("failed to find an empty memory slot").
 * - memory-address-duplicate: "memory device slot '1' is already being used by another memory
 *   device" (and the same for base=).
 * - memory-target-node-missing: "target NUMA node needs to be specified for memory device".
 * - memory-target-node-range: "can't add memory backend for guest node '2' as the guest has only
 *   '2' NUMA nodes configured".
 * - memory-hugepage-size-zero: "hugepage size can't be zero".
 * - memory-hugepages-backing: "hugepages are not allowed with memory allocation ondemand" and "...
 *   with anonymous memory source" (qemu/qemu_validate.c qemuValidateDomainDefMemory).
 * - memory-dimm-acpi-at-start: a DIMM on an x86 guest without <features><acpi/>: define passes,
 *   QEMU refuses to start ("memory hotplug is not enabled: missing acpi device or acpi disabled").
 * - memory-source-path-missing: "path is required for model 'nvdimm'" (and 'virtio-pmem').
 * - memory-model-option: what the model does not take: "discard is not supported for nvdimms",
 *   "discard is not supported for model 'virtio-pmem'", "UUID is not supported for NVDIMM device"
 *   (not ppc64), "shared access mode required for virtio-pmem device" (access='private'; without
 *   access= libvirt makes it shared), "virtio-pmem does not support NUMA nodes", "memory device address is not
 *   supported for model 'sgx-epc'".
 * - memory-nvdimm-label-size: "nvdimm label must be at least 128KiB", "label size must be smaller
 *   than NVDIMM size".
 * - memory-virtio-mem-size: "block size must be a power of two" (a missing <block> too), "block
 *   size too small, must be at least 2048KiB" (x86: the transparent hugepage size), "requested size
 *   must be smaller than or equal to @size (524288KiB)", "requested size must be an integer
 *   multiple of block size".
 * - memory-devices-exceed: without NUMA cells, "Total size of memory devices exceeds the total
 *   memory size" (with cells, libvirt adds the devices to the cells' sum instead).
 * - memory-balloon-model: <memballoon model='xen'> in a QEMU/KVM domain ("Memory balloon device type
 *   'xen' is not supported by this version of qemu"; without an address libvirt fails earlier,
 *   finding no PCI bus for it).
 * - memory-shared-required: a vhost-user disk with private guest memory ("'vhostuser' requires
 *   shared memory": no NUMA cell and no shared <memoryBacking>, a cell without memAccess and no
 *   shared <memoryBacking>, a private cell).
 */
import { parseSizeKiB } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { numaCells, textSpan, valueSpan } from './numa';
import type { Finding, RuleFamily } from './types';

/** Memory device models that take a NUMA node and count against <maxMemory slots>. */
const HOTPLUG_MODELS = new Set(['dimm', 'nvdimm', 'virtio-mem', 'virtio-pmem']);

function sizeOf(el: XmlElement | undefined): number | undefined {
  return el ? parseSizeKiB(el.text, attrValue(el, 'unit')) : undefined;
}

function mib(kib: number): string {
  return kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`;
}

interface MemDevice {
  el: XmlElement;
  model: string;
  target: XmlElement | undefined;
  size: number | undefined;
  node: XmlElement | undefined;
  dimm: XmlElement | undefined;
}

function memoryDevices(model: DomainModel): MemDevice[] {
  return model.devices
    .filter((d) => d.kind === 'memory')
    .map((d) => {
      const target = child(d.el, 'target');
      const address = child(d.el, 'address');
      return {
        el: d.el,
        model: attrValue(d.el, 'model') ?? '',
        target,
        size: sizeOf(target && child(target, 'size')),
        node: target && child(target, 'node'),
        dimm: address && attrValue(address, 'type') === 'dimm' ? address : undefined,
      };
    });
}

function check(model: DomainModel): Finding[] {
  const findings: Finding[] = [];
  const root = model.root;
  const memory = child(root, 'memory');
  const max = child(root, 'maxMemory');
  const cells = numaCells(model);
  const cellKiB = cells.map((c) => parseSizeKiB(attrValue(c.el, 'memory'), attrValue(c.el, 'unit')));
  const numaKiB = cellKiB.every((x) => x !== undefined) ? cellKiB.reduce<number>((a, b) => a + b, 0) : undefined;
  const devices = memoryDevices(model);
  const hotplug = devices.filter((d) => HOTPLUG_MODELS.has(d.model));

  // The size: <memory>, or the NUMA cells' sum.
  const memKiB = sizeOf(memory);
  if ((!memory || memKiB === 0) && (cells.length === 0 || numaKiB === 0)) {
    findings.push({
      code: 'memory-missing',
      message: memory
        ? 'The guest has 0 memory: libvirt needs a size in <memory> (or in the NUMA cells).'
        : 'The domain has no <memory>: libvirt needs the guest memory size (<memory unit="MiB">1024</memory>), or NUMA cells with memory.',
      span: memory ? textSpan(memory) : root.nameSpan,
    });
  }

  // <maxMemory slots='N'>: both or none.
  const slotsAttr: XmlAttribute | undefined = max && attr(max, 'slots');
  const slots = slotsAttr ? parseInteger(slotsAttr.value, 10) : 0;
  const maxKiB = sizeOf(max);
  if (max && maxKiB !== undefined && slots !== undefined && (maxKiB === 0) !== (slots === 0)) {
    findings.push({
      code: 'memory-max-slots-missing',
      message:
        maxKiB === 0
          ? '<maxMemory> is 0 while slots= is set: libvirt needs both a maximum size and a slot count for memory hotplug.'
          : "<maxMemory> has no slots= (or slots='0'): libvirt needs both a maximum size and a slot count for memory hotplug.",
      span: slotsAttr ? valueSpan(slotsAttr) : max.nameSpan,
      fixes: slotsAttr
        ? []
        : [{ title: "Add slots='16'", edits: [{ span: { start: max.nameSpan.end, end: max.nameSpan.end }, newText: " slots='16'" }] }],
    });
  }
  const hotplugOn = !!max && ((maxKiB ?? 0) > 0 || (slots ?? 0) > 0);

  // The guest's size as libvirt's define computes it: with NUMA cells their sum plus the devices.
  const deviceKiB = devices.every((d) => d.size !== undefined) ? devices.reduce((a, d) => a + d.size!, 0) : undefined;
  const totalKiB = cells.length > 0 ? (numaKiB !== undefined && deviceKiB !== undefined ? numaKiB + deviceKiB : undefined) : memKiB;
  if (max && maxKiB && totalKiB !== undefined && maxKiB < totalKiB) {
    findings.push({
      code: 'memory-max-too-small',
      message:
        cells.length > 0
          ? `<maxMemory> is ${mib(maxKiB)}, less than the guest's memory: ${mib(numaKiB!)} in the NUMA cells${deviceKiB ? ` plus ${mib(deviceKiB)} of memory devices` : ''}.`
          : `<maxMemory> is ${mib(maxKiB)}, less than <memory> (${mib(totalKiB)}).`,
      span: textSpan(max),
    });
  }

  if (!hotplugOn) {
    for (const d of devices) {
      findings.push({
        code: 'memory-hotplug-max-missing',
        message: `A <memory model='${d.model}'> device needs memory hotplug: add <maxMemory slots='N' unit='MiB'>SIZE</maxMemory> to the domain.`,
        span: d.el.nameSpan,
      });
    }
  } else if (cells.length === 0 && !/^ppc64/.test(model.machine.arch)) {
    findings.push({
      code: 'memory-hotplug-numa-missing',
      message: 'Memory hotplug (<maxMemory>) needs at least one guest NUMA cell (<cpu><numa><cell>) on this architecture.',
      span: max.nameSpan,
    });
  }

  // Slots: explicit dimm addresses first, then every other slot-taking device gets a free one.
  if (hotplugOn && slots !== undefined && slots > 0) {
    const seenSlot = new Map<number, XmlAttribute>();
    const seenBase = new Map<string, XmlAttribute>();
    for (const d of hotplug) {
      const slotA = d.dimm && attr(d.dimm, 'slot');
      const slot = slotA ? parseInteger(slotA.value, 10) : undefined;
      if (slotA && slot !== undefined) {
        if (slot >= slots) {
          findings.push({
            code: 'memory-slot-range',
            message: `Memory slot ${slot} is out of range: <maxMemory slots='${slots}'> gives slots 0 to ${slots - 1}.`,
            span: valueSpan(slotA),
          });
        } else if (seenSlot.has(slot)) {
          findings.push({
            code: 'memory-address-duplicate',
            message: `Two memory devices use slot ${slot}.`,
            span: valueSpan(slotA),
            related: [{ message: 'the other one', span: valueSpan(seenSlot.get(slot)!) }],
          });
        } else {
          seenSlot.set(slot, slotA);
        }
      }
      const baseA = d.dimm && attr(d.dimm, 'base');
      const base =
        baseA?.value && /^\s*(0[xX])?[0-9a-fA-F]+\s*$/.test(baseA.value)
          ? BigInt('0x' + baseA.value.trim().replace(/^0[xX]/, ''))
          : undefined;
      if (baseA && base !== undefined && base !== 0n) {
        const key = base.toString(16);
        if (seenBase.has(key)) {
          findings.push({
            code: 'memory-address-duplicate',
            message: `Two memory devices start at base 0x${key}.`,
            span: valueSpan(baseA),
            related: [{ message: 'the other one', span: valueSpan(seenBase.get(key)!) }],
          });
        } else {
          seenBase.set(key, baseA);
        }
      }
    }
    if (hotplug.length > slots) {
      for (const d of hotplug.slice(slots)) {
        findings.push({
          code: 'memory-slot-range',
          message: `There are ${hotplug.length} memory devices but <maxMemory slots='${slots}'>: this one gets no slot. Raise slots=.`,
          span: d.el.nameSpan,
          related: slotsAttr ? [{ message: `slots='${slots}'`, span: valueSpan(slotsAttr) }] : [],
        });
      }
    }
  }

  // Without NUMA cells, the devices must fit in <memory> (with cells libvirt adds them up instead).
  if (cells.length === 0 && memory && memKiB && deviceKiB !== undefined && deviceKiB > memKiB) {
    findings.push({
      code: 'memory-devices-exceed',
      message: `The memory devices add up to ${mib(deviceKiB)}, more than <memory> (${mib(memKiB)}): libvirt counts them as part of the guest's memory. Raise <memory>.`,
      span: textSpan(memory),
    });
  }

  // Target NUMA nodes.
  for (const d of devices) {
    if (d.node && d.model === 'virtio-pmem') {
      continue; // memory-model-option
    }
    if (d.node) {
      const node = parseInteger(d.node.text, 10);
      if (node !== undefined && node >= cells.length && (cells.length > 0 || hotplugOn)) {
        findings.push({
          code: 'memory-target-node-range',
          message:
            cells.length === 0
              ? `This memory device is for NUMA node ${node}, but the guest has no NUMA cells (<cpu><numa>).`
              : `This memory device is for NUMA node ${node}, but the guest has ${cells.length} NUMA cell${cells.length === 1 ? '' : 's'} (0 to ${cells.length - 1}).`,
          span: textSpan(d.node),
        });
      }
    } else if (d.target && cells.length > 0 && hotplugOn && (d.model === 'dimm' || d.model === 'nvdimm' || d.model === 'virtio-mem')) {
      findings.push({
        code: 'memory-target-node-missing',
        message: `The guest has NUMA cells, so this memory device needs a <node> in its <target> (the cell it belongs to).`,
        span: d.el.nameSpan,
      });
    }
  }

  for (const d of devices) {
    checkDevice(model, d, findings);
  }
  const virtType = attrValue(root, 'type');
  for (const b of virtType === 'kvm' || virtType === 'qemu' ? model.devices.filter((x) => x.kind === 'memballoon') : []) {
    const m = attr(b.el, 'model');
    if (m?.value === 'xen') {
      findings.push({
        code: 'memory-balloon-model',
        message: "A Xen memory balloon in a QEMU/KVM guest: QEMU has none. Use model='virtio' (or 'none').",
        span: valueSpan(m),
      });
    }
  }
  checkSharedMemory(model, cells, findings);

  const backing = child(root, 'memoryBacking');
  const hugepages = backing && child(backing, 'hugepages');
  checkHugepageBacking(backing, hugepages, findings);
  for (const p of hugepages ? childrenNamed(hugepages, 'page') : []) {
    const size = attr(p, 'size');
    if (size && parseSizeKiB(size.value, attrValue(p, 'unit')) === 0) {
      findings.push({
        code: 'memory-hugepage-size-zero',
        message: 'A hugepage size of 0: name the page size (2048 KiB or 1 GiB on x86).',
        span: valueSpan(size),
      });
    }
  }

  // QEMU's pc-dimm needs ACPI on x86 (memory hotplug goes through ACPI).
  const x86 = model.machine.arch === 'x86_64' || model.machine.arch === 'i686';
  const features = child(root, 'features');
  const acpi = features && child(features, 'acpi');
  const acpiOff = acpi && attrValue(acpi, 'state') === 'off';
  if (x86 && (model.machine.family === 'i440fx' || model.machine.family === 'q35') && (!acpi || acpiOff)) {
    for (const d of hotplug.filter((x) => x.model === 'dimm')) {
      findings.push({
        code: 'memory-dimm-acpi-at-start',
        message:
          "A DIMM needs ACPI on an x86 guest: virsh define accepts it, but QEMU refuses to start the guest ('memory hotplug is not enabled: missing acpi device'). Add <features><acpi/></features>.",
        span: d.el.nameSpan,
      });
    }
  }
  return findings;
}

/** Checks of one memory device against what its model takes (libvirt's memory device validation). */
function checkDevice(model: DomainModel, d: MemDevice, findings: Finding[]): void {
  const source = child(d.el, 'source');
  const discard = attr(d.el, 'discard');
  const option = (span: Span, message: string): void => {
    findings.push({ code: 'memory-model-option', message, span });
  };
  if ((d.model === 'nvdimm' || d.model === 'virtio-pmem') && !(source && child(source, 'path'))) {
    findings.push({
      code: 'memory-source-path-missing',
      message: `A <memory model='${d.model}'> needs the host file or device that backs it: <source><path>/path/to/file</path></source>.`,
      span: d.el.nameSpan,
    });
  }
  if ((d.model === 'nvdimm' || d.model === 'virtio-pmem') && discard && discard.value === 'yes') {
    option(valueSpan(discard), `discard='yes' is not supported for a <memory model='${d.model}'>: remove it.`);
  }
  const uuid = child(d.el, 'uuid');
  if (d.model === 'nvdimm' && uuid && !/^ppc64/.test(model.machine.arch)) {
    option(uuid.nameSpan, 'An NVDIMM takes a <uuid> only on ppc64 guests: libvirt refuses it here.');
  }
  const access = attr(d.el, 'access');
  if (d.model === 'virtio-pmem' && access?.value === 'private') {
    option(
      valueSpan(access),
      "A virtio-pmem device needs shared access (the guest's writes must reach the file): remove access='private'."
    );
  }
  if (d.model === 'virtio-pmem' && d.node) {
    option(textSpan(d.node), 'A virtio-pmem device belongs to no NUMA node: remove <node> from its <target>.');
  }
  const address = child(d.el, 'address');
  if (d.model === 'sgx-epc' && address) {
    option(address.nameSpan, 'An sgx-epc memory device takes no <address>: remove it.');
  }

  const t = d.target;
  if (!t || d.size === undefined) {
    return;
  }
  const label = d.model === 'nvdimm' ? child(t, 'label') : undefined;
  const labelSize = label && child(label, 'size');
  const labelKiB = sizeOf(labelSize);
  if (labelSize && labelKiB !== undefined && labelKiB > 0 && (labelKiB < 128 || labelKiB >= d.size)) {
    findings.push({
      code: 'memory-nvdimm-label-size',
      message:
        labelKiB < 128
          ? `The NVDIMM label is ${mib(labelKiB)}: libvirt wants at least 128 KiB.`
          : `The NVDIMM label (${mib(labelKiB)}) must be smaller than the NVDIMM itself (${mib(d.size)}).`,
      span: textSpan(labelSize),
    });
  }

  if (d.model !== 'virtio-mem') {
    return;
  }
  const block = child(t, 'block');
  const requested = child(t, 'requested');
  const blockKiB = sizeOf(block) ?? 0;
  const requestedKiB = sizeOf(requested) ?? 0;
  const size = (message: string, span: Span): void => {
    findings.push({ code: 'memory-virtio-mem-size', message, span });
  };
  const x86 = model.machine.arch === 'x86_64' || model.machine.arch === 'i686';
  if (block && sizeOf(block) === undefined) {
    return; // the schema's
  }
  if (requestedKiB > d.size) {
    size(
      `The requested size (${mib(requestedKiB)}) is larger than the virtio-mem device (${mib(d.size)}).`,
      requested ? textSpan(requested) : t.nameSpan
    );
  } else if (blockKiB === 0 || (blockKiB & (blockKiB - 1)) !== 0) {
    size(
      block
        ? `The virtio-mem block size ${mib(blockKiB)} is not a power of two.`
        : "A virtio-mem device needs a block size: add <block unit='MiB'>2</block> to its <target>.",
      block ? textSpan(block) : t.nameSpan
    );
  } else if (x86 && blockKiB < 2048) {
    size(`The virtio-mem block size ${mib(blockKiB)} is below the host's transparent hugepage size (2 MiB on x86).`, textSpan(block!));
  } else if (requestedKiB % blockKiB !== 0) {
    size(
      `The requested size (${mib(requestedKiB)}) is not a whole number of blocks of ${mib(blockKiB)}.`,
      requested ? textSpan(requested) : t.nameSpan
    );
  }
}

/**
 * A vhost-user disk shares the guest's memory with another process:
 * without NUMA cells <memoryBacking><access mode='shared'/>, with cells each cell shared (its
 * memAccess='shared', or no memAccess and the shared <memoryBacking>).
 */
function checkSharedMemory(model: DomainModel, cells: ReturnType<typeof numaCells>, findings: Finding[]): void {
  const backing = child(model.root, 'memoryBacking');
  const access = backing && child(backing, 'access');
  const shared = access ? attrValue(access, 'mode') === 'shared' : false;
  const cellShared = (c: XmlElement): boolean => {
    const m = attrValue(c, 'memAccess');
    return m === 'shared' || (m === undefined && shared);
  };
  const privateCell = cells.find((c) => !cellShared(c.el));
  if (cells.length > 0 ? !privateCell : shared) {
    return;
  }
  for (const d of model.devices) {
    if (d.kind !== 'disk' || d.diskType !== 'vhostuser') {
      continue; // a virtiofs share is the filesystem family's
    }
    const who = 'A vhost-user disk';
    findings.push({
      code: 'memory-shared-required',
      message: privateCell
        ? `${who} needs the guest's memory shared with the host: NUMA cell ${privateCell.id ?? 0} is not (give the cells memAccess='shared', or add <memoryBacking><access mode='shared'/></memoryBacking>).`
        : `${who} needs the guest's memory shared with the host: add <memoryBacking><access mode='shared'/></memoryBacking>.`,
      span: d.el.nameSpan,
    });
  }
}

/** Hugepages with a backing that cannot give them (qemu/qemu_validate.c qemuValidateDomainDefMemory). */
function checkHugepageBacking(backing: XmlElement | undefined, hugepages: XmlElement | undefined, findings: Finding[]): void {
  if (!backing || !hugepages) {
    return;
  }
  const allocation = child(backing, 'allocation');
  const mode = allocation && attr(allocation, 'mode');
  const source = child(backing, 'source');
  const type = source && attr(source, 'type');
  const clash =
    mode?.value === 'ondemand'
      ? { a: mode, what: "allocation mode='ondemand'" }
      : type?.value === 'anonymous'
        ? { a: type, what: "an anonymous memory source (type='anonymous')" }
        : undefined;
  if (clash) {
    findings.push({
      code: 'memory-hugepages-backing',
      message: `Hugepages are reserved up front from hugetlbfs, which ${clash.what} cannot give: the QEMU driver refuses the two together.`,
      span: valueSpan(clash.a),
      related: [{ message: '<hugepages>', span: hugepages.nameSpan }],
    });
  }
}

export const memoryRules: RuleFamily = {
  id: 'memory',
  check(model) {
    return model.kind === 'domain' ? check(model) : [];
  },
};

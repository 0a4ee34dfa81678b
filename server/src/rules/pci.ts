/**
 * Rule family: pci — explicit PCI addresses.
 * - pci-address-range: domain != 0, bus > 0xff, slot > 0x1f, function > 7 (libvirt: "Invalid PCI address ...").
 * - pci-address-zero: 0000:00:00.x is treated as "no address" and the device is moved (libvirt says nothing).
 * - pci-address-reserved / pci-address-reserved-at-start: chipset functions on bus 0.
 * - pci-chipset-address: the primary IDE/SATA/PIIX3-USB controllers have fixed addresses.
 * - pci-slot-guest-range: openEuler's documented guest slot range for passthrough (0x03-0x1e).
 * - pci-address-duplicate: "Attempted double use of PCI Address".
 * - pci-slot-bus-mismatch: slot outside the bus's slot range (root ports: slot 0 only; bridges: no slot 0).
 * - pci-bus-incompatible: a controller plugged into a bus that cannot take it; a virtio IOMMU off
 *   bus 0 ("The device at PCI address %s needs to be an integrated device (bus=0)").
 *   A PIIX3 USB controller at 00:01.2 of a q35 machine ("Bus 0 must be PCI for integrated PIIX3 USB or
 *   IDE controllers", qemu_domain_address.c).
 * - address-type-unsupported: "cannot use CCW address type for device '%s' using machine type '%s'"
 *   (qemu_validate.c), "address of type 'unassigned' is supported only for hostdevs" (domain_validate.c;
 *   a disk's is disk-address-type).
 * - device-pci-option: "ACPI index is only supported for PCI devices", "ROM tuning is only supported
 *   for PCI devices" (qemu_validate.c qemuValidateDomainDeviceInfo).
 * - device-rom-disabled: "ROM tuning is not supported when ROM is disabled" (domain_conf.c).
 */
import { controllerModel } from '../model/build';
import {
  busInfo,
  chipsetReservations,
  CONTROLLER_ONLY_BUSES,
  formatPci,
  hex,
  isEmptyPci,
  PCI_CONTROLLER_PARENTS,
  placedPciDevices,
  resolvePci,
  type PlacedDevice,
} from '../model/pci';
import type { Device, DomainModel, NumAttr, PciAddress } from '../model/types';
import { attr, child, type Span } from '../syntax/tree';
import { claimingFix } from './edits';
import { addDeviceFindings, type DeviceMemo, type Finding, type Fix, type RuleFamily } from './types';

function valueSpan(n: NumAttr | undefined, fallback: Span): Span {
  return n?.attr.valueSpan ?? n?.attr.span ?? fallback;
}

function describe(d: Device): string {
  const type = d.el.attributes.find((a) => a.name === 'type')?.value;
  const model = d.kind === 'controller' ? d.el.attributes.find((a) => a.name === 'model')?.value : undefined;
  return `<${d.el.name}${type ? ` type='${type}'` : ''}${model ? ` model='${model}'` : ''}>`;
}

/** Fix: move the device to the first free slot of its bus (function 0). */
function moveToFreeSlot(model: DomainModel, d: Device, a: PciAddress, bus: number): Fix[] {
  return claimingFix(model, (alloc) => {
    const slot = alloc.takePciSlot(bus, d);
    if (slot === undefined) {
      return undefined;
    }
    const edits = [];
    if (a.slot?.attr.valueSpan) {
      edits.push({ span: a.slot.attr.valueSpan, newText: `'${hex(slot)}'` });
    } else {
      edits.push({ span: { start: a.el.nameSpan.end, end: a.el.nameSpan.end }, newText: ` slot='${hex(slot)}'` });
    }
    if (a.function?.attr.valueSpan && a.function.value !== 0) {
      edits.push({ span: a.function.attr.valueSpan, newText: "'0x0'" });
    }
    return { title: `Move to free slot ${hex(slot)} on bus ${hex(bus)}`, edits, preferred: true };
  });
}

function checkRanges(a: PciAddress, findings: Finding[], model: DomainModel, d: Device): void {
  const r = resolvePci(a);
  if (!r || isEmptyPci(r)) {
    return;
  }
  const problems: [NumAttr | undefined, boolean, string][] = [
    [a.domain, r.domain !== 0, `PCI domain ${hex(r.domain, 4)} does not exist: only domain 0 is available.`],
    [a.bus, r.bus > 0xff, `PCI bus ${hex(r.bus)} is out of range: the highest bus is 0xff.`],
    [a.slot, r.slot > 0x1f, `PCI slot ${hex(r.slot)} is out of range: the highest slot is 0x1f.`],
    [a.function, r.function > 7, `PCI function ${hex(r.function, 1)} is out of range: the highest function is 0x7.`],
  ];
  for (const [n, bad, message] of problems) {
    if (!bad) {
      continue;
    }
    const fixes: Fix[] = [];
    const fnSpan = n === a.function && r.slot <= 0x1f && r.bus <= 0xff ? n?.attr.valueSpan : undefined;
    if (fnSpan) {
      fixes.push(
        ...claimingFix(model, (alloc) => {
          const f = alloc.takePciFunction(r, d);
          return f === undefined
            ? undefined
            : { title: `Use free function ${hex(f, 1)}`, edits: [{ span: fnSpan, newText: `'${hex(f, 1)}'` }], preferred: true };
        })
      );
    }
    if (n === a.slot || (n === a.function && fixes.length === 0)) {
      fixes.push(...moveToFreeSlot(model, d, a, r.bus <= 0xff ? r.bus : 0));
    }
    findings.push({ code: 'pci-address-range', message, span: valueSpan(n, a.el.nameSpan), fixes });
  }
}

function checkZero(model: DomainModel, d: Device, a: PciAddress, findings: Finding[]): void {
  const r = resolvePci(a);
  if (!r || !isEmptyPci(r) || !a.slot) {
    return;
  }
  const own = d.kind === 'controller' ? controllerModel(model, d) : undefined;
  if (own === 'pci-root' || own === 'pcie-root') {
    return; // a root with any <address> is controller-pci-root-address
  }
  findings.push({
    code: 'pci-address-zero',
    message:
      `Bus 0x00 slot 0x00 is the host bridge. libvirt treats 0000:00:00.${r.function.toString(16)} as no address: ` +
      `it drops it without a word and places ${describe(d)} at a slot of its own choosing.`,
    span: valueSpan(a.slot, a.el.nameSpan),
    fixes: moveToFreeSlot(model, d, a, 0),
  });
}

function checkReserved(model: DomainModel, placed: readonly PlacedDevice[], findings: Finding[]): void {
  const reservations = chipsetReservations(model);
  for (const p of placed) {
    if (p.at.bus !== 0) {
      continue;
    }
    const res = reservations.find((r) => r.slot === p.at.slot && r.function === p.at.function);
    if (!res) {
      continue;
    }
    const c = p.device.kind === 'controller' ? p.device : undefined;
    if (c && res.owner?.(model, c)) {
      continue;
    }
    const machine = model.machine.family === 'q35' ? 'q35' : 'i440fx';
    findings.push({
      code: res.atStartOnly ? 'pci-address-reserved-at-start' : 'pci-address-reserved',
      message: res.atStartOnly
        ? `${formatPci(p.at)} is where QEMU puts ${res.what} on ${machine} machines: virsh define accepts this address, but QEMU refuses to start the guest.`
        : `${formatPci(p.at)} is taken by ${res.what} on ${machine} machines; libvirt rejects a second device there.`,
      span: valueSpan(p.address.slot, p.address.el.nameSpan),
      fixes: moveToFreeSlot(model, p.device, p.address, 0),
    });
  }
}

/** The primary IDE (i440fx), SATA (q35) and PIIX3 USB (i440fx, index 0) controllers have fixed addresses. */
function checkChipsetControllers(model: DomainModel, findings: Finding[]): void {
  const fixed: { type: string; model?: string; machine: string; slot: number; function: number; name: string }[] = [
    { type: 'ide', machine: 'i440fx', slot: 1, function: 1, name: 'The primary IDE controller' },
    { type: 'usb', model: 'piix3-uhci', machine: 'i440fx', slot: 1, function: 2, name: 'The PIIX3 USB controller at index 0' },
    { type: 'sata', machine: 'q35', slot: 0x1f, function: 2, name: 'The primary SATA controller' },
  ];
  for (const c of model.controllers) {
    if (c.index?.value !== 0 || c.address?.type !== 'pci') {
      continue;
    }
    const rule = fixed.find(
      (f) => f.type === c.type && f.machine === model.machine.family && (!f.model || f.model === controllerModel(model, c))
    );
    const r = resolvePci(c.address);
    if (!rule || !r || isEmptyPci(r)) {
      continue;
    }
    if (r.domain !== 0 || r.bus !== 0 || r.slot !== rule.slot || r.function !== rule.function) {
      const want = { domain: 0, bus: 0, slot: rule.slot, function: rule.function };
      const a = c.address;
      const wanted: [NumAttr | undefined, string][] = [
        [a.bus, '0x00'],
        [a.slot, hex(rule.slot)],
        [a.function, hex(rule.function, 1)],
      ];
      const edits = wanted.flatMap(([n, v]) => (n?.attr.valueSpan ? [{ span: n.attr.valueSpan, newText: `'${v}'` }] : []));
      findings.push({
        code: 'pci-chipset-address',
        message: `${rule.name} must be at PCI address ${formatPci(want)}.`,
        span: valueSpan(a.slot, a.el.nameSpan),
        fixes: edits.length ? [{ title: `Move to ${formatPci(want)}`, edits, preferred: true }] : [],
      });
    }
  }
}

function checkGuestRange(model: DomainModel, placed: readonly PlacedDevice[], findings: Finding[]): void {
  for (const p of placed) {
    const isPassthrough =
      p.device.kind === 'hostdev' || (p.device.kind === 'interface' && model.hostdevs.some((h) => h.device === p.device));
    if (!isPassthrough || p.at.bus !== 0 || (p.at.slot >= 0x03 && p.at.slot <= 0x1e)) {
      continue;
    }
    const span = valueSpan(p.address.slot, p.address.el.nameSpan);
    if (findings.some((f) => f.span.start === span.start && f.span.end === span.end)) {
      continue; // already reported as a chipset conflict
    }
    const owner = p.at.slot === 0x01 ? 'the IDE/USB chipset' : p.at.slot === 0x02 ? 'the video card' : 'the pvchannel';
    findings.push({
      code: 'pci-slot-guest-range',
      message: `openEuler's guide keeps guest slot ${hex(p.at.slot)} on bus 0 for ${owner} and gives passthrough devices slots 0x03-0x1e.`,
      span,
      fixes: moveToFreeSlot(model, p.device, p.address, 0),
    });
  }
}

function checkDuplicates(model: DomainModel, placed: readonly PlacedDevice[], findings: Finding[]): void {
  const first = new Map<string, PlacedDevice>();
  for (const p of placed) {
    const key = formatPci(p.at);
    const prev = first.get(key);
    if (!prev) {
      first.set(key, p);
      continue;
    }
    findings.push({
      code: 'pci-address-duplicate',
      message: `PCI address ${key} is already used by ${describe(prev.device)}.`,
      span: valueSpan(p.address.slot, p.address.el.nameSpan),
      related: [{ message: `${key} first used here`, span: valueSpan(prev.address.slot, prev.address.el.nameSpan) }],
      fixes: moveToFreeSlot(model, p.device, p.address, p.at.bus),
    });
  }
}

/** Fix for a device on a one-slot bus (a root port): slot 0x00, when no other device has it. */
function useOnlySlot(model: DomainModel, p: PlacedDevice): Fix[] {
  const span = p.address.slot?.attr.valueSpan;
  if (!span) {
    return [];
  }
  return claimingFix(model, (alloc) =>
    alloc.takePciSlot(p.at.bus, p.device) === 0
      ? { title: 'Use slot 0x00', edits: [{ span, newText: "'0x00'" }], preferred: true }
      : undefined
  );
}

function checkBusFit(model: DomainModel, placed: readonly PlacedDevice[], findings: Finding[]): void {
  for (const p of placed) {
    const bus = busInfo(model, p.at.bus);
    if (!bus.model) {
      continue;
    }
    if (p.at.slot < bus.minSlot || p.at.slot > bus.maxSlot) {
      const fix = moveToFreeSlot(model, p.device, p.address, p.at.bus);
      findings.push({
        code: 'pci-slot-bus-mismatch',
        message:
          bus.maxSlot === 0
            ? bus.auto
              ? `No controller provides bus ${hex(p.at.bus)}, so libvirt adds a ${bus.model} for it, which has a single slot (0x00); slot ${hex(p.at.slot)} does not exist.`
              : `Bus ${hex(p.at.bus)} is a ${bus.model}, which has a single slot (0x00); slot ${hex(p.at.slot)} does not exist.`
            : bus.auto
              ? `No controller provides bus ${hex(p.at.bus)}, so libvirt adds a ${bus.model} for it, whose slot 0x00 is not usable; slots start at ${hex(bus.minSlot)}.`
              : `Bus ${hex(p.at.bus)} is a ${bus.model}, whose slot 0x00 is not usable; slots start at ${hex(bus.minSlot)}.`,
        span: valueSpan(p.address.slot, p.address.el.nameSpan),
        fixes: bus.maxSlot === 0 ? useOnlySlot(model, p) : fix,
      });
      continue;
    }
    const ownModel = p.device.kind === 'controller' ? controllerModel(model, p.device) : undefined;
    const parent = ownModel ? PCI_CONTROLLER_PARENTS[ownModel] : undefined;
    if (parent) {
      if (!parent.accepts.includes(bus.model)) {
        findings.push({
          code: 'pci-bus-incompatible',
          message: `A ${ownModel} cannot be plugged into bus ${hex(p.at.bus)}, which is a ${bus.model}; it needs a ${parent.accepts.join(' or ')}.`,
          span: valueSpan(p.address.bus, p.address.el.nameSpan),
        });
      }
      continue;
    }
    const only = CONTROLLER_ONLY_BUSES[bus.model];
    if (only) {
      findings.push({
        code: 'pci-bus-incompatible',
        message: `Bus ${hex(p.at.bus)} is a ${bus.model}, which takes only ${only} controllers, not ${describe(p.device)}.`,
        span: valueSpan(p.address.bus, p.address.el.nameSpan),
      });
    }
  }
}

/** Disks on these buses have no PCI address of their own. */
const NON_PCI_DISK_BUSES: ReadonlySet<string> = new Set(['ide', 'sata', 'scsi', 'fdc', 'usb', 'sd']);

/** Address types that only some devices or machines take; ACPI index and ROM need PCI. */
function checkAddressKinds(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  const x86 = model.machine.family !== 'other' && (model.kind === 'domain' || model.machine.origin === 'config');
  // Each device on its own (and the machine): kept per device.
  addDeviceFindings(
    findings,
    memo,
    'pci-address-kinds',
    model.devices,
    (d) => d.el,
    (d) => addressKinds(model, x86, d)
  );
}

function addressKinds(model: DomainModel, x86: boolean, d: Device): Finding[] {
  const findings: Finding[] = [];
  const a = d.address;
  const typeAttr = a ? attr(a.el, 'type') : undefined;
  const type = a?.type === 'other' ? a.addressType : a?.type;
  const typeSpan = typeAttr ? (typeAttr.valueSpan ?? typeAttr.span) : a?.el.nameSpan;
  if (a && type === 'ccw' && x86 && typeSpan) {
    findings.push({
      code: 'address-type-unsupported',
      message: `A ccw address is for s390 guests (machine s390-ccw-virtio); this ${model.machine.name} guest has no channel subsystem.`,
      span: typeSpan,
    });
  }
  if (a && type === 'unassigned' && d.kind !== 'hostdev' && d.kind !== 'disk' && typeSpan) {
    findings.push({
      code: 'address-type-unsupported',
      message: `Only a <hostdev> can be left unassigned; a <${d.el.name}> needs a real address (or none, and libvirt picks one).`,
      span: typeSpan,
    });
  }
  // Without an <address>, what libvirt gives the device: USB and SCSI host devices, USB NICs and
  // disks off virtio get no PCI address.
  const hostType = d.kind === 'hostdev' ? attr(d.el, 'type')?.value : undefined;
  const nonPci =
    (a !== undefined && type !== 'pci' && type !== 'unassigned') ||
    (a === undefined &&
      ((d.kind === 'disk' && d.bus?.value !== undefined && NON_PCI_DISK_BUSES.has(d.bus.value)) ||
        (hostType !== undefined && (hostType === 'usb' || hostType === 'scsi')) ||
        (d.kind === 'interface' && d.model?.value === 'usb-net')));
  const acpi = child(d.el, 'acpi');
  const acpiIndex = acpi && attr(acpi, 'index');
  if (acpiIndex && nonPci) {
    findings.push({
      code: 'device-pci-option',
      message: `An ACPI index names a PCI device for the guest's firmware; this <${d.el.name}> is not on PCI.`,
      span: acpi.nameSpan,
    });
  }
  const rom = d.kind === 'interface' || d.kind === 'hostdev' ? child(d.el, 'rom') : undefined;
  if (rom && nonPci && rom.attributes.some((x) => x.name === 'bar' || x.name === 'file' || x.name === 'enabled')) {
    findings.push({
      code: 'device-pci-option',
      message: `<rom> sets up a PCI option ROM; this <${d.el.name}> is not on PCI.`,
      span: rom.nameSpan,
    });
  }
  const enabled = rom ? attr(rom, 'enabled') : undefined;
  if (rom && enabled?.value === 'no' && (attr(rom, 'bar') || attr(rom, 'file'))) {
    const what = rom.attributes.filter((x) => x.name === 'bar' || x.name === 'file');
    findings.push({
      code: 'device-rom-disabled',
      message: `enabled='no' turns the ROM off, so ${what.map((x) => x.name).join(' and ')} cannot be set with it.`,
      span: enabled.valueSpan ?? enabled.span,
      fixes: [
        {
          title: `Remove ${what.map((x) => x.name).join(' and ')}`,
          edits: what.map((x) => ({ span: x.span, newText: '' })),
          preferred: true,
        },
      ],
    });
  }
  // The i440fx chipset's USB function (00:01.2) on a machine whose bus 0 is PCI Express.
  const usbModel = d.kind === 'controller' && d.type === 'usb' && d.index?.value === 0 ? (d.model?.value ?? 'default') : undefined;
  if ((usbModel === 'default' || usbModel === 'piix3-uhci') && model.machine.family === 'q35' && a?.type === 'pci') {
    const at = resolvePci(a);
    if (at && at.bus === 0 && at.slot === 1 && at.function === 2) {
      findings.push({
        code: 'pci-bus-incompatible',
        message: `00:01.2 is where the i440fx chipset has its PIIX3 USB controller; on q35 bus 0 is PCI Express and cannot take it there. Use another slot${usbModel === 'default' ? ' or a model such as qemu-xhci' : ''}.`,
        span: a.el.nameSpan,
      });
    }
  }
  if (d.kind === 'iommu' && attr(d.el, 'model')?.value === 'virtio' && a?.type === 'pci') {
    const bus = resolvePci(a)?.bus;
    if (bus !== undefined && bus !== 0) {
      findings.push({
        code: 'pci-bus-incompatible',
        message: `A virtio IOMMU is an integrated device: it must be on bus 0, not bus ${hex(bus)}.`,
        span: valueSpan(a.bus, a.el.nameSpan),
      });
    }
  }
  return findings;
}

export const pciRules: RuleFamily = {
  id: 'pci',
  check(model, ctx) {
    const findings: Finding[] = [];
    for (const d of model.devices) {
      if (d.address?.type === 'pci') {
        checkRanges(d.address, findings, model, d);
        checkZero(model, d, d.address, findings);
      }
    }
    const placed = placedPciDevices(model);
    checkReserved(model, placed, findings);
    checkChipsetControllers(model, findings);
    checkGuestRange(model, placed, findings);
    checkDuplicates(model, placed, findings);
    checkBusFit(model, placed, findings);
    checkAddressKinds(model, findings, ctx.memo);
    return findings;
  },
};

/**
 * PCI topology facts, as libvirt's QEMU driver applies them (libvirt 9.0 conf/domain_addr.c,
 * qemu/qemu_domain_address.c). Buses are PCI controller indexes.
 */
import { controllerModel } from './build';
import type { Controller, Device, DomainModel, PciAddress } from './types';

interface BusInfo {
  index: number;
  /** The controller model providing the bus, undefined when libvirt would add it itself. */
  model: string | undefined;
  controller: Controller | undefined;
  minSlot: number;
  maxSlot: number;
  /** True when no controller provides the bus and `model` is the one libvirt will add for it. */
  auto: boolean;
}

const SLOT_RANGE: Record<string, [number, number]> = {
  'pci-root': [1, 31],
  'pcie-root': [1, 31],
  'pci-bridge': [1, 31],
  'pcie-to-pci-bridge': [1, 31],
  'dmi-to-pci-bridge': [0, 31],
  'pci-expander-bus': [0, 31],
  'pcie-expander-bus': [0, 31],
  'pcie-root-port': [0, 0],
  'pcie-switch-downstream-port': [0, 0],
  'pcie-switch-upstream-port': [0, 31],
};

/** The first PCI controller of each index, once per model (busInfo is asked once per placed device). */
const pciControllersCache = new WeakMap<DomainModel, Map<number, Controller>>();

function pciControllers(model: DomainModel): Map<number, Controller> {
  let m = pciControllersCache.get(model);
  if (!m) {
    m = new Map();
    for (const c of model.controllers) {
      const i = c.index?.value;
      if (c.type === 'pci' && i !== undefined && !m.has(i)) {
        m.set(i, c);
      }
    }
    pciControllersCache.set(model, m);
  }
  return m;
}

export function busInfo(model: DomainModel, index: number): BusInfo {
  const controller = pciControllers(model).get(index);
  let m = controller ? controllerModel(model, controller) : undefined;
  // A fragment's buses belong to the domain it is attached to; only the root follows from a configured machine.
  const machineKnown = model.kind === 'domain' || model.machine.origin === 'config';
  let auto = false;
  if (!controller && index === 0 && machineKnown && model.machine.family !== 'other') {
    m = model.machine.family === 'q35' ? 'pcie-root' : 'pci-root';
  } else if (!controller && index > 0 && model.kind === 'domain') {
    m = autoBuses(model).get(index);
    auto = m !== undefined;
  }
  const [minSlot, maxSlot] = (m && SLOT_RANGE[m]) || [0, 31];
  return { index, model: m, controller, minSlot, maxSlot, auto };
}

/**
 * PCIe or conventional PCI: what libvirt's QEMU driver (qemuDomainDeviceCalculatePCIConnectFlags)
 * makes of a device on a q35 machine, for the kinds that matter when it adds buses. undefined
 * when not known here.
 */
function connectClass(model: DomainModel, d: Device): 'pcie' | 'pci' | undefined {
  const attrOf = (name: string): string | undefined => d.el.attributes.find((a) => a.name === name)?.value;
  const childAttr = (child: string, name: string): string | undefined =>
    d.el.children.find((c) => c.name === child)?.attributes.find((a) => a.name === name)?.value;
  switch (d.kind) {
    case 'interface': {
      if (attrOf('type') === 'hostdev') {
        return 'pcie';
      }
      const m = childAttr('model', 'type');
      return m === 'virtio' || m === 'virtio-non-transitional' || m === 'e1000e'
        ? 'pcie'
        : m === 'e1000' || m === 'rtl8139' || m === 'virtio-transitional'
          ? 'pci'
          : undefined;
    }
    case 'disk':
      if (childAttr('target', 'bus') !== 'virtio') {
        return undefined;
      }
      return attrOf('model') === 'virtio-transitional' ? 'pci' : 'pcie';
    case 'hostdev':
      return attrOf('type') === 'pci' ? 'pcie' : undefined;
    case 'memballoon':
    case 'rng':
      return attrOf('model') === 'virtio' ? 'pcie' : attrOf('model') === 'virtio-transitional' ? 'pci' : undefined;
    case 'controller': {
      const c = d;
      const m = controllerModel(model, c);
      if (c.type === 'usb') {
        return m === 'qemu-xhci' || m === 'nec-xhci'
          ? 'pcie'
          : m === 'piix3-uhci' || m === 'ehci' || m?.startsWith('ich9-')
            ? 'pci'
            : undefined;
      }
      if (c.type === 'scsi') {
        return m === 'virtio-scsi' ? 'pcie' : m === 'lsilogic' || m === 'lsisas1068' || m === 'lsisas1078' ? 'pci' : undefined;
      }
      if (c.type === 'virtio-serial') {
        return 'pcie';
      }
      return c.type === 'sata' || c.type === 'ide' ? 'pci' : undefined;
    }
    default:
      return undefined;
  }
}

const autoCache = new WeakMap<DomainModel, Map<number, string>>();

/**
 * The buses libvirt 9.0 adds itself for addresses on buses no controller provides (checked with
 * dumpxml): on i440fx always pci-bridges; on q35 a missing index below the highest PCI controller
 * index becomes a pcie-root-port, and above it the bus a device names becomes a pcie-root-port for
 * a PCIe device and a PCI bridge for a conventional one. The q35 buses above the highest index are
 * judged only where that is unambiguous: every device placed there of one kind, and for
 * conventional devices a single bus (libvirt puts a root port and a pcie-to-pci-bridge in front).
 */
function autoBuses(model: DomainModel): Map<number, string> {
  let out = autoCache.get(model);
  if (out) {
    return out;
  }
  out = new Map<number, string>();
  autoCache.set(model, out);
  const indexes = model.controllers.filter((c) => c.type === 'pci').map((c) => c.index?.value ?? 0);
  // Indexes over 255 are refused (controller-pci-index-range) and must not size the gap filling
  // below: index='99999999999' would otherwise fill a Map until it overflows.
  let maxIndex = 0;
  for (const i of indexes) {
    if (i <= 255 && i > maxIndex) {
      maxIndex = i;
    }
  }
  const has = new Set(indexes);
  const family = model.machine.family;
  if (family !== 'i440fx' && family !== 'q35') {
    return out;
  }
  for (let i = 1; i < maxIndex; i++) {
    if (!has.has(i)) {
      out.set(i, family === 'q35' ? 'pcie-root-port' : 'pci-bridge');
    }
  }
  const beyond = placedPciDevices(model).filter((p) => p.at.bus > maxIndex);
  if (beyond.length === 0) {
    return out;
  }
  if (family === 'i440fx') {
    for (const p of beyond) {
      out.set(p.at.bus, 'pci-bridge');
    }
    return out;
  }
  const classes = new Set(beyond.map((p) => connectClass(model, p.device)));
  const buses = new Set(beyond.map((p) => p.at.bus));
  if (classes.size === 1 && classes.has('pcie')) {
    for (const b of buses) {
      out.set(b, 'pcie-root-port');
    }
  } else if (classes.size === 1 && classes.has('pci') && buses.size === 1) {
    out.set([...buses][0]!, 'pci-bridge');
  }
  return out;
}

/** True when every part of the address is known and in range. */
export interface ResolvedPci {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

export function resolvePci(a: PciAddress): ResolvedPci | undefined {
  const domain = a.domain ? a.domain.value : 0;
  const bus = a.bus ? a.bus.value : 0;
  const slot = a.slot?.value;
  const fn = a.function ? a.function.value : 0;
  if (domain === undefined || bus === undefined || slot === undefined || fn === undefined) {
    return undefined;
  }
  return { domain, bus, slot, function: fn };
}

/** libvirt treats domain = bus = slot = 0 as "no address" (any function) and assigns one itself. */
export function isEmptyPci(r: ResolvedPci): boolean {
  return r.domain === 0 && r.bus === 0 && r.slot === 0;
}

export function inRange(r: ResolvedPci): boolean {
  return r.domain === 0 && r.bus <= 0xff && r.slot <= 0x1f && r.function <= 7;
}

export function formatPci(r: ResolvedPci): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(r.domain, 4)}:${h(r.bus, 2)}:${h(r.slot, 2)}.${r.function.toString(16)}`;
}

export function hex(n: number, width = 2): string {
  return '0x' + n.toString(16).padStart(width, '0');
}

interface ChipsetReservation {
  slot: number;
  function: number;
  what: string;
  /** The controller libvirt puts there; a device with that role may use the address. */
  owner?: (model: DomainModel, c: Controller) => boolean;
  /** Only reported at QEMU start, not by libvirt at define time. */
  atStartOnly?: boolean;
}

const isIndex0 = (type: string) => (_m: DomainModel, c: Controller) => c.type === type && c.index?.value === 0;

/** Bus-0 functions the machine's chipset occupies. */
export function chipsetReservations(model: DomainModel): ChipsetReservation[] {
  if (model.kind === 'fragment' && model.machine.origin !== 'config') {
    return []; // the machine type of the target domain is not known
  }
  const usb0 = model.controllers.find((c) => c.type === 'usb' && c.index?.value === 0);
  const usb0Model = usb0 ? controllerModel(model, usb0) : model.implicitControllers.find((c) => c.type === 'usb' && c.index === 0)?.model;
  if (model.machine.family === 'i440fx') {
    const out: ChipsetReservation[] = [
      { slot: 1, function: 0, what: 'the PIIX3 ISA bridge' },
      { slot: 1, function: 3, what: 'the PIIX3 power management (ACPI) function' },
    ];
    // libvirt reserves 00:01.1 only when the domain has IDE controller 0: written out, or added
    // by itself for an IDE disk. Without one, QEMU still puts its IDE function there at start.
    const ide0 =
      model.controllers.some((c) => c.type === 'ide' && c.index?.value === 0) ||
      model.implicitControllers.some((c) => c.type === 'ide' && c.index === 0);
    out.push({ slot: 1, function: 1, what: 'the built-in IDE controller', owner: isIndex0('ide'), atStartOnly: !ide0 });
    if (usb0Model === 'piix3-uhci') {
      out.push({ slot: 1, function: 2, what: 'the PIIX3 USB controller (USB index 0)', owner: isIndex0('usb') });
    }
    return out;
  }
  if (model.machine.family === 'q35') {
    return [
      { slot: 0x1f, function: 0, what: 'the ICH9 LPC bridge' },
      { slot: 0x1f, function: 2, what: 'the built-in SATA controller', owner: isIndex0('sata') },
      { slot: 0x1f, function: 3, what: 'the ICH9 SMBus controller' },
    ];
  }
  return [];
}

/** Everything that sits at an explicit, in-range, non-empty PCI address. */
export interface PlacedDevice {
  device: Device;
  address: PciAddress;
  at: ResolvedPci;
}

const placedCache = new WeakMap<DomainModel, PlacedDevice[]>();

/** Computed once per model: several rules walk the placed devices. Free slots are the allocator's (allocate.ts). */
export function placedPciDevices(model: DomainModel): readonly PlacedDevice[] {
  let all = placedCache.get(model);
  if (!all) {
    all = [];
    for (const d of model.devices) {
      const at = d.address?.type === 'pci' ? resolvePci(d.address) : undefined;
      if (d.address?.type === 'pci' && at && !isEmptyPci(at) && inRange(at)) {
        all.push({ device: d, address: d.address, at });
      }
    }
    placedCache.set(model, all);
  }
  return all;
}

/**
 * The slots worth offering a new device on `bus`: the bus's own slot range, and on bus 0 only
 * 0x03-0x1e (slots 0-2 and 0x1f have fixed users on both machine types; openEuler documents the
 * same range for guest devices).
 */
export function guestSlotRange(model: DomainModel, bus: number): [lo: number, hi: number] {
  const info = busInfo(model, bus);
  return bus === 0 ? [Math.max(info.minSlot, 3), Math.min(info.maxSlot, 0x1e)] : [info.minSlot, info.maxSlot];
}

/** What kind of device a controller model is, for the bus-compatibility check. */
export const PCI_CONTROLLER_PARENTS: Record<string, { accepts: string[]; requires: string }> = {
  'pci-expander-bus': { accepts: ['pci-root'], requires: 'pci-expander-bus' },
  'pcie-expander-bus': { accepts: ['pcie-root'], requires: 'pcie-expander-bus' },
  'pcie-root-port': { accepts: ['pcie-root', 'pcie-expander-bus'], requires: 'pcie-root-port' },
  'pcie-to-pci-bridge': { accepts: ['pcie-root-port', 'pcie-switch-downstream-port'], requires: 'pcie-to-pci-bridge' },
  'pcie-switch-upstream-port': {
    accepts: ['pcie-root-port', 'pcie-switch-downstream-port'],
    requires: 'pcie-switch-upstream-port',
  },
  'pcie-switch-downstream-port': { accepts: ['pcie-switch-upstream-port'], requires: 'pcie-switch-downstream-port' },
  'dmi-to-pci-bridge': { accepts: ['pcie-root', 'pcie-expander-bus'], requires: 'dmi-to-pci-bridge' },
};

/** Buses that take only other controllers, never an endpoint device (nor a pci-bridge). */
export const CONTROLLER_ONLY_BUSES: Record<string, string> = {
  'pcie-switch-upstream-port': 'pcie-switch-downstream-port',
  'pcie-expander-bus': 'pcie-root-port or dmi-to-pci-bridge',
};

/**
 * `next` holds the same device records as `prev` (a new model object for a new version of the
 * text, analysis.ts reanalyze): what was worked out of `prev`'s buses and placed devices holds
 * for `next` (none of it holds text offsets).
 */
export function carryPciCaches(prev: DomainModel, next: DomainModel): void {
  for (const cache of [pciControllersCache, autoCache, placedCache] as WeakMap<DomainModel, unknown>[]) {
    const v = cache.get(prev);
    if (v !== undefined && !cache.has(next)) {
      cache.set(next, v);
    }
  }
}

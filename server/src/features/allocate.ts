/**
 * Free resources of a domain, for completion and device templates: controller indexes, PCI
 * slots, USB ports, disk targets and drive units, MAC addresses, boot orders, serial ports.
 * Every function reads the domain model of the current document version and never changes it.
 * `exclude` is the element being edited: its own current value does not count as taken.
 *
 * The model may be undefined (an empty file): then everything is free.
 */
import { controllerModel, parseInteger } from '../model/build';
import { implicitDrive, targetIndex, diskLetters } from '../model/drive';
import { busInfo, chipsetReservations, CONTROLLER_ONLY_BUSES, PCI_CONTROLLER_PARENTS, placedPciDevices } from '../model/pci';
import { usbBuses } from '../model/usb';
import type { Controller, Device, DomainModel } from '../model/types';
import { attr, child, childrenNamed, type XmlElement } from '../syntax/tree';

function isExcluded(el: XmlElement, exclude: XmlElement | undefined): boolean {
  if (!exclude) {
    return false;
  }
  for (let cur: XmlElement | undefined = exclude; cur; cur = cur.parent) {
    if (cur === el) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// controller indexes

/** Indexes taken by controllers of a type (explicit ones, and for PCI the root libvirt adds). */
export function usedControllerIndexes(model: DomainModel | undefined, type: string, exclude?: XmlElement): Set<number> {
  const used = new Set<number>();
  for (const c of model?.controllers ?? []) {
    if (c.type === type && c.index?.value !== undefined && !isExcluded(c.el, exclude)) {
      used.add(c.index.value);
    }
  }
  // Controllers libvirt adds by itself (USB 0, SATA 0 on q35...) are there too: a new one would replace them.
  for (const c of model?.implicitControllers ?? []) {
    if (c.type === type) {
      used.add(c.index);
    }
  }
  return used;
}

/** The smallest free index for a new controller of `type` (PCI controllers start at 1: 0 is the root). */
export function freeControllerIndex(
  model: DomainModel | undefined,
  type: string,
  exclude?: XmlElement,
  taken: ReadonlySet<number> = new Set()
): number {
  const used = usedControllerIndexes(model, type, exclude);
  let i = type === 'pci' ? 1 : 0;
  while (used.has(i) || taken.has(i)) {
    i++;
  }
  return i;
}

/** `count` free indexes for new controllers of `type`, in increasing order. */
export function freeControllerIndexes(model: DomainModel | undefined, type: string, count: number): number[] {
  const out: number[] = [];
  const taken = new Set<number>();
  for (let k = 0; k < count; k++) {
    const i = freeControllerIndex(model, type, undefined, taken);
    taken.add(i);
    out.push(i);
  }
  return out;
}

// ---------------------------------------------------------------------------
// PCI

export interface PciBusSummary {
  index: number;
  /** Controller model providing the bus (undefined when unknown, as in a fragment). */
  model: string | undefined;
  /** Free slots, lowest first. */
  freeSlots: number[];
  /** Takes endpoint devices (not only other controllers). */
  endpoints: boolean;
}

/** Slots taken on each bus by devices at explicit addresses. */
function usedSlots(model: DomainModel, exclude: XmlElement | undefined): Map<number, Set<number>> {
  const used = new Map<number, Set<number>>();
  for (const p of placedPciDevices(model)) {
    if (isExcluded(p.device.el, exclude) || isExcluded(p.address.el, exclude)) {
      continue;
    }
    let set = used.get(p.at.bus);
    if (!set) {
      used.set(p.at.bus, (set = new Set()));
    }
    set.add(p.at.slot);
  }
  return used;
}

function freeSlotsOn(model: DomainModel, bus: number, used: Map<number, Set<number>>): number[] {
  const info = busInfo(model, bus);
  // Bus 0: slots 0 (host bridge), 1 (chipset), 2 (video) and 0x1f (chipset / pvchannel) have fixed users;
  // openEuler documents 0x03-0x1e for guest devices.
  const lo = bus === 0 ? Math.max(info.minSlot, 3) : info.minSlot;
  const hi = bus === 0 ? Math.min(info.maxSlot, 0x1e) : info.maxSlot;
  const taken = used.get(bus);
  const reserved = new Set(bus === 0 ? chipsetReservations(model).map((r) => r.slot) : []);
  const out: number[] = [];
  for (let s = lo; s <= hi; s++) {
    if (!taken?.has(s) && !reserved.has(s)) {
      out.push(s);
    }
  }
  return out;
}

/** Every PCI bus of the domain: the root and each PCI controller that provides a bus. */
export function pciBuses(model: DomainModel | undefined, exclude?: XmlElement): PciBusSummary[] {
  if (!model) {
    return [];
  }
  const indexes = new Set<number>();
  const machineKnown = model.kind === 'domain' || model.machine.origin === 'config';
  if (machineKnown && model.machine.family !== 'other') {
    indexes.add(0);
  }
  for (const c of model.controllers) {
    if (c.type === 'pci' && c.index?.value !== undefined && !isExcluded(c.el, exclude)) {
      indexes.add(c.index.value);
    }
  }
  const used = usedSlots(model, exclude);
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => {
      const info = busInfo(model, index);
      return {
        index,
        model: info.model,
        freeSlots: freeSlotsOn(model, index, used),
        endpoints: !(info.model && CONTROLLER_ONLY_BUSES[info.model]),
      };
    });
}

/** Free slots on one bus (for a device being edited, its own slot counts as free). */
export function freePciSlots(model: DomainModel | undefined, bus: number, exclude?: XmlElement): number[] {
  if (!model) {
    return bus === 0 ? range(3, 0x1e) : range(0, 31);
  }
  return freeSlotsOn(model, bus, usedSlots(model, exclude));
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) {
    out.push(i);
  }
  return out;
}

/** Buses a device may be plugged into: a controller model has its own parents; endpoints avoid controller-only buses. */
export function busesFor(model: DomainModel | undefined, ownModel: string | undefined, exclude?: XmlElement): PciBusSummary[] {
  const parents = ownModel ? PCI_CONTROLLER_PARENTS[ownModel] : undefined;
  return pciBuses(model, exclude).filter((b) => (parents ? b.model !== undefined && parents.accepts.includes(b.model) : b.endpoints));
}

const PCIE_PORTS = new Set(['pcie-root-port', 'pcie-switch-downstream-port']);

/**
 * Where a new device goes: a free (bus, slot). On a PCIe machine an endpoint prefers an empty
 * root port (the PCIe way to add a device), then a free slot of the root bus; otherwise the
 * root bus first, then bridges. `ownModel` is set for a PCI controller (it goes where its kind fits).
 */
export function freePciPlacement(
  model: DomainModel | undefined,
  ownModel?: string,
  exclude?: XmlElement
): { bus: number; slot: number } | undefined {
  if (!model) {
    return { bus: 0, slot: 3 };
  }
  const buses = busesFor(model, ownModel, exclude).filter((b) => b.freeSlots.length > 0);
  const rank = (b: PciBusSummary): number => {
    if (ownModel) {
      return b.index;
    }
    if (b.model && PCIE_PORTS.has(b.model)) {
      return b.index;
    }
    return b.index === 0 ? 1000 : 2000 + b.index;
  };
  const best = [...buses].sort((a, b) => rank(a) - rank(b))[0];
  if (!best) {
    return model.kind === 'fragment' && model.machine.origin !== 'config' ? { bus: 0, slot: 3 } : undefined;
  }
  return { bus: best.index, slot: best.freeSlots[0]! };
}

/** A host PCI address (domain:bus:slot.function) no <hostdev> or <interface type='hostdev'> of the domain assigns yet. */
export function freeHostPciAddress(
  model: DomainModel | undefined,
  start = { bus: 1, slot: 0, function: 0 }
): { domain: number; bus: number; slot: number; function: number } {
  const used = new Set<string>();
  for (const h of model?.hostdevs ?? []) {
    const s = h.pciSource;
    if (h.type === 'pci' && s) {
      used.add(`${s.domain?.value ?? 0}:${s.bus?.value ?? 0}:${s.slot?.value ?? 0}.${s.function?.value ?? 0}`);
    }
  }
  let { bus, slot, function: fn } = start;
  while (used.has(`0:${bus}:${slot}.${fn}`)) {
    fn++;
    if (fn > 7) {
      fn = 0;
      slot++;
      if (slot > 31) {
        slot = 0;
        bus++;
      }
    }
  }
  return { domain: 0, bus, slot, function: fn };
}

// ---------------------------------------------------------------------------
// PCIe root ports: chassis and port numbers

export function freeChassis(model: DomainModel | undefined, exclude?: XmlElement, taken: ReadonlySet<number> = new Set()): number {
  const used = new Set<number>(taken);
  for (const c of model?.controllers ?? []) {
    const m = model ? controllerModel(model, c) : undefined;
    if (c.type === 'pci' && m && PCIE_PORTS.has(m) && !isExcluded(c.el, exclude)) {
      const chassis = c.chassis?.value ?? c.index?.value;
      if (chassis !== undefined) {
        used.add(chassis);
      }
    }
  }
  let i = 1;
  while (used.has(i)) {
    i++;
  }
  return i;
}

/** The root-port number libvirt would give a port at `slot`.function 0 (slot << 3), moved on while taken. */
export function freeRootPortNumber(model: DomainModel | undefined, slot: number, exclude?: XmlElement): number {
  const used = new Set<number>();
  for (const c of model?.controllers ?? []) {
    if (c.type === 'pci' && c.port?.value !== undefined && !isExcluded(c.el, exclude)) {
      used.add(c.port.value);
    }
  }
  let p = (slot << 3) & 0xff;
  while (used.has(p)) {
    p = (p + 1) & 0xff;
  }
  return p;
}

// ---------------------------------------------------------------------------
// USB

export interface UsbBusSummary {
  index: number;
  model: string | undefined;
  ports: number | undefined;
  freePorts: number[];
}

function usedUsbPorts(model: DomainModel, exclude: XmlElement | undefined): Set<string> {
  const used = new Set<string>();
  for (const d of model.devices) {
    const a = d.address;
    if (a?.type === 'usb' && a.portPath && a.portPath[0] !== undefined && a.portPath[0] > 0 && !isExcluded(d.el, exclude)) {
      used.add(`${a.bus ? a.bus.value : 0}/${a.portPath[0]}`);
    }
  }
  return used;
}

/** USB buses with their free top-level ports (an unknown port count offers ports 1-4). */
export function usbBusSummaries(model: DomainModel | undefined, exclude?: XmlElement): UsbBusSummary[] {
  if (!model) {
    return [];
  }
  const used = usedUsbPorts(model, exclude);
  return usbBuses(model)
    .sort((a, b) => a.index - b.index)
    .map((b) => {
      const n = b.ports ?? 4;
      const free: number[] = [];
      for (let p = 1; p <= n; p++) {
        if (!used.has(`${b.index}/${p}`)) {
          free.push(p);
        }
      }
      return { index: b.index, model: b.model, ports: b.ports, freePorts: free };
    });
}

/** The first free port on a bus with room, preferring `preferBus`. */
export function freeUsbPort(
  model: DomainModel | undefined,
  preferBus?: number,
  exclude?: XmlElement
): { bus: number; port: number } | undefined {
  const buses = usbBusSummaries(model, exclude).filter((b) => b.freePorts.length > 0);
  const pick = buses.find((b) => b.index === preferBus) ?? buses[0];
  return pick ? { bus: pick.index, port: pick.freePorts[0]! } : undefined;
}

export function usbDisabledIn(model: DomainModel | undefined): boolean {
  const usb = model?.controllers.filter((c) => c.type === 'usb') ?? [];
  return usb.length > 0 && usb.every((c) => c.model?.value === 'none');
}

/** A USB vendor/product pair no USB hostdev of the domain uses yet. */
export function freeUsbIds(model: DomainModel | undefined, vendor: number, product: number): { vendor: number; product: number } {
  const used = new Set<string>();
  for (const h of model?.hostdevs ?? []) {
    if (h.type === 'usb') {
      used.add(`${parseInteger(h.usbVendor?.value, 0) ?? -1}:${parseInteger(h.usbProduct?.value, 0) ?? -1}`);
    }
  }
  let p = product;
  while (used.has(`${vendor}:${p}`)) {
    p = (p + 1) & 0xffff;
  }
  return { vendor, product: p };
}

// ---------------------------------------------------------------------------
// disks

/** The target-name prefix libvirt expects for a disk bus. */
export function targetPrefix(bus: string | undefined, device?: string): string {
  switch (bus) {
    case 'virtio':
      return 'vd';
    case 'scsi':
    case 'sata':
    case 'usb':
    case 'sd':
      return 'sd';
    case 'ide':
      return 'hd';
    case 'fdc':
      return 'fd';
    case 'xen':
      return 'xvd';
    case 'uml':
      return 'ubd';
    default:
      return device === 'floppy' ? 'fd' : device === 'cdrom' ? 'sd' : 'vd';
  }
}

/** The first target name with `prefix` that no other disk uses. */
export function freeTarget(
  model: DomainModel | undefined,
  prefix: string,
  exclude?: XmlElement,
  taken: ReadonlySet<string> = new Set()
): string {
  const used = new Set<string>(taken);
  for (const d of model?.disks ?? []) {
    const v = d.targetDev?.value;
    if (v && !isExcluded(d.el, exclude)) {
      used.add(v);
    }
  }
  for (let i = 0; ; i++) {
    const name = prefix + diskLetters(i);
    if (!used.has(name)) {
      return name;
    }
  }
}

interface DriveAt {
  bus: string;
  controller: number;
  driveBus: number;
  target: number;
  unit: number;
}

/** Drive addresses in use: written out, or derived by libvirt from the target name. */
function driveAddresses(model: DomainModel | undefined, exclude: XmlElement | undefined): DriveAt[] {
  const out: DriveAt[] = [];
  for (const d of model?.disks ?? []) {
    if (isExcluded(d.el, exclude)) {
      continue;
    }
    const bus = d.bus?.value ?? '';
    const a = d.address;
    if (a?.type === 'drive') {
      out.push({
        bus,
        controller: a.controller?.value ?? 0,
        driveBus: a.bus?.value ?? 0,
        target: a.target?.value ?? 0,
        unit: a.unit?.value ?? 0,
      });
    } else if (!a) {
      const idx = targetIndex(d.targetDev?.value);
      const at = idx === undefined ? undefined : implicitDrive(bus, idx);
      if (at) {
        out.push({ bus, controller: at.controller, driveBus: at.bus, target: at.target, unit: at.unit });
      }
    }
  }
  return out;
}

const MAX_UNIT: Record<string, number> = { ide: 1, sata: 5, fdc: 1, scsi: 6 };

/** The first free (target, unit) on a disk controller. */
export function freeDriveUnit(
  model: DomainModel | undefined,
  bus: string,
  controller: number,
  exclude?: XmlElement
): { bus: number; target: number; unit: number } {
  const used = new Set(
    driveAddresses(model, exclude)
      .filter((u) => u.bus === bus && u.controller === controller)
      .map((u) => `${u.driveBus}/${u.target}/${u.unit}`)
  );
  const maxUnit = MAX_UNIT[bus] ?? 6;
  const maxBus = bus === 'ide' ? 1 : 0;
  const maxTarget = bus === 'scsi' ? 255 : 0;
  for (let target = 0; target <= maxTarget; target++) {
    for (let b = 0; b <= maxBus; b++) {
      for (let unit = 0; unit <= maxUnit; unit++) {
        if (!used.has(`${b}/${target}/${unit}`)) {
          return { bus: b, target, unit };
        }
      }
    }
  }
  return { bus: 0, target: 0, unit: 0 };
}

/** Disk controller indexes of a type the domain's disks refer to (explicitly or through target names). */
export function referencedDiskControllers(model: DomainModel | undefined, bus: string): Set<number> {
  return new Set(
    driveAddresses(model, undefined)
      .filter((u) => u.bus === bus)
      .map((u) => u.controller)
  );
}

/** Controllers of a type (explicit ones and those libvirt adds), with their model. */
export function controllersOf(
  model: DomainModel | undefined,
  type: string
): { index: number; model: string | undefined; controller: Controller | undefined }[] {
  if (!model) {
    return [];
  }
  const out = new Map<number, { index: number; model: string | undefined; controller: Controller | undefined }>();
  for (const c of model.controllers) {
    if (c.type === type && c.index?.value !== undefined && !out.has(c.index.value)) {
      out.set(c.index.value, { index: c.index.value, model: controllerModel(model, c), controller: c });
    }
  }
  for (const c of model.implicitControllers) {
    if (c.type === type && !out.has(c.index)) {
      out.set(c.index, { index: c.index, model: c.model, controller: undefined });
    }
  }
  return [...out.values()].sort((a, b) => a.index - b.index);
}

// ---------------------------------------------------------------------------
// MAC addresses, boot order, serial ports

function macsOf(model: DomainModel | undefined): Set<string> {
  return new Set((model?.interfaces ?? []).map((i) => i.mac?.value?.toLowerCase()).filter((m): m is string => !!m));
}

function octet(random: () => number): number {
  return Math.floor(random() * 256) & 0xff;
}

function formatMac(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * A random unicast, locally administered MAC address not used in the domain.
 * - 'qemu': 52:54:00:xx:xx:xx, the prefix QEMU and libvirt use for guests. 0x52 = 0101 0010:
 *   the multicast bit (0x01) is clear and the locally-administered bit (0x02) is set, so these
 *   addresses never clash with a vendor-assigned card.
 * - 'local': every octet random, then the first octet forced to x2, x6, xA or xE (bit 0x02 set,
 *   bit 0x01 clear).
 */
export function randomMac(model: DomainModel | undefined, random: () => number, style: 'qemu' | 'local'): string {
  const used = macsOf(model);
  for (let tries = 0; ; tries++) {
    const bytes =
      style === 'qemu'
        ? [0x52, 0x54, 0x00, octet(random), octet(random), octet(random)]
        : [(octet(random) & 0xfc) | 0x02, octet(random), octet(random), octet(random), octet(random), octet(random)];
    const mac = formatMac(bytes);
    if (!used.has(mac) || tries > 50) {
      return mac;
    }
  }
}

/** One more than the highest <boot order> of the domain's devices. */
export function nextBootOrder(model: DomainModel | undefined, exclude?: XmlElement): number {
  let max = 0;
  for (const d of model?.devices ?? []) {
    if (d.boot?.value !== undefined && !isExcluded(d.el, exclude)) {
      max = Math.max(max, d.boot.value);
    }
  }
  return max + 1;
}

/** Target port numbers of the <serial> devices: explicit ones, and the ones libvirt gives the others in order. */
export function freeSerialPort(model: DomainModel | undefined, exclude?: XmlElement): number {
  const serials = (model?.devices ?? []).filter((d) => d.kind === 'serial' && !isExcluded(d.el, exclude));
  const used = new Set<number>();
  let implicit = 0;
  for (const s of serials) {
    const t = child(s.el, 'target');
    const p = parseInteger(t && attr(t, 'port')?.value, 10);
    if (p !== undefined) {
      used.add(p);
    } else {
      implicit++;
    }
  }
  let port = 0;
  let skip = implicit;
  for (;;) {
    if (!used.has(port)) {
      if (skip === 0) {
        return port;
      }
      skip--;
    }
    port++;
  }
}

export function hasConsole(model: DomainModel | undefined): boolean {
  return (model?.devices ?? []).some((d) => d.kind === 'console');
}

/** The device (child of <devices>, or the fragment root) that holds an element. */
export function deviceOf(model: DomainModel | undefined, el: XmlElement | undefined): Device | undefined {
  if (!model || !el) {
    return undefined;
  }
  if (model.kind === 'fragment') {
    return model.devices[0];
  }
  let cur: XmlElement | undefined = el;
  while (cur && cur.parent && !(cur.parent.name === 'devices' && cur.parent.parent === model.root)) {
    cur = cur.parent;
  }
  return cur?.parent ? model.devices.find((d) => d.el === cur) : undefined;
}

/** Children named `name` directly under the domain's <devices>. */
export function deviceElements(model: DomainModel | undefined, name: string): XmlElement[] {
  const devices = model?.kind === 'domain' ? child(model.root, 'devices') : undefined;
  return devices ? childrenNamed(devices, name) : [];
}

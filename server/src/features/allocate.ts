/**
 * Free resources of a domain, for completion and device templates: controller indexes, PCI
 * slots, USB ports, disk targets and drive units, MAC addresses, boot orders, serial ports.
 * Every function reads the domain model of the current document version and never changes it.
 * `exclude` is an element being edited: the device holding it does not count as taking what it
 * holds (its own index, slot, port or target is offered again).
 *
 * The model may be undefined (an empty file): then everything is free.
 *
 * Cost: what is taken is tallied once per model (one pass over the devices per kind of
 * resource, memoised: the model of a document version never changes); each question is then
 * answered from the tallies, an excluded device being subtracted, so a completion request on a
 * domain with thousands of devices stays in the milliseconds.
 */
import { controllerModel, parseInteger } from '../model/build';
import { diskIndex, diskLetters, implicitDrive, TARGET_RE, targetIndex } from '../model/drive';
import {
  busInfo,
  chipsetReservations,
  CONTROLLER_ONLY_BUSES,
  guestSlotRange,
  inRange,
  isEmptyPci,
  PCI_CONTROLLER_PARENTS,
  resolvePci,
} from '../model/pci';
import { usbBuses, type UsbBus } from '../model/usb';
import type { Controller, Device, Disk, DomainModel } from '../model/types';
import { attr, child, childrenNamed, type XmlElement } from '../syntax/tree';

// ---------------------------------------------------------------------------
// memo and tallies

const memos = new WeakMap<DomainModel, Map<string, unknown>>();

function memo<T>(model: DomainModel, key: string, compute: () => T): T {
  let m = memos.get(model);
  if (!m) {
    memos.set(model, (m = new Map<string, unknown>()));
  }
  if (m.has(key)) {
    return m.get(key) as T;
  }
  const v = compute();
  m.set(key, v);
  return v;
}

type KeyOf = (d: Device) => string | undefined;

/** How many devices hold each key; `keyOf` says which key one device holds. */
interface Tally {
  counts: Map<string, number>;
  keyOf: KeyOf;
}

const indexKey: KeyOf = (d) => {
  const c = d as Controller;
  return d.kind === 'controller' && c.type !== undefined && c.index?.value !== undefined ? `${c.type}/${c.index.value}` : undefined;
};

const slotKey: KeyOf = (d) => {
  if (d.address?.type !== 'pci') {
    return undefined;
  }
  const at = resolvePci(d.address);
  return at && !isEmptyPci(at) && inRange(at) ? `${at.bus}/${at.slot}` : undefined;
};

const portKey: KeyOf = (d) => {
  const a = d.address;
  const first = a?.type === 'usb' ? a.portPath?.[0] : undefined;
  return a?.type === 'usb' && first !== undefined && first > 0 ? `${a.bus ? a.bus.value : 0}/${first}` : undefined;
};

const targetKey: KeyOf = (d) => (d.kind === 'disk' ? (d as Disk).targetDev?.value || undefined : undefined);

const DRIVE_BUSES = new Set(['ide', 'sata', 'scsi', 'fdc']);

/** "bus|controller|driveBus|target|unit" of a disk's drive address: written out, or derived by libvirt from the target name. */
const driveKey: KeyOf = (d) => {
  if (d.kind !== 'disk') {
    return undefined;
  }
  const disk = d as Disk;
  const bus = disk.bus?.value ?? '';
  const a = disk.address;
  if (a?.type === 'drive') {
    return `${bus}|${a.controller?.value ?? 0}|${a.bus?.value ?? 0}|${a.target?.value ?? 0}|${a.unit?.value ?? 0}`;
  }
  if (!a && DRIVE_BUSES.has(bus)) {
    const idx = targetIndex(disk.targetDev?.value);
    const at = idx === undefined ? undefined : implicitDrive(bus, idx);
    return at ? `${bus}|${at.controller}|${at.bus}|${at.target}|${at.unit}` : undefined;
  }
  return undefined;
};

function count(t: Tally, k: string | undefined): void {
  if (k !== undefined) {
    t.counts.set(k, (t.counts.get(k) ?? 0) + 1);
  }
}

/** Controller indexes in use: from the controllers alone. */
function indexFacts(model: DomainModel): Tally {
  return memo(model, 'indexFacts', () => {
    const t: Tally = { counts: new Map(), keyOf: indexKey };
    for (const c of model.controllers) {
      count(t, indexKey(c));
    }
    return t;
  });
}

/** Disk targets and drive addresses in use: from the disks alone (a small, uniform list). */
function diskFacts(model: DomainModel): { targets: Tally; drives: Tally } {
  return memo(model, 'diskFacts', () => {
    const f = { targets: { counts: new Map(), keyOf: targetKey }, drives: { counts: new Map(), keyOf: driveKey } };
    for (const d of model.disks) {
      count(f.targets, targetKey(d));
      count(f.drives, driveKey(d));
    }
    return f;
  });
}

/** What every kind of device may hold: PCI slots, USB ports, serial ports, boot orders; one pass over the devices. */
interface DeviceFacts {
  slots: Tally;
  ports: Tally;
  serials: Device[];
  booting: Device[];
  console: boolean;
}

function deviceFacts(model: DomainModel): DeviceFacts {
  return memo(model, 'deviceFacts', () => {
    const f: DeviceFacts = {
      slots: { counts: new Map(), keyOf: slotKey },
      ports: { counts: new Map(), keyOf: portKey },
      serials: [],
      booting: [],
      console: false,
    };
    for (const d of model.devices) {
      const a = d.address;
      if (a?.type === 'pci') {
        count(f.slots, slotKey(d));
      } else if (a?.type === 'usb') {
        count(f.ports, portKey(d));
      }
      if (d.kind === 'serial') {
        f.serials.push(d);
      } else if (d.kind === 'console') {
        f.console = true;
      }
      if (d.boot?.value !== undefined) {
        f.booting.push(d);
      }
    }
    return f;
  });
}

/** A key is taken when some device other than the excluded one holds it. */
function takenIn(t: Tally, own: readonly string[], key: string): boolean {
  let n = t.counts.get(key) ?? 0;
  for (const k of own) {
    if (k === key) {
      n--;
    }
  }
  return n > 0;
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
  if (!cur?.parent) {
    return undefined;
  }
  // Devices are in document order: a binary search by start offset.
  const list = model.devices;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = list[mid]!;
    if (d.el === cur) {
      return d;
    }
    if (d.el.span.start < cur.span.start) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return list.find((d) => d.el === cur);
}

/** The key the device around `exclude` holds in a tally. */
function ownKeys(model: DomainModel, t: Tally, exclude: XmlElement | undefined): string[] {
  const d = exclude && deviceOf(model, exclude);
  const k = d ? t.keyOf(d) : undefined;
  return k === undefined ? [] : [k];
}

// ---------------------------------------------------------------------------
// controller indexes

/** True when index `i` of `type` is taken: by a controller (other than the excluded one), or by one libvirt adds itself. */
function indexTaken(model: DomainModel | undefined, type: string, i: number, exclude: XmlElement | undefined): boolean {
  if (!model) {
    return false;
  }
  const t = indexFacts(model);
  if (takenIn(t, ownKeys(model, t, exclude), `${type}/${i}`)) {
    return true;
  }
  // Controllers libvirt adds by itself (USB 0, SATA 0 on q35...) are there too: a new one would replace them.
  return model.implicitControllers.some((c) => c.type === type && c.index === i);
}

/** The smallest free index for a new controller of `type` (PCI controllers start at 1: 0 is the root). */
export function freeControllerIndex(
  model: DomainModel | undefined,
  type: string,
  exclude?: XmlElement,
  taken: ReadonlySet<number> = new Set()
): number {
  let i = type === 'pci' ? 1 : 0;
  while (taken.has(i) || indexTaken(model, type, i, exclude)) {
    i++;
  }
  return i;
}

/** Indexes used by controllers of a type (explicit ones and those libvirt adds). */
export function usedControllerIndexes(model: DomainModel | undefined, type: string): ReadonlySet<number> {
  if (!model) {
    return new Set();
  }
  return memo(model, `indexes/${type}`, () => {
    const used = new Set<number>();
    for (const c of model.controllers) {
      if (c.type === type && c.index?.value !== undefined) {
        used.add(c.index.value);
      }
    }
    for (const c of model.implicitControllers) {
      if (c.type === type) {
        used.add(c.index);
      }
    }
    return used;
  });
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

function freeSlotsOn(model: DomainModel, bus: number, own: readonly string[]): number[] {
  const [lo, hi] = guestSlotRange(model, bus);
  const t = deviceFacts(model).slots;
  const reserved = new Set(bus === 0 ? chipsetReservations(model).map((r) => r.slot) : []);
  const out: number[] = [];
  for (let s = lo; s <= hi; s++) {
    if (!takenIn(t, own, `${bus}/${s}`) && !reserved.has(s)) {
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
  const self = exclude ? deviceOf(model, exclude) : undefined;
  const k = self ? slotKey(self) : undefined;
  const own = k === undefined ? [] : [k];
  const compute = (): PciBusSummary[] => {
    const indexes = new Set<number>();
    const machineKnown = model.kind === 'domain' || model.machine.origin === 'config';
    if (machineKnown && model.machine.family !== 'other') {
      indexes.add(0);
    }
    for (const c of model.controllers) {
      // A controller does not plug into its own bus.
      if (c.type === 'pci' && c.index?.value !== undefined && c.el !== self?.el) {
        indexes.add(c.index.value);
      }
    }
    return [...indexes]
      .sort((a, b) => a - b)
      .map((index) => {
        const info = busInfo(model, index);
        return {
          index,
          model: info.model,
          freeSlots: freeSlotsOn(model, index, own),
          endpoints: !(info.model && CONTROLLER_ONLY_BUSES[info.model]),
        };
      });
  };
  return self ? compute() : memo(model, 'buses', compute);
}

/** Free slots on one bus (for a device being edited, its own slot counts as free). */
export function freePciSlots(model: DomainModel | undefined, bus: number, exclude?: XmlElement): number[] {
  if (!model) {
    return bus === 0 ? range(3, 0x1e) : range(0, 31);
  }
  return freeSlotsOn(model, bus, ownKeys(model, deviceFacts(model).slots, exclude));
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
  let best: PciBusSummary | undefined;
  for (const b of buses) {
    if (!best || rank(b) < rank(best)) {
      best = b;
    }
  }
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
  const used = model
    ? memo(model, 'hostPci', () => {
        const out = new Set<string>();
        for (const h of model.hostdevs) {
          const s = h.pciSource;
          if (h.type === 'pci' && s) {
            out.add(`${s.domain?.value ?? 0}:${s.bus?.value ?? 0}:${s.slot?.value ?? 0}.${s.function?.value ?? 0}`);
          }
        }
        return out;
      })
    : new Set<string>();
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
  const self = deviceOf(model, exclude)?.el;
  const used = new Set<number>(taken);
  for (const c of model?.controllers ?? []) {
    const m = model ? controllerModel(model, c) : undefined;
    if (c.type === 'pci' && m && PCIE_PORTS.has(m) && c.el !== self) {
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

/** True when no other root or downstream port uses this chassis number. */
export function chassisFree(model: DomainModel | undefined, chassis: number, exclude?: XmlElement): boolean {
  return freeChassis(model, exclude, new Set(range(1, chassis - 1))) === chassis;
}

/** The root-port number libvirt would give a port at `slot`.function 0 (slot << 3), moved on while taken. */
export function freeRootPortNumber(model: DomainModel | undefined, slot: number, exclude?: XmlElement): number {
  const self = deviceOf(model, exclude)?.el;
  const used = new Set<number>();
  for (const c of model?.controllers ?? []) {
    if (c.type === 'pci' && c.port?.value !== undefined && c.el !== self) {
      used.add(c.port.value);
    }
  }
  const start = (slot << 3) & 0xff;
  // Port numbers are 0-255; when every one is taken (duplicates are allowed), keep the default.
  for (let k = 0; k < 256; k++) {
    const p = (start + k) & 0xff;
    if (!used.has(p)) {
      return p;
    }
  }
  return start;
}

// ---------------------------------------------------------------------------
// USB

export interface UsbBusSummary {
  index: number;
  model: string | undefined;
  ports: number | undefined;
  freePorts: number[];
}

/** USB buses with their free top-level ports (an unknown port count offers ports 1-4). */
export function usbBusSummaries(model: DomainModel | undefined, exclude?: XmlElement): UsbBusSummary[] {
  if (!model) {
    return [];
  }
  const t = deviceFacts(model).ports;
  const own = ownKeys(model, t, exclude);
  const compute = (): UsbBusSummary[] =>
    memo(model, 'usbBuses', (): UsbBus[] => usbBuses(model).sort((a, b) => a.index - b.index)).map((b) => {
      const n = b.ports ?? 4;
      const free: number[] = [];
      for (let p = 1; p <= n; p++) {
        if (!takenIn(t, own, `${b.index}/${p}`)) {
          free.push(p);
        }
      }
      return { index: b.index, model: b.model, ports: b.ports, freePorts: free };
    });
  return own.length > 0 ? compute() : memo(model, 'usbSummaries', compute);
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
  const used = model
    ? memo(model, 'usbIds', () => {
        const out = new Set<string>();
        for (const h of model.hostdevs) {
          if (h.type === 'usb') {
            out.add(`${parseInteger(h.usbVendor?.value, 0) ?? -1}:${parseInteger(h.usbProduct?.value, 0) ?? -1}`);
          }
        }
        return out;
      })
    : new Set<string>();
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

/** Indexes of the target names in use, by prefix (vda -> 'vd' 0), from the tally of names. */
function targetIndexes(model: DomainModel): Map<string, Set<number>> {
  return memo(model, 'targetIndexes', () => {
    const out = new Map<string, Set<number>>();
    for (const name of diskFacts(model).targets.counts.keys()) {
      const m = TARGET_RE.exec(name);
      if (m) {
        let set = out.get(m[1]!);
        if (!set) {
          out.set(m[1]!, (set = new Set()));
        }
        set.add(diskIndex(m[2]!));
      }
    }
    return out;
  });
}

/** The first target name with `prefix` that no other disk uses. */
export function freeTarget(
  model: DomainModel | undefined,
  prefix: string,
  exclude?: XmlElement,
  taken: ReadonlySet<string> = new Set()
): string {
  if (model && !exclude && taken.size === 0) {
    return memo(model, `target/${prefix}`, () => computeFreeTarget(model, prefix, undefined, taken));
  }
  return computeFreeTarget(model, prefix, exclude, taken);
}

function computeFreeTarget(
  model: DomainModel | undefined,
  prefix: string,
  exclude: XmlElement | undefined,
  taken: ReadonlySet<string>
): string {
  const used = model ? targetIndexes(model).get(prefix) : undefined;
  const t = model ? diskFacts(model).targets : undefined;
  const own = model && t ? ownKeys(model, t, exclude) : [];
  for (let i = 0; ; i++) {
    if (used?.has(i)) {
      if (own.length === 0) {
        continue;
      }
      const name = prefix + diskLetters(i);
      if (!own.includes(name) || takenIn(t!, own, name)) {
        continue;
      }
    }
    if (taken.size > 0 && taken.has(prefix + diskLetters(i))) {
      continue;
    }
    return prefix + diskLetters(i);
  }
}

const MAX_UNIT: Record<string, number> = { ide: 1, sata: 5, fdc: 1, scsi: 6 };

/** The first free (bus, target, unit) on a disk controller. */
export function freeDriveUnit(
  model: DomainModel | undefined,
  bus: string,
  controller: number,
  exclude?: XmlElement
): { bus: number; target: number; unit: number } {
  const t = model ? diskFacts(model).drives : undefined;
  const own = model && t ? ownKeys(model, t, exclude) : [];
  const maxUnit = MAX_UNIT[bus] ?? 6;
  const maxBus = bus === 'ide' ? 1 : 0;
  const maxTarget = bus === 'scsi' ? 255 : 0;
  for (let target = 0; target <= maxTarget; target++) {
    for (let b = 0; b <= maxBus; b++) {
      for (let unit = 0; unit <= maxUnit; unit++) {
        if (!t || !takenIn(t, own, `${bus}|${controller}|${b}|${target}|${unit}`)) {
          return { bus: b, target, unit };
        }
      }
    }
  }
  return { bus: 0, target: 0, unit: 0 };
}

/** Disk controller indexes of a type the domain's disks refer to (explicitly or through target names). */
export function referencedDiskControllers(model: DomainModel | undefined, bus: string): ReadonlySet<number> {
  return model ? memo(model, `diskControllers/${bus}`, () => computeReferenced(model, bus)) : new Set();
}

function computeReferenced(model: DomainModel | undefined, bus: string): Set<number> {
  const out = new Set<number>();
  if (model) {
    for (const k of diskFacts(model).drives.counts.keys()) {
      const [b, c] = k.split('|');
      if (b === bus) {
        out.add(Number(c));
      }
    }
  }
  return out;
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

/** MAC addresses of the domain's interfaces, lower case. */
function macsOf(model: DomainModel | undefined): ReadonlySet<string> {
  if (!model) {
    return new Set();
  }
  return memo(model, 'macs', () => {
    const out = new Set<string>();
    for (const i of model.interfaces) {
      const v = i.mac?.value;
      if (v) {
        out.add(v.toLowerCase());
      }
    }
    return out;
  });
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
    if (tries > 50 || !used.has(mac)) {
      return mac;
    }
  }
}

/** One more than the highest <boot order> of the domain's devices (the excluded one left out). */
export function nextBootOrder(model: DomainModel | undefined, exclude?: XmlElement): number {
  if (!model) {
    return 1;
  }
  const self = deviceOf(model, exclude)?.el;
  const booting = deviceFacts(model).booting;
  let max = 0;
  for (const d of booting) {
    if (d.el !== self) {
      max = Math.max(max, d.boot!.value!);
    }
  }
  return max + 1;
}

/** The next serial port number: explicit ports are taken, and libvirt numbers the others in order. */
export function freeSerialPort(model: DomainModel | undefined, exclude?: XmlElement): number {
  const self = deviceOf(model, exclude)?.el;
  if (model && !self) {
    return memo(model, 'serialPort', () => computeSerialPort(model, undefined));
  }
  return computeSerialPort(model, self);
}

function computeSerialPort(model: DomainModel | undefined, self: XmlElement | undefined): number {
  const serials = model ? deviceFacts(model).serials : [];
  const used = new Set<number>();
  let implicit = 0;
  for (const s of serials) {
    if (s.el === self) {
      continue;
    }
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
  return model ? deviceFacts(model).console : false;
}

/** Children named `name` directly under the domain's <devices>. */
export function deviceElements(model: DomainModel | undefined, name: string): XmlElement[] {
  const devices = model?.kind === 'domain' ? child(model.root, 'devices') : undefined;
  return devices ? childrenNamed(devices, name) : [];
}

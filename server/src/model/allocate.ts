/**
 * The allocator: the one place that knows which resources of a domain are taken and which one a
 * new or moved device should get. PCI slots and functions per bus, controller indexes per type,
 * USB ports per bus (hub ports included), disk target names, drive addresses, MAC addresses,
 * chassis and root-port numbers, boot orders, serial ports, host PCI addresses.
 *
 * Everyone asks here: quick fixes, Fix All and `--fix`, completion and device templates. So a
 * quick fix, a completion item and a template propose the same free slot for the same document.
 *
 * An `Allocation` is a session over one model. Questions (`free…`) answer from what the document
 * holds plus what the session has already handed out; `take…` answers the same question and
 * reserves the answer in the session. Fixes applied together (Fix All) share one session, so no
 * two of them take the same slot, index, port or target; a single quick fix, a completion or a
 * template uses a fresh session and gets the first free resource.
 *
 * `exclude` is the device being edited or moved: what it holds itself counts as free for it (a
 * device keeps its own slot when asked where it may go). It is a device, or an element inside one.
 *
 * Cost: what the document holds is tallied once per model (memoised: a model never changes) in
 * one pass per kind of resource; every question is then answered from the tallies, so a fix per
 * finding on a domain with thousands of devices, or a completion request, stays in milliseconds.
 */
import { parseInteger } from '../../../lib/integer';
import type { XmlElement } from '../syntax/tree';
import { attr, child } from '../syntax/tree';
import { carryDeviceIndex, controllerModel, deviceOf } from './build';
import { diskIndex, diskLetters, implicitDrive, TARGET_RE, targetIndex, type DriveNumbers } from './drive';
import {
  busInfo,
  carryPciCaches,
  chipsetReservations,
  CONTROLLER_ONLY_BUSES,
  guestSlotRange,
  inRange,
  isEmptyPci,
  PCI_CONTROLLER_PARENTS,
  resolvePci,
  type ResolvedPci,
} from './pci';
import type { Controller, Device, Disk, DomainModel } from './types';
import { usbBuses, usbPortCount, type UsbBus } from './usb';

/** One resource a session handed out: its kind ('pci', 'index', 'usb'...) and key. */
export type Reservation = readonly [kind: string, key: string | number];

/** The device being edited or moved: a device, or any element inside one. */
type Exclude = Device | XmlElement | undefined;

// ---------------------------------------------------------------------------
// tallies: what the document holds, once per model

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

/**
 * `next` holds the same device records as `prev` (a new model object for a new version of the
 * text, analysis.ts reanalyze, after an edit between devices): its tallies are `prev`'s, shared
 * (they hold keys and device records, no text offsets), so completion on the next version does
 * not count thousands of devices again.
 */
export function carryTallies(prev: DomainModel, next: DomainModel): void {
  const m = memos.get(prev);
  if (m && !memos.has(next)) {
    memos.set(next, m);
  }
  carryPciCaches(prev, next);
  carryDeviceIndex(prev, next);
}

/** How many devices hold each key, and which keys each device holds. */
interface Tally {
  counts: Map<string, number>;
  keysOf: (d: Device) => readonly string[];
}

function tally(devices: readonly Device[], keysOf: (d: Device) => readonly string[]): Tally {
  const counts = new Map<string, number>();
  for (const d of devices) {
    for (const k of keysOf(d)) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return { counts, keysOf };
}

/** True when a device other than `self` holds `key`. */
function held(t: Tally, self: Device | undefined, key: string): boolean {
  let n = t.counts.get(key) ?? 0;
  if (n > 0 && self) {
    for (const k of t.keysOf(self)) {
      if (k === key) {
        n--;
      }
    }
  }
  return n > 0;
}

const none: readonly string[] = [];

/** 'type/index' of a controller. */
function indexKeys(d: Device): readonly string[] {
  return d.kind === 'controller' && d.type !== undefined && d.index?.value !== undefined ? [`${d.type}/${d.index.value}`] : none;
}

/** 'bus/slot' and 'bus/slot.function' of a device at an explicit PCI address libvirt keeps. */
function pciKeys(d: Device): readonly string[] {
  const at = d.address?.type === 'pci' ? resolvePci(d.address) : undefined;
  return at && !isEmptyPci(at) && inRange(at) ? [`${at.bus}/${at.slot}`, `${at.bus}/${at.slot}.${at.function}`] : none;
}

/** 'bus/path' of a USB address, with every hop before it ('1.2' holds '1' too: a hub is there). */
function usbKeys(d: Device): readonly string[] {
  const a = d.address;
  if (a?.type !== 'usb' || !a.portPath || a.portPath.every((p) => p === 0)) {
    return none;
  }
  const bus = a.bus ? a.bus.value : 0;
  if (bus === undefined) {
    return none;
  }
  const out: string[] = [];
  for (let k = 1; k <= a.portPath.length; k++) {
    out.push(`${bus}/${a.portPath.slice(0, k).join('.')}`);
  }
  return out;
}

function targetKeys(d: Device): readonly string[] {
  return d.kind === 'disk' && d.targetDev?.value ? [d.targetDev.value] : none;
}

const DRIVE_BUSES: ReadonlySet<string> = new Set(['ide', 'sata', 'scsi', 'fdc']);

/**
 * Disk records are reused from one version of a document to the next (model/build.ts withDevice):
 * their drive addresses are read once. The numbers returned are shared: never change them.
 */
const drives = new WeakMap<Disk, DriveNumbers | null>();

/** The drive address of a disk: written out, or derived by libvirt from its target name. */
export function driveOf(d: Disk): DriveNumbers | undefined {
  let at = drives.get(d);
  if (at === undefined) {
    drives.set(d, (at = readDrive(d) ?? null));
  }
  return at ?? undefined;
}

function readDrive(d: Disk): DriveNumbers | undefined {
  const a = d.address;
  if (a?.type === 'drive') {
    const [controller, bus, target, unit] = [a.controller, a.bus, a.target, a.unit].map((n) => (n ? n.value : 0));
    return controller !== undefined && bus !== undefined && target !== undefined && unit !== undefined
      ? { controller, bus, target, unit }
      : undefined;
  }
  const busType = d.bus?.value;
  if (!a && busType && DRIVE_BUSES.has(busType)) {
    const idx = targetIndex(d.targetDev?.value);
    return idx === undefined ? undefined : implicitDrive(busType, idx);
  }
  return undefined;
}

/** 'busType|controller|bus|target|unit' of a disk's drive address. */
function driveKeys(d: Device): readonly string[] {
  if (d.kind !== 'disk') {
    return none;
  }
  const at = driveOf(d);
  return at ? [`${d.bus?.value ?? ''}|${at.controller}|${at.bus}|${at.target}|${at.unit}`] : none;
}

function chassisKeys(model: DomainModel): (d: Device) => readonly string[] {
  return (d) => {
    if (d.kind !== 'controller' || d.type !== 'pci') {
      return none;
    }
    const m = controllerModel(model, d);
    const chassis = m && PCIE_PORTS.has(m) ? (d.chassis?.value ?? d.index?.value) : undefined;
    return chassis === undefined ? none : [String(chassis)];
  };
}

function rootPortKeys(d: Device): readonly string[] {
  return d.kind === 'controller' && d.type === 'pci' && d.port?.value !== undefined ? [String(d.port.value)] : none;
}

function bootKeys(d: Device): readonly string[] {
  return d.boot?.value !== undefined ? [String(d.boot.value)] : none;
}

function macKeys(d: Device): readonly string[] {
  return d.kind === 'interface' && d.mac?.value ? [d.mac.value.toLowerCase()] : none;
}

function hostPciKeys(model: DomainModel): Set<string> {
  return memo(model, 'hostPci', () => {
    const out = new Set<string>();
    for (const h of model.hostdevs) {
      const s = h.pciSource;
      if (h.type === 'pci' && s) {
        out.add(`${s.domain?.value ?? 0}:${s.bus?.value ?? 0}:${s.slot?.value ?? 0}.${s.function?.value ?? 0}`);
      }
    }
    return out;
  });
}

const tallies = {
  indexes: (m: DomainModel) => memo(m, 'indexes', () => tally(m.controllers, indexKeys)),
  pci: (m: DomainModel) => memo(m, 'pci', () => tally(m.devices, pciKeys)),
  usb: (m: DomainModel) => memo(m, 'usb', () => tally(m.devices, usbKeys)),
  usbExact: (m: DomainModel) => memo(m, 'usbExact', () => tally(m.devices, (d) => usbKeys(d).slice(-1))),
  targets: (m: DomainModel) => memo(m, 'targets', () => tally(m.disks, targetKeys)),
  drives: (m: DomainModel) => memo(m, 'drives', () => tally(m.disks, driveKeys)),
  chassis: (m: DomainModel) => memo(m, 'chassis', () => tally(m.controllers, chassisKeys(m))),
  rootPorts: (m: DomainModel) => memo(m, 'rootPorts', () => tally(m.controllers, rootPortKeys)),
  boot: (m: DomainModel) => memo(m, 'boot', () => tally(m.devices, bootKeys)),
  macs: (m: DomainModel) => memo(m, 'macs', () => tally(m.interfaces, macKeys)),
};

/**
 * Whether two disks of the model share a target name ('targets') or a drive address ('drives'):
 * from the allocator's tallies, which are carried from one version to the next while no device
 * changes, so the disk checks skip their pass over thousands of disks when nothing is shared.
 */
export function disksShare(model: DomainModel, what: 'targets' | 'drives'): boolean {
  return memo(model, `shared/${what}`, () => {
    for (const n of tallies[what](model).counts.values()) {
      if (n > 1) {
        return true;
      }
    }
    return false;
  });
}

/** Target-name indexes in use per prefix (vda -> 'vd' 0). */
function targetIndexes(model: DomainModel): Map<string, Set<number>> {
  return memo(model, 'targetIndexes', () => {
    const out = new Map<string, Set<number>>();
    for (const name of tallies.targets(model).counts.keys()) {
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

/** The first target index with `prefix` no disk of the model uses (a disk-heavy domain has thousands in a row). */
function firstFreeTargetIndex(model: DomainModel, prefix: string): number {
  return memo(model, `firstFreeTarget/${prefix}`, () => {
    const used = targetIndexes(model).get(prefix);
    const targets = tallies.targets(model);
    let i = 0;
    while (used?.has(i) && held(targets, undefined, prefix + diskLetters(i))) {
      i++;
    }
    return i;
  });
}

const PCIE_PORTS: ReadonlySet<string> = new Set(['pcie-root-port', 'pcie-switch-downstream-port']);

/** The highest unit of each drive bus (libvirt 9.0: IDE 2 per bus, SATA 6, floppy 2, SCSI 7). */
const MAX_UNIT: Readonly<Record<string, number>> = { ide: 1, sata: 5, fdc: 1, scsi: 6 };

/**
 * Ports of a USB controller whose model is not known here (a non-x86 machine's default): libvirt
 * picks qemu-xhci (4 ports) or pci-ohci (3 ports) there; the fewer is offered, so an offered port
 * exists whichever it picks.
 */
const UNKNOWN_USB_PORTS = 3;

/** Ports of a hub (libvirt 9.0 virDomainUSBAddressHubNew: usb-hub has 8). */
const HUB_PORTS = usbPortCount('hub', undefined);

/** More top-level ports than any USB controller has (xHCI: 15, qusb: 8). */
const MAX_USB_PORTS = 32;

/** libvirt accepts port paths of at most 4 hops. */
const MAX_USB_HOPS = 4;

interface PciBusSummary {
  index: number;
  /** Controller model providing the bus (undefined when unknown, as in a fragment). */
  model: string | undefined;
  /** Free slots in the bus's guest range, lowest first. */
  freeSlots: number[];
  /** Takes endpoint devices (not only other controllers). */
  endpoints: boolean;
}

interface UsbBusSummary {
  index: number;
  model: string | undefined;
  /** Top-level ports; undefined when the controller model is unknown. */
  ports: number | undefined;
  /** Free top-level ports. */
  freePorts: number[];
  /** Free ports on the bus's hubs ('1.3'), after the top-level ones. */
  freeHubPorts: string[];
}

interface UsbPlace {
  bus: number;
  /** The port path: '2', or '1.3' on a hub. */
  port: string;
}

interface DrivePlace {
  bus: number;
  target: number;
  unit: number;
}

/** A session of questions and reservations over one model (or over an empty document). */
export class Allocation {
  /** Resources handed out by `take…` in this session, per kind. */
  private readonly reserved = new Map<string, Set<string | number>>();
  /** The same, in the order they were handed out (see `adopt`). */
  private readonly log: Reservation[] = [];
  /** USB buses a fix of this session adds (a new controller): index -> port count. */
  private readonly plannedUsb = new Map<number, number>();
  /** Where the last search of a number sequence without `exclude` ended (see firstFree). */
  private readonly cursors = new Map<string, number>();

  constructor(readonly model: DomainModel | undefined) {}

  private device(exclude: Exclude): Device | undefined {
    if (!exclude || !this.model) {
      return undefined;
    }
    return 'kind' in exclude && 'el' in exclude ? exclude : deviceOf(this.model, exclude);
  }

  /**
   * The lowest number from `start` on that is free for `self`. What is taken only grows within a
   * session, so a search resumes where the previous one with the same `key` ended: Fix All asks
   * once per finding, and thousands of findings stay linear. `self` holds at most one number of
   * the sequence (`own`), which is free for it when nobody else holds it.
   */
  private firstFree(
    key: string,
    start: number,
    taken: (i: number, self: Device | undefined) => boolean,
    self: Device | undefined,
    own: number | undefined,
    /** Where to start looking: every number from `start` below it is known to be taken. */
    floor = start
  ): number {
    const cursorKey = `${key}@${start}`;
    let i = Math.max(start, floor, this.cursors.get(cursorKey) ?? start);
    while (taken(i, undefined)) {
      i++;
    }
    this.cursors.set(cursorKey, i);
    return self && own !== undefined && own >= start && own < i && !taken(own, self) ? own : i;
  }

  private isReserved(kind: string, key: string | number): boolean {
    return this.reserved.get(kind)?.has(key) ?? false;
  }

  private reserve(kind: string, key: string | number): void {
    let set = this.reserved.get(kind);
    if (!set) {
      this.reserved.set(kind, (set = new Set()));
    }
    set.add(key);
    this.log.push([kind, key]);
  }

  /** What this session has handed out, in order. */
  reservations(): readonly Reservation[] {
    return this.log;
  }

  /**
   * Takes over what another session over the same model handed out, when none of it is handed
   * out here yet: true when adopted. What the document holds is the same in both sessions, so
   * the other session's answers are then free here too, and a fix built there can be applied as
   * it is (Fix All rebuilds a fix only when an earlier one took what it wants).
   */
  adopt(taken: readonly Reservation[]): boolean {
    if (taken.some(([kind, key]) => this.isReserved(kind, key))) {
      return false;
    }
    for (const [kind, key] of taken) {
      this.reserve(kind, key);
      if (kind === 'usbBus') {
        const [index, ports] = String(key).split(':').map(Number);
        this.plannedUsb.set(index!, ports!);
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- controller indexes

  /**
   * True when `type`/`i` is held by a written controller (not `self`) or by this session, and,
   * with `implicit`, by one libvirt adds itself (a new controller there would replace it: USB 0,
   * SATA 0 on q35...).
   */
  private indexTaken(type: string, i: number, self: Device | undefined, implicit = true): boolean {
    const m = this.model;
    if (this.isReserved('index', `${type}/${i}`)) {
      return true;
    }
    if (!m) {
      return false;
    }
    return (
      held(tallies.indexes(m), self, `${type}/${i}`) || (implicit && m.implicitControllers.some((c) => c.type === type && c.index === i))
    );
  }

  /**
   * The smallest free index for a controller of `type`, from `after + 1` on (a pci-bridge goes
   * above the bus it sits on). PCI controllers start at 1: 0 is the root.
   */
  freeControllerIndex(type: string, opts: { exclude?: Exclude; after?: number; alsoFree?: (i: number) => boolean } = {}): number {
    const self = this.device(opts.exclude);
    // Past 2^53 a number no longer changes by adding 1 (bus='18446744073709551616'): start low then.
    const after = opts.after !== undefined && Number.isSafeInteger(opts.after + 1) ? opts.after + 1 : 0;
    const start = Math.max(after, type === 'pci' ? 1 : 0);
    const alsoFree = opts.alsoFree;
    if (alsoFree) {
      let i = start;
      while (this.indexTaken(type, i, self) || !alsoFree(i)) {
        i++;
      }
      return i;
    }
    const own = self?.kind === 'controller' && self.type === type ? self.index?.value : undefined;
    return this.firstFree(`index/${type}`, start, (i, s) => this.indexTaken(type, i, s), self, own);
  }

  takeControllerIndex(type: string, opts: { exclude?: Exclude; after?: number; alsoFree?: (i: number) => boolean } = {}): number {
    const i = this.freeControllerIndex(type, opts);
    this.reserve('index', `${type}/${i}`);
    return i;
  }

  /**
   * Takes index `i` of `type` when no written controller (but `exclude`) has it: true when taken
   * now. A controller libvirt would add there itself does not count: this one takes its place.
   */
  claimControllerIndex(type: string, i: number, exclude?: Exclude): boolean {
    if (this.indexTaken(type, i, this.device(exclude), false)) {
      return false;
    }
    this.reserve('index', `${type}/${i}`);
    return true;
  }

  /** Indexes used by controllers of a type (written ones and those libvirt adds). */
  usedControllerIndexes(type: string): ReadonlySet<number> {
    const m = this.model;
    if (!m) {
      return new Set();
    }
    return memo(m, `indexes/${type}`, () => {
      const used = new Set<number>();
      for (const c of m.controllers) {
        if (c.type === type && c.index?.value !== undefined) {
          used.add(c.index.value);
        }
      }
      for (const c of m.implicitControllers) {
        if (c.type === type) {
          used.add(c.index);
        }
      }
      return used;
    });
  }

  /**
   * An index free for a new PCIe root port: free as a PCI controller index and as a chassis
   * number (a root port without a chassis takes its index as chassis).
   */
  takeRootPortIndex(): number {
    const i = this.takeControllerIndex('pci', { alsoFree: (n) => this.chassisIsFree(n, undefined) });
    this.reserve('chassis', i);
    return i;
  }

  // ---------------------------------------------------------------- PCI

  private slotTaken(bus: number, slot: number, self: Device | undefined): boolean {
    if (this.isReserved('pci', `${bus}/${slot}`)) {
      return true;
    }
    return !!this.model && held(tallies.pci(this.model), self, `${bus}/${slot}`);
  }

  /** Free slots in the guest range of `bus` (bus 0: 0x03-0x1e), lowest first; chipset slots are never free. */
  freePciSlots(bus: number, exclude?: Exclude): number[] {
    const m = this.model;
    if (!m) {
      return bus === 0 ? range(3, 0x1e) : range(0, 31);
    }
    const self = this.device(exclude);
    const [lo, hi] = guestSlotRange(m, bus);
    const reserved = new Set(bus === 0 ? chipsetReservations(m).map((r) => r.slot) : []);
    const out: number[] = [];
    for (let s = lo; s <= hi; s++) {
      if (!reserved.has(s) && !this.slotTaken(bus, s, self)) {
        out.push(s);
      }
    }
    return out;
  }

  /** The first free slot of `bus` (as freePciSlots), undefined when the bus is full. */
  freePciSlot(bus: number, exclude?: Exclude): number | undefined {
    const m = this.model;
    if (!m) {
      return this.freePciSlots(bus)[0];
    }
    const self = this.device(exclude);
    const [lo, hi] = guestSlotRange(m, bus);
    const chipset = bus === 0 ? chipsetReservations(m).map((r) => r.slot) : [];
    // Past the last slot everything counts as taken by nobody in particular, so the search stops there.
    const taken = (s: number, d: Device | undefined): boolean => s <= hi && (chipset.includes(s) || this.slotTaken(bus, s, d));
    const own = self?.address?.type === 'pci' ? resolvePci(self.address) : undefined;
    const slot = this.firstFree(`pci/${bus}`, lo, taken, self, own && own.bus === bus ? own.slot : undefined);
    return slot <= hi ? slot : undefined;
  }

  takePciSlot(bus: number, exclude?: Exclude): number | undefined {
    const s = this.freePciSlot(bus, exclude);
    if (s !== undefined) {
      this.reserve('pci', `${bus}/${s}`);
    }
    return s;
  }

  /** A free function in the slot of `at` (the chipset's functions on bus 0 are taken). */
  freePciFunction(at: ResolvedPci, exclude?: Exclude): number | undefined {
    const m = this.model;
    const self = this.device(exclude);
    const used = new Set<number>();
    for (let f = 0; f <= 7; f++) {
      const key = `${at.bus}/${at.slot}.${f}`;
      if (this.isReserved('pci', key) || (m && held(tallies.pci(m), self, key))) {
        used.add(f);
      }
    }
    for (const r of m && at.bus === 0 ? chipsetReservations(m) : []) {
      if (r.slot === at.slot) {
        used.add(r.function);
      }
    }
    for (let f = 0; f <= 7; f++) {
      if (!used.has(f)) {
        return f;
      }
    }
    return undefined;
  }

  takePciFunction(at: ResolvedPci, exclude?: Exclude): number | undefined {
    const f = this.freePciFunction(at, exclude);
    if (f !== undefined) {
      this.reserve('pci', `${at.bus}/${at.slot}.${f}`);
    }
    return f;
  }

  /** True when any function of bus:slot is held (the chipset's, a written address, or this session's). */
  pciSlotInUse(bus: number, slot: number): boolean {
    const m = this.model;
    if (this.slotTaken(bus, slot, undefined)) {
      return true;
    }
    return !!m && bus === 0 && chipsetReservations(m).some((r) => r.slot === slot);
  }

  private pciFunctionInUse(bus: number, slot: number, fn: number): boolean {
    const m = this.model;
    const key = `${bus}/${slot}.${fn}`;
    if (this.isReserved('pci', key) || (m && held(tallies.pci(m), undefined, key))) {
      return true;
    }
    return !!m && bus === 0 && chipsetReservations(m).some((r) => r.slot === slot && r.function === fn);
  }

  /**
   * Reserves bus:slot.function when that function is free (libvirt's fixed places: the primary
   * video at 00:02.0 on i440fx, 00:01.0 on q35). `aggregate`: the slot takes further aggregating
   * functions (pcie-root-ports), as libvirt marks it when the first function is reserved.
   */
  claimPciAddress(at: { bus: number; slot: number; function: number }, aggregate = false): boolean {
    if (this.pciFunctionInUse(at.bus, at.slot, at.function)) {
      return false;
    }
    if (aggregate && !this.pciSlotInUse(at.bus, at.slot)) {
      this.reserve('pciAggregate', `${at.bus}/${at.slot}`);
    }
    this.reserve('pci', `${at.bus}/${at.slot}`);
    this.reserve('pci', `${at.bus}/${at.slot}.${at.function}`);
    return true;
  }

  /**
   * libvirt's own search for a new address (virDomainPCIAddressGetNextAddr, libvirt 9.0): the
   * buses in the order given, each from its lowest slot, the first slot no function of which is
   * held; with `aggregate` (a pcie-root-port), also the next free function of a slot that
   * aggregating devices hold. Reserves and returns it; undefined when every bus is full. Unlike
   * freePciSlots it knows no guest range: libvirt fills slots 1, 2 and 0x1f too when they are free.
   * `fn`: the function to take in the free slot (a USB2 controller takes its own: EHCI 7, UHCI 0-2).
   */
  takeLibvirtPciAddress(
    buses: readonly { bus: number; minSlot: number; maxSlot: number }[],
    aggregate = false,
    fn = 0
  ): { bus: number; slot: number; function: number } | undefined {
    for (const b of buses) {
      for (let slot = b.minSlot; slot <= b.maxSlot; slot++) {
        if (!this.pciSlotInUse(b.bus, slot)) {
          this.claimPciAddress({ bus: b.bus, slot, function: fn }, aggregate);
          return { bus: b.bus, slot, function: fn };
        }
        if (aggregate && this.pciSlotAggregates(b.bus, slot)) {
          for (let fn = 0; fn <= 7; fn++) {
            if (!this.pciFunctionInUse(b.bus, slot, fn)) {
              this.claimPciAddress({ bus: b.bus, slot, function: fn });
              return { bus: b.bus, slot, function: fn };
            }
          }
        }
      }
    }
    return undefined;
  }

  /** A slot whose functions are pcie-root-ports (written there, or placed by this session): more may join. */
  private pciSlotAggregates(bus: number, slot: number): boolean {
    if (this.isReserved('pciAggregate', `${bus}/${slot}`)) {
      return true;
    }
    const m = this.model;
    if (!m || (bus === 0 && chipsetReservations(m).some((r) => r.slot === slot))) {
      return false;
    }
    const holders = m.devices.filter((d) => pciKeys(d).includes(`${bus}/${slot}`));
    return holders.length > 0 && holders.every((d) => d.kind === 'controller' && d.type === 'pci' && d.model?.value === 'pcie-root-port');
  }

  /** Every PCI bus of the domain: the root and each PCI controller that provides a bus. */
  pciBuses(exclude?: Exclude): PciBusSummary[] {
    const m = this.model;
    if (!m) {
      return [];
    }
    const self = this.device(exclude);
    const indexes = new Set<number>();
    const machineKnown = m.kind === 'domain' || m.machine.origin === 'config';
    if (machineKnown && m.machine.family !== 'other') {
      indexes.add(0);
    }
    for (const c of m.controllers) {
      // A controller does not plug into its own bus.
      if (c.type === 'pci' && c.index?.value !== undefined && c !== self) {
        indexes.add(c.index.value);
      }
    }
    return [...indexes]
      .sort((a, b) => a - b)
      .map((index) => {
        const info = busInfo(m, index);
        return {
          index,
          model: info.model,
          freeSlots: this.freePciSlots(index, self),
          endpoints: !(info.model && CONTROLLER_ONLY_BUSES[info.model]),
        };
      });
  }

  /** Buses a device may be plugged into: a PCI controller model has its own parents; endpoints avoid controller-only buses. */
  pciBusesFor(ownModel: string | undefined, exclude?: Exclude): PciBusSummary[] {
    const parents = ownModel ? PCI_CONTROLLER_PARENTS[ownModel] : undefined;
    return this.pciBuses(exclude).filter((b) => (parents ? b.model !== undefined && parents.accepts.includes(b.model) : b.endpoints));
  }

  /**
   * Where a new device goes: a free (bus, slot). On a PCIe machine an endpoint prefers an empty
   * root port (the PCIe way to add a device), then a free slot of the root bus; otherwise the
   * root bus first, then bridges. `ownModel` is set for a PCI controller (it goes where its kind fits).
   */
  freePciPlacement(ownModel?: string, exclude?: Exclude): { bus: number; slot: number } | undefined {
    const m = this.model;
    if (!m) {
      return { bus: 0, slot: 3 };
    }
    const rank = (b: PciBusSummary): number => {
      if (ownModel || (b.model && PCIE_PORTS.has(b.model))) {
        return b.index;
      }
      return b.index === 0 ? 1000 : 2000 + b.index;
    };
    let best: PciBusSummary | undefined;
    for (const b of this.pciBusesFor(ownModel, exclude)) {
      if (b.freeSlots.length > 0 && (!best || rank(b) < rank(best))) {
        best = b;
      }
    }
    if (!best) {
      return m.kind === 'fragment' && m.machine.origin !== 'config' ? { bus: 0, slot: 3 } : undefined;
    }
    return { bus: best.index, slot: best.freeSlots[0]! };
  }

  takePciPlacement(ownModel?: string, exclude?: Exclude): { bus: number; slot: number } | undefined {
    const at = this.freePciPlacement(ownModel, exclude);
    if (at) {
      this.reserve('pci', `${at.bus}/${at.slot}`);
    }
    return at;
  }

  /** A host PCI address (domain:bus:slot.function) that no device of the domain assigns yet. */
  takeHostPciAddress(start = { bus: 1, slot: 0, function: 0 }): { domain: number; bus: number; slot: number; function: number } {
    const used = this.model ? hostPciKeys(this.model) : new Set<string>();
    let { bus, slot, function: fn } = start;
    while (used.has(`0:${bus}:${slot}.${fn}`) || this.isReserved('hostPci', `0:${bus}:${slot}.${fn}`)) {
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
    this.reserve('hostPci', `0:${bus}:${slot}.${fn}`);
    return { domain: 0, bus, slot, function: fn };
  }

  // ---------------------------------------------------------------- chassis and root-port numbers

  /** True when no root or downstream port other than `exclude` uses chassis `n`. */
  chassisIsFree(n: number, exclude: Exclude): boolean {
    const self = this.device(exclude);
    return !this.isReserved('chassis', n) && !(this.model && held(tallies.chassis(this.model), self, String(n)));
  }

  /** The smallest chassis number (from 1) no root or downstream port uses. */
  freeChassis(exclude?: Exclude): number {
    const self = this.device(exclude);
    const own = self && this.model ? tallies.chassis(this.model).keysOf(self)[0] : undefined;
    return this.firstFree('chassis', 1, (i, s) => !this.chassisIsFree(i, s), self, own === undefined ? undefined : Number(own));
  }

  takeChassis(exclude?: Exclude): number {
    const i = this.freeChassis(exclude);
    this.reserve('chassis', i);
    return i;
  }

  /** The root-port number libvirt would give a port at `slot`.0 (slot << 3), moved on while taken. */
  freeRootPortNumber(slot: number, exclude?: Exclude): number {
    const self = this.device(exclude);
    const start = (slot << 3) & 0xff;
    // Port numbers are 0-255; when every one is taken (duplicates are allowed), keep the default.
    for (let k = 0; k < 256; k++) {
      const p = (start + k) & 0xff;
      if (!this.isReserved('rootPort', p) && !(this.model && held(tallies.rootPorts(this.model), self, String(p)))) {
        return p;
      }
    }
    return start;
  }

  takeRootPortNumber(slot: number, exclude?: Exclude): number {
    const p = this.freeRootPortNumber(slot, exclude);
    this.reserve('rootPort', p);
    return p;
  }

  // ---------------------------------------------------------------- USB

  private usbTaken(bus: number, path: string, self: Device | undefined): boolean {
    return this.isReserved('usb', `${bus}/${path}`) || (!!this.model && held(tallies.usb(this.model), self, `${bus}/${path}`));
  }

  /** USB buses (controllers, and those this session adds) with their free ports, lowest index first. */
  usbBuses(exclude?: Exclude): UsbBusSummary[] {
    const m = this.model;
    if (!m) {
      return [];
    }
    const self = this.device(exclude);
    const buses: UsbBus[] = memo(m, 'usbBuses', () => usbBuses(m).sort((a, b) => a.index - b.index));
    const out = buses.map((b) => {
      // A port count past what any controller has (ports='99999999') is its own finding: offer no more than MAX_USB_PORTS.
      const n = Math.min(b.ports ?? UNKNOWN_USB_PORTS, MAX_USB_PORTS);
      const freePorts: number[] = [];
      for (let p = 1; p <= n; p++) {
        if (!this.usbTaken(b.index, String(p), self)) {
          freePorts.push(p);
        }
      }
      const freeHubPorts: string[] = [];
      for (const [path, hub] of [...b.hubs].sort((x, y) => comparePaths(x[0], y[0]))) {
        // Only a hub that stays where it is: not the device being moved, and alone at its port
        // (a hub sharing its port with another device is itself up for a move).
        const alone = (tallies.usbExact(m).counts.get(`${b.index}/${path}`) ?? 0) === 1;
        if (hub === self || !alone || path.split('.').length >= MAX_USB_HOPS) {
          continue;
        }
        for (let p = 1; p <= HUB_PORTS; p++) {
          if (!this.usbTaken(b.index, `${path}.${p}`, self)) {
            freeHubPorts.push(`${path}.${p}`);
          }
        }
      }
      return { index: b.index, model: b.model, ports: b.ports, freePorts, freeHubPorts };
    });
    for (const [index, ports] of this.plannedUsb) {
      const freePorts = range(1, ports).filter((p) => !this.isReserved('usb', `${index}/${p}`));
      out.push({ index, model: 'qemu-xhci', ports, freePorts, freeHubPorts: [] });
    }
    return out;
  }

  /** A free USB port: top-level ports first, then hub ports; the preferred bus first, then by index. */
  freeUsbPort(preferBus?: number, exclude?: Exclude): UsbPlace | undefined {
    const buses = this.usbBuses(exclude);
    const ordered = [...buses.filter((b) => b.index === preferBus), ...buses.filter((b) => b.index !== preferBus)];
    for (const b of ordered) {
      if (b.freePorts.length > 0) {
        return { bus: b.index, port: String(b.freePorts[0]) };
      }
    }
    for (const b of ordered) {
      if (b.freeHubPorts.length > 0) {
        return { bus: b.index, port: b.freeHubPorts[0]! };
      }
    }
    return undefined;
  }

  takeUsbPort(preferBus?: number, exclude?: Exclude): UsbPlace | undefined {
    const at = this.freeUsbPort(preferBus, exclude);
    if (at) {
      this.reserve('usb', `${at.bus}/${at.port}`);
    }
    return at;
  }

  /** Reserves a new USB controller's index and bus for this session (a fix adds one); returns its index. */
  takeNewUsbBus(ports: number): number {
    const index = this.takeControllerIndex('usb');
    this.plannedUsb.set(index, ports);
    this.reserve('usbBus', `${index}:${ports}`);
    return index;
  }

  /** A USB vendor/product pair no USB host device of the domain uses yet. */
  takeUsbIds(vendor: number, product: number): { vendor: number; product: number } {
    const m = this.model;
    const used = m
      ? memo(m, 'usbIds', () => {
          const out = new Set<string>();
          for (const h of m.hostdevs) {
            if (h.type === 'usb') {
              out.add(`${parseInteger(h.usbVendor?.value, 0) ?? -1}:${parseInteger(h.usbProduct?.value, 0) ?? -1}`);
            }
          }
          return out;
        })
      : new Set<string>();
    let p = product;
    while (used.has(`${vendor}:${p}`) || this.isReserved('usbIds', `${vendor}:${p}`)) {
      p = (p + 1) & 0xffff;
    }
    this.reserve('usbIds', `${vendor}:${p}`);
    return { vendor, product: p };
  }

  // ---------------------------------------------------------------- disks

  /** The first target name with `prefix` (vd, sd, hd...) that no other disk uses. */
  freeTarget(prefix: string, exclude?: Exclude): string {
    const m = this.model;
    const used = m ? targetIndexes(m).get(prefix) : undefined;
    const self = this.device(exclude);
    const taken = (i: number, s: Device | undefined): boolean => {
      const name = prefix + diskLetters(i);
      return (!!used?.has(i) && held(tallies.targets(m!), s, name)) || this.isReserved('target', name);
    };
    const ownName = self?.kind === 'disk' ? self.targetDev?.value : undefined;
    const own = ownName?.startsWith(prefix) ? targetIndex(ownName) : undefined;
    // Every index below the model's first free one is taken whatever this session reserved.
    const floor = m ? firstFreeTargetIndex(m, prefix) : 0;
    return prefix + diskLetters(this.firstFree(`target/${prefix}`, 0, taken, self, own, floor));
  }

  /** Takes target name `name` when no other disk uses it: true when taken now. */
  claimTarget(name: string, exclude?: Exclude): boolean {
    const m = this.model;
    if (this.isReserved('target', name) || (m && held(tallies.targets(m), this.device(exclude), name))) {
      return false;
    }
    this.reserve('target', name);
    return true;
  }

  takeTarget(prefix: string, exclude?: Exclude): string {
    const name = this.freeTarget(prefix, exclude);
    this.reserve('target', name);
    return name;
  }

  private driveTaken(busType: string, controller: number, at: DrivePlace, self: Device | undefined): boolean {
    const key = `${busType}|${controller}|${at.bus}|${at.target}|${at.unit}`;
    return this.isReserved('drive', key) || (!!this.model && held(tallies.drives(this.model), self, key));
  }

  /** The first free unit on (controller, bus, target) of a drive bus type, undefined when all are taken. */
  freeDriveUnit(busType: string, controller: number, at: { bus: number; target: number }, exclude?: Exclude): number | undefined {
    const self = this.device(exclude);
    for (let unit = 0; unit <= (MAX_UNIT[busType] ?? 6); unit++) {
      if (!this.driveTaken(busType, controller, { ...at, unit }, self)) {
        return unit;
      }
    }
    return undefined;
  }

  takeDriveUnit(busType: string, controller: number, at: { bus: number; target: number }, exclude?: Exclude): number | undefined {
    const unit = this.freeDriveUnit(busType, controller, at, exclude);
    if (unit !== undefined) {
      this.reserve('drive', `${busType}|${controller}|${at.bus}|${at.target}|${unit}`);
    }
    return unit;
  }

  /** The first free (bus, target, unit) on a disk controller. */
  freeDrivePlace(busType: string, controller: number, exclude?: Exclude): DrivePlace {
    const maxBus = busType === 'ide' ? 1 : 0;
    const maxTarget = busType === 'scsi' ? 255 : 0;
    for (let target = 0; target <= maxTarget; target++) {
      for (let bus = 0; bus <= maxBus; bus++) {
        const unit = this.freeDriveUnit(busType, controller, { bus, target }, exclude);
        if (unit !== undefined) {
          return { bus, target, unit };
        }
      }
    }
    return { bus: 0, target: 0, unit: 0 };
  }

  /** Disk controller indexes of a bus type that the disks reach (by <address> or through their target names). */
  referencedDiskControllers(busType: string): ReadonlySet<number> {
    const m = this.model;
    if (!m) {
      return new Set();
    }
    return memo(m, `diskControllers/${busType}`, () => {
      const out = new Set<number>();
      for (const k of tallies.drives(m).counts.keys()) {
        const [b, c] = k.split('|');
        if (b === busType) {
          out.add(Number(c));
        }
      }
      return out;
    });
  }

  /** An index for a new disk controller: free as a controller and reached by no disk yet. */
  takeDiskControllerIndex(busType: string): number {
    const reached = this.referencedDiskControllers(busType);
    return this.takeControllerIndex(busType, { alsoFree: (i) => !reached.has(i) });
  }

  // ---------------------------------------------------------------- MAC addresses, boot order, serial ports

  /**
   * A random unicast, locally administered MAC address that no interface uses.
   * - 'qemu': 52:54:00:xx:xx:xx, the prefix QEMU and libvirt use for guests. 0x52 = 0101 0010:
   *   the multicast bit (0x01) is clear and the locally-administered bit (0x02) is set, so these
   *   addresses never clash with a vendor-assigned card.
   * - 'local': every octet random, then the first octet forced to x2, x6, xA or xE (bit 0x02 set,
   *   bit 0x01 clear).
   */
  takeMac(random: () => number, style: 'qemu' | 'local'): string {
    const octet = (): number => Math.floor(random() * 256) & 0xff;
    for (let tries = 0; ; tries++) {
      const bytes =
        style === 'qemu'
          ? [0x52, 0x54, 0x00, octet(), octet(), octet()]
          : [(octet() & 0xfc) | 0x02, octet(), octet(), octet(), octet(), octet()];
      const mac = bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
      const taken = this.isReserved('mac', mac) || (!!this.model && (tallies.macs(this.model).counts.get(mac) ?? 0) > 0);
      if (tries > 50 || !taken) {
        this.reserve('mac', mac);
        return mac;
      }
    }
  }

  /** The smallest boot order no device other than `exclude` has. */
  takeBootOrder(exclude?: Exclude): number {
    const self = this.device(exclude);
    const m = this.model;
    const taken = (n: number, s: Device | undefined): boolean => this.isReserved('boot', n) || (!!m && held(tallies.boot(m), s, String(n)));
    const n = this.firstFree('boot', 1, taken, self, self?.boot?.value);
    this.reserve('boot', n);
    return n;
  }

  /** One more than the highest boot order of the other devices: a new device boots last. */
  nextBootOrder(exclude?: Exclude): number {
    const self = this.device(exclude);
    let max = 0;
    for (const d of this.model?.devices ?? []) {
      if (d !== self && d.boot?.value !== undefined) {
        max = Math.max(max, d.boot.value);
      }
    }
    return max + 1;
  }

  /** The next serial port number: written ports are taken, and libvirt numbers the others in order. */
  freeSerialPort(exclude?: Exclude): number {
    const self = this.device(exclude);
    const all = this.model ? serialPorts(this.model) : { ports: new Map<Device, number | undefined>(), counts: new Map(), implicit: 0 };
    // The others' ports: every serial's but `self`'s.
    const mine = self !== undefined && all.ports.has(self);
    const own = mine ? all.ports.get(self) : undefined;
    const used = (p: number): boolean => (all.counts.get(p) ?? 0) - (mine && own === p ? 1 : 0) > 0;
    const implicit = all.implicit - (mine && own === undefined ? 1 : 0);
    let port = 0;
    let skip = implicit;
    for (;;) {
      if (!used(port)) {
        if (skip === 0) {
          return port;
        }
        skip--;
      }
      port++;
    }
  }
}

function serialsOf(model: DomainModel): Device[] {
  return memo(model, 'serials', () => model.devices.filter((d) => d.kind === 'serial'));
}

/** Each serial device's written port (undefined: libvirt numbers it), how many take each port, and how many are numbered by libvirt. */
function serialPorts(model: DomainModel): { ports: Map<Device, number | undefined>; counts: Map<number, number>; implicit: number } {
  return memo(model, 'serialPorts', () => {
    const ports = new Map<Device, number | undefined>();
    const counts = new Map<number, number>();
    let implicit = 0;
    for (const s of serialsOf(model)) {
      const t = child(s.el, 'target');
      const p = parseInteger(t && attr(t, 'port')?.value, 10);
      ports.set(s, p);
      if (p !== undefined) {
        counts.set(p, (counts.get(p) ?? 0) + 1);
      } else {
        implicit++;
      }
    }
    return { ports, counts, implicit };
  });
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) {
    out.push(i);
  }
  return out;
}

function comparePaths(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    const d = (pa[k] ?? -1) - (pb[k] ?? -1);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** A fresh session over a model (undefined: an empty document, where everything is free). */
export function allocation(model: DomainModel | undefined): Allocation {
  return new Allocation(model);
}

/** Controllers of a type (written ones and those libvirt adds), with their model, by index. */
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

/**
 * What libvirt will do with a domain before it does it: the address each device without an
 * <address> gets at `virsh define`, and the controllers and devices libvirt adds itself. A replay
 * of libvirt 9.0's QEMU driver (qemu/qemu_domain_address.c qemuDomainAssignPCIAddresses and
 * qemuDomainAssignUSBAddresses, conf/domain_conf.c virDomainDiskDefAssignAddress), checked device
 * by device against `virsh define` + `dumpxml` (test/libvirt/hints.test.ts, docs/inlay-hints.md).
 *
 * Every free slot and port comes from one Allocation session (allocate.ts), taken in libvirt's
 * order, so what libvirt fixes first (chipset, primary video, controllers) is held when the next
 * device asks. Where libvirt's choice depends on something not modelled here (the host's PCI
 * devices, NUMA expander buses, a bus overflowing into a new bridge), the device gets no
 * prediction rather than a wrong one.
 */
import { allocation, driveOf } from './allocate';
import { controllerModel } from './build';
import { targetIndex } from './drive';
import { resolvePci } from './pci';
import { usbPortCount } from './usb';
import type { Controller, Device, DomainModel } from './types';

export type AssignedAddress =
  | { type: 'pci'; domain: number; bus: number; slot: number; function: number }
  | { type: 'usb'; bus: number; port: string }
  | { type: 'drive'; controller: number; bus: number; target: number; unit: number };

export interface PredictedAddress {
  address: AssignedAddress;
}

/** A controller or device libvirt adds itself, with the address it will get (when it gets one we know). */
export interface ImplicitDevice {
  /** In a few words, as dumpxml would show it: `<controller type='usb' index='0' model='qemu-xhci'>`. */
  what: string;
  address: AssignedAddress | undefined;
}

interface Prediction {
  /** Devices without an <address> whose address we know. */
  devices: Map<Device, PredictedAddress>;
  /** Devices without an <address> that libvirt will address in a way not predicted here. */
  unpredicted: Set<Device>;
  implicit: ImplicitDevice[];
}

/** How a device plugs in: conventional PCI, PCIe, integrated (a slot of pcie-root only), not at all, or not known here. */
type Conn = 'pci' | 'pcie' | 'integrated' | 'none' | 'unknown';

/** The NIC models libvirt 9.0 knows by name (virDomainNetModel), lower-cased. */
const LIBVIRT_NIC_MODELS: ReadonlySet<string> = new Set([
  'netfront',
  'rtl8139',
  'e1000',
  'e1000e',
  'virtio',
  'virtio-transitional',
  'virtio-non-transitional',
  'usb-net',
  'spapr-vlan',
  'lan9118',
  'scm91c111',
  'vlance',
  'vmxnet',
  'vmxnet3',
  'am79c970a',
  'am79c973',
  '82540em',
  '82545em',
  '82543gc',
]);

/** A PCI-addressed thing in libvirt's lists: a written device, or one libvirt adds. */
interface Item {
  device: Device | undefined;
  implicit: ImplicitDevice | undefined;
  conn: Conn;
  /** A USB2 controller: its index (the slot it shares) and its function there. */
  usb2?: { index: number; fn: number };
}

const attrOf = (d: Device, name: string): string | undefined => d.el.attributes.find((a) => a.name === name)?.value;
const childAttr = (d: Device, child: string, name: string): string | undefined =>
  d.el.children.find((c) => c.name === child)?.attributes.find((a) => a.name === name)?.value;

function virtioConn(model: string | undefined): Conn {
  return model === 'virtio-transitional' ? 'pci' : 'pcie';
}

/** qemuDomainDeviceCalculatePCIConnectFlags, reduced to PCIe / conventional PCI / no PCI address. */
function connectOf(model: DomainModel, d: Device): Conn {
  switch (d.kind) {
    case 'controller':
      return controllerConn(d.type, controllerModel(model, d));
    case 'filesystem': {
      const driver = childAttr(d, 'driver', 'type');
      if (driver === 'loop' || driver === 'nbd' || driver === 'ploop') {
        return 'none';
      }
      return driver === 'virtiofs' ? 'pcie' : virtioConn(attrOf(d, 'model'));
    }
    case 'interface': {
      if (d.type === 'hostdev') {
        return 'none'; // in libvirt's hostdev list: placed with the <hostdev>s
      }
      // libvirt reads its own model names in any case; any other name goes to QEMU as a device
      // name, and whether libvirt then plugs it as PCIe is not replayed here.
      const m = d.model?.value?.toLowerCase();
      if (m !== undefined && !LIBVIRT_NIC_MODELS.has(m)) {
        return 'unknown';
      }
      // No model: QEMU's default NIC (rtl8139), a conventional PCI device (dumpxml of libvirt 9.0).
      return m === 'virtio' || m === 'virtio-non-transitional' || m === 'e1000e' ? 'pcie' : 'pci';
    }
    case 'sound': {
      const m = attrOf(d, 'model');
      return m === 'es1370' || m === 'ac97' || m === 'ich6' || m === 'ich9' ? 'pci' : 'none';
    }
    case 'disk':
      return d.bus?.value === 'virtio' ? virtioConn(attrOf(d, 'model')) : 'none';
    case 'hostdev': {
      const t = d.type;
      // An mdev is a PCI device only with model='vfio-pci' (vfio-ccw and vfio-ap are not); libvirt
      // takes it as PCIe without asking the host.
      const mdevPci = t === 'mdev' && attrOf(d, 'model') === 'vfio-pci';
      return t === 'pci' || t === 'scsi_host' || mdevPci ? 'pcie' : 'none';
    }
    case 'memballoon':
    case 'rng': {
      const m = attrOf(d, 'model');
      return m === 'virtio' || m === 'virtio-non-transitional' ? 'pcie' : m === 'virtio-transitional' ? 'pci' : 'none';
    }
    case 'watchdog':
      return attrOf(d, 'model') === 'i6300esb' ? 'pci' : 'none';
    case 'video': {
      const t = childAttr(d, 'model', 'type');
      return t === 'virtio' || t === 'bochs' ? 'pcie' : t === 'none' || t === 'ramfb' ? 'none' : t === undefined ? 'unknown' : 'pci';
    }
    case 'shmem':
      return 'pci';
    case 'input':
      return attrOf(d, 'bus') === 'virtio' ? virtioConn(attrOf(d, 'model')) : 'none';
    case 'serial':
      return childAttr(d, 'target', 'type') === 'pci-serial' ? 'pci' : 'none';
    case 'iommu':
      // virtio-iommu is an integrated device: only a slot of pcie-root takes it.
      return attrOf(d, 'model') === 'virtio' ? (model.machine.family === 'q35' ? 'integrated' : 'unknown') : 'none';
    case 'vsock':
      // No model: the QEMU driver makes it virtio (qemuDomainVsockDefPostParse).
      return virtioConn(attrOf(d, 'model'));
    case 'memory': {
      const m = attrOf(d, 'model');
      return m === 'virtio-mem' || m === 'virtio-pmem' ? 'pcie' : 'none';
    }
    default:
      return 'none';
  }
}

function controllerConn(type: string | undefined, m: string | undefined): Conn {
  switch (type) {
    case 'sata':
    case 'ide':
      return 'pci';
    case 'usb':
      if (m === 'none') {
        return 'none';
      }
      if (m === 'qemu-xhci' || m === 'nec-xhci') {
        return 'pcie';
      }
      return 'pci';
    case 'scsi':
      return m === 'ncr53c90' ? 'none' : virtioConnScsi(m ?? 'lsilogic');
    case 'virtio-serial':
      return m === 'virtio-transitional' ? 'pci' : 'pcie';
    default:
      return 'none';
  }
}

function virtioConnScsi(m: string): Conn {
  return m === 'virtio-scsi' || m === 'virtio-non-transitional' ? 'pcie' : 'pci';
}

/** Kinds in libvirt's order of PCI assignment after the controllers (qemuDomainAssignDevicePCISlots). */
const PCI_ORDER = [
  'filesystem',
  'interface',
  'sound',
  'controllers',
  'disk',
  'hostdev',
  'memballoon',
  'rng',
  'watchdog',
  'video',
  'shmem',
  'input',
  'serial',
  'iommu',
  'vsock',
  'memory',
] as const;

interface Bus {
  index: number;
  model: string;
  minSlot: number;
  maxSlot: number;
}

const BUS_SLOTS: Record<string, [number, number]> = {
  'pci-root': [1, 31],
  'pcie-root': [1, 31],
  'pci-bridge': [1, 31],
  'pcie-to-pci-bridge': [1, 31],
  'pcie-root-port': [0, 0],
  'pcie-switch-downstream-port': [0, 0],
};

/** Which buses take a device or controller, as libvirt's connect flags allow for auto-assignment. */
function accepts(bus: string, what: Conn | 'pcie-root-port' | 'pcie-to-pci-bridge' | 'pci-bridge'): boolean {
  switch (what) {
    case 'pci':
    case 'pci-bridge':
      return bus === 'pci-root' || bus === 'pci-bridge' || bus === 'pcie-to-pci-bridge';
    case 'pcie':
      return bus === 'pcie-root-port' || bus === 'pcie-switch-downstream-port';
    case 'pcie-root-port':
    case 'integrated':
      return bus === 'pcie-root';
    case 'pcie-to-pci-bridge':
      return bus === 'pcie-root-port' || bus === 'pcie-switch-downstream-port';
    default:
      return false;
  }
}

const memo = new WeakMap<DomainModel, Prediction>();

/** The addresses libvirt 9.0 will assign to this domain's devices, and what it adds. Memoised per model. */
export function predictAddresses(model: DomainModel): Prediction {
  let p = memo.get(model);
  if (!p) {
    p = predict(model);
    memo.set(model, p);
  }
  return p;
}

function predict(model: DomainModel): Prediction {
  const out: Prediction = { devices: new Map(), unpredicted: new Set(), implicit: [] };
  if (model.kind !== 'domain' || (model.machine.family !== 'i440fx' && model.machine.family !== 'q35')) {
    return out;
  }
  // The controllers in libvirt's list, and a note for each one libvirt adds itself.
  const ctrls = controllerList(model);
  const implicitCtrl = new Map<ListedController, ImplicitDevice>();
  for (const e of ctrls) {
    if (!e.c) {
      const im: ImplicitDevice = {
        what: `<controller type='${e.type}' index='${e.index}'${e.model ? ` model='${e.model}'` : ''}>`,
        address: undefined,
      };
      implicitCtrl.set(e, im);
      out.implicit.push(im);
    }
  }
  predictPci(model, out, ctrls, implicitCtrl);
  predictUsb(model, out, ctrls, implicitCtrl);
  predictDrives(model, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PCI

type ListedController = { c: Controller | undefined; type: string; index: number; model: string | undefined };

/** The USB2 controllers of ICH9: an EHCI master and its UHCI companions share one slot per index. */
const USB2_FUNCTION: Readonly<Record<string, number>> = { 'ich9-ehci1': 7, 'ich9-uhci1': 0, 'ich9-uhci2': 1, 'ich9-uhci3': 2 };
const isUsb2 = (m: string | undefined): boolean => m !== undefined && m in USB2_FUNCTION;
const hasMaster = (c: Controller | undefined): boolean => !!c?.el.children.some((x) => x.name === 'master');

/**
 * The controllers in libvirt's list order (virDomainControllerInsertPreAlloced: a controller goes
 * before the first one of its type with a higher index, else to the end), each with the index
 * libvirt settles: one written without an index gets the lowest unused index of its type, in list
 * order (virDomainDefPostParse). Then the controllers libvirt adds, in the order it adds them.
 */
function controllerList(model: DomainModel): ListedController[] {
  const list: (ListedController & { unset: boolean })[] = [];
  for (const c of model.controllers) {
    const index = c.index?.value;
    const e = { c, type: c.type ?? '', index: index ?? -1, model: controllerModel(model, c), unset: index === undefined };
    let at = list.length;
    for (let i = list.length - 1; i >= 0; i--) {
      const cur = list[i]!;
      if (cur.type !== e.type) {
        continue;
      }
      if (e.unset) {
        at = i + 1;
        break;
      }
      // A USB2 master goes before the companions (<master>) of its index.
      if (cur.index > e.index || (cur.index === e.index && hasMaster(cur.c) && !hasMaster(c))) {
        at = i;
      }
    }
    list.splice(at, 0, e);
  }
  // Indexes for controllers written without one, in list order (virDomainAssignControllerIndexes):
  // the lowest unused one of the type; a USB2 controller right after another USB2 controller joins
  // its index, unless that index already has a controller of this model.
  list.forEach((e, k) => {
    if (!e.unset) {
      return;
    }
    const prev = list
      .slice(0, k)
      .reverse()
      .find((o) => o.type === 'usb');
    if (
      k > 0 &&
      isUsb2(e.model) &&
      prev &&
      isUsb2(prev.model) &&
      !list.some((o) => o.type === 'usb' && o.index === prev.index && o.model === e.model)
    ) {
      e.index = prev.index;
      return;
    }
    let i = 0;
    while (list.some((o) => o.type === e.type && o.index === i)) {
      i++;
    }
    e.index = i;
  });
  const has = (type: string, index?: number): boolean => list.some((e) => e.type === type && (index === undefined || e.index === index));
  // What libvirt adds is appended to its list (virDomainDefAddController), after every written
  // controller, even one of the same type with a higher index.
  const add = (type: string, index: number, m: string): void => {
    if (!has(type, index)) {
      list.push({ c: undefined, type, index, model: m, unset: false });
    }
  };
  // The QEMU driver's defaults first (USB 0, q35's SATA 0: qemuDomainDefAddDefaultDevices runs in
  // the driver's post-parse), then the disk controllers (virDomainDefAddImplicitControllers: SCSI,
  // floppy, IDE, SATA, each 0 up to the highest controller a disk of that bus reaches), then
  // virtio-serial for a virtio channel.
  for (const ic of model.implicitControllers) {
    if (ic.type === 'usb' || ic.type === 'sata') {
      const usbOff = ic.type === 'usb' && model.controllers.some((c) => c.type === 'usb' && c.model?.value === 'none');
      if (!usbOff) {
        add(ic.type, ic.index, ic.model);
      }
    }
  }
  const highest = (bus: string): number => {
    let max = -1;
    for (const d of model.disks) {
      const at = d.bus?.value === bus ? driveOf(d) : undefined;
      if (at) {
        max = Math.max(max, at.controller);
      }
    }
    return Math.min(max, MAX_IMPLICIT_DISK_CONTROLLERS);
  };
  for (const [bus, m] of [
    ['scsi', 'lsilogic'],
    ['ide', 'piix3'],
    ['sata', 'ich9-ahci'],
  ] as const) {
    if (bus === 'ide' && model.machine.family !== 'i440fx') {
      continue;
    }
    for (let i = 0; i <= highest(bus); i++) {
      add(bus, i, m);
    }
  }
  const virtioChannel = model.devices.some(
    (d) => (d.kind === 'channel' || d.kind === 'console') && childAttr(d, 'target', 'type') === 'virtio'
  );
  if (virtioChannel && !has('virtio-serial')) {
    add('virtio-serial', 0, 'virtio-serial');
  }
  // A smartcard sits on a CCID controller (a USB device): the one of its <address type='ccid'>, else 0.
  for (const d of model.devices) {
    if (d.kind === 'smartcard') {
      const a = d.el.children.find((x) => x.name === 'address');
      const ccid = a && a.attributes.find((x) => x.name === 'type')?.value === 'ccid';
      const i = ccid ? Number(a.attributes.find((x) => x.name === 'controller')?.value ?? 0) : 0;
      if (Number.isSafeInteger(i)) {
        add('ccid', i, '');
      }
    }
  }
  return list;
}

/** Disk controllers libvirt adds for one bus at most (a drive address controller='99999' is its own finding). */
const MAX_IMPLICIT_DISK_CONTROLLERS = 8;

const wants = (d: Device | undefined): boolean => !d || !d.address;

/**
 * The devices of a kind in the order of libvirt's own list of them. Disks: virDomainDiskInsert
 * keeps the disks of one bus sorted by their target's index (vda, xvdb, vdaa), whatever the
 * document order. Host devices: an <interface type='hostdev'> is put into the host device list
 * when the interfaces are parsed, before any <hostdev>; it is addressed there, not with the NICs.
 */
function listOf(model: DomainModel, kind: string): Device[] {
  switch (kind) {
    case 'interface':
      return model.interfaces.filter((i) => i.type !== 'hostdev');
    case 'hostdev':
      return [...model.interfaces.filter((i) => i.type === 'hostdev'), ...model.devices.filter((d) => d.kind === 'hostdev')];
    case 'disk': {
      const out: Device[] = [];
      for (const d of model.disks) {
        const bus = d.bus?.value;
        const idx = targetIndex(d.targetDev?.value) ?? -1;
        let at = -1;
        for (let k = out.length - 1; k >= 0; k--) {
          const o = out[k] as (typeof model.disks)[number];
          if (o.bus?.value !== bus) {
            continue;
          }
          if ((targetIndex(o.targetDev?.value) ?? -1) > idx) {
            at = k;
          } else if (at === -1) {
            at = k + 1;
          }
        }
        out.splice(at === -1 ? out.length : at, 0, d);
      }
      return out;
    }
    default:
      return model.devices.filter((d) => d.kind === kind);
  }
}

function predictPci(
  model: DomainModel,
  out: Prediction,
  ctrls: readonly ListedController[],
  implicitCtrl: ReadonlyMap<ListedController, ImplicitDevice>
): void {
  const q35 = model.machine.family === 'q35';
  const alloc = allocation(model);
  const fix = (d: Device | undefined, implicit: ImplicitDevice | undefined, at: { bus: number; slot: number; function: number }): void => {
    const address: AssignedAddress = { type: 'pci', domain: 0, ...at };
    if (d) {
      out.devices.set(d, { address });
    } else if (implicit) {
      implicit.address = address;
    }
  };
  const giveUp = (items: readonly Item[]): void => {
    for (const it of items) {
      if (it.device && !it.device.address && it.conn !== 'none') {
        out.unpredicted.add(it.device);
      }
    }
  };

  // The buses the document declares: only a plain topology is replayed (no expander buses, no gaps).
  const pciList = ctrls.filter((e) => e.type === 'pci' && e.c).sort((a, b) => a.index - b.index);
  const buses: Bus[] = [{ index: 0, model: q35 ? 'pcie-root' : 'pci-root', minSlot: 1, maxSlot: 31 }];
  let plain = true;
  for (const e of pciList) {
    const i = e.index;
    const m = e.model;
    if (i === 0) {
      continue;
    }
    const range = m ? BUS_SLOTS[m] : undefined;
    if (!range || i !== buses.length) {
      plain = false;
      break;
    }
    buses.push({ index: i, model: m!, minSlot: range[0], maxSlot: range[1] });
  }

  // Implicit devices: memballoon (always on x86 QEMU unless written), video when there is graphics.
  const implicitBalloon: ImplicitDevice | undefined = model.devices.some((d) => d.kind === 'memballoon')
    ? undefined
    : { what: "<memballoon model='virtio'>", address: undefined };
  const hasVideo = model.devices.some((d) => d.kind === 'video');
  const implicitVideo: ImplicitDevice | undefined =
    !hasVideo && model.graphics.length > 0 ? { what: '<video> (primary)', address: undefined } : undefined;

  if (implicitBalloon) {
    out.implicit.push(implicitBalloon);
  }
  if (implicitVideo) {
    out.implicit.push(implicitVideo);
  }

  // Everything that asks for a PCI address, in libvirt's order.
  const items: Item[] = [];
  const videos = model.devices.filter((d) => d.kind === 'video');
  const primaryVideo: Device | undefined =
    videos.find((v) => v.el.children.find((c) => c.name === 'model')?.attributes.some((a) => a.name === 'primary' && a.value === 'yes')) ??
    videos[0];
  for (const kind of PCI_ORDER) {
    if (kind === 'controllers') {
      for (const e of ctrls) {
        if (e.type === 'pci' || e.type === 'fdc' || e.type === 'ccid' || (e.type === 'ide' && e.index === 0)) {
          continue;
        }
        if (e.type === 'sata' && e.index === 0 && q35) {
          continue; // 00:1f.2, below
        }
        if (e.type === 'usb' && e.index === 0 && !q35 && (e.model === 'piix3-uhci' || e.model === undefined)) {
          continue; // 00:01.2, below
        }
        const conn = controllerConn(e.type, e.model);
        if (conn !== 'none') {
          const usb2 = e.type === 'usb' && isUsb2(e.model) ? { index: e.index, fn: USB2_FUNCTION[e.model!]! } : undefined;
          items.push({ device: e.c, implicit: implicitCtrl.get(e), conn, usb2 });
        }
      }
      continue;
    }
    for (const d of listOf(model, kind)) {
      if (kind === 'video' && d === primaryVideo) {
        continue;
      }
      const conn = d.kind === 'interface' && d.type === 'hostdev' ? 'pcie' : connectOf(model, d);
      if (conn !== 'none') {
        items.push({ device: d, implicit: undefined, conn });
      }
    }
    if (kind === 'memballoon' && implicitBalloon) {
      items.push({ device: undefined, implicit: implicitBalloon, conn: 'pcie' });
    }
  }
  if (!q35) {
    // pci-root takes every device as conventional PCI.
    for (const it of items) {
      it.conn = it.conn === 'pcie' ? 'pci' : it.conn;
    }
  }
  const wanting = items.filter((it) => wants(it.device));

  // The slot each USB2 index shares: where one of its controllers is written, or (q35) where libvirt
  // puts a UHCI1 (00:1d, else 00:1a, as on real ICH9 hardware), or where the first one of the index lands.
  const usb2At = new Map<number, { bus: number; slot: number }>();
  for (const e of ctrls) {
    const a = e.c?.address?.type === 'pci' ? resolvePci(e.c.address) : undefined;
    if (e.type === 'usb' && isUsb2(e.model) && a && !usb2At.has(e.index)) {
      usb2At.set(e.index, { bus: a.bus, slot: a.slot });
    }
  }
  const validated: { bus: number; slot: number; function: number }[] = [];

  // Fixed places first (qemuDomainValidateDevicePCISlotsChipsets).
  for (const e of ctrls) {
    const im = implicitCtrl.get(e);
    if (!q35 && e.type === 'ide' && e.index === 0 && wants(e.c)) {
      fix(e.c, im, { bus: 0, slot: 1, function: 1 });
    } else if (!q35 && e.type === 'usb' && e.index === 0 && (e.model === 'piix3-uhci' || e.model === undefined) && wants(e.c)) {
      fix(e.c, im, { bus: 0, slot: 1, function: 2 });
    } else if (q35 && e.type === 'sata' && e.index === 0 && wants(e.c)) {
      fix(e.c, im, { bus: 0, slot: 0x1f, function: 2 });
    } else if (q35 && e.type === 'usb' && e.model === 'ich9-uhci1' && wants(e.c)) {
      const slot = [0x1d, 0x1a].find((s) => !alloc.pciSlotInUse(0, s));
      if (slot !== undefined) {
        const at = { bus: 0, slot, function: 0 };
        alloc.claimPciAddress(at);
        validated.push(at);
        fix(e.c, im, at);
        usb2At.set(e.index, { bus: 0, slot });
      }
    }
  }
  if (!plain || wanting.some((it) => it.conn === 'unknown')) {
    // Expander buses, gaps, companion USB controllers, host devices on q35...: libvirt's choice
    // depends on what is not modelled here.
    giveUp(items);
    if (primaryVideo && !primaryVideo.address) {
      out.unpredicted.add(primaryVideo);
    }
    return;
  }
  const primarySlot = q35 ? 1 : 2;
  const primary = primaryVideo ? connectOf(model, primaryVideo) : implicitVideo ? 'pci' : 'none';
  if (primary !== 'none' && (primaryVideo ? wants(primaryVideo) : true)) {
    if (alloc.claimPciAddress({ bus: 0, slot: primarySlot, function: 0 })) {
      fix(primaryVideo, implicitVideo, { bus: 0, slot: primarySlot, function: 0 });
    } else if (primaryVideo) {
      out.unpredicted.add(primaryVideo);
    }
  }
  if (q35) {
    const sound = model.devices.find((d) => d.kind === 'sound' && attrOf(d, 'model') === 'ich9' && wants(d));
    if (sound && alloc.claimPciAddress({ bus: 0, slot: 0x1b, function: 0 })) {
      fix(sound, undefined, { bus: 0, slot: 0x1b, function: 0 });
    }
  }
  const rest = wanting.filter((it) => !(it.device && out.devices.has(it.device)));

  /** PCI controllers libvirt adds (the q35 dry run finds them), placed first in the real pass. */
  const addedControllers: { im: ImplicitDevice; model: string }[] = [];
  // q35: the dry run. Devices that find no bus make libvirt add one: a pcie-root-port for a PCIe
  // device; for a conventional one on a pure PCIe topology a root port and a pcie-to-pci-bridge.
  if (q35) {
    const dry = allocation(model);
    const dryBuses = buses.map((b) => ({ ...b }));
    const written = pciList.filter((e) => !e.c!.address && e.index > 0);
    const place = (what: Conn | 'pcie-root-port' | 'pcie-to-pci-bridge' | 'pci-bridge', aggregate = false) =>
      dry.takeLibvirtPciAddress(
        dryBuses.filter((b) => accepts(b.model, what)).map((b) => ({ bus: b.index, minSlot: b.minSlot, maxSlot: b.maxSlot })),
        aggregate
      );
    dry.claimPciAddress({ bus: 0, slot: primarySlot, function: 0 });
    for (const at of validated) {
      dry.claimPciAddress(at);
    }
    for (const e of written) {
      const m = e.model!;
      if (m === 'pcie-root-port' || m === 'pcie-to-pci-bridge' || m === 'pci-bridge') {
        place(m, m === 'pcie-root-port');
      } else {
        giveUp(items);
        return;
      }
    }
    const addBus = (m: string): void => {
      const r = BUS_SLOTS[m]!;
      dryBuses.push({ index: dryBuses.length, model: m, minSlot: r[0], maxSlot: r[1] });
    };
    let added = false;
    for (const it of rest) {
      // A USB2 controller whose index has its slot joins it; the others each take a slot in the dry
      // run (libvirt records no address there, so the next companion does not find the slot).
      if ((it.usb2 && usb2At.has(it.usb2.index)) || place(it.conn)) {
        continue;
      }
      if (it.conn === 'integrated') {
        giveUp(items); // libvirt adds no bus for an integrated device: pcie-root is full
        return;
      }
      added = true;
      if (it.conn === 'pcie') {
        addBus('pcie-root-port');
      } else if (dryBuses.some((b) => accepts(b.model, 'pci-bridge'))) {
        giveUp(items); // a pci-bridge behind an existing PCI bus: not replayed
        return;
      } else {
        addBus('pcie-root-port');
        addBus('pcie-to-pci-bridge');
      }
      place(it.conn);
    }
    // One spare root port for hotplug when libvirt manages the topology (no PCI controllers written).
    if (added && pciList.every((e) => e.index === 0) && !place('pcie')) {
      addBus('pcie-root-port');
      place('pcie'); // the spare is reserved in the dry run: it is not offered to the controllers below
    }
    // The controllers libvirt adds take their place in the dry run too: a pcie-to-pci-bridge finding
    // no empty root port (the spare took it) makes libvirt add one more.
    for (let i = buses.length; i < dryBuses.length; i++) {
      const m = dryBuses[i]!.model as 'pcie-root-port' | 'pcie-to-pci-bridge';
      if (!place(m, m === 'pcie-root-port') && m === 'pcie-to-pci-bridge') {
        addBus('pcie-root-port');
        place(m);
      }
    }
    for (const b of dryBuses.slice(buses.length)) {
      const im: ImplicitDevice = { what: `<controller type='pci' index='${b.index}' model='${b.model}'>`, address: undefined };
      out.implicit.push(im);
      buses.push(b);
      addedControllers.push({ im, model: b.model });
    }
  } else {
    // i440fx: libvirt keeps one slot spare for a future bridge; a bus 0 too full for that adds one.
    const capacity = buses.length === 1 ? countFree(alloc, 0) : -1;
    const slotsWanted = rest.filter((it) => !(it.usb2 && usb2At.has(it.usb2.index))).length;
    if (capacity < 0 || slotsWanted + 1 > capacity) {
      giveUp(items);
      return;
    }
  }

  // The real pass: PCI controllers (written without an address, then those libvirt adds), then the devices.
  const placeReal = (what: Conn | 'pcie-root-port' | 'pcie-to-pci-bridge' | 'pci-bridge', aggregate = false, fn = 0) =>
    alloc.takeLibvirtPciAddress(
      buses.filter((b) => accepts(b.model, what)).map((b) => ({ bus: b.index, minSlot: b.minSlot, maxSlot: b.maxSlot })),
      aggregate,
      fn
    );
  const ctrlQueue: { device: Controller | undefined; im: ImplicitDevice | undefined; model: string }[] = [
    ...pciList.filter((e) => !e.c!.address && e.index > 0).map((e) => ({ device: e.c, im: undefined, model: e.model! })),
    ...addedControllers.map((r) => ({ device: undefined, im: r.im, model: r.model })),
  ];
  for (const q of ctrlQueue) {
    const at = placeReal(q.model as 'pcie-root-port', q.model === 'pcie-root-port');
    if (!at) {
      giveUp(items);
      return;
    }
    fix(q.device, q.im, at);
  }
  for (const it of rest) {
    let at: { bus: number; slot: number; function: number } | undefined;
    const shared = it.usb2 ? usb2At.get(it.usb2.index) : undefined;
    if (it.usb2 && shared) {
      const want = { ...shared, function: it.usb2.fn };
      at = alloc.claimPciAddress(want) ? want : undefined;
    } else {
      at = placeReal(it.conn, false, it.usb2?.fn);
      if (at && it.usb2) {
        usb2At.set(it.usb2.index, at);
      }
    }
    if (!at) {
      giveUp(items.slice(items.indexOf(it)));
      return;
    }
    fix(it.device, it.implicit, at);
  }
}

function countFree(alloc: ReturnType<typeof allocation>, bus: number): number {
  let n = 0;
  for (let s = 1; s <= 31; s++) {
    if (!alloc.pciSlotInUse(bus, s)) {
      n++;
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// USB

/** What takes a USB port, in libvirt's order: hubs first, then virDomainUSBDeviceDefForeach's order. */
function usbDevices(
  model: DomainModel,
  ctrls: readonly ListedController[],
  implicitCtrl: ReadonlyMap<ListedController, ImplicitDevice>
): { device: Device | undefined; implicit: ImplicitDevice | undefined }[] {
  const is = (d: Device): boolean => {
    switch (d.kind) {
      case 'hub':
        return attrOf(d, 'type') === 'usb';
      case 'hostdev':
        return d.type === 'usb';
      case 'disk':
        return d.bus?.value === 'usb';
      case 'input':
        return attrOf(d, 'bus') === 'usb';
      case 'serial':
        return childAttr(d, 'target', 'type') === 'usb-serial';
      case 'sound':
        return attrOf(d, 'model') === 'usb';
      case 'redirdev':
        return attrOf(d, 'bus') === 'usb';
      default:
        return false;
    }
  };
  const of = (kind: string) =>
    listOf(model, kind)
      .filter(is)
      .map((device) => ({ device, implicit: undefined }));
  // CCID controllers (smartcard readers: written ones, then those libvirt adds) come after the disks.
  const ccid = ctrls.filter((e) => e.type === 'ccid').map((e) => ({ device: e.c, implicit: implicitCtrl.get(e) }));
  return [...of('hub'), ...of('hostdev'), ...of('disk'), ...ccid, ...of('input'), ...of('serial'), ...of('sound'), ...of('redirdev')];
}

function predictUsb(
  model: DomainModel,
  out: Prediction,
  ctrls: readonly ListedController[],
  implicitCtrl: ReadonlyMap<ListedController, ImplicitDevice>
): void {
  const alloc = allocation(model);
  // The allocator reads USB buses by written index; a controller whose index libvirt settles
  // differently (written without one) would put its ports elsewhere: then no USB prediction.
  const settled = ctrls.every((e) => e.type !== 'usb' || !e.c || (e.c.index?.value ?? 0) === e.index);
  // More USB devices than ports (every controller's and every hub's, addressed or not): libvirt
  // adds hubs first (qemuDomainUSBAddressAddHubs), which moves everything. Not replayed.
  const all = usbDevices(model, ctrls, implicitCtrl);
  let ports = 0;
  for (const e of ctrls) {
    if (e.type === 'usb') {
      ports += e.model === undefined ? NaN : usbPortCount(e.model, e.c?.ports?.value);
    }
  }
  ports += usbPortCount('hub', undefined) * model.devices.filter((d) => d.kind === 'hub' && attrOf(d, 'type') === 'usb').length;
  let stop = !settled || !(all.length <= ports);
  for (const { device: d, implicit } of all) {
    if (d?.address) {
      continue;
    }
    // A hub adds ports that libvirt searches in its own order: from the first hub without an
    // address on, nothing is predicted.
    stop ||= d?.kind === 'hub';
    const at = stop ? undefined : alloc.takeUsbPort();
    if (!at) {
      stop = true;
      if (d) {
        out.unpredicted.add(d);
      }
      continue;
    }
    const address: AssignedAddress = { type: 'usb', bus: at.bus, port: at.port };
    if (d) {
      out.devices.set(d, { address });
    } else if (implicit) {
      implicit.address = address;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// drive addresses

function predictDrives(model: DomainModel, out: Prediction): void {
  for (const d of model.disks) {
    if (d.address) {
      continue;
    }
    const at = driveOf(d);
    if (at) {
      out.devices.set(d, { address: { type: 'drive', ...at } });
    }
  }
}

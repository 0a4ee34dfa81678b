/**
 * XmlDocument -> DomainModel. Pure and total: missing or broken pieces leave fields undefined.
 */
import { attr, child, childrenNamed, descendant, type XmlAttribute, type XmlDocument, type XmlElement } from '../syntax/tree';
import {
  GENERIC_DEVICE_KINDS,
  type Address,
  type Controller,
  type Device,
  type DeviceBase,
  type Disk,
  type DomainModel,
  type GenericDeviceKind,
  type Graphics,
  type HostAssignment,
  type Hostdev,
  type HostSource,
  type ImplicitController,
  type Interface,
  type Machine,
  type MachineFamily,
  type NumAttr,
  type PciHostAddress,
} from './types';
import { implicitDrive, targetIndex } from './drive';
import { parseInteger } from '../../../lib/integer';

/** Root elements `virsh attach-device` accepts, so a file with one of them is a device fragment. */
export const FRAGMENT_ROOTS: ReadonlySet<string> = new Set([
  'disk',
  'controller',
  'interface',
  'hostdev',
  'input',
  'sound',
  'video',
  'graphics',
  'serial',
  'parallel',
  'console',
  'channel',
  'redirdev',
  'rng',
  'watchdog',
  'memballoon',
  'filesystem',
  'smartcard',
  'hub',
  'tpm',
  'panic',
  'shmem',
  'memory',
  'iommu',
  'vsock',
  'lease',
  'audio',
  'crypto',
]);

const VM_CHILDREN: ReadonlySet<string> = new Set(['vcpu', 'devices', 'os', 'memory', 'currentMemory']);

interface ModelOptions {
  /** Machine type for fragments and for domains without <os><type machine>: 'pc' | 'q35' | a full name. */
  machine?: string;
}

function numAttr(el: XmlElement | undefined, name: string, base: 0 | 10): NumAttr | undefined {
  const a = el && attr(el, name);
  return a ? { attr: a, value: parseInteger(a.value, base) } : undefined;
}

function machineFamily(name: string, arch: string): MachineFamily {
  if (arch !== 'x86_64' && arch !== 'i686') {
    return 'other';
  }
  if (/q35/.test(name)) {
    return 'q35';
  }
  if (name === 'pc' || /^pc-(i440fx-)?\d/.test(name) || /i440fx/.test(name) || name === '') {
    return 'i440fx';
  }
  return 'other';
}

function buildMachine(root: XmlElement, isDomain: boolean, opts: ModelOptions): Machine {
  const typeEl = isDomain ? descendant(root, 'os', 'type') : undefined;
  const machineAttr = typeEl && attr(typeEl, 'machine');
  const arch = (typeEl && attr(typeEl, 'arch')?.value) || 'x86_64';
  if (machineAttr?.value) {
    return { family: machineFamily(machineAttr.value, arch), name: machineAttr.value, arch, origin: 'os', attr: machineAttr };
  }
  const name = opts.machine ?? 'pc';
  return { family: machineFamily(name, arch), name, arch, origin: opts.machine ? 'config' : 'default', attr: undefined };
}

function buildAddress(el: XmlElement | undefined): Address | undefined {
  if (!el) {
    return undefined;
  }
  const type = attr(el, 'type')?.value;
  switch (type) {
    case 'pci':
      return {
        type: 'pci',
        el,
        domain: numAttr(el, 'domain', 0),
        bus: numAttr(el, 'bus', 0),
        slot: numAttr(el, 'slot', 0),
        function: numAttr(el, 'function', 0),
        multifunction: attr(el, 'multifunction'),
      };
    case 'usb': {
      const port = attr(el, 'port');
      return { type: 'usb', el, bus: numAttr(el, 'bus', 10), port, portPath: parsePortPath(port?.value) };
    }
    case 'drive':
      return {
        type: 'drive',
        el,
        controller: numAttr(el, 'controller', 10),
        bus: numAttr(el, 'bus', 10),
        target: numAttr(el, 'target', 10),
        unit: numAttr(el, 'unit', 10),
      };
    default:
      return { type: 'other', el, addressType: type };
  }
}

/** libvirt reads a USB port as 1 to 4 dot-separated decimal numbers. */
function parsePortPath(raw: string | undefined): number[] | undefined {
  if (raw === undefined || !/^[0-9]+(\.[0-9]+){0,3}$/.test(raw.trim())) {
    return undefined;
  }
  return raw.trim().split('.').map(Number);
}

function pciHostAddress(el: XmlElement | undefined): PciHostAddress | undefined {
  if (!el) {
    return undefined;
  }
  return {
    el,
    domain: numAttr(el, 'domain', 0),
    bus: numAttr(el, 'bus', 0),
    slot: numAttr(el, 'slot', 0),
    function: numAttr(el, 'function', 0),
  };
}

function hostSource(el: XmlElement, mode: string | undefined, type: string | undefined): HostSource {
  const source = child(el, 'source');
  const srcAddress = source && child(source, 'address');
  const isUsb = type === 'usb';
  const id = (name: string): XmlAttribute | undefined => {
    const c = isUsb && source ? child(source, name) : undefined;
    return c && attr(c, 'id');
  };
  return {
    mode,
    type,
    source,
    pciSource: type === 'pci' ? pciHostAddress(srcAddress) : undefined,
    usbVendor: id('vendor'),
    usbProduct: id('product'),
    usbBus: isUsb ? numAttr(srcAddress, 'bus', 0) : undefined,
    usbDevice: isUsb ? numAttr(srcAddress, 'device', 0) : undefined,
  };
}

/** A host assignment record: the device and its host source (copied with Object.assign: object spread in this hot path made building the model about three times slower). */
function assignment(hs: HostSource, device: Hostdev | Interface): HostAssignment {
  return Object.assign({ device }, hs);
}

const GENERIC_KINDS: ReadonlySet<string> = new Set(GENERIC_DEVICE_KINDS);

function isGenericKind(name: string): name is GenericDeviceKind {
  return GENERIC_KINDS.has(name);
}

function listensOf(el: XmlElement): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  const direct = attr(el, 'listen');
  if (direct) {
    out.push(direct);
  }
  for (const l of childrenNamed(el, 'listen')) {
    const a = attr(l, 'address');
    if (a) {
      out.push(a);
    }
  }
  return out;
}

/**
 * In an HVM guest with a <serial>, the first <console> whose target type is 'serial' (or none) is
 * no device of its own: libvirt 9.0 keeps it as an alias of the first serial port
 * (virDomainDefAddConsoleCompat), and `virsh dumpxml` writes the serial's <address> into it. So
 * its address claims nothing (libvirt 9.0, qemu and test drivers, accept the console and the
 * serial at the same PCI or USB address).
 */
function dropSerialAliasAddress(model: DomainModel, os: XmlElement | undefined): void {
  const typeEl = os && child(os, 'type');
  if (!typeEl || typeEl.text.trim() !== 'hvm' || !model.devices.some((d) => d.kind === 'serial')) {
    return;
  }
  const i = model.devices.findIndex((d) => d.kind === 'console');
  const first = i < 0 ? undefined : model.devices[i]!;
  if (!first?.address) {
    return;
  }
  const targetType = child(first.el, 'target') && attr(child(first.el, 'target')!, 'type')?.value;
  if (targetType === undefined || targetType === 'serial') {
    model.devices[i] = { ...first, address: undefined };
  }
}

/** Reads one device element into the model's lists. */
function addDevice(model: DomainModel, el: XmlElement): void {
  const base: DeviceBase = {
    el,
    address: buildAddress(child(el, 'address')),
    boot: numAttr(child(el, 'boot'), 'order', 10),
  };
  const type = attr(el, 'type')?.value;
  switch (el.name) {
    case 'controller': {
      const target = child(el, 'target');
      const c: Controller = {
        el,
        address: base.address,
        boot: base.boot,
        kind: 'controller',
        type,
        index: numAttr(el, 'index', 10),
        model: attr(el, 'model'),
        ports: numAttr(el, 'ports', 10),
        chassis: numAttr(target, 'chassis', 10),
        port: numAttr(target, 'port', 0),
      };
      model.controllers.push(c);
      model.devices.push(c);
      break;
    }
    case 'disk': {
      const target = child(el, 'target');
      const d: Disk = {
        el,
        address: base.address,
        boot: base.boot,
        kind: 'disk',
        diskType: type,
        device: attr(el, 'device')?.value,
        bus: target && attr(target, 'bus'),
        targetDev: target && attr(target, 'dev'),
        target,
        source: child(el, 'source'),
        driver: child(el, 'driver'),
      };
      model.disks.push(d);
      model.devices.push(d);
      break;
    }
    case 'interface': {
      const modelEl = child(el, 'model');
      const macEl = child(el, 'mac');
      const i: Interface = {
        el,
        address: base.address,
        boot: base.boot,
        kind: 'interface',
        type,
        mac: macEl && attr(macEl, 'address'),
        model: modelEl && attr(modelEl, 'type'),
        host: type === 'hostdev' ? hostSource(el, 'subsystem', 'pci') : undefined,
      };
      model.interfaces.push(i);
      model.devices.push(i);
      if (i.host) {
        model.hostdevs.push(assignment(i.host, i));
      }
      break;
    }
    case 'hostdev': {
      const hs = hostSource(el, attr(el, 'mode')?.value ?? 'subsystem', type);
      const h: Hostdev = Object.assign({ el, address: base.address, boot: base.boot, kind: 'hostdev' as const }, hs);
      model.hostdevs.push(assignment(hs, h));
      model.devices.push(h);
      break;
    }
    case 'graphics': {
      const g: Graphics = {
        el,
        address: base.address,
        boot: base.boot,
        kind: 'graphics',
        type,
        passwd: attr(el, 'passwd'),
        listens: listensOf(el),
      };
      model.graphics.push(g);
      model.devices.push(g);
      break;
    }
    default:
      model.devices.push(
        isGenericKind(el.name)
          ? { el, address: base.address, boot: base.boot, kind: el.name }
          : { el, address: base.address, boot: base.boot, kind: 'unknown' }
      );
  }
}

const devicesByName = new WeakMap<DomainModel, Map<string, readonly XmlElement[]>>();

/**
 * The children of the domain's <devices> named `name`, in document order: one pass over
 * <devices> per model for every name asked (a big domain has thousands of devices; several rule
 * families want its leases, consoles, redirfilters...). Shared: never change the array.
 */
export function devicesNamed(model: DomainModel, name: string): readonly XmlElement[] {
  let byName = devicesByName.get(model);
  if (!byName) {
    const m = new Map<string, XmlElement[]>();
    for (const c of child(model.root, 'devices')?.children ?? []) {
      const list = m.get(c.name);
      if (list) {
        list.push(c);
      } else {
        m.set(c.name, [c]);
      }
    }
    devicesByName.set(model, (byName = m));
  }
  return byName.get(name) ?? [];
}

/** `next` is a copy of `prev` with the same device elements (copyModel): what was indexed of `prev` holds for it. */
export function carryDeviceIndex(prev: DomainModel, next: DomainModel): void {
  const byName = devicesByName.get(prev);
  if (byName && !devicesByName.has(next)) {
    devicesByName.set(next, byName);
  }
}

/**
 * A new model object with `m`'s fields, written out in buildModel's order: every model then has
 * one hidden class (an object spread makes another, and the rule families' optimized code
 * deoptimizes on the first analyses that meet the second; profile of the first keystrokes in a
 * 2,000-device domain).
 */
export function copyModel(m: DomainModel): DomainModel {
  return {
    doc: m.doc,
    root: m.root,
    kind: m.kind,
    machine: m.machine,
    name: m.name,
    vcpu: m.vcpu,
    topology: m.topology,
    osBoots: m.osBoots,
    devices: m.devices,
    controllers: m.controllers,
    implicitControllers: m.implicitControllers,
    disks: m.disks,
    interfaces: m.interfaces,
    hostdevs: m.hostdevs,
    graphics: m.graphics,
  };
}

/**
 * The model of a domain after an edit inside its `index`th device (the element now `el`; every
 * other device element and everything outside <devices> unchanged): the other devices' records
 * are reused. Not for edits of a <console> (the first one may be an alias of the first serial port,
 * dropSerialAliasAddress: the caller builds those whole).
 */
export function withDevice(prev: DomainModel, index: number, el: XmlElement): DomainModel {
  const model = copyModel(prev);
  model.devices = [];
  model.controllers = [];
  model.implicitControllers = [];
  model.disks = [];
  model.interfaces = [];
  model.hostdevs = [];
  model.graphics = [];
  const assignments = new Map<Device, HostAssignment>();
  for (const h of prev.hostdevs) {
    assignments.set(h.device, h);
  }
  const list = prev.devices;
  for (let j = 0; j < list.length; j++) {
    if (j === index) {
      addDevice(model, el);
      continue;
    }
    const d = list[j]!;
    model.devices.push(d);
    switch (d.kind) {
      case 'controller':
        model.controllers.push(d);
        break;
      case 'disk':
        model.disks.push(d);
        break;
      case 'interface':
      case 'hostdev': {
        if (d.kind === 'interface') {
          model.interfaces.push(d);
        }
        const h = assignments.get(d);
        if (h) {
          model.hostdevs.push(h);
        }
        break;
      }
      case 'graphics':
        model.graphics.push(d);
        break;
      default:
    }
  }
  model.implicitControllers = implicitControllers(model);
  return model;
}

export function buildModel(doc: XmlDocument, opts: ModelOptions = {}): DomainModel | undefined {
  const root = doc.root;
  if (!root || (root.name !== 'domain' && !FRAGMENT_ROOTS.has(root.name))) {
    return undefined;
  }
  // Other tools have a <domain> root too (GlassFish/Payara's domain.xml). libvirt's has a type
  // attribute, or at least looks like a VM.
  if (root.name === 'domain' && !attr(root, 'type') && !root.children.some((c) => VM_CHILDREN.has(c.name))) {
    return undefined;
  }
  const isDomain = root.name === 'domain';
  const os = isDomain ? child(root, 'os') : undefined;
  const model: DomainModel = {
    doc,
    root,
    kind: isDomain ? 'domain' : 'fragment',
    machine: buildMachine(root, isDomain, opts),
    name: isDomain ? child(root, 'name') : undefined,
    vcpu: isDomain ? child(root, 'vcpu') : undefined,
    topology: isDomain ? descendant(root, 'cpu', 'topology') : undefined,
    osBoots: os ? childrenNamed(os, 'boot') : [],
    devices: [],
    controllers: [],
    implicitControllers: [],
    disks: [],
    interfaces: [],
    hostdevs: [],
    graphics: [],
  };

  const deviceEls = isDomain ? (child(root, 'devices')?.children ?? []) : [root];
  for (const el of deviceEls) {
    addDevice(model, el);
  }
  if (isDomain) {
    dropSerialAliasAddress(model, os);
    model.implicitControllers = implicitControllers(model);
  }
  return model;
}

/** How many implicit IDE controllers the model lists at most (QEMU supports one). */
const MAX_IMPLICIT_IDE = 16;

/**
 * Controllers libvirt's QEMU driver adds when the XML leaves them out (libvirt 9.0, checked with
 * dumpxml): the PCI root; USB index 0 unless USB is disabled (qemu-xhci on q35, piix3-uhci on
 * i440fx), even when other USB indexes are present; the SATA controller of q35; and on i440fx an
 * IDE controller for each index the IDE disks use (none when there is no IDE disk).
 */
function implicitControllers(model: DomainModel): ImplicitController[] {
  const has = (type: string, index: number): boolean => model.controllers.some((c) => c.type === type && c.index?.value === index);
  const out: ImplicitController[] = [];
  const family = model.machine.family;
  if (family === 'i440fx' || family === 'q35') {
    if (!has('pci', 0)) {
      out.push({ type: 'pci', index: 0, model: family === 'q35' ? 'pcie-root' : 'pci-root' });
    }
    const usbDisabled = model.controllers.some((c) => c.type === 'usb' && c.model?.value === 'none');
    if (!usbDisabled && !has('usb', 0)) {
      out.push({ type: 'usb', index: 0, model: family === 'q35' ? 'qemu-xhci' : 'piix3-uhci' });
    }
    if (family === 'i440fx') {
      const ideIndexes = new Set<number>();
      for (const d of model.disks) {
        if (d.bus?.value !== 'ide') {
          continue;
        }
        const a = d.address;
        const idx = targetIndex(d.targetDev?.value);
        const ctl =
          a?.type === 'drive'
            ? a.controller
              ? a.controller.value
              : 0
            : idx !== undefined
              ? implicitDrive('ide', idx)?.controller
              : undefined;
        if (ctl !== undefined) {
          // libvirt adds IDE controllers 0..ctl, and QEMU takes only one; list a few at most, so that
          // controller='99999999999' (or a target such as hdzzzzzzz) cannot fill the Set until it overflows.
          for (let i = 0; i <= Math.min(ctl, MAX_IMPLICIT_IDE); i++) {
            ideIndexes.add(i);
          }
        }
      }
      for (const i of [...ideIndexes].sort((a, b) => a - b)) {
        if (!has('ide', i)) {
          out.push({ type: 'ide', index: i, model: 'piix3' });
        }
      }
    }
    if (family === 'q35' && !has('sata', 0)) {
      out.push({ type: 'sata', index: 0, model: 'ich9-ahci' });
    }
  }
  return out;
}

/**
 * The model of a controller as libvirt would settle it (explicit, or the default for its type).
 * An explicit USB controller without a model is piix3-uhci on x86 machines, q35 included
 * (only the controller libvirt adds by itself on q35 is a qemu-xhci); on other machines the
 * default depends on the architecture and is left unknown.
 */
export function controllerModel(model: DomainModel, c: Controller): string | undefined {
  if (c.model?.value) {
    return c.model.value;
  }
  if (c.type === 'pci' && c.index?.value === 0) {
    return model.machine.family === 'q35' ? 'pcie-root' : model.machine.family === 'i440fx' ? 'pci-root' : undefined;
  }
  if (c.type === 'usb') {
    return model.machine.family === 'other' ? undefined : 'piix3-uhci';
  }
  return undefined;
}

/** The device (child of <devices>, or the fragment root) that holds an element; undefined outside devices. */
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

/**
 * Checks against the host the domain is meant for (ctx.host: capabilities, domcapabilities, node
 * devices; host/profile.ts). Without a host nothing is said; where the profile lacks the part a
 * check needs (no node devices read, no domcapabilities for this arch), that check is skipped.
 *
 * Each check was tried on a real libvirt (9.0, QEMU 7.2: docs/host-checks.md): errors are what
 * libvirt refuses at define or start, warnings what it lets through but goes wrong.
 */
import { parseSizeKiB } from '../../../lib/bitmap';
import {
  canonicalMachine,
  findDomcaps,
  findPciDevice,
  findUsbDevices,
  formatPciAddress,
  guestFor,
  machineFamily,
  machinesFor,
  samePciAddress,
} from '../host/match';
import type { DomainCapabilities, HostPciAddress, HostPciDevice, HostProfile } from '../host/profile';
import type { Device, DomainModel, HostAssignment } from '../model/types';
import { attr, attrValue, child, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import type { Code } from './codes';
import { addDeviceFindings, type DeviceMemo, type Finding, type RuleFamily } from './types';

function valueSpan(a: XmlAttribute): Span {
  return a.valueSpan ?? a.span;
}

/** "the host qemu:///system", "the host qemu+ssh://h/system (snapshot NAME)", "the host of snapshot NAME". */
export function hostName(host: HostProfile): string {
  const src = host.source;
  if (src.kind === 'connection') {
    return `the host ${src.uri}`;
  }
  const base =
    src.dir
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? src.dir;
  return src.uri ? `the host ${src.uri} (snapshot ${base})` : `the host of snapshot ${base}`;
}

function emulatorName(host: HostProfile): string {
  return host.hypervisor ? `${host.hypervisor.name} ${host.hypervisor.version}` : 'emulator';
}

/** Version numbers of a machine name, for "at most": pc-q35-7.2 -> [7, 2]. */
function machineVersion(name: string): number[] {
  const m = /-(\d+(?:\.\d+)*)$/.exec(name);
  return m ? m[1]!.split('.').map(Number) : [];
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

const list = (xs: readonly string[], most = 8): string => (xs.length > most ? `${xs.slice(0, most).join(', ')}...` : xs.join(', '));

function osType(model: DomainModel): XmlElement | undefined {
  const os = child(model.root, 'os');
  return os && child(os, 'type');
}

/** The domain's virt type (`<domain type>`); fragments are taken as kvm, else qemu, whichever the host has. */
function virtTypeOf(model: DomainModel): string | undefined {
  return model.kind === 'domain' ? attrValue(model.root, 'type') : undefined;
}

/**
 * The domcapabilities that judge the domain's devices: of its own machine or one of the same
 * family (pc-q35-7.2 for q35), or the default ones when it names no machine. Never those of
 * another family: q35 has no IDE where i440fx has, and judging one by the other would be a guess.
 */
function domcapsFor(model: DomainModel, host: HostProfile): DomainCapabilities | undefined {
  const arch = model.machine.arch;
  const machine = model.machine.origin === 'default' ? undefined : model.machine.name;
  const vt = virtTypeOf(model);
  const types = vt ? [vt] : ['kvm', 'qemu'];
  for (const virtType of types) {
    const d = findDomcaps(host, { arch, virtType, ...(machine ? { machine } : {}) });
    if (!d) {
      continue;
    }
    if (machine === undefined) {
      return d.isDefault ? d : undefined;
    }
    const family = machineFamily(canonicalMachine(host, arch, virtType, machine));
    return d.machine !== undefined && machineFamily(d.machine) === family ? d : undefined;
  }
  return undefined;
}

function checkPlatform(model: DomainModel, host: HostProfile, out: Finding[]): void {
  const caps = host.capabilities;
  if (!caps || model.kind !== 'domain') {
    return;
  }
  const typeEl = osType(model);
  const archAttr = typeEl && attr(typeEl, 'arch');
  // Without an arch attribute libvirt picks one the host offers (its own, else the first): only a written one can be wrong.
  const arch = archAttr?.value ?? (guestFor(host, caps.arch) ? caps.arch : caps.guests[0]?.arch);
  if (arch === undefined) {
    return;
  }
  const guest = guestFor(host, arch);
  if (!guest) {
    const offered = [...new Set(caps.guests.map((g) => g.arch))];
    out.push({
      code: 'host-arch-unsupported',
      message: `${cap(hostName(host))} has no emulator for arch '${arch}' (it offers ${offered.length > 0 ? list(offered) : 'none'}): libvirt refuses to define the domain there.`,
      span: archAttr ? valueSpan(archAttr) : (typeEl?.nameSpan ?? model.root.nameSpan),
    });
    return;
  }
  const vtAttr = attr(model.root, 'type');
  const vt = vtAttr?.value;
  if (vtAttr && vt && guest.domains.length > 0 && !guest.domains.some((d) => d.type === vt)) {
    out.push({
      code: 'host-virt-type-unsupported',
      message: `${cap(hostName(host))} cannot run domain type '${vt}' for ${arch} (it offers ${list(guest.domains.map((d) => d.type))}): libvirt refuses to define the domain there.`,
      span: valueSpan(vtAttr),
    });
    return;
  }
  const machines = machinesFor(guest, vt);
  const mAttr = model.machine.attr;
  if (mAttr && model.machine.origin === 'os' && machines.length > 0) {
    const name = model.machine.name;
    if (!machines.some((m) => m.name === name)) {
      const family = machineFamily(name);
      const same = machines
        .map((m) => m.name)
        .filter((n) => machineFamily(n) === family && machineVersion(n).length > 0)
        .sort((a, b) => compareVersions(machineVersion(b), machineVersion(a)));
      const offer =
        same.length > 0
          ? `this host's ${emulatorName(host)} offers ${same[0]} at most`
          : `this host's ${emulatorName(host)} offers ${list(machines.map((m) => m.name))}`;
      out.push({
        code: 'host-machine-unsupported',
        message: `No machine type '${name}' for ${arch} on ${hostName(host)}: ${offer}. libvirt refuses to define the domain there.`,
        span: valueSpan(mAttr),
      });
      return;
    }
  }
  // vCPUs: the machine's maxCpus from the capabilities, else the domcapabilities of that very machine.
  const vcpuEl = model.vcpu;
  const n = vcpuEl && /^\s*\d+\s*$/.test(vcpuEl.text) ? Number(vcpuEl.text.trim()) : undefined;
  if (vcpuEl && n !== undefined) {
    const machineName = model.machine.origin === 'default' ? undefined : model.machine.name;
    const entry = machineName ? machines.find((m) => m.name === machineName) : undefined;
    let max = entry?.maxCpus;
    let which = machineName ? (entry?.canonical ?? machineName) : undefined;
    if (max === undefined) {
      const dc = domcapsFor(model, host);
      const exact = dc && (machineName === undefined ? dc.isDefault : dc.machine === canonicalMachine(host, arch, vt, machineName));
      if (exact && dc.vcpuMax !== undefined) {
        max = dc.vcpuMax;
        which = dc.machine;
      }
    }
    if (max !== undefined && n > max) {
      out.push({
        code: 'host-vcpu-above-max',
        message: `${n} vCPUs are more than machine type ${which ?? 'the default machine'} takes on ${hostName(host)} (${max} at most): libvirt refuses to define the domain there.`,
        span: vcpuEl.textSpan ?? vcpuEl.nameSpan,
      });
    }
  }
  const memEl = child(model.root, 'memory');
  const kib = memEl ? memoryKiB(memEl) : undefined;
  if (memEl && kib !== undefined && caps.memoryKiB !== undefined && kib > caps.memoryKiB) {
    out.push({
      code: 'host-memory-above-host',
      message: `${gib(kib)} of memory is more than ${hostName(host)} has (${gib(caps.memoryKiB)}): libvirt defines the domain, but QEMU cannot allocate it and the start fails, unless the host overcommits memory or has swap for it.`,
      span: memEl.textSpan ?? memEl.nameSpan,
    });
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A memory amount as libvirt reads it (lib/bitmap.ts parseSizeKiB: the unit, KiB when none). */
function memoryKiB(el: XmlElement): number | undefined {
  return parseSizeKiB(el.text, attrValue(el, 'unit'));
}

function gib(kib: number): string {
  return `${(kib / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} GiB`;
}

/** One value checked against a domcapabilities enum: only where the enum is there. */
function checkEnum(
  dc: DomainCapabilities,
  host: HostProfile,
  device: string,
  enumName: string,
  a: XmlAttribute | undefined,
  what: string,
  out: Finding[]
): void {
  const values = dc.devices[device]?.enums[enumName];
  const v = a?.value;
  if (!a || v === undefined || !values || values.length === 0 || values.includes(v)) {
    return;
  }
  out.push({
    code: 'host-device-unsupported',
    message:
      `${cap(hostName(host))} does not offer ${what} '${v}' for ${dc.arch} ${dc.machine ?? ''} (its domcapabilities list ${list(values, 12)}): libvirt refuses to define the domain there.`.replace(
        '  (',
        ' ('
      ),
    span: valueSpan(a),
  });
}

function checkDevices(model: DomainModel, host: HostProfile, out: Finding[], memo: DeviceMemo | undefined): void {
  const dc = domcapsFor(model, host);
  if (!dc) {
    return;
  }
  // Each device against the domcapabilities (the host and the machine only change with a full analysis): kept per device.
  addDeviceFindings(
    out,
    memo,
    'host-device-enums',
    model.devices,
    (d) => d.el,
    (d) => deviceEnums(dc, host, d)
  );
}

function deviceEnums(dc: DomainCapabilities, host: HostProfile, dev: Device): Finding[] {
  const out: Finding[] = [];
  if (dev.kind === 'disk') {
    checkEnum(dc, host, 'disk', 'bus', dev.bus, 'disk bus', out);
    checkEnum(dc, host, 'disk', 'diskDevice', attr(dev.el, 'device'), 'disk device', out);
    checkEnum(dc, host, 'disk', 'model', attr(dev.el, 'model'), 'disk model', out);
  } else if (dev.kind === 'graphics') {
    checkEnum(dc, host, 'graphics', 'type', attr(dev.el, 'type'), 'graphics type', out);
  } else if (dev.kind === 'video') {
    const m = child(dev.el, 'model');
    checkEnum(dc, host, 'video', 'modelType', m && attr(m, 'type'), 'video model', out);
  } else if (dev.kind === 'tpm') {
    checkEnum(dc, host, 'tpm', 'model', attr(dev.el, 'model'), 'TPM model', out);
    const b = child(dev.el, 'backend');
    checkEnum(dc, host, 'tpm', 'backendModel', b && attr(b, 'type'), 'TPM backend', out);
  } else if (dev.kind === 'rng') {
    checkEnum(dc, host, 'rng', 'model', attr(dev.el, 'model'), 'RNG model', out);
    const b = child(dev.el, 'backend');
    checkEnum(dc, host, 'rng', 'backendModel', b && attr(b, 'model'), 'RNG backend', out);
  }
  return out;
}

/**
 * `<cpu mode='custom'><model>` against the domcapabilities' custom models. Tried here (libvirt 9.0,
 * QEMU 7.2, match='exact'): a model not listed defines and fails at start ("Unknown CPU model");
 * one listed usable='no' fails at start ("the CPU is incompatible with host CPU") unless
 * check='none'. fallback='allow' and other match values were not tried: not judged.
 */
function checkCpuModel(model: DomainModel, host: HostProfile, out: Finding[]): void {
  const cpu = model.kind === 'domain' ? child(model.root, 'cpu') : undefined;
  const m = cpu && child(cpu, 'model');
  const name = m?.text.trim();
  if (!cpu || !m || !name || !m.textSpan) {
    return;
  }
  const mode = attrValue(cpu, 'mode') ?? 'custom';
  const match = attrValue(cpu, 'match') ?? 'exact';
  if (mode !== 'custom' || match !== 'exact' || attrValue(m, 'fallback') === 'allow') {
    return;
  }
  const dc = domcapsFor(model, host);
  const models = dc?.cpu.models ?? [];
  if (!dc || models.length === 0 || dc.cpu.modes.custom === false) {
    return;
  }
  const found = models.find((x) => x.name === name);
  if (!found) {
    out.push({
      code: 'host-cpu-model-unusable',
      message: `${cap(hostName(host))} has no CPU model '${name}' (its domcapabilities list ${list(models.map((x) => x.name))}): libvirt defines the domain, but refuses to start the guest ("Unknown CPU model").`,
      span: m.textSpan,
    });
  } else if (found.usable === 'no' && (attrValue(cpu, 'check') ?? 'partial') !== 'none') {
    out.push({
      code: 'host-cpu-model-unusable',
      message: `CPU model '${name}' is not usable on ${hostName(host)} (its CPU lacks features the model needs, say its domcapabilities): libvirt defines the domain, but refuses to start the guest. Choose a usable model, or host-model.`,
      span: m.textSpan,
    });
  }
}

const num = (x: { value: number | undefined } | undefined, dflt?: number): number | undefined => x?.value ?? dflt;

function pciOf(h: HostAssignment): { address: HostPciAddress; span: Span } | undefined {
  const p = h.pciSource;
  const bus = num(p?.bus);
  const slot = num(p?.slot);
  if (!p || bus === undefined || slot === undefined) {
    return undefined;
  }
  const address = { domain: num(p.domain, 0)!, bus, slot, function: num(p.function, 0)! };
  const attrs = [p.domain, p.bus, p.slot, p.function].flatMap((x) => (x ? [x.attr.span] : []));
  const span =
    attrs.length > 0 ? { start: Math.min(...attrs.map((s) => s.start)), end: Math.max(...attrs.map((s) => s.end)) } : p.el.nameSpan;
  return { address, span };
}

/** Bridges (host and PCI/PCIe ones) share groups with endpoints; VFIO does not need them. */
function isBridge(d: HostPciDevice): boolean {
  return /^0x0600/i.test(d.class ?? '') || /^0x0604/i.test(d.class ?? '');
}

const VFIO_OK = new Set(['vfio-pci', 'pci-stub']);

function describe(d: HostPciDevice): string {
  const name = [d.vendor.name, d.product.name].filter(Boolean).join(' ');
  return `${formatPciAddress(d.address)}${name ? ` (${name})` : ''}`;
}

function checkHostDevices(model: DomainModel, host: HostProfile, out: Finding[], memo: DeviceMemo | undefined): void {
  // Node devices were read when any is known (every Linux host has at least its loopback interface).
  const devicesRead = host.pci.length > 0 || host.usb.length > 0 || host.net.length > 0;
  // Each assignment against the host's devices (the host only changes with a full analysis): kept per device.
  const each = (h: HostAssignment): Finding[] => hostDeviceProblems(host, devicesRead, h);
  addDeviceFindings(out, memo, 'host-devices', model.hostdevs, (h) => h.device.el, each);
  checkIommuGroups(model, host, devicesRead, out);
}

/** One PCI or USB assignment against the host: there, usable, not taking more than it says. */
function hostDeviceProblems(host: HostProfile, devicesRead: boolean, h: HostAssignment): Finding[] {
  const out: Finding[] = [];
  if (h.mode === 'capabilities') {
    return out;
  }
  if (h.type === 'pci') {
    const p = pciOf(h);
    if (!p) {
      return out;
    }
    const addr = formatPciAddress(p.address);
    if (host.capabilities?.iommu === false) {
      out.push({
        code: 'host-pci-passthrough-unsupported',
        message: `${cap(hostName(host))} has no IOMMU (or it is turned off), so PCI device ${addr} cannot be passed through: libvirt refuses to start the domain ("host doesn't support passthrough of host PCI devices").`,
        span: p.span,
      });
    }
    if (!devicesRead) {
      return out;
    }
    const dev = findPciDevice(host, p.address);
    if (!dev) {
      out.push({
        code: 'host-device-missing',
        message: `${cap(hostName(host))} has no PCI device ${addr}: libvirt defines the domain but refuses to start it.`,
        span: p.span,
      });
      return out;
    }
    const managed = attrValue(h.device.el, 'managed');
    if (managed !== 'yes' && dev.driver && !VFIO_OK.has(dev.driver)) {
      out.push({
        code: 'host-device-in-use',
        message: `${describe(dev)} is held by the host driver ${dev.driver} and managed is not 'yes': detach it first (virsh nodedev-detach ${dev.name}) or set managed='yes'.`,
        span: p.span,
      });
    }
    if (dev.virtFunctions && dev.virtFunctions.addresses.length > 0) {
      const n = dev.virtFunctions.addresses.length;
      out.push({
        code: 'host-sriov-pf-with-vfs',
        message: `${describe(dev)} is an SR-IOV physical function with ${n} virtual function${n === 1 ? '' : 's'} enabled (${list(dev.virtFunctions.addresses.map(formatPciAddress), 4)}): assigning the PF takes them from the host too; assign a VF instead?`,
        span: p.span,
      });
    }
  } else if (h.type === 'usb' && devicesRead) {
    const src = h.source;
    if (src && attrValue(src, 'startupPolicy') === 'optional') {
      return out;
    }
    const vendor = h.usbVendor?.value;
    const product = h.usbProduct?.value;
    const bus = h.usbBus?.value;
    const device = h.usbDevice?.value;
    const want = {
      ...(vendor ? { vendor } : {}),
      ...(product ? { product } : {}),
      ...(bus !== undefined ? { bus } : {}),
      ...(device !== undefined ? { device } : {}),
    };
    if (Object.keys(want).length === 0) {
      return out;
    }
    if (findUsbDevices(host, want).length === 0) {
      const what = vendor || product ? `vendor:product ${vendor ?? '*'}:${product ?? '*'}` : `bus ${bus} device ${device}`;
      const span = h.usbVendor
        ? valueSpan(h.usbVendor)
        : h.usbProduct
          ? valueSpan(h.usbProduct)
          : h.usbBus
            ? valueSpan(h.usbBus.attr)
            : src!.nameSpan;
      out.push({
        code: 'host-device-missing',
        message: `${cap(hostName(host))} has no USB device with ${what}: libvirt defines the domain but refuses to start it (unless <source startupPolicy='optional'>).`,
        span,
      });
    }
  }
  return out;
}

/** A PCI device whose IOMMU group holds devices on host drivers that the domain does not assign too. */
function checkIommuGroups(model: DomainModel, host: HostProfile, devicesRead: boolean, out: Finding[]): void {
  // A group of one device is never split (a host without IOMMU groups has nothing to look at).
  if (!devicesRead || !host.pci.some((d) => (d.iommuGroup?.members.length ?? 0) > 1)) {
    return;
  }
  // Each PCI assignment's host address, read once (hundreds of hostdevs in a big domain).
  const pcis = new Map<HostAssignment, { address: HostPciAddress; span: Span }>();
  for (const h of model.hostdevs) {
    const p = h.type === 'pci' && h.mode !== 'capabilities' ? pciOf(h) : undefined;
    if (p) {
      pcis.set(h, p);
    }
  }
  const assigned = [...pcis.values()];
  for (const p of assigned) {
    const dev = findPciDevice(host, p.address);
    const group = dev?.iommuGroup;
    if (!dev || !group) {
      continue;
    }
    const left = group.members.flatMap((m) => {
      if (samePciAddress(m, dev.address) || assigned.some((a) => samePciAddress(a.address, m))) {
        return [];
      }
      const other = findPciDevice(host, m);
      return other && !isBridge(other) && other.driver && !VFIO_OK.has(other.driver) ? [other] : [];
    });
    if (left.length > 0) {
      out.push({
        code: 'host-iommu-group-split',
        message: `IOMMU group ${group.number} of ${formatPciAddress(p.address)} also holds ${left.map((o) => `${describe(o)} on ${o.driver}`).join(', ')}, not assigned to this domain: VFIO refuses a group that is not wholly given to the guest. Assign ${left.length === 1 ? 'it' : 'them'} too, or detach ${left.length === 1 ? 'it' : 'them'} from the host.`,
        span: p.span,
      });
    }
  }
}

/** A host whose guests are run by QEMU: virt types qemu/kvm in its capabilities (or no capabilities to say otherwise). */
function isQemuHost(host: HostProfile): boolean {
  const types = host.capabilities?.guests.flatMap((g) => g.domains.map((d) => d.type)) ?? [];
  return types.length === 0 || types.some((t) => t === 'qemu' || t === 'kvm');
}

export const hostRules: RuleFamily = {
  id: 'host',
  check(model, ctx) {
    const host = ctx.host;
    // Calibrated on the QEMU driver; other drivers check otherwise (the test driver takes any virt
    // type and arch), so their hosts are not judged rather than guessed at.
    if (!host || (host.hypervisor && host.hypervisor.name.toUpperCase() !== 'QEMU') || !isQemuHost(host)) {
      return [];
    }
    const out: Finding[] = [];
    checkPlatform(model, host, out);
    // Device lists are judged only once the platform is one the host runs.
    if (
      !out.some((f) => (['host-arch-unsupported', 'host-virt-type-unsupported', 'host-machine-unsupported'] as Code[]).includes(f.code))
    ) {
      checkDevices(model, host, out, ctx.memo);
      checkCpuModel(model, host, out);
    }
    checkHostDevices(model, host, out, ctx.memo);
    return out;
  },
};

/**
 * virsh's host XML read into the plain records of host/profile.ts: `virsh capabilities`,
 * `virsh domcapabilities`, `virsh nodedev-dumpxml`, `virsh version` and a domain's own XML.
 * Pure: text in, data out, on our own XML tree (syntax/parse.ts); no I/O. Formats as libvirt
 * documents them (formatcaps, formatdomaincaps, formatnode); whatever is absent stays undefined,
 * and text that is not the expected document gives undefined rather than a guess.
 */
import { parseSizeKiB } from '../../../lib/bitmap';
import { parseXml } from '../syntax/parse';
import { attrValue, child, childrenNamed, type XmlElement } from '../syntax/tree';
import type {
  DomainCapabilities,
  GuestCapability,
  HostCapabilities,
  HostNetDevice,
  HostPciAddress,
  HostPciDevice,
  HostUsbDevice,
} from './profile';

/** A number as libvirt prints it: decimal, or hexadecimal with 0x. undefined when it is neither. */
export function parseNumber(s: string | undefined): number | undefined {
  if (s === undefined) {
    return undefined;
  }
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) {
    return parseInt(t.slice(2), 16);
  }
  if (/^[0-9]+$/.test(t)) {
    return parseInt(t, 10);
  }
  return undefined;
}

function text(el: XmlElement | undefined): string | undefined {
  const t = el?.text.trim();
  return t ? t : undefined;
}

function rootNamed(xml: string, name: string): XmlElement | undefined {
  const root = parseXml(xml).root;
  return root?.name === name ? root : undefined;
}

/** An amount with libvirt's `unit` attribute (KiB when absent) in KiB, read as libvirt reads sizes. */
function kib(el: XmlElement | undefined): number | undefined {
  return el ? parseSizeKiB(text(el), attrValue(el, 'unit')) : undefined;
}

/** `<address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>`. */
function parsePciAddressElement(el: XmlElement): HostPciAddress | undefined {
  const domain = parseNumber(attrValue(el, 'domain') ?? '0');
  const bus = parseNumber(attrValue(el, 'bus'));
  const slot = parseNumber(attrValue(el, 'slot'));
  const fn = parseNumber(attrValue(el, 'function') ?? '0');
  if (domain === undefined || bus === undefined || slot === undefined || fn === undefined) {
    return undefined;
  }
  return { domain, bus, slot, function: fn };
}

function machines(arch: XmlElement): GuestCapability['machines'] {
  return childrenNamed(arch, 'machine').flatMap((m) => {
    const name = text(m);
    if (!name) {
      return [];
    }
    const canonical = attrValue(m, 'canonical');
    const maxCpus = parseNumber(attrValue(m, 'maxCpus'));
    return [{ name, ...(canonical ? { canonical } : {}), ...(maxCpus !== undefined ? { maxCpus } : {}) }];
  });
}

/** `virsh capabilities`. */
export function parseCapabilities(xml: string): HostCapabilities | undefined {
  const root = rootNamed(xml, 'capabilities');
  const host = root && child(root, 'host');
  if (!root || !host) {
    return undefined;
  }
  const cpu = child(host, 'cpu');
  const cells: HostCapabilities['cells'] = [];
  const cellsEl = child(host, 'topology') && child(child(host, 'topology')!, 'cells');
  for (const c of cellsEl ? childrenNamed(cellsEl, 'cell') : []) {
    const memoryKiB = kib(child(c, 'memory'));
    const cpusEl = child(c, 'cpus');
    const cpus = (cpusEl ? childrenNamed(cpusEl, 'cpu') : []).flatMap((x) => {
      const id = parseNumber(attrValue(x, 'id'));
      return id === undefined ? [] : [id];
    });
    cells.push({ id: parseNumber(attrValue(c, 'id')) ?? cells.length, ...(memoryKiB !== undefined ? { memoryKiB } : {}), cpus });
  }
  let cpus: number | undefined =
    cells.length > 0 && cells.some((c) => c.cpus.length > 0) ? cells.reduce((n, c) => n + c.cpus.length, 0) : undefined;
  const topo = cpu && child(cpu, 'topology');
  if (cpus === undefined && topo) {
    const f = ['sockets', 'dies', 'cores', 'threads'].map((k) => parseNumber(attrValue(topo, k)) ?? 1);
    cpus = f.reduce((a, b) => a * b, 1);
  }
  const known = cells.filter((c) => c.memoryKiB !== undefined);
  const memoryKiB = known.length > 0 && known.length === cells.length ? known.reduce((n, c) => n + c.memoryKiB!, 0) : undefined;
  const guests: GuestCapability[] = [];
  for (const g of childrenNamed(root, 'guest')) {
    const arch = child(g, 'arch');
    const archName = arch && attrValue(arch, 'name');
    if (!arch || !archName) {
      continue;
    }
    const wordsize = parseNumber(text(child(arch, 'wordsize')));
    const emulator = text(child(arch, 'emulator'));
    guests.push({
      osType: text(child(g, 'os_type')) ?? 'hvm',
      arch: archName,
      ...(wordsize !== undefined ? { wordsize } : {}),
      ...(emulator ? { emulator } : {}),
      machines: machines(arch),
      domains: childrenNamed(arch, 'domain').flatMap((d) => {
        const type = attrValue(d, 'type');
        const em = text(child(d, 'emulator'));
        return type ? [{ type, ...(em ? { emulator: em } : {}), machines: machines(d) }] : [];
      }),
    });
  }
  const iommuEl = child(host, 'iommu');
  const iommu = iommuEl ? attrValue(iommuEl, 'support') : undefined;
  return {
    arch: text(cpu && child(cpu, 'arch')) ?? '',
    ...(iommu === 'yes' || iommu === 'no' ? { iommu: iommu === 'yes' } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    cells,
    ...(memoryKiB !== undefined ? { memoryKiB } : {}),
    guests,
  };
}

/** `<enum name='bus'><value>ide</value>...</enum>` children of an element, by name. */
function enums(el: XmlElement): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of childrenNamed(el, 'enum')) {
    const name = attrValue(e, 'name');
    if (name) {
      out[name] = childrenNamed(e, 'value').flatMap((v) => (text(v) ? [text(v)!] : []));
    }
  }
  return out;
}

function supported(el: XmlElement): boolean {
  return attrValue(el, 'supported') === 'yes';
}

/** `virsh domcapabilities`. */
export function parseDomainCapabilities(xml: string): DomainCapabilities | undefined {
  const root = rootNamed(xml, 'domainCapabilities');
  if (!root) {
    return undefined;
  }
  const domainType = text(child(root, 'domain'));
  const arch = text(child(root, 'arch'));
  if (!domainType || !arch) {
    return undefined;
  }
  const path = text(child(root, 'path'));
  const machine = text(child(root, 'machine'));
  const vcpuEl = child(root, 'vcpu');
  const vcpuMax = vcpuEl ? parseNumber(attrValue(vcpuEl, 'max')) : undefined;
  const iothreadsEl = child(root, 'iothreads');
  const osEl = child(root, 'os');
  const loaderEl = osEl && child(osEl, 'loader');
  const os: DomainCapabilities['os'] = {
    supported: osEl ? supported(osEl) : false,
    enums: osEl ? enums(osEl) : {},
    ...(loaderEl
      ? {
          loader: {
            supported: supported(loaderEl),
            values: childrenNamed(loaderEl, 'value').flatMap((v) => (text(v) ? [text(v)!] : [])),
            enums: enums(loaderEl),
          },
        }
      : {}),
  };
  const cpu: DomainCapabilities['cpu'] = { modes: {}, models: [] };
  const cpuEl = child(root, 'cpu');
  for (const m of cpuEl ? childrenNamed(cpuEl, 'mode') : []) {
    const name = attrValue(m, 'name');
    if (!name) {
      continue;
    }
    cpu.modes[name] = supported(m);
    if (name === 'custom') {
      for (const model of childrenNamed(m, 'model')) {
        const n = text(model);
        const vendor = attrValue(model, 'vendor');
        if (n) {
          cpu.models.push({ name: n, usable: attrValue(model, 'usable') ?? 'unknown', ...(vendor ? { vendor } : {}) });
        }
      }
    }
  }
  const section = (name: string): Record<string, { supported: boolean; enums: Record<string, string[]> }> => {
    const out: Record<string, { supported: boolean; enums: Record<string, string[]> }> = {};
    const el = child(root, name);
    for (const c of el ? el.children : []) {
      out[c.name] = { supported: supported(c), enums: enums(c) };
    }
    return out;
  };
  return {
    ...(path ? { path } : {}),
    domainType,
    ...(machine ? { machine } : {}),
    arch,
    ...(vcpuMax !== undefined ? { vcpuMax } : {}),
    ...(iothreadsEl ? { iothreads: supported(iothreadsEl) } : {}),
    os,
    cpu,
    devices: section('devices'),
    features: section('features'),
  };
}

/** One `virsh nodedev-dumpxml`: the devices host checks use (PCI, USB, network); others are undefined. */
type NodeDevice = { kind: 'pci'; device: HostPciDevice } | { kind: 'usb'; device: HostUsbDevice } | { kind: 'net'; device: HostNetDevice };

function idName(el: XmlElement | undefined): { id: string; name?: string } {
  const id = (el && attrValue(el, 'id')) ?? '';
  const name = text(el);
  return { id: id.toLowerCase(), ...(name ? { name } : {}) };
}

export function parseNodeDevice(xml: string): NodeDevice | undefined {
  const root = rootNamed(xml, 'device');
  const name = text(root && child(root, 'name'));
  if (!root || !name) {
    return undefined;
  }
  const parent = text(child(root, 'parent'));
  const driverEl = child(root, 'driver');
  const driver = text(driverEl && child(driverEl, 'name'));
  const common = { name, ...(parent ? { parent } : {}) };
  for (const cap of childrenNamed(root, 'capability')) {
    const type = attrValue(cap, 'type');
    if (type === 'pci') {
      const address = {
        domain: parseNumber(text(child(cap, 'domain'))),
        bus: parseNumber(text(child(cap, 'bus'))),
        slot: parseNumber(text(child(cap, 'slot'))),
        function: parseNumber(text(child(cap, 'function'))),
      };
      if (address.domain === undefined || address.bus === undefined || address.slot === undefined || address.function === undefined) {
        return undefined;
      }
      const dev: HostPciDevice = {
        ...common,
        address: address as HostPciAddress,
        vendor: idName(child(cap, 'vendor')),
        product: idName(child(cap, 'product')),
      };
      const cls = text(child(cap, 'class'));
      if (cls) {
        dev.class = cls;
      }
      if (driver) {
        dev.driver = driver;
      }
      const group = child(cap, 'iommuGroup');
      const groupNumber = group && parseNumber(attrValue(group, 'number'));
      if (group && groupNumber !== undefined) {
        dev.iommuGroup = {
          number: groupNumber,
          members: childrenNamed(group, 'address').flatMap((a) => parsePciAddressElement(a) ?? []),
        };
      }
      for (const sub of childrenNamed(cap, 'capability')) {
        const st = attrValue(sub, 'type');
        const addrs = childrenNamed(sub, 'address').flatMap((a) => parsePciAddressElement(a) ?? []);
        if (st === 'phys_function' && addrs[0]) {
          dev.physFunction = addrs[0];
        } else if (st === 'virt_functions') {
          const max = parseNumber(attrValue(sub, 'maxCount'));
          dev.virtFunctions = { ...(max !== undefined ? { max } : {}), addresses: addrs };
        }
      }
      if (child(cap, 'pci-express')) {
        dev.pciExpress = true;
      }
      return { kind: 'pci', device: dev };
    }
    if (type === 'usb_device') {
      const bus = parseNumber(text(child(cap, 'bus')));
      const device = parseNumber(text(child(cap, 'device')));
      if (bus === undefined || device === undefined) {
        return undefined;
      }
      return {
        kind: 'usb',
        device: {
          ...common,
          bus,
          device,
          vendor: idName(child(cap, 'vendor')),
          product: idName(child(cap, 'product')),
          ...(driver ? { driver } : {}),
        },
      };
    }
    if (type === 'net') {
      const iface = text(child(cap, 'interface'));
      const mac = text(child(cap, 'address'));
      if (!iface) {
        return undefined;
      }
      return { kind: 'net', device: { ...common, interface: iface, ...(mac ? { mac: mac.toLowerCase() } : {}) } };
    }
  }
  return undefined;
}

/** `virsh version`: libvirt's version ("9.0.0") and the running hypervisor ("QEMU", "7.2.22"). */
export function parseVersion(out: string): { libvirtVersion?: string; hypervisor?: { name: string; version: string } } {
  const lib = /^Using library:\s*libvirt\s+(\S+)/m.exec(out);
  const hv = /^Running hypervisor:\s*(\S+)\s+(\S+)/m.exec(out);
  return {
    ...(lib ? { libvirtVersion: lib[1]! } : {}),
    ...(hv ? { hypervisor: { name: hv[1]!, version: hv[2]! } } : {}),
  };
}

/** The name and uuid a domain's XML gives itself (for snapshot folders without domains.json). */
export function parseDomainIdentity(xml: string): { name: string; uuid?: string } | undefined {
  const root = rootNamed(xml, 'domain');
  const name = text(root && child(root, 'name'));
  if (!root || !name) {
    return undefined;
  }
  const uuid = text(child(root, 'uuid'));
  return { name, ...(uuid ? { uuid: uuid.toLowerCase() } : {}) };
}

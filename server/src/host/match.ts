/**
 * Lookups over a HostProfile that checks, completion and hover share: the domcapabilities that
 * judge a domain, a host PCI or USB device by address or by vendor:product, a machine name's
 * canonical form. Pure (no I/O).
 */
import type { DomainCapabilities, GuestCapability, HostPciAddress, HostPciDevice, HostProfile, HostUsbDevice } from './profile';

/** `0000:03:00.1`, as lspci and libvirt's messages print a PCI address. */
export function formatPciAddress(a: HostPciAddress): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${h(a.function, 1)}`;
}

export function samePciAddress(a: HostPciAddress, b: HostPciAddress): boolean {
  return a.domain === b.domain && a.bus === b.bus && a.slot === b.slot && a.function === b.function;
}

/** The host's PCI device at that address, if the host has one. */
export function findPciDevice(host: HostProfile, address: HostPciAddress): HostPciDevice | undefined {
  return host.pci.find((d) => samePciAddress(d.address, address));
}

/**
 * The host's USB devices that match what a `<hostdev type='usb'>` source names: vendor and
 * product ids (`0x0781`, case and leading zeros ignored) and/or bus and device numbers.
 */
export function findUsbDevices(
  host: HostProfile,
  want: { vendor?: string; product?: string; bus?: number; device?: number }
): HostUsbDevice[] {
  const id = (s: string): number => parseInt(s.replace(/^0x/i, ''), 16);
  return host.usb.filter(
    (d) =>
      (want.vendor === undefined || id(d.vendor.id) === id(want.vendor)) &&
      (want.product === undefined || id(d.product.id) === id(want.product)) &&
      (want.bus === undefined || d.bus === want.bus) &&
      (want.device === undefined || d.device === want.device)
  );
}

/** The `<guest>` of `virsh capabilities` for an arch (hvm first), if the host offers the arch. */
export function guestFor(host: HostProfile, arch: string, osType = 'hvm'): GuestCapability | undefined {
  const guests = host.capabilities?.guests.filter((g) => g.arch === arch) ?? [];
  return guests.find((g) => g.osType === osType) ?? guests[0];
}

/** The machines a (arch, virt type) can run: the virt type's own list when it has one, else the arch's. */
export function machinesFor(guest: GuestCapability, virtType: string | undefined): GuestCapability['machines'] {
  const d = virtType === undefined ? undefined : guest.domains.find((x) => x.type === virtType);
  return d && d.machines.length > 0 ? d.machines : guest.machines;
}

/** `q35` -> `pc-q35-7.2` when the host's capabilities say so; the name itself otherwise. */
export function canonicalMachine(host: HostProfile, arch: string, virtType: string | undefined, machine: string): string {
  const g = guestFor(host, arch);
  const m = g && machinesFor(g, virtType).find((x) => x.name === machine);
  return m?.canonical ?? machine;
}

/**
 * The family of a machine type, which versions share: pc-q35-7.2 and q35 -> q35, pc-i440fx-7.2 and
 * pc -> i440fx, virt-7.2 and virt -> virt, pseries-7.2 -> pseries, s390-ccw-virtio-7.2 -> s390-ccw-virtio.
 */
export function machineFamily(machine: string): string {
  if (machine === 'q35' || machine.startsWith('pc-q35-')) {
    return 'q35';
  }
  if (machine === 'pc' || machine.startsWith('pc-i440fx-')) {
    return 'i440fx';
  }
  return machine.replace(/-\d+(\.\d+)*$/, '');
}

/** Which domcapabilities a domain needs: what `virsh domcapabilities` is asked with. */
export interface DomcapsKey {
  arch: string;
  virtType: string;
  /** undefined: the arch's default machine. */
  machine?: string;
}

/** The snapshot file name for domcapabilities read with this key (profile.ts header). */
export function domcapsFileName(key: DomcapsKey): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${[key.virtType, key.arch, ...(key.machine ? [key.machine] : [])].map(safe).join('-')}.xml`;
}

/**
 * The domcapabilities that judge a domain of this arch, virt type and machine: the same machine
 * (aliases resolved through the capabilities), else one of the same family (pc-q35-* for q35),
 * else the default one for the arch and virt type (when the machine is not given, that one first).
 * undefined when the profile has none for the arch and virt type.
 */
export function findDomcaps(host: HostProfile, key: DomcapsKey): DomainCapabilities | undefined {
  const same = host.domcaps.filter((d) => d.arch === key.arch && d.domainType === key.virtType);
  if (same.length === 0) {
    return undefined;
  }
  const byDefault = same.find((d) => d.isDefault) ?? same[0];
  if (key.machine === undefined) {
    return byDefault;
  }
  const canonical = canonicalMachine(host, key.arch, key.virtType, key.machine);
  const exact = same.find((d) => d.machine === key.machine || d.machine === canonical);
  if (exact) {
    return exact;
  }
  const family = machineFamily(canonical);
  return same.find((d) => d.machine !== undefined && machineFamily(d.machine) === family) ?? byDefault;
}

/** True when the profile holds domcapabilities read for exactly this machine (or its canonical name). */
export function hasExactDomcaps(host: HostProfile, key: DomcapsKey): boolean {
  const d = findDomcaps(host, key);
  if (!d) {
    return false;
  }
  if (key.machine === undefined) {
    return d.isDefault === true;
  }
  return d.machine === key.machine || d.machine === canonicalMachine(host, key.arch, key.virtType, key.machine);
}

/**
 * What `virsh domcapabilities` a document needs (the CLI's and an editor's prefetch), read from its start tags without a full parse (a
 * prefetch hint: a wrong guess costs a check, never a false finding, as rules/host.ts judges
 * devices only by domcapabilities of the domain's own machine family).
 */
export function domcapsKeyOfText(text: string, machine: string | undefined): DomcapsKey {
  const head = text.slice(0, 16384).replace(/<!--[\s\S]*?-->/g, '');
  const root = /<domain\b[^>]*?\btype\s*=\s*(['"])([^'"]*)\1/.exec(head);
  const osType = /<os\b[^>]*>\s*<type\b([^>]*)>/.exec(head);
  const attrOf = (name: string): string | undefined =>
    osType ? new RegExp(`\\b${name}\\s*=\\s*(['"])([^'"]*)\\1`).exec(osType[1]!)?.[2] : undefined;
  const m = attrOf('machine') ?? machine;
  return { arch: attrOf('arch') ?? 'x86_64', virtType: root?.[2] ?? 'kvm', ...(m ? { machine: m } : {}) };
}

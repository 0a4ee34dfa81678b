/**
 * What we know of one libvirt host: the data host-aware checks, completion and hover read. Plain
 * data, no LSP and no process: it is filled either live from a connection (host/source.ts, virsh
 * with argument arrays, cached, with timeouts) or from a snapshot folder that
 * `libvirt-lint snapshot-host --connect URI DIR` wrote (or a user assembled from virsh's own output):
 *
 *     DIR/host.json                    {"uri", "takenAt", "libvirt", "hypervisor"}   (optional)
 *     DIR/version.txt                  `virsh version`                               (optional)
 *     DIR/capabilities.xml             `virsh capabilities`
 *     DIR/domcapabilities/*.xml        `virsh domcapabilities [--virttype T] [--arch A] [--machine M]`
 *                                      named VIRTTYPE-ARCH-MACHINE.xml; VIRTTYPE-ARCH.xml is the one
 *                                      read without --machine (the arch's default machine)
 *     DIR/nodedev/*.xml                `virsh nodedev-dumpxml NAME`, one file per device
 *     DIR/domains/*.xml                `virsh dumpxml --inactive NAME`, one file per domain
 *     DIR/domains.json                 [{"name", "uuid", "state"}]                   (optional)
 *
 * Every part may be missing: a check whose data is absent is skipped, never guessed.
 */

/** A PCI address on the host, numbers as libvirt prints them in node device XML. */
export interface HostPciAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

/** One `<guest>` of `virsh capabilities`: an OS type and arch with the machines and virt types it offers. */
export interface GuestCapability {
  osType: string;
  arch: string;
  wordsize?: number;
  emulator?: string;
  /** Machine names with their canonical name (alias "pc" -> "pc-i440fx-7.2") and max vCPUs. */
  machines: { name: string; canonical?: string; maxCpus?: number }[];
  /** Virt types (`<domain type>`): qemu, kvm...; each may name its own emulator and machines. */
  domains: { type: string; emulator?: string; machines: { name: string; canonical?: string; maxCpus?: number }[] }[];
}

export interface HostCapabilities {
  arch: string;
  /** Host CPU count (topology product or the NUMA cells' cpus). */
  cpus?: number;
  /** The NUMA cells with their memory in KiB. */
  cells: { id: number; memoryKiB?: number; cpus: number[] }[];
  /** Total memory in KiB (sum of the cells when known). */
  memoryKiB?: number;
  /** `<iommu support='yes|no'/>`: whether PCI devices can be passed through (undefined when not said). */
  iommu?: boolean;
  guests: GuestCapability[];
}

/**
 * `virsh domcapabilities` for one (emulator, arch, machine, virt type). Enums are kept as libvirt
 * lists them: `devices.disk.enums.bus = ['ide', 'fdc', 'scsi', 'virtio', 'usb', 'sata']`.
 */
export interface DomainCapabilities {
  path?: string;
  domainType: string;
  machine?: string;
  /** Read without --machine: what libvirt gives a domain of this arch and virt type that names no machine. */
  isDefault?: boolean;
  arch: string;
  vcpuMax?: number;
  iothreads?: boolean;
  os: {
    supported: boolean;
    enums: Record<string, string[]>;
    loader?: { supported: boolean; values: string[]; enums: Record<string, string[]> };
  };
  cpu: { modes: Record<string, boolean>; models: { name: string; usable: string; vendor?: string }[] };
  /** By element name under `<devices>`: disk, graphics, video, hostdev, rng, filesystem, tpm, redirdev, channel, crypto... */
  devices: Record<string, { supported: boolean; enums: Record<string, string[]> }>;
  /** By element name under `<features>`: gic, vmcoreinfo, genid, backingStoreInput, backup, sev, sgx... */
  features: Record<string, { supported: boolean; enums: Record<string, string[]> }>;
}

export interface HostPciDevice {
  /** Node device name: pci_0000_03_00_1. */
  name: string;
  address: HostPciAddress;
  /** PCI class as printed (0x020000). */
  class?: string;
  vendor: { id: string; name?: string };
  product: { id: string; name?: string };
  /** The host driver bound to it (vfio-pci, ixgbevf, virtio-pci...); undefined when none. */
  driver?: string;
  /** The IOMMU group and its members (including this device); undefined when the host has no IOMMU. */
  iommuGroup?: { number: number; members: HostPciAddress[] };
  /** SR-IOV: the PF of a VF, the VFs of a PF (and the most it can have). */
  physFunction?: HostPciAddress;
  virtFunctions?: { max?: number; addresses: HostPciAddress[] };
  pciExpress?: boolean;
  /** The node device name of the parent. */
  parent?: string;
}

export interface HostUsbDevice {
  name: string;
  bus: number;
  device: number;
  vendor: { id: string; name?: string };
  product: { id: string; name?: string };
  driver?: string;
  parent?: string;
}

export interface HostNetDevice {
  name: string;
  interface: string;
  mac?: string;
  /** The node device it sits on (pci_0000_03_00_0), when it has one. */
  parent?: string;
}

export interface HostDomain {
  name: string;
  uuid?: string;
  /** As `virsh domstate` says it: running, shut off, paused... */
  state?: string;
  /** `virsh dumpxml --inactive`. */
  xml?: string;
}

export interface HostProfile {
  /** Where it came from, for messages: "qemu:///system" or "snapshot /path/to/dir (of qemu+ssh://h/system)". */
  label: string;
  source: { kind: 'connection'; uri: string } | { kind: 'snapshot'; dir: string; uri?: string };
  /** ISO time the data was read. */
  takenAt?: string;
  /** libvirt's version on the host ("9.0.0") and the hypervisor's ("QEMU 7.2.22"). */
  libvirtVersion?: string;
  hypervisor?: { name: string; version: string };
  capabilities?: HostCapabilities;
  domcaps: DomainCapabilities[];
  pci: HostPciDevice[];
  usb: HostUsbDevice[];
  net: HostNetDevice[];
  /** undefined when the domains were not read (not the same as none defined). */
  domains?: HostDomain[];
  /**
   * virsh's own text the records above were read from, kept so a snapshot folder holds what virsh
   * printed (readable, diffable, and re-read by a better parser without reaching the host again).
   */
  raw?: HostRaw;
}

export interface HostRaw {
  version?: string;
  capabilities?: string;
  /** By snapshot file name (kvm-x86_64-pc-q35-7.2.xml). */
  domcaps: Record<string, string>;
  /** By node device name, every device virsh listed (storage, system... too). */
  nodedev: Record<string, string>;
}

/**
 * The domain model: what a libvirt domain (or an attach-device fragment) declares, with every
 * item pointing back at the XML element it came from. Built once per document version; rules,
 * completion and hover read it and never change it.
 */
import type { XmlAttribute, XmlDocument, XmlElement } from '../syntax/tree';

/** A numeric attribute as libvirt reads it. `value` is undefined when absent or unreadable. */
export interface NumAttr {
  attr: XmlAttribute;
  value: number | undefined;
}

export type MachineFamily = 'i440fx' | 'q35' | 'other';

export interface Machine {
  family: MachineFamily;
  /** The machine name as written (`pc-q35-7.2`, `pc`, ...), or the configured default. */
  name: string;
  arch: string;
  /** Where the machine type came from. */
  origin: 'os' | 'config' | 'default';
  attr: XmlAttribute | undefined;
}

export interface PciAddress {
  type: 'pci';
  el: XmlElement;
  domain: NumAttr | undefined;
  bus: NumAttr | undefined;
  slot: NumAttr | undefined;
  function: NumAttr | undefined;
  multifunction: XmlAttribute | undefined;
}

export interface UsbAddress {
  type: 'usb';
  el: XmlElement;
  bus: NumAttr | undefined;
  port: XmlAttribute | undefined;
  /** Port path as numbers (`1.2` -> [1, 2]); undefined when absent or unreadable. */
  portPath: number[] | undefined;
}

interface DriveAddress {
  type: 'drive';
  el: XmlElement;
  controller: NumAttr | undefined;
  bus: NumAttr | undefined;
  target: NumAttr | undefined;
  unit: NumAttr | undefined;
}

interface OtherAddress {
  type: 'other';
  el: XmlElement;
  /** The address type as written (`ccw`, `virtio-serial`, `unassigned`, ...). */
  addressType: string | undefined;
}

export type Address = PciAddress | UsbAddress | DriveAddress | OtherAddress;

/** Device elements with no typed record of their own (libvirt's <devices> children and attach-device roots). */
export const GENERIC_DEVICE_KINDS = [
  'emulator',
  'lease',
  'filesystem',
  'input',
  'sound',
  'video',
  'console',
  'serial',
  'parallel',
  'channel',
  'smartcard',
  'hub',
  'redirdev',
  'redirfilter',
  'rng',
  'tpm',
  'shmem',
  'memory',
  'watchdog',
  'memballoon',
  'nvram',
  'panic',
  'iommu',
  'vsock',
  'crypto',
  'audio',
  'pstore',
] as const;

export type GenericDeviceKind = (typeof GENERIC_DEVICE_KINDS)[number];

/** What every device has: its element, its guest address and its boot order. */
export interface DeviceBase {
  el: XmlElement;
  address: Address | undefined;
  boot: NumAttr | undefined;
}

/** A device element the model knows by name only. */
interface GenericDevice extends DeviceBase {
  kind: GenericDeviceKind;
}

/** An element under <devices> that is no libvirt device (often a misspelt name): kept for its place. */
interface UnknownDevice extends DeviceBase {
  kind: 'unknown';
}

export interface Controller extends DeviceBase {
  kind: 'controller';
  type: string | undefined;
  index: NumAttr | undefined;
  model: XmlAttribute | undefined;
  ports: NumAttr | undefined;
  /** <target chassis port chassisNr busNr> of PCI controllers. */
  chassis: NumAttr | undefined;
  port: NumAttr | undefined;
}

/** A controller libvirt adds by itself when the XML has none (pci-root, pcie-root, USB index 0...). */
export interface ImplicitController {
  type: string;
  index: number;
  model: string;
}

export interface Disk extends DeviceBase {
  kind: 'disk';
  diskType: string | undefined;
  device: string | undefined;
  bus: XmlAttribute | undefined;
  targetDev: XmlAttribute | undefined;
  target: XmlElement | undefined;
  source: XmlElement | undefined;
  driver: XmlElement | undefined;
}

export interface PciHostAddress {
  domain: NumAttr | undefined;
  bus: NumAttr | undefined;
  slot: NumAttr | undefined;
  function: NumAttr | undefined;
  el: XmlElement;
}

/** The host device a <hostdev> or an <interface type='hostdev'> hands to the guest. */
export interface HostSource {
  mode: string | undefined;
  /** pci, usb, scsi, mdev... For <interface type='hostdev'> this is 'pci'. */
  type: string | undefined;
  source: XmlElement | undefined;
  pciSource: PciHostAddress | undefined;
  usbVendor: XmlAttribute | undefined;
  usbProduct: XmlAttribute | undefined;
  usbBus: NumAttr | undefined;
  usbDevice: NumAttr | undefined;
}

export interface Hostdev extends DeviceBase, HostSource {
  kind: 'hostdev';
}

export interface Interface extends DeviceBase {
  kind: 'interface';
  type: string | undefined;
  mac: XmlAttribute | undefined;
  model: XmlAttribute | undefined;
  /** For <interface type='hostdev'>: the host device it assigns. */
  host: HostSource | undefined;
}

/** One host device assignment: a <hostdev>, or an <interface type='hostdev'>. */
export interface HostAssignment extends HostSource {
  device: Hostdev | Interface;
}

export interface Graphics extends DeviceBase {
  kind: 'graphics';
  type: string | undefined;
  passwd: XmlAttribute | undefined;
  /** Every listen address: the listen attribute and <listen address> children. */
  listens: XmlAttribute[];
}

/** Anything under <devices> (or the root of a fragment), told apart by `kind`. */
export type Device = Controller | Disk | Interface | Hostdev | Graphics | GenericDevice | UnknownDevice;

export interface DomainModel {
  doc: XmlDocument;
  root: XmlElement;
  /** A whole domain, or a device fragment as `virsh attach-device` takes. */
  kind: 'domain' | 'fragment';
  machine: Machine;
  name: XmlElement | undefined;
  vcpu: XmlElement | undefined;
  topology: XmlElement | undefined;
  osBoots: XmlElement[];
  devices: Device[];
  controllers: Controller[];
  implicitControllers: ImplicitController[];
  disks: Disk[];
  interfaces: Interface[];
  /** <hostdev> elements and <interface type='hostdev'>, which assign a host device too. */
  hostdevs: HostAssignment[];
  graphics: Graphics[];
}

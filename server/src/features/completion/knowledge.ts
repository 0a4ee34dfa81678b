/**
 * What completion knows of libvirt beyond the schema, as tables: the attributes and children a
 * new element usually gets, the variants offered for a device, and the values suggested for an
 * attribute (written out here, or computed from the document by values.ts under a name).
 *
 * Rows are read by place.ts: for a given element the first row whose conditions hold wins, so
 * the more particular rows come first. Nothing here looks at the document itself.
 */
import type { PathStep } from '../../schema/lookup';
import { isDevicesElement } from './common';
import { GIVEN, lookUp, placeOf, type Row, type When } from './place';
import type { Suggestion } from './types';

// ---------------------------------------------------------------------------
// attributes a new element usually gets besides the required ones (in this order)

const PCI_ADDRESS = ['type', 'domain', 'bus', 'slot', 'function'];

const USUAL_ATTRIBUTES: readonly Row<readonly string[]>[] = [
  { element: 'controller', then: ['type', 'index', 'model'] },
  { element: 'disk', then: ['type', 'device'] },
  { element: 'hostdev', then: ['mode', 'type', 'managed'] },
  { element: ['interface', 'serial', 'console', 'graphics'], then: ['type'] },
  { element: 'input', then: ['type', 'bus'] },
  { element: 'driver', when: { device: ['disk'] }, then: ['name', 'type'] },
  { element: 'driver', when: { device: ['hostdev'] }, then: ['name'] },
  { element: 'source', when: { device: ['disk'], deviceAttrs: { type: ['file'] } }, then: ['file'] },
  { element: 'source', when: { device: ['disk'], deviceAttrs: { type: ['block'] } }, then: ['dev'] },
  { element: 'source', when: { device: ['disk'], deviceAttrs: { type: ['dir'] } }, then: ['dir'] },
  { element: 'source', when: { device: ['disk'], deviceAttrs: { type: ['network'] } }, then: ['protocol', 'name'] },
  { element: 'source', when: { device: ['disk'], deviceAttrs: { type: ['volume'] } }, then: ['pool', 'volume'] },
  { element: 'source', when: { device: ['interface'], deviceAttrs: { type: ['network'] } }, then: ['network'] },
  { element: 'source', when: { device: ['interface'], deviceAttrs: { type: ['bridge'] } }, then: ['bridge'] },
  { element: 'source', when: { device: ['interface'], deviceAttrs: { type: ['direct'] } }, then: ['dev', 'mode'] },
  { element: 'target', when: { device: ['disk'] }, then: ['dev', 'bus'] },
  {
    element: 'target',
    when: { device: ['controller'], deviceAttrs: { model: ['pcie-root-port', 'pcie-switch-downstream-port'] } },
    then: ['chassis', 'port'],
  },
  { element: 'target', when: { device: ['serial'] }, then: ['port'] },
  { element: 'target', when: { device: ['console'] }, then: ['type'] },
  { element: 'mac', then: ['address'] },
  { element: 'model', when: { device: ['interface', 'video'] }, then: ['type'] },
  { element: 'model', when: { device: ['controller'] }, then: ['name'] },
  // <os><boot> too: order is what a device's <boot> takes; dev would fit <os><boot> better
  { element: 'boot', then: ['order'] },
  { element: 'type', when: { level: 2, parent: 'os' }, then: ['arch', 'machine'] },
  { element: ['memory', 'currentMemory'], when: { level: 1 }, then: ['unit'] },
  { element: 'rom', then: ['bar'] },
  { element: ['vendor', 'product'], then: ['id'] },
  // a host device's own address (under <source>): a USB host device by bus and device number
  { element: 'address', when: { inSource: true, device: ['hostdev'], deviceAttrs: { type: ['usb'] } }, then: ['bus', 'device'] },
  { element: 'address', when: { inSource: true }, then: PCI_ADDRESS },
  { element: 'address', when: { own: { type: ['pci'] } }, then: PCI_ADDRESS },
  { element: 'address', when: { own: { type: ['usb'] } }, then: ['type', 'bus', 'port'] },
  { element: 'address', when: { own: { type: ['drive'] } }, then: ['type', 'controller', 'bus', 'target', 'unit'] },
  { element: 'address', then: ['type'] },
];

/** The attributes the element at the end of `path` usually gets besides the required ones. */
export function usualAttributes(path: readonly PathStep[]): readonly string[] {
  const p = placeOf(path);
  return (p && lookUp(USUAL_ATTRIBUTES, p)) ?? [];
}

// ---------------------------------------------------------------------------
// children a new element usually gets besides the required ones

export interface ChildSpec {
  name: string;
  attrs?: Record<string, string>;
}

/** A child, when its own condition (on the same place as the row's) holds. */
interface UsualChild extends ChildSpec {
  when?: When;
}

const USUAL_CHILDREN: readonly Row<readonly UsualChild[]>[] = [
  {
    element: 'disk',
    when: { depth: 0 },
    then: [
      { name: 'driver' },
      { name: 'source', when: { own: { type: GIVEN } } },
      { name: 'target' },
      { name: 'readonly', when: { own: { device: ['cdrom'] } } },
    ],
  },
  { element: 'interface', when: { depth: 0, own: { type: ['hostdev'] } }, then: [{ name: 'mac' }, { name: 'source' }] },
  { element: 'interface', when: { depth: 0, own: { type: GIVEN } }, then: [{ name: 'mac' }, { name: 'source' }, { name: 'model' }] },
  { element: 'interface', when: { depth: 0 }, then: [{ name: 'mac' }] },
  { element: 'hostdev', when: { depth: 0, own: { type: ['pci'] } }, then: [{ name: 'driver' }, { name: 'source' }] },
  { element: 'hostdev', when: { depth: 0, own: { type: ['usb'] } }, then: [{ name: 'source' }] },
  { element: ['serial', 'console'], when: { depth: 0 }, then: [{ name: 'target' }] },
  { element: 'source', when: { depth: 1, device: ['hostdev'], deviceAttrs: { type: ['pci'] } }, then: [{ name: 'address' }] },
  {
    element: 'source',
    when: { depth: 1, device: ['hostdev'], deviceAttrs: { type: ['usb'] } },
    then: [{ name: 'vendor' }, { name: 'product' }],
  },
  {
    element: 'source',
    when: { depth: 1, device: ['interface'], deviceAttrs: { type: ['hostdev'] } },
    then: [{ name: 'address', attrs: { type: 'pci' } }],
  },
];

/** The children the element at the end of `path` usually gets besides the required ones. */
export function usualChildren(path: readonly PathStep[]): ChildSpec[] {
  const p = placeOf(path);
  const row = p && lookUp(USUAL_CHILDREN, p);
  if (!p || !row) {
    return [];
  }
  return row
    .filter((c) => !c.when || lookUp([{ element: p.name, when: c.when, then: true }], p))
    .map(({ name, attrs }) => ({
      name,
      ...(attrs ? { attrs } : {}),
    }));
}

// ---------------------------------------------------------------------------
// variants offered besides the plain element (a discriminator already chosen)

/** Devices, where a device is placed (in <devices>, or as a fragment's root). */
export const DEVICE_VARIANTS: readonly Row<readonly Readonly<Record<string, string>>[]>[] = [
  { element: 'controller', then: [{ type: 'usb' }, { type: 'pci' }, { type: 'scsi' }, { type: 'virtio-serial' }] },
  {
    element: 'disk',
    then: [
      { type: 'file', device: 'disk' },
      { type: 'block', device: 'disk' },
      { type: 'file', device: 'cdrom' },
    ],
  },
  { element: 'interface', then: [{ type: 'network' }, { type: 'bridge' }, { type: 'hostdev', managed: 'yes' }] },
  {
    element: 'hostdev',
    then: [
      { mode: 'subsystem', type: 'pci', managed: 'yes' },
      { mode: 'subsystem', type: 'usb', managed: 'yes' },
    ],
  },
  { element: ['serial', 'console'], then: [{ type: 'pty' }] },
];

/** The address type of a disk by its bus; other buses (virtio, or none yet) take a PCI address. */
export const DISK_ADDRESS_BY_BUS: ReadonlyMap<string, string> = new Map([
  ['scsi', 'drive'],
  ['sata', 'drive'],
  ['ide', 'drive'],
  ['fdc', 'drive'],
  ['usb', 'usb'],
]);

/** The address type of other devices (read on the device's own place); null: it has none; no row: PCI. */
export const DEVICE_ADDRESS_TYPE: readonly Row<string | null>[] = [
  { element: 'hostdev', when: { own: { type: ['usb'] } }, then: 'usb' },
  { element: ['input', 'redirdev'], when: { own: { bus: ['usb'] } }, then: 'usb' },
  { element: 'hub', then: 'usb' },
  // the root buses are where addresses start
  { element: 'controller', when: { own: { type: ['pci'], model: ['pci-root', 'pcie-root'] } }, then: null },
];

/** Whether a new `name` under `parentPath` is a device placed where devices go. */
export function atDevicePlace(name: string, parentPath: readonly PathStep[]): boolean {
  return isDevicesElement(parentPath) || (parentPath.length === 0 && name !== 'domain');
}

// ---------------------------------------------------------------------------
// values suggested for an attribute

/** Values computed from the document, by name (values.ts computes them). */
export type ComputedValues =
  | 'controllerIndex'
  | 'pciBus'
  | 'pciSlot'
  | 'usbBus'
  | 'usbPort'
  | 'driveAddress'
  | 'hostPci'
  | 'diskTarget'
  | 'diskBus'
  | 'randomMac'
  | 'bootOrder'
  | 'chassis'
  | 'rootPortNumber'
  | 'serialPort';

interface ValueRule {
  attribute: string | readonly string[];
  /** Written-out values, or the name of values computed from the document. */
  values: readonly Suggestion[] | ComputedValues;
}

/** In a device: rows are read on the place of the element holding the attribute. */
export const DEVICE_VALUES: readonly Row<ValueRule>[] = [
  { element: 'controller', when: { depth: 0, own: { type: GIVEN } }, then: { attribute: 'index', values: 'controllerIndex' } },
  {
    element: 'controller',
    when: { depth: 0, own: { type: ['usb'] } },
    then: {
      attribute: 'model',
      values: [{ value: 'qemu-xhci', detail: 'USB 3 controller, 4 ports (up to 15 with ports=)', preselect: true }],
    },
  },
  {
    element: 'controller',
    when: { depth: 0, own: { type: ['pci'] }, family: ['i440fx'] },
    then: { attribute: 'model', values: [{ value: 'pci-bridge', detail: 'adds a PCI bus with 31 slots', preselect: true }] },
  },
  {
    element: 'controller',
    when: { depth: 0, own: { type: ['pci'] } },
    then: { attribute: 'model', values: [{ value: 'pcie-root-port', detail: 'a PCIe slot for one device', preselect: true }] },
  },
  {
    element: 'controller',
    when: { depth: 0, own: { type: ['scsi'] } },
    then: { attribute: 'model', values: [{ value: 'virtio-scsi', detail: 'paravirtual SCSI controller', preselect: true }] },
  },
  // the device's own address
  {
    element: 'address',
    when: { depth: 1, own: { type: ['pci'] } },
    then: { attribute: 'domain', values: [{ value: '0x0000', detail: 'the only PCI domain of a QEMU guest', preselect: true }] },
  },
  { element: 'address', when: { depth: 1, own: { type: ['pci'] } }, then: { attribute: 'bus', values: 'pciBus' } },
  { element: 'address', when: { depth: 1, own: { type: ['pci'] } }, then: { attribute: 'slot', values: 'pciSlot' } },
  {
    element: 'address',
    when: { depth: 1, own: { type: ['pci'] } },
    then: { attribute: 'function', values: [{ value: '0x0', detail: 'function 0 (a single-function device)', preselect: true }] },
  },
  { element: 'address', when: { depth: 1, own: { type: ['usb'] } }, then: { attribute: 'bus', values: 'usbBus' } },
  { element: 'address', when: { depth: 1, own: { type: ['usb'] } }, then: { attribute: 'port', values: 'usbPort' } },
  {
    element: 'address',
    when: { depth: 1, own: { type: ['drive'] } },
    then: { attribute: ['controller', 'bus', 'target', 'unit'], values: 'driveAddress' },
  },
  // a host device's address (under <source>): a free-looking host PCI address to replace
  {
    element: 'address',
    when: { inSource: true, device: ['interface'], own: { type: ['pci', undefined] } },
    then: { attribute: ['domain', 'bus', 'slot', 'function'], values: 'hostPci' },
  },
  {
    element: 'address',
    when: { inSource: true, device: ['hostdev'], deviceAttrs: { type: ['pci'] }, own: { type: ['pci', undefined] } },
    then: { attribute: ['domain', 'bus', 'slot', 'function'], values: 'hostPci' },
  },
  { element: 'target', when: { depth: 1, device: ['disk'] }, then: { attribute: 'dev', values: 'diskTarget' } },
  { element: 'target', when: { depth: 1, device: ['disk'] }, then: { attribute: 'bus', values: 'diskBus' } },
  {
    element: 'driver',
    when: { depth: 1, device: ['disk'], deviceAttrs: { type: ['file'], device: { not: ['cdrom'] } } },
    then: { attribute: 'type', values: [{ value: 'qcow2', detail: 'QEMU image format (snapshots, thin provisioning)', preselect: true }] },
  },
  {
    element: 'driver',
    when: { depth: 1, device: ['disk'] },
    then: { attribute: 'type', values: [{ value: 'raw', detail: 'plain data, no image format', preselect: true }] },
  },
  { element: 'mac', then: { attribute: 'address', values: 'randomMac' } },
  { element: 'boot', then: { attribute: 'order', values: 'bootOrder' } },
  { element: 'target', when: { depth: 1, device: ['controller'] }, then: { attribute: 'chassis', values: 'chassis' } },
  { element: 'target', when: { depth: 1, device: ['controller'] }, then: { attribute: 'port', values: 'rootPortNumber' } },
  { element: 'target', when: { depth: 1, device: ['serial'] }, then: { attribute: 'port', values: 'serialPort' } },
  {
    element: 'target',
    when: { depth: 1, device: ['console'] },
    then: { attribute: 'port', values: [{ value: '0', detail: 'the first serial port', preselect: true }] },
  },
  {
    element: 'driver',
    when: { depth: 1, device: ['hostdev'] },
    then: { attribute: 'name', values: [{ value: 'vfio', detail: 'VFIO, the driver for PCI passthrough', preselect: true }] },
  },
  {
    element: 'driver',
    when: { depth: 1, device: ['disk'] },
    then: { attribute: 'name', values: [{ value: 'qemu', detail: 'the QEMU block layer', preselect: true }] },
  },
];

/** Outside <devices>: the architecture and machine type of <os><type>. */
export const DOMAIN_VALUES: readonly Row<ValueRule>[] = [
  {
    element: 'type',
    when: { level: 2, parent: 'os' },
    then: {
      attribute: 'arch',
      values: [
        { value: 'x86_64', detail: '64-bit x86 (Intel, AMD)', preselect: true },
        { value: 'aarch64', detail: '64-bit ARM (Kunpeng and other ARMv8 servers)' },
      ],
    },
  },
  {
    element: 'type',
    when: { level: 2, parent: 'os', own: { arch: /^(?:aarch64$|armv7l$|riscv)/ } },
    then: { attribute: 'machine', values: [{ value: 'virt', detail: 'the generic ARM/RISC-V virtual board', preselect: true }] },
  },
  {
    element: 'type',
    when: { level: 2, parent: 'os' },
    then: {
      attribute: 'machine',
      values: [
        { value: 'q35', detail: 'modern chipset: PCIe, AHCI (SATA), UEFI secure boot', preselect: true },
        { value: 'pc', detail: 'the older i440fx chipset: conventional PCI, IDE' },
      ],
    },
  },
];

/** The value a new element's text usually has, when its type is a list of values (by parent/name, or name). */
export const USUAL_TEXT: Readonly<Record<string, string>> = {
  'os/type': 'hvm',
  on_poweroff: 'destroy',
  on_reboot: 'restart',
  on_crash: 'destroy',
  on_lockfailure: 'poweroff',
};

/**
 * The bus a new disk of its kind usually goes on, read on the place of the disk's <target>:
 * CD-ROMs on SATA (q35) or IDE (i440fx), floppies on fdc, other disks on virtio.
 */
export const DISK_BUS: readonly Row<string>[] = [
  { element: 'target', when: { deviceAttrs: { device: ['cdrom'] }, family: ['i440fx'] }, then: 'ide' },
  { element: 'target', when: { deviceAttrs: { device: ['cdrom'] }, family: ['q35'] }, then: 'sata' },
  { element: 'target', when: { deviceAttrs: { device: ['cdrom'] } }, then: 'scsi' },
  { element: 'target', when: { deviceAttrs: { device: ['floppy'] } }, then: 'fdc' },
];
export const DEFAULT_DISK_BUS = 'virtio';

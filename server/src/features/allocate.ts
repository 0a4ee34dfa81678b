/**
 * Free resources for completion and device templates, answered by the one allocator
 * (model/allocate.ts) on a fresh session: the same answers a quick fix gets.
 * A thin adapter kept while completion moves to the allocator's own interface.
 */
import { allocation, controllersOf as modelControllersOf, type PciBusSummary, type UsbBusSummary } from '../model/allocate';
import { deviceOf as modelDeviceOf } from '../model/build';
import { targetPrefix as driveTargetPrefix } from '../model/drive';
import { usbDisabled } from '../model/usb';
import type { Device, DomainModel } from '../model/types';
import { child, childrenNamed, type XmlElement } from '../syntax/tree';

export type { PciBusSummary, UsbBusSummary };

export const deviceOf = (model: DomainModel | undefined, el: XmlElement | undefined): Device | undefined => modelDeviceOf(model, el);

export function freeControllerIndex(
  model: DomainModel | undefined,
  type: string,
  exclude?: XmlElement,
  taken: ReadonlySet<number> = new Set()
): number {
  return allocation(model).freeControllerIndex(type, { exclude, alsoFree: (i) => !taken.has(i) });
}

export const usedControllerIndexes = (model: DomainModel | undefined, type: string): ReadonlySet<number> =>
  allocation(model).usedControllerIndexes(type);

export const pciBuses = (model: DomainModel | undefined, exclude?: XmlElement): PciBusSummary[] => allocation(model).pciBuses(exclude);

export const freePciSlots = (model: DomainModel | undefined, bus: number, exclude?: XmlElement): number[] =>
  allocation(model).freePciSlots(bus, exclude);

export const busesFor = (model: DomainModel | undefined, ownModel: string | undefined, exclude?: XmlElement): PciBusSummary[] =>
  allocation(model).pciBusesFor(ownModel, exclude);

export const freePciPlacement = (model: DomainModel | undefined, ownModel?: string, exclude?: XmlElement) =>
  allocation(model).freePciPlacement(ownModel, exclude);

export const freeHostPciAddress = (model: DomainModel | undefined, start?: { bus: number; slot: number; function: number }) =>
  allocation(model).takeHostPciAddress(start);

export const freeChassis = (model: DomainModel | undefined, exclude?: XmlElement): number => allocation(model).freeChassis(exclude);

export const chassisFree = (model: DomainModel | undefined, chassis: number, exclude?: XmlElement): boolean =>
  allocation(model).chassisIsFree(chassis, exclude);

export const freeRootPortNumber = (model: DomainModel | undefined, slot: number, exclude?: XmlElement): number =>
  allocation(model).freeRootPortNumber(slot, exclude);

export const usbBusSummaries = (model: DomainModel | undefined, exclude?: XmlElement): UsbBusSummary[] =>
  allocation(model).usbBuses(exclude);

export const freeUsbPort = (model: DomainModel | undefined, preferBus?: number, exclude?: XmlElement) =>
  allocation(model).freeUsbPort(preferBus, exclude);

export const usbDisabledIn = (model: DomainModel | undefined): boolean => !!model && usbDisabled(model);

export const freeUsbIds = (model: DomainModel | undefined, vendor: number, product: number) =>
  allocation(model).takeUsbIds(vendor, product);

export const targetPrefix = driveTargetPrefix;

export const freeTarget = (model: DomainModel | undefined, prefix: string, exclude?: XmlElement): string =>
  allocation(model).freeTarget(prefix, exclude);

export const freeDriveUnit = (model: DomainModel | undefined, bus: string, controller: number, exclude?: XmlElement) =>
  allocation(model).freeDrivePlace(bus, controller, exclude);

export const referencedDiskControllers = (model: DomainModel | undefined, bus: string): ReadonlySet<number> =>
  allocation(model).referencedDiskControllers(bus);

export const controllersOf = modelControllersOf;

export const randomMac = (model: DomainModel | undefined, random: () => number, style: 'qemu' | 'local'): string =>
  allocation(model).takeMac(random, style);

export const nextBootOrder = (model: DomainModel | undefined, exclude?: XmlElement): number => allocation(model).nextBootOrder(exclude);

export const freeSerialPort = (model: DomainModel | undefined, exclude?: XmlElement): number => allocation(model).freeSerialPort(exclude);

export function hasConsole(model: DomainModel | undefined): boolean {
  return !!model?.devices.some((d) => d.kind === 'console');
}

/** Children named `name` directly under the domain's <devices>. */
export function deviceElements(model: DomainModel | undefined, name: string): XmlElement[] {
  const devices = model?.kind === 'domain' ? child(model.root, 'devices') : undefined;
  return devices ? childrenNamed(devices, name) : [];
}

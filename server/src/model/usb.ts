/**
 * USB buses: one per USB controller index, with the number of ports libvirt gives it
 * (libvirt 9.0 virDomainUSBAddressControllerModelToPorts), plus the hubs plugged into it.
 */
import { controllerModel } from './build';
import type { Device, DomainModel } from './types';

const FIXED_PORTS: Record<string, number> = {
  'piix3-uhci': 2,
  'piix4-uhci': 2,
  'vt82c686b-uhci': 2,
  ehci: 6,
  'ich9-ehci1': 6,
  'ich9-uhci1': 0,
  'ich9-uhci2': 0,
  'ich9-uhci3': 0,
  'pci-ohci': 3,
  hub: 8,
};

/** Ports of a USB controller model; xhci and qusb take ports= when it is set. */
export function usbPortCount(model: string, portsAttr: number | undefined): number {
  switch (model) {
    case 'nec-xhci':
    case 'qemu-xhci':
      return portsAttr ?? 4;
    case 'qusb1':
    case 'qusb2':
      return portsAttr ?? 8;
    default:
      return FIXED_PORTS[model] ?? 0;
  }
}

export interface UsbBus {
  index: number;
  /** undefined when the controller's model is not known (a non-x86 default): its ports are not checked. */
  model: string | undefined;
  /** Top-level ports; undefined when unknown. */
  ports: number | undefined;
  /** Hubs by port path ("1", "1.2"). */
  hubs: Map<string, Device>;
}

export function usbBuses(model: DomainModel): UsbBus[] {
  const buses = new Map<number, UsbBus>();
  for (const c of model.controllers) {
    if (c.type !== 'usb') {
      continue;
    }
    const m = controllerModel(model, c);
    const index = c.index?.value ?? 0;
    if (m === 'none') {
      continue;
    }
    const ports = m === undefined ? undefined : usbPortCount(m, c.ports?.value);
    const prev = buses.get(index);
    if (!prev || (prev.ports !== undefined && (ports === undefined || ports > prev.ports))) {
      buses.set(index, { index, model: m, ports, hubs: new Map() });
    }
  }
  for (const c of model.implicitControllers) {
    if (c.type === 'usb' && !buses.has(c.index)) {
      buses.set(c.index, { index: c.index, model: c.model, ports: usbPortCount(c.model, undefined), hubs: new Map() });
    }
  }
  for (const d of model.devices) {
    if (d.kind === 'hub' && d.address?.type === 'usb' && d.address.portPath) {
      buses.get(d.address.bus?.value ?? 0)?.hubs.set(d.address.portPath.join('.'), d);
    }
  }
  return [...buses.values()].filter((b) => b.ports === undefined || b.ports > 0);
}

/** True when the domain disables USB (<controller type='usb' model='none'/>) and has no other USB controller. */
export function usbDisabled(model: DomainModel): boolean {
  const usb = model.controllers.filter((c) => c.type === 'usb');
  return usb.length > 0 && usb.every((c) => c.model?.value === 'none');
}

/**
 * Rule family: usb — USB addresses against the controllers and hubs that provide the ports
 * (libvirt 9.0 conf/domain_addr.c; checked by the QEMU driver when it assigns addresses).
 * - usb-port-syntax: "Cannot parse <address> 'port' attribute".
 * - usb-bus-missing: "Missing USB bus N" / "USB bus N requested but no controller with that index is present".
 * - usb-port-range: "requested USB port P not present on USB bus N" (also inner hops of a path).
 * - usb-hub-missing: "there is no hub at port P in USB address bus: N port: ...".
 * - usb-address-duplicate: "Duplicate USB address bus N port P".
 * A USB device without an address in a domain whose USB is disabled (<controller type='usb'
 * model='none'/>) is usb-bus-missing too ("Can't add USB input device. USB bus is disabled").
 */
import { usbBuses, usbDisabled, usbPortCount } from '../model/usb';
import type { Device, DomainModel, UsbAddress } from '../model/types';
import { attr, child, type XmlAttribute } from '../syntax/tree';
import { claimingFix, insertBefore } from './edits';
import type { Finding, Fix, RuleFamily } from './types';

interface Placed {
  device: Device;
  address: UsbAddress;
  bus: number;
  path: number[];
}

function portSpan(a: UsbAddress) {
  return a.port?.valueSpan ?? a.el.nameSpan;
}

/** Where a USB device moves: a free port (its own bus first), else a new 15-port controller's first port. */
function fixesFor(model: DomainModel, placed: Placed): Fix[] {
  const a = placed.address;
  const portSpan = a.port?.valueSpan;
  if (!portSpan) {
    return [];
  }
  const devicesEl = model.root.name === 'domain' ? model.root.children.find((c) => c.name === 'devices') : undefined;
  return claimingFix(model, (alloc) => {
    const busEdit = (bus: number) =>
      a.bus?.attr.valueSpan
        ? { span: a.bus.attr.valueSpan, newText: `'${bus}'` }
        : { span: { start: a.el.nameSpan.end, end: a.el.nameSpan.end }, newText: ` bus='${bus}'` };
    const free = alloc.takeUsbPort(placed.bus, placed.device);
    if (free) {
      const edits = [{ span: portSpan, newText: `'${free.port}'` }];
      if (free.bus !== placed.bus) {
        edits.push(busEdit(free.bus));
      }
      return { title: `Use free port ${free.port} on USB bus ${free.bus}`, edits, preferred: true };
    }
    // No room anywhere: add a controller with 15 ports and plug the device into its port 1.
    if (!devicesEl) {
      return undefined;
    }
    const index = alloc.takeNewUsbBus(15);
    const port = alloc.takeUsbPort(index, placed.device);
    return {
      title: `Add a qemu-xhci controller (index ${index}) and use its port ${port?.port ?? 1}`,
      edits: [
        insertBefore(model.doc.text, placed.device.el, `<controller type='usb' index='${index}' model='qemu-xhci' ports='15'/>`),
        { span: portSpan, newText: `'${port?.port ?? 1}'` },
        busEdit(index),
      ],
      preferred: true,
    };
  });
}

/** The attribute that makes a device a USB device, when it is one: bus='usb', type='usb'. */
function usbNature(d: Device): XmlAttribute | undefined {
  const is = (a: XmlAttribute | undefined): XmlAttribute | undefined => (a?.value === 'usb' ? a : undefined);
  switch (d.kind) {
    case 'input':
    case 'redirdev':
      return is(attr(d.el, 'bus'));
    case 'hub':
      return is(attr(d.el, 'type'));
    case 'hostdev':
      return attr(d.el, 'mode')?.value !== 'capabilities' ? is(attr(d.el, 'type')) : undefined;
    case 'disk': {
      const target = child(d.el, 'target');
      return target && is(attr(target, 'bus'));
    }
    default:
      return undefined;
  }
}

export const usbRules: RuleFamily = {
  id: 'usb',
  check(model) {
    const findings: Finding[] = [];
    const buses = usbBuses(model);
    const placed: Placed[] = [];
    const disabled = model.kind === 'domain' && usbDisabled(model);
    for (const d of model.devices) {
      const a = d.address;
      if (a?.type !== 'usb') {
        const nature = disabled ? usbNature(d) : undefined;
        if (nature) {
          findings.push({
            code: 'usb-bus-missing',
            message: `This is a USB device, but USB is disabled in this domain (<controller type='usb' model='none'>).`,
            span: nature.valueSpan ?? nature.span,
          });
        }
        continue;
      }
      if (a.port && !a.portPath) {
        findings.push({
          code: 'usb-port-syntax',
          message: `USB port '${a.port.value ?? ''}' cannot be read: write 1 to 4 decimal numbers separated by dots, such as '1' or '1.2'.`,
          span: portSpan(a),
        });
        continue;
      }
      const bus = a.bus ? a.bus.value : 0;
      if (bus === undefined) {
        continue;
      }
      const path = a.portPath;
      if (path && path.every((p) => p === 0)) {
        continue; // port 0 means "pick one for me"
      }
      placed.push({ device: d, address: a, bus, path: path ?? [] });
    }
    const seen = new Map<string, Placed>();
    for (const p of placed) {
      const b = buses.find((x) => x.index === p.bus);
      const busSpan = p.address.bus?.attr.valueSpan ?? p.address.el.nameSpan;
      if (!b && (model.kind === 'fragment' || model.machine.family === 'other')) {
        // A fragment's USB controllers are in the domain it is attached to; on other machines
        // the controllers libvirt adds by itself are not known here.
        continue;
      }
      if (!b) {
        const none = buses.length === 0 && model.controllers.some((c) => c.type === 'usb' && c.model?.value === 'none');
        findings.push({
          code: 'usb-bus-missing',
          message: none
            ? 'USB is disabled in this domain (<controller type="usb" model="none">), so no device can use a USB address.'
            : `There is no USB controller with index ${p.bus} to provide USB bus ${p.bus}.`,
          span: busSpan,
        });
        continue;
      }
      if (p.path.length === 0) {
        continue;
      }
      // Walk the path: every hop but the last must be a hub.
      let ports = b.ports ?? Number.MAX_SAFE_INTEGER;
      let ok = true;
      for (let k = 0; k < p.path.length; k++) {
        const hop = p.path[k]!;
        const prefix = p.path.slice(0, k + 1).join('.');
        if (hop > ports || hop < 1) {
          findings.push({
            code: 'usb-port-range',
            message:
              k === 0
                ? `USB bus ${p.bus} (${b.model}) has ${ports} port${ports === 1 ? '' : 's'}; port ${hop} does not exist.`
                : `The hub at port ${p.path.slice(0, k).join('.')} has ${ports} ports; port ${prefix} does not exist.`,
            span: portSpan(p.address),
            fixes: fixesFor(model, p),
          });
          ok = false;
          break;
        }
        if (k < p.path.length - 1) {
          const hub = b.hubs.get(prefix);
          if (!hub) {
            findings.push({
              code: 'usb-hub-missing',
              message: `Port ${p.address.port?.value} on USB bus ${p.bus} goes through port ${prefix}, but no <hub> is plugged in there.`,
              span: portSpan(p.address),
            });
            ok = false;
            break;
          }
          ports = usbPortCount('hub', undefined);
        }
      }
      if (!ok) {
        continue;
      }
      const key = `${p.bus}/${p.path.join('.')}`;
      const prev = seen.get(key);
      if (prev) {
        findings.push({
          code: 'usb-address-duplicate',
          message: `USB bus ${p.bus} port ${p.path.join('.')} is already used by <${prev.device.el.name}>.`,
          span: portSpan(p.address),
          related: [{ message: 'first used here', span: portSpan(prev.address) }],
          fixes: fixesFor(model, p),
        });
      } else {
        seen.set(key, p);
      }
    }
    return findings;
  },
};

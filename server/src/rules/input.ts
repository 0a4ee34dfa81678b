/**
 * Rule family: input — <input> devices (each checked against libvirt 9.0's QEMU driver here).
 * - input-option-unsupported: a bus the device type cannot use or a setting its type does not
 *   take: ps2 for anything but a mouse or keyboard and the xen bus in a hvm guest, a bus on an
 *   evdev device, a virtio model off the virtio bus (conf/domain_validate.c
 *   virDomainInputDefValidate), a virtio-transitional or -non-transitional model (qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefInput), a USB device with an address of another type, an evdev
 *   device without <source dev> (conf/domain_conf.c virDomainInputDefParseXML).
 */
import { attr, attrValue, child, type XmlAttribute, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

const VIRTIO_MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

function at(a: XmlAttribute): Finding['span'] {
  return a.valueSpan ?? a.span;
}

/** The bus libvirt gives an input device without bus= (conf/domain_conf.c virDomainInputDefParseXML), for a hvm guest. */
function impliedBus(type: string | undefined, hvm: boolean, x86: boolean): string | undefined {
  if (!hvm) {
    return undefined;
  }
  if ((type === 'mouse' || type === 'keyboard') && x86) {
    return 'ps2';
  }
  if (type === 'passthrough') {
    return 'virtio';
  }
  return type === 'evdev' ? undefined : x86 ? 'usb' : undefined;
}

function problem(el: XmlElement, hvm: boolean, x86: boolean): { message: string; span: Finding['span'] } | undefined {
  const type = attrValue(el, 'type');
  const bus = attr(el, 'bus');
  const model = attr(el, 'model');
  const address = child(el, 'address');
  const addressType = address && attr(address, 'type');
  if (bus?.value === 'usb' && addressType?.value !== undefined && addressType.value !== 'usb') {
    return { message: `A USB input device needs a USB address, not type='${addressType.value}'.`, span: at(addressType) };
  }
  if (type === 'evdev') {
    const source = child(el, 'source');
    if (!source || attr(source, 'dev') === undefined) {
      return {
        message: "An evdev input device needs <source dev='/dev/input/...'/>, the host device it passes on.",
        span: (source ?? el).nameSpan,
      };
    }
  }
  if (hvm && bus?.value === 'ps2' && type !== 'mouse' && type !== 'keyboard') {
    return { message: `The ps2 bus carries a mouse or a keyboard, not a ${type ?? 'device'}: use bus='usb' or 'virtio'.`, span: at(bus) };
  }
  if (hvm && bus?.value === 'xen') {
    return { message: "The xen input bus is for Xen PV guests: use bus='usb', 'ps2' or 'virtio'.", span: at(bus) };
  }
  if (type === 'evdev' && bus) {
    return { message: 'An evdev input device takes no bus: remove bus=.', span: bus.nameSpan };
  }
  if (model?.value !== undefined && VIRTIO_MODELS.has(model.value) && bus && bus.value !== 'virtio') {
    return { message: `model='${model.value}' needs bus='virtio', not '${bus.value}'.`, span: at(bus) };
  }
  const implied = bus ? undefined : impliedBus(type, hvm, x86);
  if (model?.value !== undefined && VIRTIO_MODELS.has(model.value) && implied !== undefined && implied !== 'virtio') {
    return {
      message: `model='${model.value}' needs bus='virtio'; without bus= libvirt puts this ${type ?? 'device'} on the ${implied} bus.`,
      span: at(model),
    };
  }
  if (bus?.value === 'virtio' && (model?.value === 'virtio-transitional' || model?.value === 'virtio-non-transitional')) {
    return { message: `QEMU has no ${model.value} input device: use model='virtio'.`, span: at(model) };
  }
  return undefined;
}

export const inputRules: RuleFamily = {
  id: 'input',
  check(model) {
    const findings: Finding[] = [];
    const os = model.kind === 'domain' ? child(model.root, 'os') : undefined;
    const osType = os && child(os, 'type');
    const hvm = osType === undefined || osType.text.trim() === 'hvm';
    const arch = osType && attrValue(osType, 'arch');
    const x86 = arch === undefined || arch === 'x86_64' || arch === 'i686';
    for (const d of model.devices) {
      if (d.el.name !== 'input') {
        continue;
      }
      const p = problem(d.el, hvm, x86);
      if (p) {
        findings.push({ code: 'input-option-unsupported', ...p });
      }
    }
    return findings;
  },
};

/**
 * Rule family: machine-devices — devices the machine type cannot carry.
 * - machine-no-pci: the x86 'isapc' machine has no PCI bus, so every device libvirt puts on PCI
 *   fails with "No PCI buses available" (conf/domain_addr.c / qemu_domain_address.c, checked against
 *   libvirt 9.0 here). That includes what libvirt adds by itself: a virtio memballoon when there is
 *   no <memballoon>, a USB controller when there is no <controller type='usb'>, a video device for
 *   <graphics> without <video>. An isapc guest with <memballoon model='none'/> and
 *   <controller type='usb' model='none'/> defines and starts.
 */
import { attrValue, child } from '../syntax/tree';
import type { Device, DomainModel } from '../model/types';
import { insertBefore } from './edits';
import type { Finding, RuleFamily } from './types';

/** What puts a device on PCI (libvirt's QEMU driver), as far as it is clear from the XML. */
function needsPci(d: Device): boolean {
  const model = (el = d.el): string | undefined => attrValue(el, 'model');
  const sub = (name: string, a: string): string | undefined => {
    const c = child(d.el, name);
    return c ? attrValue(c, a) : undefined;
  };
  switch (d.kind) {
    case 'interface':
      return true;
    case 'video':
      return sub('model', 'type') !== 'none';
    case 'memballoon':
      return model() !== 'none';
    case 'controller':
      return (d.type === 'usb' && d.model?.value !== 'none') || d.type === 'scsi' || d.type === 'virtio-serial';
    case 'disk':
      return d.bus?.value === 'virtio';
    case 'hostdev':
      return d.type === 'pci';
    case 'rng':
    case 'shmem':
      return true;
    case 'watchdog':
      return model() === 'i6300esb';
    case 'sound':
      return model() !== 'sb16' && model() !== 'pcspk';
    case 'iommu':
      return model() === 'virtio';
    case 'input':
      return attrValue(d.el, 'bus') === 'virtio';
    default:
      return false;
  }
}

function isapc(model: DomainModel): boolean {
  const m = model.machine;
  return model.kind === 'domain' && m.origin === 'os' && (m.arch === 'x86_64' || m.arch === 'i686') && m.name === 'isapc';
}

export const machineDeviceRules: RuleFamily = {
  id: 'machine-devices',
  check(model) {
    const findings: Finding[] = [];
    if (!isapc(model)) {
      return findings;
    }
    const machineSpan = model.machine.attr ? (model.machine.attr.valueSpan ?? model.machine.attr.span) : model.root.nameSpan;
    const say = (what: string): string =>
      `The isapc machine has no PCI bus, but ${what} needs one: libvirt refuses the guest ("No PCI buses available").`;
    for (const d of model.devices) {
      if (needsPci(d)) {
        findings.push({
          code: 'machine-no-pci',
          message: say(`this <${d.el.name}>`),
          span: d.el.nameSpan,
          related: [{ message: 'the machine type', span: machineSpan }],
        });
      }
    }
    const has = (kind: string): boolean => model.devices.some((d) => d.kind === kind);
    const devices = child(model.root, 'devices');
    const anchor = devices?.children[0];
    const implicit: { what: string; markup?: string }[] = [];
    if (!has('memballoon')) {
      implicit.push({ what: 'the virtio memballoon libvirt adds when there is no <memballoon>', markup: "<memballoon model='none'/>" });
    }
    if (!model.controllers.some((c) => c.type === 'usb')) {
      implicit.push({ what: 'the USB controller libvirt adds when there is none', markup: "<controller type='usb' model='none'/>" });
    }
    if (model.graphics.length > 0 && !has('video')) {
      implicit.push({ what: 'the video device libvirt adds for <graphics>' });
    }
    for (const { what, markup } of implicit) {
      findings.push({
        code: 'machine-no-pci',
        message: say(what) + (markup ? ` Write ${markup}.` : ''),
        span: machineSpan,
        fixes: markup && anchor ? [{ title: `Add ${markup}`, edits: [insertBefore(model.doc.text, anchor, markup)], preferred: true }] : [],
      });
    }
    return findings;
  },
};

/**
 * Rule family: video — what libvirt 9.0 checks across a domain's <video> devices (checked
 * against libvirt 9.0's QEMU driver here):
 * - video-primary-duplicate: "Only one primary video device is supported"
 *   (conf/domain_validate.c virDomainDefVideoValidate).
 * - video-none-not-alone: "a 'none' video type must be the only video device defined for the
 *   domain" (virDomainVideoDefValidate).
 * - video-qxl-attribute: "ram|vram64|vgamem attribute only supported for video type qxl"
 *   (virDomainVideoDefValidate; a value of 0 counts as absent).
 * - video-ramfb-address: "address not supported for video type ramfb" (virDomainVideoDefValidate).
 * - video-secondary-model: "video type '%s' is only valid as primary video device"
 *   (qemu/qemu_validate.c qemuValidateDomainDeviceDefVideo): only qxl and virtio can be secondary.
 *
 * - video-setting-invalid: a setting the model does not take or a value out of range (qemu/
 *   qemu_validate.c qemuValidateDomainDeviceDefVideo, conf/domain_validate.c): heads > 1 except on
 *   qxl and virtio ("video type '%s' doesn't support multiple 'heads'"), qxl vgamem under 1 MiB or not
 *   a power of two, vga/vmvga vram under 1 MiB, a <resolution> except on vga, qxl, virtio and bochs
 *   ("model resolution is not supported"), a resolution of 0 ("video resolution values must be
 *   greater than 0"), accel3d='yes' except on virtio, an empty <acceleration/> ("missing values for
 *   acceleration", conf/domain_conf.c), accel2d='yes' ("qemu does not support the accel2d setting"),
 *   rendernode= without the vhostuser driver and the vhostuser driver on another model than virtio
 *   (conf/domain_validate.c virDomainVideoDefValidate).
 *
 * Which one is primary: the first with primary='yes' (libvirt's parser moves it to the front),
 * else the first in the document (virDomainDefPostParse marks it).
 */
import { parseInteger } from '../../../lib/integer';
import { attr, child, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { wholeLines } from './edits';
import type { Finding, RuleFamily } from './types';

interface Video {
  el: XmlElement;
  model: XmlElement | undefined;
  type: string | undefined;
  primary: boolean;
  hasAddress: boolean;
}

/** An attribute's span with the blanks before it, so that removing it leaves no gap. */
function withSpaceBefore(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) {
    start--;
  }
  return { start, end: span.end };
}

const SECONDARY_OK = new Set(['qxl', 'virtio']);

const RESOLUTION_OK = new Set(['vga', 'qxl', 'virtio', 'bochs']);

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function checkSettings(m: XmlElement, type: string, findings: Finding[]): void {
  if (type === 'none') {
    return;
  }
  const num = (name: string): { a: XmlAttribute; n: number } | undefined => {
    const a = attr(m, name);
    const n = a?.value === undefined ? undefined : parseInteger(a.value, 10);
    return a && n !== undefined ? { a, n } : undefined;
  };
  const push = (a: XmlAttribute | XmlElement, message: string): void => {
    findings.push({ code: 'video-setting-invalid', message, span: 'children' in a ? a.nameSpan : a.span });
  };
  const heads = num('heads');
  if (heads && heads.n > 1 && !SECONDARY_OK.has(type)) {
    push(heads.a, `A '${type}' video device has one head; heads='${heads.n}' needs qxl or virtio.`);
  }
  const vgamem = num('vgamem');
  if (type === 'qxl' && vgamem && vgamem.n !== 0 && (vgamem.n < 1024 || !isPow2(vgamem.n))) {
    push(vgamem.a, `vgamem='${vgamem.n}' (KiB) must be a power of two of at least 1024 (1 MiB).`);
  }
  const vram = num('vram');
  if ((type === 'vga' || type === 'vmvga') && vram && vram.n !== 0 && vram.n < 1024) {
    push(vram.a, `vram='${vram.n}' (KiB) is under the 1 MiB (1024) a '${type}' video device needs.`);
  }
  const res = child(m, 'resolution');
  if (res && !RESOLUTION_OK.has(type)) {
    push(res, `A '${type}' video device takes no <resolution>: only vga, qxl, virtio and bochs do.`);
  } else if (res) {
    for (const name of ['x', 'y']) {
      const a = attr(res, name);
      if (a?.value !== undefined && parseInteger(a.value, 10) === 0) {
        push(a, `A resolution of 0 is no resolution: ${name} must be greater than 0.`);
      }
    }
  }
  const accel = child(m, 'acceleration');
  const accel3d = accel && attr(accel, 'accel3d');
  const accel2d = accel && attr(accel, 'accel2d');
  const rendernode = accel && attr(accel, 'rendernode');
  const driver = m.parent && child(m.parent, 'driver');
  const vhostuser = driver !== undefined && attr(driver, 'name')?.value === 'vhostuser';
  if (accel && !accel3d && !accel2d && !rendernode) {
    push(accel, 'An empty <acceleration/>: set accel3d, accel2d or rendernode, or remove it.');
  } else if (vhostuser && type !== 'virtio') {
    push(attr(driver, 'name')!, `The vhostuser video backend drives a virtio GPU only, not '${type}'.`);
  } else if (rendernode && !vhostuser) {
    push(rendernode, "rendernode= is a setting of the vhost-user GPU: add <driver name='vhostuser'/> or remove it.");
  } else if (accel2d?.value === 'yes') {
    push(accel2d, "QEMU has no 2D acceleration setting: remove accel2d='yes'.");
  } else if (accel3d?.value === 'yes' && type !== 'virtio') {
    push(accel3d, `3D acceleration needs a virtio video device, not '${type}'.`);
  }
}

export const videoRules: RuleFamily = {
  id: 'video',
  check(model) {
    const findings: Finding[] = [];
    const videos: Video[] = [];
    for (const d of model.devices) {
      if (d.kind !== 'video') {
        continue;
      }
      const m = child(d.el, 'model');
      videos.push({
        el: d.el,
        model: m,
        type: m ? attr(m, 'type')?.value : undefined,
        primary: m ? attr(m, 'primary')?.value === 'yes' : false,
        hasAddress: child(d.el, 'address') !== undefined,
      });
    }
    if (videos.length === 0) {
      return findings;
    }
    const primaries = videos.filter((v) => v.primary);
    for (const v of primaries.slice(1)) {
      const a = attr(v.model!, 'primary')!;
      findings.push({
        code: 'video-primary-duplicate',
        message: `Another video device is already primary='yes'; a guest has one primary video device.`,
        span: a.valueSpan ?? a.span,
        related: [{ message: 'the first primary video device', span: attr(primaries[0]!.model!, 'primary')!.span }],
      });
    }
    if (videos.length > 1) {
      for (const v of videos) {
        if (v.type === 'none') {
          const a = attr(v.model!, 'type')!;
          findings.push({
            code: 'video-none-not-alone',
            message: `Video model 'none' says the guest has no video device, so it must be the only <video>; this domain has ${videos.length}.`,
            span: a.valueSpan ?? a.span,
          });
        }
      }
    }
    const primary = primaries[0] ?? videos[0]!;
    for (const v of videos) {
      if (!v.model || v.type === undefined) {
        continue;
      }
      const typeAttr = attr(v.model, 'type')!;
      if (v !== primary && !v.primary && v.type !== 'none' && !SECONDARY_OK.has(v.type)) {
        findings.push({
          code: 'video-secondary-model',
          message: `A '${v.type}' video device can only be the primary one, and this guest's primary video device is another: only qxl and virtio can be secondary.`,
          span: typeAttr.valueSpan ?? typeAttr.span,
          related: [{ message: 'the primary video device', span: primary.el.nameSpan }],
        });
      }
      if (v.type !== 'qxl') {
        for (const name of ['ram', 'vram64', 'vgamem']) {
          const a = attr(v.model, name);
          const n = a?.value === undefined ? undefined : parseInteger(a.value, 10);
          if (a && n !== undefined && n !== 0) {
            findings.push({
              code: 'video-qxl-attribute',
              message: `'${name}' is a qxl setting; libvirt refuses it on a '${v.type}' video device.`,
              span: a.span,
              fixes: [
                { title: `Remove ${name}`, edits: [{ span: withSpaceBefore(model.doc.text, a.span), newText: '' }], preferred: true },
              ],
            });
          }
        }
      }
      checkSettings(v.model, v.type, findings);
      if (v.type === 'ramfb' && v.hasAddress) {
        const addr = child(v.el, 'address')!;
        findings.push({
          code: 'video-ramfb-address',
          message: `A ramfb video device is not on a bus libvirt addresses: remove its <address>.`,
          span: addr.nameSpan,
          fixes: [
            { title: 'Remove the <address>', edits: [{ span: wholeLines(model.doc.text, addr.span), newText: '' }], preferred: true },
          ],
        });
      }
    }
    return findings;
  },
};

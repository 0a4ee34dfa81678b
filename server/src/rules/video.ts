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
 * Which one is primary: the first with primary='yes' (libvirt's parser moves it to the front),
 * else the first in the document (virDomainDefPostParse marks it).
 */
import { parseInteger } from '../../../lib/integer';
import { attr, child, type Span, type XmlElement } from '../syntax/tree';
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

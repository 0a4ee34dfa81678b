/**
 * Rule family: boot.
 * - boot-order-duplicate: "boot order '1' used for more than one device".
 * - boot-order-with-os-boot: "per-device boot elements cannot be used together with os/boot elements".
 */
import type { Device } from '../model/types';
import { claimingFix, wholeLines } from './edits';
import type { Finding, RuleFamily } from './types';

export const bootRules: RuleFamily = {
  id: 'boot',
  check(model) {
    const findings: Finding[] = [];
    const seen = new Map<number, Device>();
    const withBoot = model.devices.filter((d) => d.boot);
    for (const d of withBoot) {
      const order = d.boot!.value;
      if (order === undefined) {
        continue;
      }
      const span = d.boot!.attr.valueSpan ?? d.boot!.attr.span;
      const prev = seen.get(order);
      if (!prev) {
        seen.set(order, d);
        continue;
      }
      findings.push({
        code: 'boot-order-duplicate',
        message: `Boot order ${order} is already given to <${prev.el.name}>; each device needs its own position.`,
        span,
        related: [{ message: `boot order ${order} first used here`, span: prev.boot!.attr.valueSpan ?? prev.boot!.attr.span }],
        fixes: claimingFix(model, (alloc) => {
          const free = alloc.takeBootOrder(d);
          return { title: `Use boot order ${free}`, edits: [{ span, newText: `'${free}'` }], preferred: true };
        }),
      });
    }
    if (withBoot.length > 0 && model.osBoots.length > 0) {
      for (const b of model.osBoots) {
        findings.push({
          code: 'boot-order-with-os-boot',
          message: '<os><boot dev> cannot be combined with <boot order> on devices; keep one of the two.',
          span: b.nameSpan,
          fixes: [
            {
              title: 'Remove the <os><boot> elements',
              edits: model.osBoots.map((x) => ({ span: wholeLines(model.doc.text, x.span), newText: '' })),
              preferred: true,
            },
          ],
        });
      }
    }
    return findings;
  },
};

/**
 * Rule family: hostdevs.
 * - hostdev-duplicate: "Hostdev already exists in the domain configuration" — the same host PCI
 *   function (or USB device) assigned twice, by <hostdev> or <interface type='hostdev'>.
 */
import { formatPci } from '../model/pci';
import type { Hostdev } from '../model/types';
import type { Span } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

function hostKey(h: Hostdev): { key: string; label: string; span: Span } | undefined {
  if (h.pciSource) {
    const s = h.pciSource;
    const parts = [s.domain, s.bus, s.slot, s.function].map((n) => (n ? n.value : 0));
    if (parts.some((p) => p === undefined) || !s.slot) {
      return undefined;
    }
    const [domain, bus, slot, fn] = parts as number[];
    const label = formatPci({ domain: domain!, bus: bus!, slot: slot!, function: fn! });
    return { key: `pci/${label}`, label: `host PCI device ${label}`, span: s.el.nameSpan };
  }
  if (h.type === 'usb') {
    if (h.usbBus?.value !== undefined && h.usbDevice?.value !== undefined) {
      return {
        key: `usb/${h.usbBus.value}/${h.usbDevice.value}`,
        label: `host USB device ${h.usbBus.value}:${h.usbDevice.value}`,
        span: h.usbBus.attr.span,
      };
    }
    if (h.usbVendor?.value && h.usbProduct?.value) {
      const v = h.usbVendor.value.toLowerCase();
      const p = h.usbProduct.value.toLowerCase();
      return { key: `usbid/${v}/${p}`, label: `host USB device ${v}:${p}`, span: h.usbVendor.span };
    }
  }
  return undefined;
}

export const hostdevRules: RuleFamily = {
  id: 'hostdevs',
  check(model) {
    const findings: Finding[] = [];
    const seen = new Map<string, { h: Hostdev; span: Span }>();
    for (const h of model.hostdevs) {
      const k = hostKey(h);
      if (!k) {
        continue;
      }
      const prev = seen.get(k.key);
      if (prev) {
        findings.push({
          code: 'hostdev-duplicate',
          message: `The ${k.label} is already assigned to this guest by <${prev.h.kind}>; a host device can be assigned once.`,
          span: k.span,
          related: [{ message: 'first assigned here', span: prev.span }],
        });
      } else {
        seen.set(k.key, { h, span: k.span });
      }
    }
    return findings;
  },
};

/**
 * Rule family: hostdevs.
 * - hostdev-duplicate: "Hostdev already exists in the domain configuration" — the same host PCI
 *   function (or USB device) assigned twice, by <hostdev> or <interface type='hostdev'>.
 *
 * Matching follows libvirt 9.0 (virDomainHostdevMatch), checked against the daemon: PCI sources
 * compare domain:bus:slot.function with missing parts as 0 (two sources without an <address>
 * match); for USB the earlier device decides: with a non-zero bus and device it matches by
 * bus/device, otherwise by vendor/product, compared as numbers (0x0781 = 0x781).
 */
import { parseInteger } from '../../../lib/integer';
import { formatPci } from '../model/pci';
import type { HostAssignment } from '../model/types';
import type { Span } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

interface HostKey {
  mode: string;
  type: string;
  pci?: { domain: number; bus: number; slot: number; function: number };
  usb?: { bus: number; device: number; vendor: number; product: number };
  label: string;
  span: Span;
  /** USB: where the vendor/product pair is, for a match by vendor and product. */
  idSpan?: Span;
  idLabel?: string;
}

function hostKey(h: HostAssignment): HostKey | undefined {
  const mode = h.mode ?? 'subsystem';
  if (mode !== 'subsystem' || !h.source) {
    return undefined;
  }
  if (h.type === 'pci') {
    const s = h.pciSource;
    const parts = s ? [s.domain, s.bus, s.slot, s.function].map((n) => (n ? n.value : 0)) : [0, 0, 0, 0];
    if (parts.some((p) => p === undefined)) {
      return undefined;
    }
    const [domain, bus, slot, fn] = parts as [number, number, number, number];
    const pci = { domain, bus, slot, function: fn };
    return { mode, type: 'pci', pci, label: `host PCI device ${formatPci(pci)}`, span: s ? s.el.nameSpan : h.source.nameSpan };
  }
  if (h.type === 'usb') {
    const num = (raw: string | undefined): number | undefined => (raw === undefined ? 0 : parseInteger(raw, 0));
    const usb = {
      bus: h.usbBus ? h.usbBus.value : 0,
      device: h.usbDevice ? h.usbDevice.value : 0,
      vendor: num(h.usbVendor?.value),
      product: num(h.usbProduct?.value),
    };
    if (Object.values(usb).some((v) => v === undefined)) {
      return undefined;
    }
    const u = usb as { bus: number; device: number; vendor: number; product: number };
    const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
    const byAddress = u.bus !== 0 && u.device !== 0;
    const idLabel = `host USB device ${hex4(u.vendor)}:${hex4(u.product)}`;
    const idSpan = h.usbVendor?.span ?? h.source.nameSpan;
    return {
      mode,
      type: 'usb',
      usb: u,
      label: byAddress ? `host USB device at bus ${u.bus} device ${u.device}` : idLabel,
      span: byAddress ? (h.usbBus?.attr.span ?? h.source.nameSpan) : idSpan,
      idSpan,
      idLabel,
    };
  }
  return undefined;
}

/** libvirt's virDomainHostdevMatch for the kinds modelled here; `first` is the earlier device. */
function matches(first: HostKey, second: HostKey): boolean {
  if (first.mode !== second.mode || first.type !== second.type) {
    return false;
  }
  if (first.pci && second.pci) {
    const a = first.pci;
    const b = second.pci;
    return a.domain === b.domain && a.bus === b.bus && a.slot === b.slot && a.function === b.function;
  }
  if (first.usb && second.usb) {
    const a = first.usb;
    const b = second.usb;
    if (a.bus !== 0 && a.device !== 0) {
      return a.bus === b.bus && a.device === b.device;
    }
    return a.vendor === b.vendor && a.product === b.product;
  }
  return false;
}

export const hostdevRules: RuleFamily = {
  id: 'hostdevs',
  check(model) {
    const findings: Finding[] = [];
    const keyed: { h: HostAssignment; k: HostKey }[] = [];
    for (const h of model.hostdevs) {
      const k = hostKey(h);
      if (!k) {
        continue;
      }
      const prev = keyed.find((p) => matches(p.k, k));
      if (prev) {
        // The earlier device decides how the two are compared; point at what was compared.
        const byId = prev.k.usb !== undefined && prev.k.span === prev.k.idSpan;
        findings.push({
          code: 'hostdev-duplicate',
          message: `The ${prev.k.label} is already assigned to this guest by <${prev.h.device.el.name}>; a host device can be assigned once.`,
          span: byId ? (k.idSpan ?? k.span) : k.span,
          related: [{ message: 'first assigned here', span: prev.k.span }],
        });
      }
      keyed.push({ h, k });
    }
    return findings;
  },
};

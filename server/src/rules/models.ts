/**
 * Rule family: models — free-text device model names that libvirt passes to QEMU unchecked.
 * - nic-model-unknown: an <interface> <model type> QEMU has no network card for. libvirt 9.0
 *   stores any name of letters, digits, '-' and '_' (virDomainNetSetModelString) and hands it to
 *   QEMU as the -device driver; QEMU then refuses to start the guest ("'virtoi' is not a valid
 *   device model name"). Checked against libvirt 9.0 with QEMU 7.2 (x86_64) here.
 * - nic-vhostuser-model: "Wrong or no <model> 'type' attribute specified with <interface
 *   type='vhostuser'/>. vhostuser requires the virtio-net* frontend" (conf/domain_validate.c
 *   virDomainNetDefValidate).
 * - virtio-option-non-virtio: virtio's <driver> options (iommu, ats, packed, page_per_vq) on a
 *   NIC, video device or disk that is not virtio ("%s driver option is only supported for virtio
 *   devices", conf/domain_validate.c virDomainCheckVirtioOptionsAreAbsent), and a disk's
 *   ioeventfd off the virtio bus ("disk ioeventfd mode supported only for virtio bus").
 */
import { attr, attrValue, child, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { TARGET_RE } from '../model/drive';
import type { Device, DomainModel } from '../model/types';
import { insertBefore } from './edits';
import { addDeviceFindings, type Finding, type Fix, type RuleFamily } from './types';

/**
 * Names libvirt knows itself (compared case-insensitively, written to QEMU in its own spelling)
 * that QEMU for x86 accepts: libvirt maps virtio* to virtio-net-pci*, the others are QEMU's names.
 */
const LIBVIRT_NIC_MODELS = ['virtio', 'virtio-transitional', 'virtio-non-transitional', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'usb-net'];

/** `qemu-system-x86_64 -device help`, "Network devices" that plug into PCI or USB (QEMU 7.2); case matters. */
const QEMU_NIC_MODELS = [
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
  'i82550',
  'i82551',
  'i82557a',
  'i82557b',
  'i82557c',
  'i82558a',
  'i82558b',
  'i82559a',
  'i82559b',
  'i82559c',
  'i82559er',
  'i82562',
  'i82801',
  'ne2k_pci',
  'pcnet',
  'pvrdma',
  'rocker',
  'tulip',
  'virtio-net',
  'virtio-net-pci',
  'virtio-net-pci-transitional',
  'virtio-net-pci-non-transitional',
];

/** What a misspelt name most likely meant, in the order offered when equally near. */
const SUGGESTIONS = [
  'virtio',
  'e1000e',
  'e1000',
  'rtl8139',
  'vmxnet3',
  'virtio-transitional',
  'virtio-non-transitional',
  'ne2k_pci',
  'pcnet',
];

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** True when QEMU for this guest would take the name as a NIC. */
function knownNicModel(name: string): boolean {
  return LIBVIRT_NIC_MODELS.includes(name.toLowerCase()) || QEMU_NIC_MODELS.includes(name);
}

function nearest(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: { m: string; d: number } | undefined;
  for (const m of SUGGESTIONS) {
    const d = distance(lower, m);
    if (!best || d < best.d) {
      best = { m, d };
    }
  }
  // Also a prefix or a fragment: 'virtio-net-device', 'virt', 'intel e1000'.
  const contained = SUGGESTIONS.find((m) => lower.includes(m) || (lower.length >= 4 && m.startsWith(lower)));
  if (best && best.d <= Math.max(1, Math.floor(name.length / 3))) {
    return best.m;
  }
  return contained;
}

/** Only guests QEMU runs and whose NIC list is the one above (x86). */
function qemuX86(model: DomainModel): boolean {
  const type = model.kind === 'domain' ? attrValue(model.root, 'type') : 'kvm';
  return (type === 'kvm' || type === 'qemu') && (model.machine.arch === 'x86_64' || model.machine.arch === 'i686');
}

function checkNicModel(attr: XmlAttribute, findings: Finding[]): void {
  const name = attr.value;
  // An empty name or one with other characters is refused by libvirt's parser (schema family).
  if (!name || !/^[A-Za-z0-9_-]+$/.test(name) || knownNicModel(name)) {
    return;
  }
  const span = attr.valueSpan ?? attr.span;
  if (name === 'ne2k_isa') {
    findings.push({
      code: 'nic-model-unknown',
      message: `'ne2k_isa' is an ISA card, but libvirt plugs network cards into PCI: virsh define accepts it, and QEMU refuses it at start. Use 'ne2k_pci'.`,
      span,
      fixes: [{ title: "Use 'ne2k_pci'", edits: [{ span, newText: "'ne2k_pci'" }], preferred: true }],
    });
    return;
  }
  const guess = nearest(name);
  const fixes: Fix[] = guess ? [{ title: `Use '${guess}'`, edits: [{ span, newText: `'${guess}'` }], preferred: true }] : [];
  findings.push({
    code: 'nic-model-unknown',
    message:
      `QEMU has no network card model '${name}': virsh define accepts it, but QEMU refuses it at start` +
      (guess ? `. Did you mean '${guess}'?` : ` (use virtio, e1000e, e1000 or rtl8139).`),
    span,
    fixes,
  });
}

const VIRTIO_NIC = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);
const VIRTIO_OPTIONS = ['iommu', 'ats', 'packed', 'page_per_vq'];

/** The bus libvirt gives a disk without bus=, from its target's prefix. */
const BUS_OF_PREFIX: Record<string, string> = { hd: 'ide', sd: 'scsi', vd: 'virtio', fd: 'fdc', xvd: 'xen', ubd: 'uml' };

function withSpaceBefore(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) {
    start--;
  }
  return { start, end: span.end };
}

/** virtio-only <driver> options on a device that is not virtio. */
function checkVirtioOptions(text: string, el: XmlElement, what: string, extra: string[], findings: Finding[]): void {
  const driver = child(el, 'driver');
  for (const a of driver ? driver.attributes : []) {
    if (VIRTIO_OPTIONS.includes(a.name) || extra.includes(a.name)) {
      findings.push({
        code: 'virtio-option-non-virtio',
        message: `'${a.name}' is a virtio option; libvirt refuses it on ${what}.`,
        span: a.span,
        fixes: [{ title: `Remove ${a.name}`, edits: [{ span: withSpaceBefore(text, a.span), newText: '' }], preferred: true }],
      });
    }
  }
}

/** One device's findings: vhostuser NICs without virtio, virtio options elsewhere, NIC models QEMU lacks. */
function checkDevice(model: DomainModel, d: Device, x86: boolean): Finding[] {
  const text = model.doc.text;
  const findings: Finding[] = [];
  if (d.kind === 'interface') {
    const i = d;
    const m = i.model?.value;
    if (i.type === 'vhostuser' && !(m && VIRTIO_NIC.has(m.toLowerCase()))) {
      const span = i.model ? (i.model.valueSpan ?? i.model.span) : i.el.nameSpan;
      const first = i.el.children[0];
      const fix = i.model
        ? { title: "Use 'virtio'", edits: [{ span, newText: "'virtio'" }], preferred: true }
        : first
          ? { title: "Add <model type='virtio'/>", edits: [insertBefore(text, first, "<model type='virtio'/>")], preferred: true }
          : undefined;
      findings.push({
        code: 'nic-vhostuser-model',
        message: i.model
          ? `A vhostuser interface talks to a virtio-net backend: its model must be virtio, not '${m ?? ''}'.`
          : "A vhostuser interface needs <model type='virtio'/>: libvirt does not pick one for it.",
        span,
        fixes: fix ? [fix] : [],
      });
    }
    if (m && i.type !== 'hostdev' && !VIRTIO_NIC.has(m.toLowerCase())) {
      checkVirtioOptions(text, i.el, `a '${m}' network card`, [], findings);
    }
    // <interface type='hostdev'> hands the host's card over: its <model> names no QEMU device.
    if (x86 && i.model && i.type !== 'hostdev') {
      checkNicModel(i.model, findings);
    }
  } else if (d.kind === 'video') {
    const m = child(d.el, 'model');
    const type = m ? attr(m, 'type')?.value : undefined;
    if (type && type !== 'virtio') {
      checkVirtioOptions(text, d.el, `a '${type}' video device`, [], findings);
    }
  } else if (d.kind === 'disk') {
    const prefix = TARGET_RE.exec(d.targetDev?.value ?? '')?.[1];
    const bus = d.bus ? d.bus.value : prefix ? BUS_OF_PREFIX[prefix] : undefined;
    if (bus && bus !== 'virtio') {
      checkVirtioOptions(text, d.el, `a disk on the '${bus}' bus`, ['ioeventfd'], findings);
    }
  }
  return findings;
}

export const modelRules: RuleFamily = {
  id: 'models',
  check(model, ctx) {
    const findings: Finding[] = [];
    const x86 = qemuX86(model);
    const kinds = (d: Device): Finding[] =>
      d.kind === 'interface' || d.kind === 'video' || d.kind === 'disk' ? checkDevice(model, d, x86) : [];
    addDeviceFindings(findings, ctx.memo, modelRules.id, model.devices, (d) => d.el, kinds);
    return findings;
  },
};

/**
 * Rule family: iommu — the <iommu> device and what it needs (checked against libvirt 9.0 here).
 * - iommu-duplicate: "only a single IOMMU device is supported" (conf/domain_conf.c, parser).
 * - iommu-machine: "IOMMU device: '%s' is only supported with Q35 machines" / "... with Q35 and
 *   ARM Virt machines" / "... with ARM Virt machines" (qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefIOMMU): intel needs q35, virtio q35 or ARM virt, smmuv3 ARM virt.
 * - iommu-requirement: "IOMMU device: 'virtio' requires ACPI" (qemu_validate.c); "IOMMU interrupt
 *   remapping requires split I/O APIC (ioapic driver='qemu')" and "IOMMU eim requires interrupt
 *   remapping to be enabled" (conf/domain_validate.c virDomainDefIOMMUValidate).
 * - iommu-option-unsupported: "iommu model '%s' doesn't support additional attributes" (virtio and
 *   smmuv3 take none of intremap, caching_mode, eim, iotlb, aw_bits), "iommu model '%s' can't have
 *   address" (intel, smmuv3; conf/domain_validate.c virDomainIOMMUDefValidate), "IOMMU device:
 *   'virtio' needs a PCI address" (qemu_validate.c).
 */
import { attr, attrValue, child, type Span, type XmlElement } from '../syntax/tree';
import type { DomainModel } from '../model/types';
import { insertBefore, wholeLines } from './edits';
import type { Finding, RuleFamily } from './types';

const INTEL_ONLY = ['intremap', 'caching_mode', 'eim', 'iotlb', 'aw_bits'];

function withSpaceBefore(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) {
    start--;
  }
  return { start, end: span.end };
}

/** q35, ARM virt, something else, or not known (a fragment whose domain is not known). */
export function machineKind(model: DomainModel): 'q35' | 'arm-virt' | 'other' | undefined {
  const m = model.machine;
  if (model.kind === 'fragment' && m.origin !== 'config') {
    return undefined;
  }
  if (m.family === 'q35') {
    return 'q35';
  }
  if ((m.arch === 'aarch64' || m.arch === 'armv7l') && /^virt(-|$)/.test(m.name)) {
    return 'arm-virt';
  }
  // A domain without machine= gets the emulator's default: judged only where one is written or configured.
  return m.origin === 'default' ? undefined : 'other';
}

const NEEDS: Record<string, { ok: string[]; say: string }> = {
  intel: { ok: ['q35'], say: 'a q35 machine' },
  virtio: { ok: ['q35', 'arm-virt'], say: 'a q35 or an ARM virt machine' },
  smmuv3: { ok: ['arm-virt'], say: 'an ARM virt machine' },
};

function features(model: DomainModel): XmlElement | undefined {
  return model.kind === 'domain' ? child(model.root, 'features') : undefined;
}

export const iommuRules: RuleFamily = {
  id: 'iommu',
  check(model) {
    const findings: Finding[] = [];
    const text = model.doc.text;
    const iommus = model.devices.filter((d) => d.kind === 'iommu');
    for (const d of iommus.slice(1)) {
      findings.push({
        code: 'iommu-duplicate',
        message: 'A guest has at most one <iommu>; this is the second.',
        span: d.el.nameSpan,
        related: [{ message: 'the first <iommu>', span: iommus[0]!.el.nameSpan }],
      });
    }
    const feats = features(model);
    for (const d of iommus) {
      const modelAttr = attr(d.el, 'model');
      const name = modelAttr?.value;
      if (!modelAttr || !name || !NEEDS[name]) {
        continue;
      }
      const modelSpan = modelAttr.valueSpan ?? modelAttr.span;
      const kind = machineKind(model);
      const need = NEEDS[name];
      if (kind !== undefined && !need.ok.includes(kind)) {
        findings.push({
          code: 'iommu-machine',
          message: `An IOMMU of model '${name}' needs ${need.say}; this guest's machine is '${model.machine.name}'.`,
          span: modelSpan,
        });
      }
      const driver = child(d.el, 'driver');
      const address = child(d.el, 'address');
      if (name === 'virtio' || name === 'smmuv3') {
        for (const a of driver ? driver.attributes.filter((x) => INTEL_ONLY.includes(x.name)) : []) {
          findings.push({
            code: 'iommu-option-unsupported',
            message: `'${a.name}' is an intel IOMMU setting; libvirt refuses it on a '${name}' IOMMU.`,
            span: a.span,
            fixes: [{ title: `Remove ${a.name}`, edits: [{ span: withSpaceBefore(text, a.span), newText: '' }], preferred: true }],
          });
        }
      }
      const addressType = address ? attrValue(address, 'type') : undefined;
      if (address && (name === 'intel' || name === 'smmuv3' || (name === 'virtio' && addressType !== 'pci'))) {
        findings.push({
          code: 'iommu-option-unsupported',
          message:
            name === 'virtio'
              ? `A virtio IOMMU is a PCI device: its <address> must be of type 'pci', not '${addressType ?? ''}'.`
              : `An IOMMU of model '${name}' is part of the machine and cannot have an <address>.`,
          span: address.nameSpan,
          fixes: [{ title: 'Remove the <address>', edits: [{ span: wholeLines(text, address.span), newText: '' }], preferred: true }],
        });
      }
      if (name === 'virtio' && model.kind === 'domain' && !(feats && child(feats, 'acpi'))) {
        const fix =
          feats && !feats.selfClosing
            ? [
                {
                  title: 'Add <acpi/> to <features>',
                  edits: [
                    feats.children[0]
                      ? insertBefore(text, feats.children[0], '<acpi/>')
                      : { span: { start: feats.startTagEnd, end: feats.startTagEnd }, newText: '<acpi/>' },
                  ],
                  preferred: true,
                },
              ]
            : [];
        findings.push({
          code: 'iommu-requirement',
          message: 'A virtio IOMMU needs ACPI: add <acpi/> to <features>.',
          span: modelSpan,
          fixes: fix,
        });
      }
      if (name === 'intel' && driver) {
        const intremap = attr(driver, 'intremap');
        const eim = attr(driver, 'eim');
        const ioapic = feats ? child(feats, 'ioapic') : undefined;
        if (intremap?.value === 'on' && model.kind === 'domain' && (!ioapic || attrValue(ioapic, 'driver') !== 'qemu')) {
          findings.push({
            code: 'iommu-requirement',
            message: "Interrupt remapping (intremap='on') needs the split I/O APIC: <ioapic driver='qemu'/> in <features>.",
            span: intremap.span,
          });
        }
        if (eim?.value === 'on' && intremap?.value !== 'on') {
          findings.push({
            code: 'iommu-requirement',
            message: "eim='on' needs interrupt remapping: set intremap='on' too.",
            span: eim.span,
          });
        }
      }
    }
    return findings;
  },
};

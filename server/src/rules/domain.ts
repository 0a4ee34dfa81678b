/**
 * Rule family: domain — whole-domain settings.
 * - cpu-topology-mismatch: "CPU topology doesn't match maximum vcpu count" (QEMU driver).
 * - domain-name-invalid: missing name, '/' or a newline in it.
 * - domain-name-style: openEuler's naming advice (letters, digits, _ - :; not all digits; <= 64 chars).
 * - graphics-vnc-open: VNC on all addresses without a password (security advice from openEuler's guide).
 * - graphics-vnc-password-length: "VNC password is 9 characters long, only 8 permitted" (QEMU driver).
 * - os-type-missing: "an os <type> must be specified" (no <os>, or <os> without <type>).
 * - sysinfo-uuid-mismatch: "UUID mismatch between <uuid> and <sysinfo>" (compared as UUIDs, not as text).
 * - seclabel-model-duplicate: "seclabel for model dac is already provided" (the domain's labels, and a
 *   device's overrides).
 * - seclabel-model-missing: "missing security model in domain seclabel", "missing security model when
 *   using multiple labels".
 * - seclabel-label-missing: "security label is missing" (a static label without <label>).
 * - seclabel-relabel-conflict: "Cannot specify a label if relabelling is turned off. model=dac" and
 *   "label overrides require relabeling to be enabled at the domain level" (a device's override).
 *   (A dynamic label with relabel='no' and type='none' with relabel='yes' are values the schema judge
 *   refuses: schema-invalid-value.)
 * - sysinfo-value-invalid: "Invalid BIOS 'date' format", "malformed <sysinfo> uuid element", "Firmware
 *   entry must have either value or 'file' attribute", and the QEMU driver's "Invalid firmware name"
 *   (not under opt/) and "That firmware name is reserved" (opt/ovmf/, opt/org.qemu/).
 * - panic-model-unsupported: "only S390 guests support panic device of model 's390'" (and pseries,
 *   hyperv); panic-address-unsupported: "setting the panic device address is not supported for model
 *   'hyperv'", "panic is supported only with ISA address type" (qemu/qemu_validate.c).
 * - console-serial-not-first: "Only the first console can be a serial port".
 * - resctrl-kvm-only: "cachetune is only supported for KVM domains" (<cachetune> or <memorytune>).
 * - vcpu-eim-required: "more than 255 vCPUs require extended interrupt mode enabled on the iommu device".
 * - vcpu-current-above-max: "maximum vCPU count must not be less than current vCPU count".
 * - lifecycle-action-unsupported: "qemu driver doesn't support the 'rename-restart' action ..." (and
 *   'preserve' on poweroff/reboot, and poweroff=restart with reboot=destroy).
 * - device-single-duplicate: "only a single watchdog device is supported" (and memory balloon,
 *   vsock, nvram; a second IOMMU is the device family's iommu-duplicate), "Multiple panic devices with
 *   model 'isa'" (one panic device per model; without model= x86 takes isa).
 * - domain-element-duplicate: "element 'genid' can only appear once", "only one resource element is
 *   supported", "Only one acpi table is supported", "perf event 'cmt' was already specified", "A domain
 *   definition can have no more than one cipher node with name aes", "only one set of redirection filter
 *   rule is supported".
 * - features-value-invalid: "dirty ring must be power of 2 and ranges [1024, 65536]", "HyperV spinlock
 *   retry count must be at least 4095", "HyperV vendor_id value must not be more than 12 characters.",
 *   "missing 'value' attribute for HyperV feature 'vendor_id'"
 * - clock-attribute-missing: "missing 'timezone' attribute for clock with offset='timezone'" (and 'start'
 *   for offset='absolute').
 * - features-smm-tseg: "SMM TSEG is only supported with q35 machine type", "SMM TSEG size must be
 *   divisible by 1 MiB" (QEMU driver, qemuDomainDefTsegPostParse; only while SMM is on).
 */
import { parseBitmap } from '../../../lib/bitmap';
import { parseInteger } from '../../../lib/integer';
import { parseSizeKiB } from '../../../lib/bitmap';
import { attr, attrValue, child, childrenNamed, descendant, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { devicesNamed } from '../model/build';
import type { Device, DomainModel } from '../model/types';
import { attributeNewer } from '../schema/since';
import { machineKind } from './iommu';
import { addDeviceFindings, type DeviceMemo, type Finding, type RuleFamily } from './types';

function checkTopology(model: DomainModel, findings: Finding[], target: string | undefined): void {
  const t = model.topology;
  // Without <vcpu> libvirt gives the guest one vCPU, and still checks the topology against it.
  const vcpus = model.vcpu ? parseInteger(model.vcpu.text, 10) : 1;
  if (!t || vcpus === undefined) {
    return;
  }
  const parts = ['sockets', 'dies', 'cores', 'threads'].map((n) => ({ n, a: attr(t, n) }));
  let product = 1;
  for (const { n, a } of parts) {
    if (!a) {
      if (n === 'dies') {
        continue;
      }
      return; // libvirt requires the others; the schema check reports a missing one
    }
    const v = parseInteger(a.value, 10);
    if (v === undefined || v === 0) {
      return;
    }
    product *= v;
  }
  // clusters= came after libvirt 9.0: a target that knows it multiplies it in; one that does not
  // drops it (rules/target-version.ts says so) and checks the topology without it.
  const clusters = attr(t, 'clusters');
  const clustersKnown = !target || attributeNewer('domain>cpu>topology', 'clusters', target) === undefined;
  const clustersValue = clusters && clustersKnown ? parseInteger(clusters.value, 10) : undefined;
  if (clustersValue) {
    product *= clustersValue;
  }
  if (product !== vcpus) {
    findings.push({
      code: 'cpu-topology-mismatch',
      message: `The CPU topology gives ${[
        ...parts.slice(0, 2),
        ...(clustersValue ? [{ n: 'clusters', a: clusters }] : []),
        ...parts.slice(2),
      ]
        .filter((p) => p.a)
        .map((p) => `${p.a!.value} ${p.n}`)
        .join(
          ' x '
        )} = ${product} vCPUs, but <vcpu> is ${vcpus}.${clusters && !clustersKnown ? ` (libvirt ${target} ignores clusters=.)` : ''}`,
      span: t.nameSpan,
      related: model.vcpu?.textSpan ? [{ message: `<vcpu> is ${vcpus}`, span: model.vcpu.textSpan }] : [],
      fixes: model.vcpu?.textSpan
        ? [{ title: `Set <vcpu> to ${product}`, edits: [{ span: model.vcpu.textSpan, newText: String(product) }] }]
        : [],
    });
  }
}

/**
 * libvirt takes the name's text as it is, spaces and line breaks included: an empty <name> is
 * missing, a line break anywhere (even around the name on its own line) is refused, and a name
 * of spaces only is accepted.
 */
function checkName(model: DomainModel, findings: Finding[]): void {
  const el = model.name;
  const raw = el?.text ?? '';
  if (!el || raw === '') {
    findings.push({
      code: 'domain-name-invalid',
      message: el ? 'The domain name is empty; libvirt needs a name.' : 'The domain has no <name>; libvirt needs one.',
      span: el?.nameSpan ?? model.root.nameSpan,
    });
    return;
  }
  const name = raw.trim();
  const span = el.textSpan ?? el.nameSpan;
  const contentSpan = { start: el.startTagEnd, end: el.closeNameSpan ? el.closeNameSpan.start - 2 : el.span.end };
  if (raw.includes('/') || raw.includes('\n')) {
    // The fix rewrites everything between <name> and </name>, so line breaks around the name go too.
    const onlyAround = !name.includes('\n') && !name.includes('/');
    const fixed = name.replace(/[/\r\n]+/g, '-');
    const message = name.includes('/')
      ? "The domain name cannot contain '/'."
      : onlyAround
        ? 'The domain name cannot contain a line break, and libvirt keeps the line breaks around the name as part of it: write <name> on one line.'
        : 'The domain name cannot contain a line break.';
    findings.push({
      code: 'domain-name-invalid',
      message,
      span,
      fixes: fixed
        ? [
            {
              title: onlyAround ? 'Put the name on one line' : 'Replace with -',
              edits: [{ span: contentSpan, newText: fixed }],
              preferred: true,
            },
          ]
        : [],
    });
    return;
  }
  const problems: string[] = [];
  if ([...raw].length > 64) {
    problems.push(`it is ${[...raw].length} characters long (64 at most)`);
  }
  if (/^[0-9]+$/.test(raw)) {
    problems.push('it is all digits');
  }
  const bad = [...new Set(raw.replace(/[A-Za-z0-9_:-]/g, ''))];
  if (bad.length > 0) {
    problems.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  if (problems.length > 0) {
    findings.push({
      code: 'domain-name-style',
      message: `openEuler's guide asks for names of letters, digits, '_', '-' and ':' that are not all digits and at most 64 long; ${problems.join(', ')}.`,
      span: name === '' ? el.nameSpan : span,
    });
  }
}

function checkVnc(model: DomainModel, findings: Finding[]): void {
  for (const g of model.graphics) {
    const pw = g.passwd?.value;
    if (g.type === 'vnc' && pw !== undefined && [...pw].length > 8) {
      findings.push({
        code: 'graphics-vnc-password-length',
        message: `This VNC password is ${[...pw].length} characters long; VNC authentication takes at most 8, and libvirt's QEMU driver refuses longer ones.`,
        span: g.passwd!.valueSpan ?? g.passwd!.span,
      });
    }
    if (g.type !== 'vnc' || (g.passwd && g.passwd.value)) {
      continue;
    }
    const open = g.listens.find((l) => l.value === '0.0.0.0' || l.value === '::' || l.value === '[::]');
    if (open) {
      findings.push({
        code: 'graphics-vnc-open',
        message: `VNC listens on every address (${open.value}) with no passwd: anyone who reaches the host can use the guest's console. Set passwd= or listen on 127.0.0.1.`,
        span: open.valueSpan ?? open.span,
        fixes: [
          {
            title: 'Listen on 127.0.0.1 only',
            edits: g.listens
              .filter((l) => l === open || l.value === open.value)
              .map((l) => ({ span: l.valueSpan ?? l.span, newText: "'127.0.0.1'" })),
          },
        ],
      });
    }
  }
}

function checkOs(model: DomainModel, findings: Finding[]): void {
  // <os> without <type> is the schema rule's (schema-missing-element): one finding is enough.
  if (child(model.root, 'os')) {
    return;
  }
  findings.push({
    code: 'os-type-missing',
    message: "The domain has no <os>: libvirt needs the guest's OS type (<os><type>hvm</type></os> for a QEMU/KVM guest).",
    span: model.root.nameSpan,
  });
}

/** A UUID as libvirt reads it (virUUIDParse): 32 hex digits, dashes allowed between them. */
function uuidKey(raw: string): string | undefined {
  const s = raw.trim().replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(s) ? s : undefined;
}

function checkSysinfo(model: DomainModel, findings: Finding[]): void {
  const uuidEl = child(model.root, 'uuid');
  const domainUuid = uuidEl && uuidKey(uuidEl.text);
  if (!domainUuid) {
    return;
  }
  for (const sysinfo of childrenNamed(model.root, 'sysinfo')) {
    const system = child(sysinfo, 'system');
    for (const e of system ? childrenNamed(system, 'entry') : []) {
      if (attrValue(e, 'name') !== 'uuid') {
        continue;
      }
      const key = uuidKey(e.text);
      if (key && key !== domainUuid) {
        findings.push({
          code: 'sysinfo-uuid-mismatch',
          message: `The SMBIOS system uuid (${e.text.trim()}) differs from the domain's <uuid> (${uuidEl.text.trim()}): libvirt wants the same UUID in both, or none in <sysinfo>.`,
          span: e.textSpan ?? e.nameSpan,
          related: [{ message: "the domain's <uuid>", span: uuidEl.textSpan ?? uuidEl.nameSpan }],
          fixes: [{ title: "Use the domain's UUID", edits: [{ span: e.textSpan!, newText: uuidEl.text.trim() }], preferred: true }].filter(
            () => e.textSpan !== undefined
          ),
        });
      }
    }
  }
}

/** A <seclabel>'s relabel as libvirt settles it: relabel=, else on for dynamic labels only. */
function relabelOf(l: XmlElement, type: string): boolean {
  const r = attrValue(l, 'relabel');
  return r === 'yes' ? true : r === 'no' ? false : type === 'dynamic';
}

function checkSeclabels(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  const seen = new Map<string, XmlAttribute>();
  const labels = childrenNamed(model.root, 'seclabel');
  for (const l of labels) {
    const type = attrValue(l, 'type') ?? 'dynamic';
    const m = attr(l, 'model');
    if (type === 'static' && m?.value !== 'none' && !child(l, 'label')?.text.trim()) {
      findings.push({
        code: 'seclabel-label-missing',
        message: 'A static security label needs its <label> (for the dac model, such as <label>+107:+107</label>).',
        span: l.nameSpan,
      });
    }
    if (!m?.value) {
      continue;
    }
    const first = seen.get(m.value);
    if (first) {
      findings.push({
        code: 'seclabel-model-duplicate',
        message: `A second <seclabel> for the security model '${m.value}': libvirt takes one label per model.`,
        span: m.valueSpan ?? m.span,
        related: [{ message: 'the first one', span: first.valueSpan ?? first.span }],
      });
      continue;
    }
    seen.set(m.value, m);
  }
  // Without model=, libvirt takes the host's first model only for a lone label of type 'none', or
  // a lone dynamic one without <baselabel>.
  const nameless = labels.filter((l) => !attrValue(l, 'model'));
  const lone = labels.length === 1 && nameless.length === 1;
  const l0 = nameless[0];
  const type0 = l0 && (attrValue(l0, 'type') ?? 'dynamic');
  if (l0 && (!lone || !(type0 === 'none' || (type0 === 'dynamic' && !child(l0, 'baselabel'))))) {
    findings.push({
      code: 'seclabel-model-missing',
      message: lone
        ? `This ${type0} <seclabel> needs model= (such as 'dac' or 'selinux'): libvirt guesses the model only for type='none' or a dynamic label without <baselabel>.`
        : "With several <seclabel>s, each needs its model= (such as 'dac' or 'selinux').",
      span: l0.nameSpan,
    });
  }
  addDeviceFindings(
    findings,
    memo,
    'device-seclabels',
    model.devices,
    (d) => d.el,
    (d) => deviceSeclabels(d, labels)
  );
}

/** <seclabel> overrides in a disk's or character device's <source> (the domain's own labels are outside <devices>). */
function deviceSeclabels(d: Device, domainLabels: XmlElement[]): Finding[] {
  const findings: Finding[] = [];
  const source = child(d.el, 'source');
  const overrides = source ? childrenNamed(source, 'seclabel') : [];
  const seen = new Map<string, XmlAttribute>();
  for (const o of overrides) {
    const m = attr(o, 'model');
    if (m?.value === undefined && m) {
      continue;
    }
    const first = m && seen.get(m.value!);
    if (m && first) {
      findings.push({
        code: 'seclabel-model-duplicate',
        message: `A second <seclabel> for the security model '${m.value}' on this device: libvirt takes one override per model.`,
        span: m.valueSpan ?? m.span,
        related: [{ message: 'the first one', span: first.valueSpan ?? first.span }],
      });
      continue;
    }
    if (m) {
      seen.set(m.value!, m);
    }
    const relabel = attr(o, 'relabel');
    if (relabel?.value === 'no' && child(o, 'label')?.text.trim()) {
      findings.push({
        code: 'seclabel-relabel-conflict',
        message: "relabel='no' leaves the file's label alone, so a <label> here has nothing to do: drop one or the other.",
        span: relabel.valueSpan ?? relabel.span,
      });
      continue;
    }
    const overridden = d.el.name === 'disk' || CHARDEVS.has(d.el.name);
    const domainLabel = m && domainLabels.find((l) => attrValue(l, 'model') === m.value);
    if (overridden && domainLabel && !relabelOf(domainLabel, attrValue(domainLabel, 'type') ?? 'dynamic')) {
      findings.push({
        code: 'seclabel-relabel-conflict',
        message: `This override of the '${m.value}' label needs relabeling at the domain level, which the domain's <seclabel> turns off.`,
        span: o.nameSpan,
        related: [{ message: "the domain's label", span: domainLabel.nameSpan }],
      });
    }
  }
  return findings;
}

const CHARDEVS = new Set(['serial', 'parallel', 'console', 'channel']);

function checkVcpuCurrent(model: DomainModel, findings: Finding[]): void {
  const v = model.vcpu;
  const cur = v && attr(v, 'current');
  const max = v ? parseInteger(v.text, 10) : undefined;
  const current = cur ? parseInteger(cur.value, 10) : undefined;
  if (cur && max !== undefined && current !== undefined && current > max) {
    findings.push({
      code: 'vcpu-current-above-max',
      message: `current='${current}' is more than the maximum of ${max} vCPUs (<vcpu>'s text).`,
      span: cur.valueSpan ?? cur.span,
      fixes: [{ title: `Set current to ${max}`, edits: [{ span: cur.valueSpan ?? cur.span, newText: `'${max}'` }], preferred: true }],
    });
  }
}

function checkLifecycle(model: DomainModel, findings: Finding[]): void {
  const ev = (name: string): XmlElementLike | undefined => {
    const el = child(model.root, name);
    return el ? { el, value: el.text.trim() } : undefined;
  };
  const poweroff = ev('on_poweroff');
  const reboot = ev('on_reboot');
  const crash = ev('on_crash');
  for (const e of [poweroff, reboot, crash]) {
    if (e?.value === 'rename-restart') {
      findings.push({
        code: 'lifecycle-action-unsupported',
        message: `The QEMU driver does not support the 'rename-restart' action (<${e.el.name}>).`,
        span: e.el.textSpan ?? e.el.nameSpan,
      });
    }
  }
  for (const e of [poweroff, reboot]) {
    if (e?.value === 'preserve') {
      findings.push({
        code: 'lifecycle-action-unsupported',
        message: `The QEMU driver does not support the 'preserve' action for <${e.el.name}> (only for <on_crash>).`,
        span: e.el.textSpan ?? e.el.nameSpan,
      });
    }
  }
  if (poweroff?.value === 'restart' && reboot?.value === 'destroy') {
    findings.push({
      code: 'lifecycle-action-unsupported',
      message: 'The QEMU driver cannot restart on power-off while destroying on reboot (<on_poweroff>restart with <on_reboot>destroy).',
      span: reboot.el.textSpan ?? reboot.el.nameSpan,
      related: [{ message: '<on_poweroff>restart', span: poweroff.el.textSpan ?? poweroff.el.nameSpan }],
    });
  }
}

interface XmlElementLike {
  el: XmlElement;
  value: string;
}

/** Devices a domain has at most one of (libvirt 9.0's parser). */
const SINGLE_DEVICES: Readonly<Record<string, string>> = {
  watchdog: 'watchdog device',
  memballoon: 'memory balloon device',
  vsock: 'vsock device',
  nvram: 'nvram device',
};

function checkSingleDevices(model: DomainModel, findings: Finding[]): void {
  const seen = new Map<string, XmlElement>();
  for (const d of model.devices) {
    const what = SINGLE_DEVICES[d.el.name];
    if (!what || d.el.parent?.name !== 'devices') {
      continue;
    }
    const first = seen.get(d.el.name);
    if (first) {
      findings.push({
        code: 'device-single-duplicate',
        message: `A second <${d.el.name}>: libvirt supports a single ${what} per domain.`,
        span: d.el.nameSpan,
        related: [{ message: 'the first one', span: first.nameSpan }],
      });
      continue;
    }
    seen.set(d.el.name, d.el);
  }
}

function checkOnce(model: DomainModel, findings: Finding[]): void {
  const twice = (els: readonly XmlElement[], what: string, key?: (el: XmlElement) => string | undefined): void => {
    const seen = new Map<string, XmlElement>();
    for (const el of els) {
      const k = key ? key(el) : '';
      if (k === undefined) {
        continue;
      }
      const first = seen.get(k);
      if (first) {
        findings.push({
          code: 'domain-element-duplicate',
          message: `${what}${k ? ` '${k}'` : ''} a second time: libvirt takes it once.`,
          span: el.nameSpan,
          related: [{ message: 'the first one', span: first.nameSpan }],
        });
        continue;
      }
      seen.set(k, el);
    }
  };
  twice(childrenNamed(model.root, 'genid'), '<genid>');
  twice(childrenNamed(model.root, 'resource'), '<resource>');
  const os = child(model.root, 'os');
  const acpi = os && child(os, 'acpi');
  twice(acpi ? childrenNamed(acpi, 'table') : [], 'An ACPI <table>');
  const perf = child(model.root, 'perf');
  twice(perf ? childrenNamed(perf, 'event') : [], 'The perf event', (el) => attrValue(el, 'name'));
  twice(devicesNamed(model, 'redirfilter'), '<redirfilter>');
  const keywrap = child(model.root, 'keywrap');
  twice(keywrap ? childrenNamed(keywrap, 'cipher') : [], 'The keywrap cipher', (el) => attrValue(el, 'name'));
}

function checkFeatureValues(model: DomainModel, findings: Finding[]): void {
  const features = child(model.root, 'features');
  if (!features) {
    return;
  }
  const kvm = child(features, 'kvm');
  const ring = kvm && child(kvm, 'dirty-ring');
  const size = ring && attr(ring, 'size');
  const n = size ? parseInteger(size.value, 10) : undefined;
  if (size && n !== undefined && attrValue(ring, 'state') === 'on' && (n < 1024 || n > 65536 || (n & (n - 1)) !== 0)) {
    findings.push({
      code: 'features-value-invalid',
      message: `The KVM dirty ring size must be a power of two from 1024 to 65536; ${n} is not.`,
      span: size.valueSpan ?? size.span,
    });
  }
  const hyperv = child(features, 'hyperv');
  const spin = hyperv && child(hyperv, 'spinlocks');
  const retries = spin && attr(spin, 'retries');
  const r = retries ? parseInteger(retries.value, 10) : undefined;
  if (retries && r !== undefined && attrValue(spin, 'state') === 'on' && r < 4095) {
    findings.push({
      code: 'features-value-invalid',
      message: `Hyper-V spinlock retries must be at least 4095; ${r} is less.`,
      span: retries.valueSpan ?? retries.span,
      fixes: [{ title: 'Set it to 4095', edits: [{ span: retries.valueSpan ?? retries.span, newText: "'4095'" }] }],
    });
  }
  const vendor = hyperv && child(hyperv, 'vendor_id');
  const value = vendor && attr(vendor, 'value');
  if (vendor && !value && attrValue(vendor, 'state') === 'on') {
    findings.push({
      code: 'features-value-invalid',
      message: "A Hyper-V vendor_id that is on needs its value= (at most 12 characters, such as 'KVMKVMKVM').",
      span: vendor.nameSpan,
    });
  }
  if (value?.value !== undefined && attrValue(vendor!, 'state') === 'on' && [...value.value].length > 12) {
    findings.push({
      code: 'features-value-invalid',
      message: `A Hyper-V vendor_id is at most 12 characters; '${value.value}' has ${[...value.value].length}.`,
      span: value.valueSpan ?? value.span,
    });
  }
}

/** <features><smm><tseg>: the QEMU driver sets the TSEG size on q35 only, in whole MiB. */
function checkTseg(model: DomainModel, findings: Finding[]): void {
  const smm = descendant(model.root, 'features', 'smm');
  const tseg = smm && child(smm, 'tseg');
  if (!tseg || (attrValue(smm, 'state') ?? 'on') !== 'on') {
    return;
  }
  const unitAttr = attr(tseg, 'unit');
  const unit = unitAttr?.value ?? 'MiB';
  const kib = parseSizeKiB(tseg.text, unit);
  if (kib === undefined) {
    return;
  }
  const kind = machineKind(model);
  if (kind === undefined) {
    return;
  }
  if (kind !== 'q35') {
    findings.push({
      code: 'features-smm-tseg',
      message: `A TSEG size is only for q35 machines; the QEMU driver refuses it on '${model.machine.name}'.`,
      span: tseg.nameSpan,
    });
    return;
  }
  const bytes = /^b(ytes)?$/i.test(unit.trim()) ? Number(tseg.text.trim().replace(/^\+/, '')) : kib * 1024;
  if (bytes % (1024 * 1024) !== 0) {
    findings.push({
      code: 'features-smm-tseg',
      message: `The TSEG size must be a whole number of MiB; ${tseg.text.trim()} ${unit} is not.`,
      span: tseg.textSpan ?? tseg.nameSpan,
    });
  }
}

function checkClock(model: DomainModel, findings: Finding[]): void {
  const clock = child(model.root, 'clock');
  const offset = clock && attr(clock, 'offset');
  const need = offset?.value === 'timezone' ? 'timezone' : offset?.value === 'absolute' ? 'start' : undefined;
  if (clock && offset && need && !attr(clock, need)) {
    findings.push({
      code: 'clock-attribute-missing',
      message: `<clock offset='${offset.value}'> needs a ${need}= attribute (${need === 'timezone' ? "the guest's time zone, such as 'Europe/Paris'" : 'the guest clock at start, in seconds since the epoch'}).`,
      span: offset.valueSpan ?? offset.span,
    });
  }
}

/** mm/dd/yy or mm/dd/yyyy, as libvirt checks a BIOS date (years 00-99 or 1900 on). */
function biosDateOk(raw: string): boolean {
  const m = /^\s*([+-]?\d+)\/\s*([+-]?\d+)\/\s*([+-]?\d+)$/.exec(raw);
  if (!m) {
    return false;
  }
  const [month, day, year] = [m[1], m[2], m[3]].map((x) => Number(x));
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31 && year! >= 0 && (year! < 100 || year! >= 1900);
}

function checkSysinfoValues(model: DomainModel, findings: Finding[]): void {
  const bad = (el: XmlElement, message: string) =>
    findings.push({ code: 'sysinfo-value-invalid', message, span: el.textSpan ?? el.nameSpan });
  for (const sysinfo of childrenNamed(model.root, 'sysinfo')) {
    const type = attrValue(sysinfo, 'type');
    if (type === 'smbios') {
      const bios = child(sysinfo, 'bios');
      const date = bios && childrenNamed(bios, 'entry').find((e) => attrValue(e, 'name') === 'date');
      if (date && !biosDateOk(date.text)) {
        bad(date, `The BIOS date '${date.text.trim()}' is not mm/dd/yy or mm/dd/yyyy (such as 01/31/2024).`);
      }
      const system = child(sysinfo, 'system');
      const uuid = system && childrenNamed(system, 'entry').find((e) => attrValue(e, 'name') === 'uuid');
      if (uuid && !uuidKey(uuid.text)) {
        bad(uuid, `'${uuid.text.trim()}' is not a UUID (32 hexadecimal digits, dashes allowed between them).`);
      }
    } else if (type === 'fwcfg') {
      for (const e of childrenNamed(sysinfo, 'entry')) {
        const name = attr(e, 'name');
        if (name?.value === undefined) {
          continue; // the schema rule reports the missing name
        }
        if (!e.text.trim() && !attr(e, 'file')) {
          bad(e, `The fw_cfg entry '${name.value}' has no value: write it as the element's text or name a file=.`);
        } else if (!name.value.startsWith('opt/')) {
          findings.push({
            code: 'sysinfo-value-invalid',
            message: `QEMU takes fw_cfg names under 'opt/' only (such as 'opt/com.example/${name.value}').`,
            span: name.valueSpan ?? name.span,
          });
        } else if (name.value.startsWith('opt/ovmf/') || name.value.startsWith('opt/org.qemu/')) {
          findings.push({
            code: 'sysinfo-value-invalid',
            message: `'${name.value}' is in a space QEMU and OVMF keep for themselves: use your own prefix, such as 'opt/com.example/'.`,
            span: name.valueSpan ?? name.span,
          });
        }
      }
    }
  }
}

/** Panic models and the architectures that have them (qemu/qemu_validate.c qemuValidateDomainDefPanic). */
function checkPanics(model: DomainModel, findings: Finding[]): void {
  const { arch, name: machine } = model.machine;
  const x86 = arch === 'x86_64' || arch === 'i686';
  const seen = new Map<string, XmlElement>();
  for (const d of model.devices) {
    if (d.el.name !== 'panic' || d.el.parent?.name !== 'devices') {
      continue;
    }
    const m = attr(d.el, 'model');
    // Without model= libvirt picks the architecture's own (isa on x86).
    const kind = m?.value ?? (x86 ? 'isa' : undefined);
    if (kind === undefined) {
      continue;
    }
    const first = seen.get(kind);
    if (first) {
      findings.push({
        code: 'device-single-duplicate',
        message: `A second panic device of model '${kind}': libvirt takes one of each model.`,
        span: d.el.nameSpan,
        related: [{ message: 'the first one', span: first.nameSpan }],
      });
    } else {
      seen.set(kind, d.el);
    }
    const pseries = (arch === 'ppc64' || arch === 'ppc64le') && /^pseries/.test(machine);
    const wrong =
      kind === 's390' && !arch.startsWith('s390')
        ? 's390 guests'
        : kind === 'pseries' && !pseries
          ? 'ppc64 pSeries guests'
          : kind === 'hyperv' && !x86
            ? 'x86 guests'
            : undefined;
    if (wrong && m) {
      findings.push({
        code: 'panic-model-unsupported',
        message: `The '${kind}' panic device exists only on ${wrong}; this is ${arch} '${machine}'.${x86 ? " Use model='isa' (or 'hyperv' for Windows guests)." : ''}`,
        span: m.valueSpan ?? m.span,
      });
      continue;
    }
    const address = child(d.el, 'address');
    const addrType = address && attrValue(address, 'type');
    if (address && (kind === 's390' || kind === 'pseries' || kind === 'hyperv')) {
      findings.push({
        code: 'panic-address-unsupported',
        message: `A '${kind}' panic device is not a device on a bus: libvirt refuses an <address> for it.`,
        span: address.nameSpan,
      });
    } else if (address && kind === 'isa' && addrType !== undefined && addrType !== 'isa') {
      findings.push({
        code: 'panic-address-unsupported',
        message: `The isa panic device sits on the ISA bus: its <address> must be type='isa' (this is '${addrType}').`,
        span: address.nameSpan,
      });
    }
  }
}

/** Only the first <console> may be the serial console (conf/domain_conf.c virDomainDefAddConsoleCompat). */
function checkConsoles(model: DomainModel, findings: Finding[]): void {
  const osType = descendant(model.root, 'os', 'type')?.text.trim();
  if (!osType || osType === 'hvm') {
    const consoles = devicesNamed(model, 'console');
    for (const c of consoles.slice(1)) {
      const target = child(c, 'target');
      const type = target && attrValue(target, 'type');
      if (type === undefined || type === 'serial') {
        findings.push({
          code: 'console-serial-not-first',
          message:
            type === undefined
              ? "A <console> after the first one without a target type is a serial console, and only the first console can be: add <target type='virtio'/>."
              : "Only the first <console> can be a serial console: give this one <target type='virtio'/>, or move it first.",
          span: target ? target.nameSpan : c.nameSpan,
        });
      }
    }
  }
}

/** <cachetune> and <memorytune> (resctrl) are for KVM guests only. */
function checkResctrl(model: DomainModel, findings: Finding[]): void {
  const type = attr(model.root, 'type');
  const cputune = child(model.root, 'cputune');
  if (!type || type.value === 'kvm' || !cputune) {
    return;
  }
  // A group whose vcpus= names none of the guest's vCPUs is dropped by the parser.
  const max = (model.vcpu ? parseInteger(model.vcpu.text, 10) : 1) ?? 1;
  const tune = cputune.children.find(
    (c) => (c.name === 'cachetune' || c.name === 'memorytune') && (parseBitmap(attrValue(c, 'vcpus')) ?? []).some((v) => v < max)
  );
  if (tune) {
    findings.push({
      code: 'resctrl-kvm-only',
      message: `<${tune.name}> partitions the host's cache and memory bandwidth for KVM guests only; this domain is type='${type.value}'.`,
      span: tune.nameSpan,
      related: [{ message: `type='${type.value}'`, span: type.valueSpan ?? type.span }],
    });
  }
}

/** More than 255 vCPUs on x86 need x2APIC: an intel IOMMU with eim='on' (qemuValidateDomainVCpuTopology). */
function checkVcpuEim(model: DomainModel, findings: Finding[]): void {
  const { arch, family } = model.machine;
  const max = model.vcpu ? parseInteger(model.vcpu.text, 10) : undefined;
  if ((arch !== 'x86_64' && arch !== 'i686') || family !== 'q35' || max === undefined || max <= 255) {
    return;
  }
  const iommu = model.devices.find((d) => d.el.name === 'iommu');
  const driver = iommu && child(iommu.el, 'driver');
  if (driver && attrValue(driver, 'eim') === 'on') {
    return;
  }
  findings.push({
    code: 'vcpu-eim-required',
    message: `${max} vCPUs: more than 255 need the extended interrupt mode of an intel IOMMU (<iommu model='intel'><driver intremap='on' eim='on'/></iommu>, with <ioapic driver='qemu'/>).`,
    span: model.vcpu!.textSpan ?? model.vcpu!.nameSpan,
  });
}

export const domainRules: RuleFamily = {
  id: 'domain',
  check(model, ctx) {
    const findings: Finding[] = [];
    if (model.kind === 'domain') {
      checkTopology(model, findings, ctx.targetVersion);
      checkName(model, findings);
      checkOs(model, findings);
      checkSysinfo(model, findings);
      checkSeclabels(model, findings, ctx.memo);
      checkVcpuCurrent(model, findings);
      checkLifecycle(model, findings);
      checkSingleDevices(model, findings);
      checkOnce(model, findings);
      checkFeatureValues(model, findings);
      checkTseg(model, findings);
      checkClock(model, findings);
      checkSysinfoValues(model, findings);
      checkPanics(model, findings);
      checkConsoles(model, findings);
      checkResctrl(model, findings);
      checkVcpuEim(model, findings);
    }
    checkVnc(model, findings);
    return findings;
  },
};

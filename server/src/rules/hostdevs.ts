/**
 * Rule family: hostdevs.
 * - hostdev-duplicate: "Hostdev already exists in the domain configuration" — the same host PCI
 *   function (or USB device) assigned twice, by <hostdev> or <interface type='hostdev'>.
 *
 * Matching follows libvirt 9.0 (virDomainHostdevMatch), checked against the daemon: PCI sources
 * compare domain:bus:slot.function with missing parts as 0 (two sources without an <address>
 * match); for USB the earlier device decides: with a non-zero bus and device it matches by
 * bus/device, otherwise by vendor/product, compared as numbers (0x0781 = 0x781). An mdev matches
 * by UUID (parsed, so case and dashes do not matter), a SCSI host device by adapter name and
 * bus/target/unit, an iSCSI one by host name, port and IQN, a vhost-scsi one (scsi_host) by wwpn.
 * - scsi-drive-address-conflict: a SCSI <hostdev>'s guest drive address that a SCSI disk holds
 *   ("using disk target name '%s' conflicts with SCSI host device address ...",
 *   conf/domain_conf.c virDomainDiskDefAssignAddress; "... in use by a SCSI disk",
 *   conf/domain_postparse.c; "... in use by another SCSI disk", conf/domain_validate.c
 *   virDomainDefDuplicateDriveAddressesValidate) or another SCSI host device holds ("... in use by
 *   another SCSI host device", same function). Only written addresses count: libvirt gives a
 *   SCSI host device without one a free unit.
 * - hostdev-address-type: the guest <address> of a <hostdev> of a type its kind cannot take ("PCI
 *   host devices must use 'pci' or 'unassigned' address type", "SCSI host device must use 'drive'
 *   address type", "SCSI_host host device must use 'pci' or 'ccw' address type", "USB host device
 *   must use 'usb' address type"; conf/domain_validate.c virDomainHostdevDefValidate; for a
 *   mediated device "Unsupported address type '%s' with mediated device model '%s'", post-parse).
 * - hostdev-source-incomplete: "missing product", "missing vendor" (a USB source names one of the
 *   two), "only one source host address may be specified for the iSCSI hostdev"
 *   (conf/domain_conf.c, the hostdev source parsers).
 * - hostdev-attribute-type: "Setting startupPolicy is only allowed for USB devices", "sgio is only
 *   supported for scsi host device", "rawio is only supported for scsi host device", "'model'
 *   attribute in <hostdev> is only supported when type='%s'" (virDomainHostdevDefParseXMLSubsys),
 *   "teaming is only supported for pci hostdev devices" (virDomainHostdevDefValidate).
 * - hostdev-caps-mode: "hostdev mode 'capabilities' is not supported in kvm" (qemu_validate.c).
 * - hostdev-boot-unsupported: "booting from assigned devices is not supported by mediated devices
 *   of model vfio-pci" / "... by vhost SCSI devices" (qemu_validate.c).
 * - hostdev-option-unsupported: "unfiltered sgio is no longer supported", "teaming hostdev devices
 *   must have type='transient'" (domain_validate.c), "Write filtering of PCI device configuration
 *   space is not supported by qemu" (qemu_validate.c: any writeFiltering value).
 * - hostdev-mdev-display: "graphics device is needed for attribute value 'display=on' in
 *   <hostdev>" (qemu_validate.c), "Only one vgpu device can have 'ramfb' enabled" (domain_validate.c).
 */
import { parseInteger } from '../../../lib/integer';
import { formatPci } from '../model/pci';
import { driveOf } from '../model/allocate';
import { implicitDrive, targetIndex, TARGET_RE, type DriveNumbers } from '../model/drive';
import type { Disk, DomainModel, HostAssignment } from '../model/types';
import { attr, attrValue, child, childrenNamed, type Span, type XmlAttribute } from '../syntax/tree';
import { wholeLines } from './edits';
import { addDeviceFindings, type DeviceMemo, type Finding, type RuleFamily } from './types';

interface HostKey {
  mode: string;
  type: string;
  pci?: { domain: number; bus: number; slot: number; function: number };
  usb?: { bus: number; device: number; vendor: number; product: number };
  label: string;
  span: Span;
  /** mdev, scsi, scsi_host: the source's identity as one string, compared as a whole. */
  other?: string;
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
  return otherKey(h, mode);
}

/** mdev, SCSI (adapter or iSCSI) and vhost-scsi sources, as virDomainHostdevMatchSubsys compares them. */
function otherKey(h: HostAssignment, mode: string): HostKey | undefined {
  const src = h.source!;
  const type = h.type ?? '';
  if (type === 'mdev') {
    const a = child(src, 'address');
    const uuid = a && attr(a, 'uuid');
    const hex = uuid?.value?.replace(/[-\s]/g, '').toLowerCase();
    if (!uuid || !hex || !/^[0-9a-f]{32}$/.test(hex)) {
      return undefined;
    }
    return { mode, type, other: hex, label: `mediated device ${uuid.value!.trim()}`, span: uuid.valueSpan ?? uuid.span };
  }
  if (type === 'scsi') {
    if (attr(src, 'protocol')?.value === 'iscsi') {
      const host = child(src, 'host');
      const name = attr(src, 'name')?.value;
      // libvirt reads an IQN without a LUN as LUN 0 (virDomainPostParseCheckISCSIPath).
      const iqn = name && !name.includes('/') ? `${name}/0` : name;
      const hostName = host && attr(host, 'name')?.value;
      const port = host ? parseInteger(attr(host, 'port')?.value ?? '0', 10) : 0;
      if (!iqn || !hostName || port === undefined) {
        return undefined;
      }
      return { mode, type, other: `iscsi|${hostName}|${port}|${iqn}`, label: `iSCSI LUN ${iqn} on ${hostName}`, span: src.nameSpan };
    }
    const adapter = child(src, 'adapter');
    const name = adapter && attr(adapter, 'name')?.value;
    const a = child(src, 'address');
    if (!name || !a) {
      return undefined;
    }
    const nums = ['bus', 'target', 'unit'].map((n) => parseInteger(attr(a, n)?.value, 0));
    if (nums.some((n) => n === undefined)) {
      return undefined;
    }
    const [bus, target, unit] = nums as [number, number, number];
    return {
      mode,
      type,
      other: `host|${name}|${bus}|${target}|${unit}`,
      label: `host SCSI device ${name} bus ${bus} target ${target} unit ${unit}`,
      span: a.nameSpan,
    };
  }
  if (type === 'scsi_host') {
    const wwpn = attr(src, 'wwpn');
    if (!wwpn?.value) {
      return undefined;
    }
    const protocol = attr(src, 'protocol')?.value ?? '';
    return { mode, type, other: `${protocol}|${wwpn.value}`, label: `vhost-scsi target ${wwpn.value}`, span: wwpn.valueSpan ?? wwpn.span };
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
  if (first.other !== undefined) {
    return first.other === second.other;
  }
  return false;
}

/** A disk's drive address on a SCSI bus: written, or derived from its target name. */
function scsiDiskDrive(d: Disk): DriveNumbers | undefined {
  const m = TARGET_RE.exec(d.targetDev?.value ?? '');
  const bus = d.bus ? d.bus.value : m?.[1] === 'sd' ? 'scsi' : undefined;
  if (bus !== 'scsi') {
    return undefined;
  }
  if (d.address) {
    return d.address.type === 'drive' ? driveOf(d) : undefined;
  }
  const idx = targetIndex(d.targetDev?.value);
  return idx === undefined ? undefined : implicitDrive('scsi', idx);
}

const sameDrive = (a: DriveNumbers, b: DriveNumbers): boolean =>
  a.controller === b.controller && a.bus === b.bus && a.target === b.target && a.unit === b.unit;

function checkScsiDrives(model: DomainModel, findings: Finding[]): void {
  // Only when a SCSI host device is there (a big domain may have thousands of disks and none).
  let scsiDisks: { d: Disk; at: DriveNumbers }[] | undefined;
  const disksAt = (): { d: Disk; at: DriveNumbers }[] =>
    (scsiDisks ??= model.disks.flatMap((d) => {
      const at = scsiDiskDrive(d);
      return at ? [{ d, at }] : [];
    }));
  const seen: { el: Span; at: DriveNumbers }[] = [];
  for (const h of model.hostdevs) {
    const a = h.device.address;
    if (h.device.kind !== 'hostdev' || (h.mode ?? 'subsystem') !== 'subsystem' || h.type !== 'scsi' || a?.type !== 'drive') {
      continue;
    }
    const nums = [a.controller, a.bus, a.target, a.unit].map((n) => (n ? n.value : 0));
    if (nums.some((n) => n === undefined)) {
      continue;
    }
    const [controller, bus, target, unit] = nums as [number, number, number, number];
    const at = { controller, bus, target, unit };
    const where = `controller=${controller} bus=${bus} target=${target} unit=${unit}`;
    const disk = disksAt().find((x) => sameDrive(x.at, at));
    const other = seen.find((x) => sameDrive(x.at, at));
    if (disk) {
      const dev = disk.d.targetDev?.value ?? '?';
      findings.push({
        code: 'scsi-drive-address-conflict',
        message: `SCSI disk '${dev}' already uses drive address ${where}${disk.d.address ? '' : ' (libvirt derives it from the target name)'}; this host device needs another unit.`,
        span: a.el.nameSpan,
        related: [{ message: `disk '${dev}'`, span: disk.d.address?.el.nameSpan ?? disk.d.targetDev?.valueSpan ?? disk.d.el.nameSpan }],
      });
    } else if (other) {
      findings.push({
        code: 'scsi-drive-address-conflict',
        message: `Another SCSI host device already uses drive address ${where}; each needs its own unit.`,
        span: a.el.nameSpan,
        related: [{ message: 'first used here', span: other.el }],
      });
    }
    seen.push({ el: a.el.nameSpan, at });
  }
}

const HOSTDEV_ADDRESS_TYPES: Record<string, string[]> = {
  pci: ['pci', 'unassigned'],
  scsi: ['drive'],
  scsi_host: ['pci', 'ccw'],
  usb: ['usb'],
};
const MDEV_ADDRESS_TYPES: Record<string, string[]> = { 'vfio-pci': ['pci'], 'vfio-ccw': ['ccw'] };

function checkAddressTypes(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  // Each device on its own: kept per device.
  addDeviceFindings(
    findings,
    memo,
    'hostdev-address-types',
    model.hostdevs,
    (h) => h.device.el,
    (h) => addressType(model, h)
  );
}

function addressType(model: DomainModel, h: HostAssignment): Finding[] {
  const findings: Finding[] = [];
  const a = h.device.address;
  // A mediated device's address follows its model (conf/domain_postparse.c).
  const mdev = h.type === 'mdev' ? attrValue(h.device.el, 'model') : undefined;
  const ok = h.type === undefined ? undefined : mdev ? MDEV_ADDRESS_TYPES[mdev] : HOSTDEV_ADDRESS_TYPES[h.type];
  if (h.device.kind !== 'hostdev' || (h.mode ?? 'subsystem') !== 'subsystem' || !a || !ok) {
    return findings;
  }
  const type = a.type === 'other' ? a.addressType : a.type;
  if (type === undefined || ok.includes(type)) {
    return findings;
  }
  const typeAttr = a.el.attributes.find((x) => x.name === 'type');
  findings.push({
    code: 'hostdev-address-type',
    message: `A ${mdev ? `${mdev} mediated` : h.type === 'scsi_host' ? 'vhost-scsi' : h.type!.toUpperCase()} host device cannot have a ${type} address in the guest: it takes ${ok.map((t) => `'${t}'`).join(' or ')}, or none and libvirt picks one.`,
    span: typeAttr ? (typeAttr.valueSpan ?? typeAttr.span) : a.el.nameSpan,
    fixes: [{ title: 'Remove the <address>', edits: [{ span: wholeLines(model.doc.text, a.el.span), newText: '' }], preferred: true }],
  });
  return findings;
}

const SUBSYS_TYPES: ReadonlySet<string> = new Set(['usb', 'pci', 'scsi', 'scsi_host', 'mdev']);
const valueSpan = (a: XmlAttribute): Span => a.valueSpan ?? a.span;
const removeAttr = (a: XmlAttribute, title: string): Finding['fixes'] => [
  { title, edits: [{ span: a.span, newText: '' }], preferred: true },
];

/** The settings of one <hostdev> element libvirt refuses for its kind (parse, validate, QEMU validate). */
function checkHostdevSettings(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  const virtType = attrValue(model.root, 'type');
  const qemu = model.kind === 'fragment' || virtType === 'kvm' || virtType === 'qemu';
  // Each <hostdev> on its own (and the domain's type): kept per device; whether the guest has
  // graphics (other devices) is part of the key.
  const key = `hostdev-settings:${model.graphics.length === 0}`;
  const each = (h: HostAssignment): Finding[] => hostdevSettings(model, virtType, qemu, h);
  addDeviceFindings(findings, memo, key, model.hostdevs, (h) => h.device.el, each);
  const ramfbs: XmlAttribute[] = [];
  for (const h of model.hostdevs) {
    if (h.device.kind === 'hostdev' && (h.mode ?? 'subsystem') === 'subsystem' && h.type === 'mdev') {
      const ramfb = attr(h.device.el, 'ramfb');
      if (ramfb && ramfb.value === 'on') {
        ramfbs.push(ramfb);
      }
    }
  }
  for (const r of ramfbs.slice(1)) {
    findings.push({
      code: 'hostdev-mdev-display',
      message: "Only one mediated device can have ramfb='on'.",
      span: valueSpan(r),
      related: [{ message: 'ramfb first enabled here', span: valueSpan(ramfbs[0]!) }],
    });
  }
}

function hostdevSettings(model: DomainModel, virtType: string | undefined, qemu: boolean, h: HostAssignment): Finding[] {
  const findings: Finding[] = [];
  if (h.device.kind !== 'hostdev') {
    return findings;
  }
  const el = h.device.el;
  const mode = h.mode ?? 'subsystem';
  const modeAttr = attr(el, 'mode');
  if (mode === 'capabilities' && qemu && modeAttr) {
    findings.push({
      code: 'hostdev-caps-mode',
      message: `<hostdev mode='capabilities'> passes a host device to a container (LXC); the QEMU driver refuses it. Use mode='subsystem' for a ${virtType ?? 'QEMU'} guest.`,
      span: valueSpan(modeAttr),
    });
  }
  if (mode !== 'subsystem' || h.type === undefined || !SUBSYS_TYPES.has(h.type)) {
    return findings;
  }
  const type = h.type;
  const src = h.source;
  if (src && type === 'usb') {
    const vendor = child(src, 'vendor');
    const product = child(src, 'product');
    if (!!vendor !== !!product) {
      const has = (vendor ?? product)!;
      const lacks = vendor ? 'product' : 'vendor';
      findings.push({
        code: 'hostdev-source-incomplete',
        message: `This USB source has a <${has.name}> but no <${lacks}>: libvirt needs both ids to find the device (or use <address bus device>).`,
        span: has.nameSpan,
      });
    }
  }
  if (src && type === 'scsi' && attrValue(src, 'protocol') === 'iscsi') {
    const hosts = childrenNamed(src, 'host');
    if (hosts.length > 1) {
      findings.push({
        code: 'hostdev-source-incomplete',
        message: `An iSCSI host device takes one <host>; this source lists ${hosts.length}.`,
        span: hosts[1]!.nameSpan,
        related: [{ message: 'the first host', span: hosts[0]!.nameSpan }],
      });
    }
  }
  const startup = src && attr(src, 'startupPolicy');
  if (startup && type !== 'usb') {
    findings.push({
      code: 'hostdev-attribute-type',
      message: `startupPolicy is for USB host devices only; libvirt refuses it on a ${type} one.`,
      span: startup.span,
      fixes: removeAttr(startup, 'Remove startupPolicy'),
    });
  }
  for (const name of ['sgio', 'rawio']) {
    const a = attr(el, name);
    const known = name === 'sgio' ? ['filtered', 'unfiltered'] : ['yes', 'no'];
    if (a && type !== 'scsi' && known.includes(a.value ?? '')) {
      findings.push({
        code: 'hostdev-attribute-type',
        message: `${name} is for SCSI host devices (type='scsi') only; libvirt refuses it on a ${type} one.`,
        span: a.span,
        fixes: removeAttr(a, `Remove ${name}`),
      });
    }
  }
  const modelAttr = attr(el, 'model');
  if (modelAttr && type !== 'mdev' && type !== 'scsi_host') {
    findings.push({
      code: 'hostdev-attribute-type',
      message: `model is for mediated (type='mdev') and vhost-scsi (type='scsi_host') host devices; libvirt refuses it on a ${type} one.`,
      span: modelAttr.span,
      fixes: removeAttr(modelAttr, 'Remove model'),
    });
  }
  const sgio = attr(el, 'sgio');
  if (sgio && type === 'scsi' && sgio.value === 'unfiltered') {
    findings.push({
      code: 'hostdev-option-unsupported',
      message: "libvirt 9.0 no longer supports sgio='unfiltered' for SCSI host devices: use 'filtered' or leave sgio out.",
      span: valueSpan(sgio),
      fixes: [{ title: "Use sgio='filtered'", edits: [{ span: valueSpan(sgio), newText: "'filtered'" }], preferred: true }],
    });
  }
  const wf = src && type === 'pci' ? attr(src, 'writeFiltering') : undefined;
  if (wf && (wf.value === 'yes' || wf.value === 'no')) {
    findings.push({
      code: 'hostdev-option-unsupported',
      message: "The QEMU driver cannot filter writes to a PCI device's configuration space: libvirt refuses writeFiltering (even 'no').",
      span: wf.span,
      fixes: removeAttr(wf, 'Remove writeFiltering'),
    });
  }
  const teaming = child(el, 'teaming');
  const tType = teaming && attr(teaming, 'type');
  if (teaming && tType && tType.value === 'persistent') {
    findings.push({
      code: 'hostdev-option-unsupported',
      message: "A <hostdev>'s <teaming> must be type='transient' (the persistent side of the team is the <interface>).",
      span: valueSpan(tType),
    });
  } else if (teaming && tType?.value === 'transient' && attr(teaming, 'persistent') && type !== 'pci') {
    findings.push({
      code: 'hostdev-attribute-type',
      message: `<teaming> is for PCI host devices only; libvirt refuses it on a ${type} one.`,
      span: teaming.nameSpan,
    });
  }
  const boot = child(el, 'boot');
  const mdevModel = type === 'mdev' ? attrValue(el, 'model') : undefined;
  if (boot && qemu && (mdevModel === 'vfio-pci' || type === 'scsi_host')) {
    findings.push({
      code: 'hostdev-boot-unsupported',
      message:
        type === 'mdev'
          ? 'QEMU cannot boot from a vfio-pci mediated device: libvirt refuses a <boot order> on it.'
          : 'QEMU cannot boot from a vhost-scsi host device: libvirt refuses a <boot order> on it.',
      span: boot.nameSpan,
      fixes: [{ title: 'Remove the <boot>', edits: [{ span: wholeLines(model.doc.text, boot.span), newText: '' }], preferred: true }],
    });
  }
  const display = type === 'mdev' ? attr(el, 'display') : undefined;
  if (display && display.value === 'on' && mdevModel === 'vfio-pci' && qemu && model.graphics.length === 0) {
    findings.push({
      code: 'hostdev-mdev-display',
      message: "display='on' shows this mediated device through a graphics device, and the guest has no <graphics>.",
      span: valueSpan(display),
    });
  }
  return findings;
}

export const hostdevRules: RuleFamily = {
  id: 'hostdevs',
  check(model, ctx) {
    const findings: Finding[] = [];
    checkAddressTypes(model, findings, ctx.memo);
    checkHostdevSettings(model, findings, ctx.memo);
    checkScsiDrives(model, findings);
    const keyed: { h: HostAssignment; k: HostKey }[] = [];
    // A PCI key matches only a PCI key with the same address (matches()): found by address, so
    // hundreds of assigned PCI devices are not compared pairwise.
    const firstPci = new Map<string, { h: HostAssignment; k: HostKey }>();
    for (const h of model.hostdevs) {
      const k = hostKey(h);
      if (!k) {
        continue;
      }
      let prev: { h: HostAssignment; k: HostKey } | undefined;
      if (k.pci) {
        const at = `${k.mode}|${k.pci.domain}|${k.pci.bus}|${k.pci.slot}|${k.pci.function}`;
        prev = firstPci.get(at);
        if (!prev) {
          firstPci.set(at, { h, k });
        }
      } else {
        prev = keyed.find((p) => matches(p.k, k));
      }
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
      if (!k.pci) {
        keyed.push({ h, k });
      }
    }
    return findings;
  },
};

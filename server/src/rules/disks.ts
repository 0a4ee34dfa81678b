/**
 * Rule family: disks.
 * - disk-target-duplicate: "target 'vda' duplicated for disk sources ...".
 * - disk-target-invalid: "Unknown disk name ..." / "partitions can't appear in disk targets".
 * - disk-drive-address-duplicate: "Found duplicate drive address for disk with target name ...".
 * - disk-retry-unsupported / disk-retry-flavor-unknown: error_policy='retry' is openEuler's.
 * - disk-retry-value: retry_interval / retry_timeout must be 0..2^63-1 milliseconds.
 * - disk-retry-without-policy: retry_* without a 'retry' policy does nothing.
 * - disk-retry-bus: retry works on virtio-blk and virtio-scsi disks only.
 * - disk-address-type: "Invalid address type '%s' for the disk '%s' with the bus type '%s'"
 *   (conf/domain_validate.c virDomainDiskDefValidate, via virDomainDiskAddressDiskBusCompatibility),
 *   "unexpected address type for usb disk" (qemu/qemu_validate.c qemuValidateDomainDeviceDefDisk),
 *   "virtio disk cannot have an address of type '%s'" (qemu/qemu_domain_address.c).
 * - disk-option-device: "rawio|sgio can be used only with device='lun'", "<reservations/> allowed
 *   only for lun devices", "tray is only valid for cdrom and floppy" (tray='open' only: 'closed' is
 *   the default and passes; virDomainDiskDefValidate).
 * - disk-iotune-conflict: "total and read/write bytes_sec|iops_sec|bytes_sec_max|iops_sec_max
 *   cannot be set at the same time" (virDomainDiskDefValidate; a value of 0 is unset).
 * The settings of one disk against its bus, device, storage type and each other (disk-bus-device,
 * disk-option-bus, disk-vhostuser-option, disk-transient-unsupported and
 * more) are checked in disk-settings.ts.
 */
import { attr, child, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { disksShare, driveOf } from '../model/allocate';
import { TARGET_RE, targetIndex, type DriveNumbers } from '../model/drive';
import type { Disk, DomainModel } from '../model/types';
import { busOf, checkDiskSettings } from './disk-settings';
import { claimingFix, wholeLines } from './edits';
import { deviceFact, addDeviceFindings, type DeviceMemo, type Finding, type Fix, type RuleContext, type RuleFamily } from './types';

const MAX_LONG = 2n ** 63n - 1n;

/** A disk's target name libvirt does not know (each disk on its own). */
function targetNameProblem(model: DomainModel, d: Disk): Finding[] {
  const t = d.targetDev;
  if (!t?.value) {
    return [];
  }
  const span = t.valueSpan ?? t.span;
  const m = TARGET_RE.exec(t.value);
  // So many letters that libvirt's disk index wraps around: only an <address> saves it.
  const overflow = !!m && !d.address && targetIndex(t.value) === undefined;
  if (m && !overflow) {
    return [];
  }
  const partition = /^(fd|hd|vd|sd|xvd|ubd)[a-z]+[0-9]+$/.test(t.value);
  const fixed = t.value.replace(/[0-9]+$/, '');
  return [
    {
      code: 'disk-target-invalid',
      message: overflow
        ? `Disk target '${t.value}' has too many letters: libvirt's disk index overflows and it does not know the name.`
        : partition
          ? `Disk target '${t.value}' names a partition; a target is a whole disk such as '${fixed}'.`
          : `Disk target '${t.value}' is not a disk name libvirt knows: use hd, sd, vd, xvd, ubd or fd followed by letters (vda, sdb).`,
      span,
      fixes: partition
        ? claimingFix(model, (alloc) =>
            alloc.claimTarget(fixed, d) ? { title: `Use '${fixed}'`, edits: [{ span, newText: `'${fixed}'` }], preferred: true } : undefined
          )
        : [],
    },
  ];
}

function checkTargets(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  addDeviceFindings(
    findings,
    memo,
    'disk-targets',
    model.disks,
    (d) => d.el,
    (d) => targetNameProblem(model, d)
  );
  if (!disksShare(model, 'targets')) {
    return; // no target name is taken twice
  }
  const seen = new Map<string, Disk>();
  for (const d of model.disks) {
    const t = d.targetDev;
    if (!t?.value) {
      continue;
    }
    const prev = seen.get(t.value);
    if (!prev) {
      seen.set(t.value, d);
      continue;
    }
    const span = t.valueSpan ?? t.span;
    const prefix = TARGET_RE.exec(t.value)?.[1] ?? 'vd';
    findings.push({
      code: 'disk-target-duplicate',
      message: `Disk target '${t.value}' is already used by another disk; each disk needs its own target.`,
      span,
      related: [{ message: `'${t.value}' first used here`, span: prev.targetDev!.valueSpan ?? prev.targetDev!.span }],
      fixes: claimingFix(model, (alloc) => {
        const free = alloc.takeTarget(prefix, d);
        return { title: `Use free target '${free}'`, edits: [{ span, newText: `'${free}'` }], preferred: true };
      }),
    });
  }
}

interface DriveUse {
  disk: Disk;
  at: DriveNumbers;
  /** false when libvirt derives the address from the target name. */
  explicit: boolean;
}

/** Every disk's drive address: written out, or the one libvirt derives from the target name. */
function driveUses(model: DomainModel): DriveUse[] {
  const out: DriveUse[] = [];
  for (const d of model.disks) {
    const at = driveOf(d);
    if (at) {
      out.push({ disk: d, at, explicit: d.address?.type === 'drive' });
    }
  }
  return out;
}

function describeDrive(at: DriveNumbers): string {
  return `controller=${at.controller} bus=${at.bus} target=${at.target} unit=${at.unit}`;
}

/** "Found duplicate drive address": two disks of one bus type at the same drive address (libvirt 9.0 validate). */
function checkDriveAddresses(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  if (!disksShare(model, 'drives')) {
    return; // no drive address is taken twice
  }
  const uses = driveUses(model);
  const groups = new Map<string, DriveUse[]>();
  for (const u of uses) {
    // Each disk's key, built once and kept while the disk does not change.
    const key = deviceFact(
      memo,
      'drive-key',
      u.disk.el,
      () => `${u.disk.bus?.value ?? ''}:${u.at.controller}:${u.at.bus}:${u.at.target}:${u.at.unit}`
    );
    const group = groups.get(key);
    if (group) {
      group.push(u);
    } else {
      groups.set(key, [u]);
    }
  }
  for (const group of groups.values()) {
    if (group.length < 2) {
      continue;
    }
    // The address of a disk that has none written is fixed by its name: the explicit ones move.
    const anchor = group.find((u) => !u.explicit) ?? group[0]!;
    for (const u of group) {
      if (u === anchor || (!u.explicit && u.disk.targetDev?.value === anchor.disk.targetDev?.value)) {
        continue; // the same target twice is disk-target-duplicate
      }
      const prevName = anchor.disk.targetDev?.value ?? '?';
      const by = anchor.explicit ? `disk '${prevName}'` : `disk '${prevName}' (libvirt derives it from the target name)`;
      const relatedSpan = anchor.explicit
        ? anchor.disk.address!.el.nameSpan
        : (anchor.disk.targetDev?.valueSpan ?? anchor.disk.el.nameSpan);
      if (!u.explicit) {
        findings.push({
          code: 'disk-drive-address-duplicate',
          message: `Target '${u.disk.targetDev?.value}' on bus ${u.disk.bus?.value} gives drive address ${describeDrive(u.at)}, already used by ${by}.`,
          span: u.disk.targetDev?.valueSpan ?? u.disk.el.nameSpan,
          related: [{ message: 'first used here', span: relatedSpan }],
        });
        continue;
      }
      const a = u.disk.address as Extract<Disk['address'], { type: 'drive' }>;
      const busType = u.disk.bus?.value ?? '';
      const unitSpan = a.unit?.attr.valueSpan;
      const at = u.at;
      const fixes: Fix[] = unitSpan
        ? claimingFix(model, (alloc) => {
            const unit = alloc.takeDriveUnit(busType, at.controller, at, u.disk);
            return unit === undefined
              ? undefined
              : { title: `Use free unit ${unit}`, edits: [{ span: unitSpan, newText: `'${unit}'` }], preferred: true };
          })
        : [];
      findings.push({
        code: 'disk-drive-address-duplicate',
        message: `Drive address ${describeDrive(u.at)} is already used by ${by}.`,
        span: a.unit?.attr.valueSpan ?? a.el.nameSpan,
        related: [{ message: 'first used here', span: relatedSpan }],
        fixes,
      });
    }
  }
}

function checkRetry(d: Disk, ctx: RuleContext, findings: Finding[]): void {
  const drv = d.driver;
  if (!drv) {
    return;
  }
  const policies = [attr(drv, 'error_policy'), attr(drv, 'rerror_policy')].filter((a): a is XmlAttribute => !!a);
  const retryPolicies = policies.filter((a) => a.value === 'retry');
  const retryAttrs = [attr(drv, 'retry_interval'), attr(drv, 'retry_timeout')].filter((a): a is XmlAttribute => !!a);

  for (const p of retryPolicies) {
    const span = p.valueSpan ?? p.span;
    if (ctx.flavor === 'upstream') {
      findings.push({
        code: 'disk-retry-unsupported',
        message: `${p.name}='retry' exists only in openEuler's libvirt; upstream libvirt rejects it (allowed: stop, report, ignore${p.name === 'error_policy' ? ', enospace' : ''}).`,
        span,
        fixes: [
          { title: `Use ${p.name}='stop'`, edits: [{ span, newText: "'stop'" }], preferred: true },
          { title: `Use ${p.name}='report'`, edits: [{ span, newText: "'report'" }] },
        ],
      });
    } else if (ctx.flavor === undefined) {
      findings.push({
        code: 'disk-retry-flavor-unknown',
        message: `${p.name}='retry' is an openEuler extension: fine for openEuler's libvirt, rejected by upstream libvirt.`,
        span,
      });
    }
  }
  if (ctx.flavor === 'upstream') {
    // Upstream libvirt ignores the retry_* attributes; the only thing worth saying is that they do nothing.
    for (const a of retryAttrs) {
      findings.push({
        code: 'disk-retry-without-policy',
        message: `${a.name} has no effect: upstream libvirt has no retry policy and ignores this attribute.`,
        span: a.nameSpan,
      });
    }
    return;
  }
  for (const a of retryAttrs) {
    const raw = a.value?.trim() ?? '';
    if (!/^[0-9]+$/.test(raw) || BigInt(raw) > MAX_LONG) {
      findings.push({
        code: 'disk-retry-value',
        message: `${a.name}='${a.value ?? ''}' must be a whole number of milliseconds from 0 to ${MAX_LONG}.`,
        span: a.valueSpan ?? a.span,
      });
    }
  }
  if (retryAttrs.length > 0 && retryPolicies.length === 0) {
    const errPolicy = attr(drv, 'error_policy');
    const fix: Fix = errPolicy?.valueSpan
      ? { title: "Set error_policy='retry'", edits: [{ span: errPolicy.valueSpan, newText: "'retry'" }], preferred: true }
      : {
          title: "Add error_policy='retry'",
          edits: [{ span: { start: drv.nameSpan.end, end: drv.nameSpan.end }, newText: " error_policy='retry'" }],
          preferred: true,
        };
    for (const a of retryAttrs) {
      findings.push({
        code: 'disk-retry-without-policy',
        message: `${a.name} only takes effect with error_policy='retry' or rerror_policy='retry'.`,
        span: a.nameSpan,
        fixes: [fix],
      });
    }
  }
  const bus = d.bus?.value;
  if ((retryPolicies.length > 0 || retryAttrs.length > 0) && bus !== undefined && bus !== 'virtio' && bus !== 'scsi') {
    findings.push({
      code: 'disk-retry-bus',
      message: `I/O error retry works only for virtio-blk and virtio-scsi disks; this disk is on bus '${bus}'.`,
      span: d.bus?.valueSpan ?? d.el.nameSpan,
    });
  }
}

/** An attribute's span with the blanks before it, so that removing it leaves no gap. */
function withSpaceBefore(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) {
    start--;
  }
  return { start, end: span.end };
}

const DRIVE_ONLY = new Set(['ide', 'sata', 'scsi', 'fdc']);

/** An <address> of a type the disk's bus cannot take (libvirt 9.0, QEMU driver). */
function checkAddressType(model: DomainModel, d: Disk, findings: Finding[]): void {
  const a = d.address;
  const bus = busOf(d);
  if (!a || !bus) {
    return;
  }
  const type = a.type === 'other' ? a.addressType : a.type;
  if (type === undefined) {
    return;
  }
  let wants: string | undefined;
  if (DRIVE_ONLY.has(bus) && type !== 'drive') {
    wants = 'a drive address (controller, bus, target, unit)';
  } else if (bus === 'usb' && type !== 'usb') {
    wants = 'a usb address (bus, port)';
  } else if (bus === 'virtio' && (type === 'drive' || type === 'usb')) {
    wants = 'a pci address';
  }
  if (!wants) {
    return;
  }
  const dev = d.targetDev?.value;
  const typeAttr = a.el.attributes.find((x) => x.name === 'type');
  findings.push({
    code: 'disk-address-type',
    message: `A ${bus} disk${dev ? ` ('${dev}')` : ''} cannot have a ${type} address: it takes ${wants}, or none and libvirt picks one.`,
    span: typeAttr ? (typeAttr.valueSpan ?? typeAttr.span) : a.el.nameSpan,
    // Without the <address>, libvirt assigns one; for a drive bus it derives it from the target
    // name, which another disk may hold, so only the virtio and usb cases are safe for Fix All.
    fixes: [
      {
        title: 'Remove the <address>',
        edits: [{ span: wholeLines(model.doc.text, a.el.span), newText: '' }],
        preferred: bus === 'virtio' || bus === 'usb',
      },
    ],
  });
}

/** Settings of one device type on a disk of another (libvirt 9.0 virDomainDiskDefValidate). */
function checkDeviceOptions(model: DomainModel, d: Disk, findings: Finding[]): void {
  const device = d.device ?? 'disk';
  const text = model.doc.text;
  if (device !== 'lun') {
    for (const name of ['rawio', 'sgio']) {
      const a = attr(d.el, name);
      if (a) {
        findings.push({
          code: 'disk-option-device',
          message: `${name} is for a disk with device='lun' (SCSI passthrough); this disk is device='${device}'.`,
          span: a.span,
          fixes: [{ title: `Remove ${name}`, edits: [{ span: withSpaceBefore(text, a.span), newText: '' }], preferred: true }],
        });
      }
    }
    const reservations = d.source ? child(d.source, 'reservations') : undefined;
    if (reservations) {
      findings.push({
        code: 'disk-option-device',
        message: `<reservations> (SCSI persistent reservations) are for a disk with device='lun'; this disk is device='${device}'.`,
        span: reservations.nameSpan,
      });
    }
  }
  const tray = d.target ? attr(d.target, 'tray') : undefined;
  // tray='closed' is libvirt's default (0) and passes everywhere.
  if (tray && tray.value === 'open' && device !== 'cdrom' && device !== 'floppy') {
    findings.push({
      code: 'disk-option-device',
      message: `Only a cdrom or a floppy has a tray to open; this disk is device='${device}'.`,
      span: tray.span,
      fixes: [{ title: 'Remove tray', edits: [{ span: withSpaceBefore(text, tray.span), newText: '' }], preferred: true }],
    });
  }
}

/** total_* together with read_* or write_* of the same kind in <iotune>. */
function checkIotune(d: Disk, findings: Finding[]): void {
  const iotune = child(d.el, 'iotune');
  if (!iotune) {
    return;
  }
  const set = (name: string): XmlElement | undefined => {
    const el = child(iotune, name);
    const n = el ? el.text.trim() : '';
    return el && /^[0-9]+$/.test(n) && BigInt(n) !== 0n ? el : undefined;
  };
  for (const kind of ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max']) {
    const total = set(`total_${kind}`);
    if (!total) {
      continue;
    }
    for (const side of ['read', 'write']) {
      const el = set(`${side}_${kind}`);
      if (el) {
        findings.push({
          code: 'disk-iotune-conflict',
          message: `<${side}_${kind}> cannot be set together with <total_${kind}>: give either a total or separate read and write limits.`,
          span: el.nameSpan,
          related: [{ message: `<total_${kind}>`, span: total.nameSpan }],
        });
      }
    }
  }
}

export const diskRules: RuleFamily = {
  id: 'disks',
  check(model, ctx) {
    const findings: Finding[] = [];
    checkTargets(model, findings, ctx.memo);
    checkDriveAddresses(model, findings, ctx.memo);
    addDeviceFindings(
      findings,
      ctx.memo,
      diskRules.id,
      model.disks,
      (d) => d.el,
      (d) => {
        const found: Finding[] = [];
        checkRetry(d, ctx, found);
        checkAddressType(model, d, found);
        checkDeviceOptions(model, d, found);
        checkIotune(d, found);
        return found;
      }
    );
    checkDiskSettings(model, findings, ctx.memo);
    return findings;
  },
};

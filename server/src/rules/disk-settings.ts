/**
 * Part of rule family "disks": the settings of one disk that libvirt 9.0 refuses for its bus,
 * device, storage type or each other (conf/domain_validate.c virDomainDiskDefValidate and friends,
 * qemu/qemu_validate.c qemuValidateDomainDeviceDefDisk*), each checked against the QEMU driver here:
 * - disk-bus-device: "disk type of 'vda' does not support ejectable media", "Invalid bus type 'ide'
 *   for floppy disk", "Invalid bus type 'fdc' for disk", "disk device='lun' is not supported for bus='sata'".
 * - disk-option-bus: a setting the disk's bus does not take ("readonly sata disks are not supported",
 *   "removable is only valid for usb disks", "rotation rate is only valid for SCSI/IDE/SATA bus",
 *   "Only ide and scsi disk support wwn", "Only scsi disk supports vendor and product", "CHS geometry
 *   can not be set for 'usb' bus", "CHS translation mode can only be set for 'ide' bus", "disk model
 *   'virtio' not supported for bus", "queues attribute ... only supported by virtio-blk", "disk event_idx
 *   mode supported only for virtio bus", "IOThreads not available for bus sata target sda").
 * - disk-option-device (with disks.ts): "rotation rate is only valid for disk device", "Setting wwn is
 *   not supported for lun device", "Setting vendor or product is not supported for lun device",
 *   "scsi-block 'lun' devices do not support the serial property".
 * - disk-copy-on-read: "copy_on_read is not compatible with read-only disk", "... with removable disk",
 *   "... with 'lun' disk".
 * - disk-io-native-cache: "io='native' needs either no disk cache or directsync cache mode".
 * - disk-vhostuser-option: "<option> is not supported with vhostuser disk", "vhostuser disk supports
 *   only virtio bus", "only snapshot=no is supported with vhostuser disk".
 * - disk-iothread-missing: "Disk iothread '2' not defined in iothreadid".
 * - disk-lun-source: virDomainDiskDefSourceLUNValidate (protocol, storage type, format, slice, encryption).
 * - disk-iotune-group: "group_name can be configured only together with settings", "different
 *   iotunes for disks vda and vdb". disk-iotune-range: "block I/O throttle limit must be no more than
 *   1000000000000000 using QEMU".
 * - disk-serial-invalid: "driver serial '...' contains unsafe characters".
 * - disk-vendor-product-invalid: "disk vendor is more than 8 characters", "... not printable string".
 * - disk-transient-unsupported: qemuValidateDomainDeviceDefDiskTransient.
 * - disk-driver-name: "unsupported driver name 'tap' for disk 'vda'".
 * - disk-shareable-format: "shared access for disk 'vda' requires use of supported storage format".
 * - disk-source-missing: "missing source information for device vda".
 * - disk-startup-policy: "disk startupPolicy 'optional' is not allowed for disk of 'network' type",
 *   "disk startupPolicy 'requisite' is allowed only for cdrom or floppy".
 * - disk-sgio-unfiltered: "unfiltered sgio is no longer supported" (a disk; a SCSI <hostdev>'s is hostdev-option-unsupported).
 * - disk-auth-protocol: "authentication is not supported for protocol 'nbd'".
 * - disk-encryption-cipher: "supplying <cipher> for domain disk definition is unnecessary".
 * - disk-target-invalid (with disks.ts): "Invalid harddisk device name: fda", "Invalid floppy device name: hda".
 * - disk-backing-store-incomplete: "missing disk backing store format|source".
 * - lease-incomplete: "Missing 'key' element for lease" (and 'target', target 'path').
 * - blkiotune-device-path-missing: "missing per-device path".
 * - disk-source-invalid: a <source> libvirt's parser refuses (NVMe, vhost-user, slices, cookies, hosts,
 *   rbd/gluster names), "NVMe namespace can't be zero", or <auth>/<encryption> both in <disk> and <source>.
 */
import { child, childrenNamed, attr, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { parseInteger } from '../../../lib/integer';
import { devicesNamed } from '../model/build';
import { TARGET_RE } from '../model/drive';
import type { Disk, DomainModel } from '../model/types';
import { iothreadIds } from './cputune';
import { deviceFact, addDeviceFindings, type DeviceMemo, type Finding } from './types';

/** The bus libvirt gives a disk without bus=, from its target's prefix (virDomainDiskDefParseXML). */
export function busOf(d: Disk): string | undefined {
  if (d.bus) {
    return d.bus.value;
  }
  const m = TARGET_RE.exec(d.targetDev?.value ?? '');
  return m ? ({ hd: 'ide', sd: 'scsi', vd: 'virtio', fd: 'fdc', xvd: 'xen', ubd: 'uml' } as Record<string, string>)[m[1]!] : undefined;
}

const vs = (a: XmlAttribute): Span => a.valueSpan ?? a.span;

/** The span that names the disk's bus: bus= when written, else the target name it comes from. */
function busSpan(d: Disk): Span {
  return d.bus ? vs(d.bus) : d.targetDev ? vs(d.targetDev) : d.el.nameSpan;
}

/** A whole positive number (libvirt's unsigned values; 0 means unset). */
function positive(raw: string | undefined): boolean {
  const n = parseInteger(raw, 10);
  return n !== undefined && n > 0;
}

function isReadonly(d: Disk): boolean {
  // libvirt makes every cdrom read-only.
  return !!child(d.el, 'readonly') || d.device === 'cdrom';
}

/** No medium: a file or block disk without its path (virStorageSourceIsEmpty). */
function isEmpty(d: Disk): boolean {
  const type = d.diskType ?? 'file';
  if (type === 'file') {
    return !d.source || !attr(d.source, 'file')?.value;
  }
  if (type === 'block') {
    return !d.source || !attr(d.source, 'dev')?.value;
  }
  return false;
}

const label = (d: Disk): string => (d.targetDev?.value ? ` '${d.targetDev.value}'` : '');

function checkBusDevice(d: Disk, bus: string | undefined, findings: Finding[]): void {
  const device = d.device ?? 'disk';
  if (!bus) {
    return;
  }
  let message: string | undefined;
  if (device === 'cdrom' && (bus === 'virtio' || bus === 'sd')) {
    message = `A cdrom cannot use bus '${bus}': that bus has no removable media. Use bus='sata' or 'scsi'.`;
  } else if (device === 'floppy' && bus !== 'fdc') {
    message = `A floppy goes on bus 'fdc' only, not '${bus}'.`;
  } else if (device !== 'floppy' && bus === 'fdc') {
    message = `Bus 'fdc' is for floppies only; this disk is device='${device}'.`;
  } else if (device === 'lun' && bus !== 'virtio' && bus !== 'scsi') {
    message = `device='lun' (SCSI passthrough) needs bus 'scsi' or 'virtio', not '${bus}'.`;
  }
  if (message) {
    findings.push({ code: 'disk-bus-device', message, span: busSpan(d) });
  }
}

function checkOptionBus(d: Disk, bus: string | undefined, findings: Finding[]): void {
  if (!bus) {
    return;
  }
  const device = d.device ?? 'disk';
  const push = (span: Span, message: string): void => {
    findings.push({ code: 'disk-option-bus', message, span });
  };
  const readonly = child(d.el, 'readonly');
  if (readonly && device === 'disk' && (bus === 'ide' || bus === 'sata')) {
    push(readonly.nameSpan, `QEMU has no read-only ${bus} disk: use bus='virtio' or 'scsi' for a read-only disk, or make it a cdrom.`);
  }
  const removable = d.target ? attr(d.target, 'removable') : undefined;
  if (removable && bus !== 'usb') {
    push(removable.span, `removable applies to usb disks only; this disk is on bus '${bus}'.`);
  }
  const rotation = d.target ? attr(d.target, 'rotation_rate') : undefined;
  if (rotation && positive(rotation.value) && bus !== 'scsi' && bus !== 'ide' && bus !== 'sata') {
    push(rotation.span, `rotation_rate is for scsi, ide and sata disks only; this disk is on bus '${bus}'.`);
  }
  const wwn = child(d.el, 'wwn');
  if (wwn && bus !== 'ide' && bus !== 'scsi') {
    push(wwn.nameSpan, `<wwn> is for ide and scsi disks only; this disk is on bus '${bus}'.`);
  }
  for (const name of ['vendor', 'product']) {
    const el = child(d.el, name);
    if (el && bus !== 'scsi') {
      push(el.nameSpan, `<${name}> is for scsi disks only; this disk is on bus '${bus}'.`);
    }
  }
  const geometry = child(d.el, 'geometry');
  if (geometry && ['cyls', 'heads', 'secs'].every((n) => positive(attr(geometry, n)?.value))) {
    const trans = attr(geometry, 'trans');
    if (bus === 'usb' || bus === 'sd') {
      push(geometry.nameSpan, `A ${bus} disk cannot have a CHS <geometry>.`);
    } else if (trans && bus !== 'ide') {
      push(trans.span, `A CHS translation mode (trans) applies to ide disks only; this disk is on bus '${bus}'.`);
    }
  }
  const serial = child(d.el, 'serial');
  if (serial && bus === 'sd') {
    push(serial.nameSpan, 'An sd card disk cannot have a <serial>.');
  }
  if (bus !== 'virtio') {
    const diskModel = attr(d.el, 'model');
    if (diskModel && /^virtio(-transitional|-non-transitional)?$/.test(diskModel.value ?? '')) {
      push(vs(diskModel), `Disk model '${diskModel.value}' is for virtio disks; this disk is on bus '${bus}'.`);
    }
    const drv = d.driver;
    const queues = drv ? attr(drv, 'queues') : undefined;
    if (queues && positive(queues.value)) {
      push(queues.span, `queues applies to virtio disks only; this disk is on bus '${bus}'.`);
    }
    const eventIdx = drv ? attr(drv, 'event_idx') : undefined;
    if (eventIdx) {
      push(eventIdx.span, `event_idx applies to virtio disks only; this disk is on bus '${bus}'.`);
    }
    const iothread = drv ? attr(drv, 'iothread') : undefined;
    if (iothread && positive(iothread.value) && d.diskType !== 'vhostuser') {
      push(iothread.span, `An I/O thread serves virtio disks only; this disk is on bus '${bus}'.`);
    }
  }
}

function checkOptionDevice(d: Disk, bus: string | undefined, findings: Finding[]): void {
  const device = d.device ?? 'disk';
  const push = (span: Span, message: string): void => {
    findings.push({ code: 'disk-option-device', message, span });
  };
  const rotation = d.target ? attr(d.target, 'rotation_rate') : undefined;
  if (rotation && positive(rotation.value) && device !== 'disk' && (bus === 'scsi' || bus === 'ide' || bus === 'sata')) {
    push(rotation.span, `rotation_rate is for device='disk' only; this disk is device='${device}'.`);
  }
  if (device !== 'lun' || (bus !== 'scsi' && bus !== 'virtio')) {
    return;
  }
  for (const name of ['wwn', 'vendor', 'product']) {
    const el = child(d.el, name);
    if (el) {
      push(el.nameSpan, `A device='lun' disk passes the host's SCSI device through: it cannot set its own <${name}>.`);
    }
  }
  const serial = child(d.el, 'serial');
  if (serial && bus === 'scsi') {
    push(serial.nameSpan, `A scsi device='lun' disk passes the host's SCSI device through: it cannot set its own <serial>.`);
  }
}

function checkCopyOnRead(d: Disk, findings: Finding[]): void {
  const cor = d.driver ? attr(d.driver, 'copy_on_read') : undefined;
  if (cor?.value !== 'on') {
    return;
  }
  const device = d.device ?? 'disk';
  let why: string | undefined;
  if (isReadonly(d)) {
    why = device === 'cdrom' ? 'a cdrom is read-only' : 'this disk is <readonly/>';
  } else if (device === 'floppy') {
    why = 'a floppy is removable media';
  } else if (device === 'lun') {
    why = "a device='lun' disk is passed through";
  }
  if (why) {
    findings.push({
      code: 'disk-copy-on-read',
      message: `copy_on_read='on' writes what it reads into the image, but ${why}.`,
      span: cor.span,
    });
  }
}

function checkIoNative(d: Disk, findings: Finding[]): void {
  const drv = d.driver;
  const io = drv ? attr(drv, 'io') : undefined;
  if (!drv || io?.value !== 'native') {
    return;
  }
  const cache = attr(drv, 'cache');
  if (cache?.value === 'none' || cache?.value === 'directsync') {
    return;
  }
  findings.push({
    code: 'disk-io-native-cache',
    message: cache
      ? `io='native' needs cache='none' or 'directsync', not '${cache.value}'.`
      : `io='native' needs cache='none' or 'directsync'; without cache= the host page cache is used.`,
    span: vs(io),
    fixes: [
      {
        title: "Use cache='none'",
        edits: cache
          ? [{ span: vs(cache), newText: "'none'" }]
          : [{ span: { start: io.span.end, end: io.span.end }, newText: " cache='none'" }],
        preferred: true,
      },
    ],
  });
}

const VHOST_DRIVER_OPTIONS = [
  'cache',
  'error_policy',
  'rerror_policy',
  'io',
  'ioeventfd',
  'copy_on_read',
  'discard',
  'iothread',
  'detect_zeroes',
];

function checkVhostUser(d: Disk, bus: string | undefined, findings: Finding[]): void {
  if (d.diskType !== 'vhostuser') {
    return;
  }
  const push = (span: Span, what: string): void => {
    findings.push({
      code: 'disk-vhostuser-option',
      message: `A vhost-user disk does not take ${what}: the vhost-user server owns the storage, so libvirt refuses it.`,
      span,
    });
  };
  if (bus && bus !== 'virtio') {
    findings.push({
      code: 'disk-vhostuser-option',
      message: `A vhost-user disk works on bus 'virtio' only, not '${bus}'.`,
      span: busSpan(d),
    });
  }
  const snapshot = attr(d.el, 'snapshot');
  if (snapshot && snapshot.value !== 'no') {
    push(snapshot.span, `snapshot='${snapshot.value}' (only snapshot='no')`);
  }
  if (d.driver) {
    for (const name of VHOST_DRIVER_OPTIONS) {
      const a = attr(d.driver, name);
      if (a && a.value !== 'default') {
        push(a.span, `${name}=`);
      }
    }
    const mc = child(d.driver, 'metadata_cache');
    const max = mc ? child(mc, 'max_size') : undefined;
    if (mc && max && positive(max.text.trim())) {
      push(mc.nameSpan, '<metadata_cache>');
    }
  }
  const iotune = child(d.el, 'iotune');
  if (iotune && iotune.children.some((c) => c.name === 'group_name' || positive(c.text.trim()))) {
    push(iotune.nameSpan, '<iotune>');
  }
  const backing = child(d.el, 'backingStore');
  if (backing && attr(backing, 'type')) {
    push(backing.nameSpan, '<backingStore>');
  }
  for (const name of ['encryption', 'auth']) {
    const el = child(d.el, name) ?? (d.source ? child(d.source, name) : undefined);
    if (el) {
      push(el.nameSpan, `<${name}>`);
    }
  }
  for (const name of ['readonly', 'shareable', 'transient', 'serial', 'wwn', 'vendor', 'product']) {
    const el = child(d.el, name);
    if (el) {
      push(el.nameSpan, `<${name}>`);
    }
  }
  const geometry = child(d.el, 'geometry');
  if (geometry && geometry.attributes.length > 0) {
    push(geometry.nameSpan, '<geometry>');
  }
  const blockio = child(d.el, 'blockio');
  if (blockio && blockio.attributes.some((a) => positive(a.value))) {
    push(blockio.nameSpan, '<blockio>');
  }
}

function checkIothreadRef(model: DomainModel, d: Disk, bus: string | undefined, findings: Finding[]): void {
  const a = d.driver ? attr(d.driver, 'iothread') : undefined;
  const id = parseInteger(a?.value, 10);
  if (!a || id === undefined || id === 0 || bus !== 'virtio' || d.diskType === 'vhostuser') {
    return;
  }
  const ids = iothreadIds(model);
  if (!ids || ids.has(id)) {
    return;
  }
  const have = ids.size > 0 ? `its I/O threads are ${[...ids].sort((x, y) => x - y).join(', ')}` : 'it has none (<iothreads>)';
  findings.push({
    code: 'disk-iothread-missing',
    message: `Disk${label(d)} uses I/O thread ${id}, which the guest does not have: ${have}.`,
    span: vs(a),
  });
}

function checkLunSource(d: Disk, findings: Finding[]): void {
  if (d.device !== 'lun') {
    return;
  }
  const push = (span: Span, message: string): void => {
    findings.push({ code: 'disk-lun-source', message, span });
  };
  const type = d.diskType ?? 'file';
  const typeAttr = attr(d.el, 'type');
  const protocol = d.source ? attr(d.source, 'protocol') : undefined;
  if (type === 'network' && protocol && protocol.value !== 'iscsi') {
    push(vs(protocol), `A device='lun' disk over the network needs protocol 'iscsi', not '${protocol.value}'.`);
    return;
  }
  if (type === 'file' || type === 'dir') {
    push(
      typeAttr ? vs(typeAttr) : d.el.nameSpan,
      `A device='lun' disk passes a host block device through: it needs type='block' (or an iscsi source), not '${type}'.`
    );
    return;
  }
  const format = d.driver ? attr(d.driver, 'type') : undefined;
  if (format?.value && format.value !== 'raw' && format.value !== 'none') {
    push(vs(format), `A device='lun' disk is raw SCSI: its driver type must be 'raw', not '${format.value}'.`);
    return;
  }
  const slices = d.source ? child(d.source, 'slices') : undefined;
  if (slices) {
    push(slices.nameSpan, "A device='lun' disk passes the whole device through: it cannot take a storage <slice>.");
    return;
  }
  const enc = child(d.el, 'encryption') ?? (d.source ? child(d.source, 'encryption') : undefined);
  const encFormat = enc ? attr(enc, 'format')?.value : undefined;
  if (enc && encFormat && encFormat !== 'default') {
    push(enc.nameSpan, "A device='lun' disk passes the device through: it cannot be encrypted by QEMU.");
  }
}

const IOTUNE_LIMITS = [
  'total_bytes_sec',
  'read_bytes_sec',
  'write_bytes_sec',
  'total_iops_sec',
  'read_iops_sec',
  'write_iops_sec',
  'total_bytes_sec_max',
  'read_bytes_sec_max',
  'write_bytes_sec_max',
  'total_iops_sec_max',
  'read_iops_sec_max',
  'write_iops_sec_max',
  'size_iops_sec',
];
const IOTUNE_MAX = 1_000_000_000_000_000n;

/** An <iotune>'s settings other than group_name: name → value (0 is unset, as in libvirt). */
function iotuneSettings(iotune: XmlElement): Map<string, bigint> | undefined {
  const out = new Map<string, bigint>();
  for (const c of iotune.children) {
    if (c.name === 'group_name') {
      continue;
    }
    const t = c.text.trim();
    if (!/^[0-9]+$/.test(t)) {
      return undefined;
    }
    if (BigInt(t) !== 0n) {
      out.set(c.name, BigInt(t));
    }
  }
  return out;
}

function checkIotuneGroups(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  const groups = new Map<string, { disk: Disk; settings: Map<string, bigint>; name: XmlElement }>();
  for (const d of model.disks) {
    // Most disks have none: which do is kept per device.
    const iotune = deviceFact(memo, 'disk-iotune', d.el, () => child(d.el, 'iotune'));
    if (!iotune) {
      continue;
    }
    for (const name of IOTUNE_LIMITS) {
      const el = child(iotune, name);
      const t = el?.text.trim() ?? '';
      if (el && /^[0-9]+$/.test(t) && BigInt(t) > IOTUNE_MAX) {
        findings.push({
          code: 'disk-iotune-range',
          message: `<${name}> ${t} is above QEMU's limit of ${IOTUNE_MAX}.`,
          span: el.nameSpan,
        });
      }
    }
    const group = child(iotune, 'group_name');
    const settings = iotuneSettings(iotune);
    const groupName = group?.text.trim();
    if (!group || !groupName || !settings) {
      continue;
    }
    if (settings.size === 0) {
      findings.push({
        code: 'disk-iotune-group',
        message: `<group_name> '${groupName}' alone does nothing: a throttle group needs limits in this <iotune>.`,
        span: group.nameSpan,
      });
      continue;
    }
    const first = groups.get(groupName);
    if (!first) {
      groups.set(groupName, { disk: d, settings, name: group });
      continue;
    }
    const same = first.settings.size === settings.size && [...settings].every(([k, v]) => first.settings.get(k) === v);
    if (!same) {
      findings.push({
        code: 'disk-iotune-group',
        message: `Disks of throttle group '${groupName}' must carry the same <iotune> limits; disk${label(d)} differs from disk${label(first.disk)}.`,
        span: group.nameSpan,
        related: [{ message: `group '${groupName}' first defined here`, span: first.name.nameSpan }],
      });
    }
  }
}

const SERIAL_OK = /^[A-Za-z0-9\-_ .+]*$/;

function checkStrings(d: Disk, findings: Finding[]): void {
  const serial = child(d.el, 'serial');
  if (serial && !SERIAL_OK.test(serial.text)) {
    findings.push({
      code: 'disk-serial-invalid',
      message: `Disk serial '${serial.text}' has characters QEMU refuses: use letters, digits, space and - _ . + only.`,
      span: serial.nameSpan,
    });
  }
  for (const [name, max] of [
    ['vendor', 8],
    ['product', 16],
  ] as const) {
    const el = child(d.el, name);
    if (!el) {
      continue;
    }
    const text = el.text;
    if (/[^\x20-\x7e]/.test(text)) {
      findings.push({ code: 'disk-vendor-product-invalid', message: `<${name}> must be printable characters only.`, span: el.nameSpan });
    } else if (text.length > max) {
      findings.push({
        code: 'disk-vendor-product-invalid',
        message: `<${name}> '${text}' is ${text.length} characters long; SCSI allows at most ${max}.`,
        span: el.nameSpan,
      });
    }
  }
}

function checkTransient(d: Disk, bus: string | undefined, findings: Finding[]): void {
  const transient = child(d.el, 'transient');
  if (!transient || d.diskType === 'vhostuser') {
    return;
  }
  const device = d.device ?? 'disk';
  const type = d.diskType ?? 'file';
  const share = attr(transient, 'shareBacking');
  let message: string | undefined;
  let span = transient.nameSpan;
  if (isEmpty(d)) {
    message = 'A <transient/> disk needs a medium: this one has no source.';
  } else if (isReadonly(d)) {
    message = `A <transient/> disk must be writable; this one is read-only${device === 'cdrom' ? ' (a cdrom)' : ''}.`;
  } else if (type !== 'file' && type !== 'volume') {
    message = `A <transient/> disk must be of type='file', not '${type}'.`;
  } else if (device !== 'disk') {
    message = `A <transient/> disk must be device='disk', not '${device}'.`;
  } else if (share?.value === 'yes' && bus && bus !== 'usb' && bus !== 'virtio' && bus !== 'scsi') {
    message = `shareBacking='yes' works for virtio, scsi and usb disks only (they can be hot-plugged); this disk is on bus '${bus}'.`;
    span = share.span;
  }
  if (message) {
    findings.push({ code: 'disk-transient-unsupported', message, span });
  }
}

function checkDriverAndShare(d: Disk, findings: Finding[]): void {
  const name = d.driver ? attr(d.driver, 'name') : undefined;
  if (name?.value && name.value !== 'qemu') {
    findings.push({
      code: 'disk-driver-name',
      message: `The QEMU driver knows disk driver name 'qemu' only, not '${name.value}'.`,
      span: vs(name),
      fixes: [{ title: "Use name='qemu'", edits: [{ span: vs(name), newText: "'qemu'" }], preferred: true }],
    });
  }
  const shareable = child(d.el, 'shareable');
  const format = d.driver ? attr(d.driver, 'type') : undefined;
  if (shareable && !child(d.el, 'readonly') && format?.value && format.value !== 'raw') {
    findings.push({
      code: 'disk-shareable-format',
      message: `A <shareable/> writable disk must be raw: two guests cannot write one '${format.value}' image.`,
      span: vs(format),
      related: [{ message: '<shareable/>', span: shareable.nameSpan }],
    });
  }
}

function checkSourceMissing(d: Disk, findings: Finding[]): void {
  if ((d.device ?? 'disk') === 'disk' && isEmpty(d) && d.targetDev?.value) {
    findings.push({
      code: 'disk-source-missing',
      message: `Disk '${d.targetDev.value}' has no source: only a cdrom or a floppy may be empty.`,
      span: d.source?.nameSpan ?? d.el.nameSpan,
    });
  }
}

function checkStartupPolicy(d: Disk, findings: Finding[]): void {
  const policy = d.source ? attr(d.source, 'startupPolicy') : undefined;
  if (!policy?.value) {
    return;
  }
  const type = d.diskType ?? 'file';
  const device = d.device ?? 'disk';
  if (type !== 'file' && type !== 'block' && type !== 'dir' && type !== 'volume') {
    findings.push({
      code: 'disk-startup-policy',
      message: `startupPolicy needs local storage (file, block, dir or volume); this disk is type='${type}'.`,
      span: policy.span,
    });
  } else if (policy.value === 'requisite' && device !== 'cdrom' && device !== 'floppy') {
    findings.push({
      code: 'disk-startup-policy',
      message: `startupPolicy='requisite' is for a cdrom or floppy; use 'optional' or 'mandatory' for device='${device}'.`,
      span: vs(policy),
    });
  }
}

/** sgio='unfiltered' on a disk (virDomainDiskDefValidate; a SCSI <hostdev>'s is hostdev-option-unsupported). */
function checkSgio(el: XmlElement, findings: Finding[]): void {
  const sgio = attr(el, 'sgio');
  if (sgio?.value === 'unfiltered') {
    findings.push({
      code: 'disk-sgio-unfiltered',
      message: "sgio='unfiltered' is no longer supported by libvirt: leave it out (filtered is the default).",
      span: vs(sgio),
    });
  }
}

function checkSource(d: Disk, findings: Finding[]): void {
  const src = d.source;
  if (!src) {
    return;
  }
  const push = (span: Span, message: string): void => {
    findings.push({ code: 'disk-source-invalid', message, span });
  };
  const type = d.diskType;
  if (type === 'nvme') {
    const ns = attr(src, 'namespace');
    if (!attr(src, 'type')) {
      push(src.nameSpan, "An NVMe disk <source> needs type='pci'.");
    } else if (!ns) {
      push(src.nameSpan, 'An NVMe disk <source> needs namespace= (the namespace number, from 1).');
    } else if (!child(src, 'address')) {
      push(src.nameSpan, "An NVMe disk <source> needs the host controller's PCI <address>.");
    } else if (parseInteger(ns.value, 10) === 0) {
      push(vs(ns), 'NVMe namespaces are numbered from 1: namespace 0 does not exist.');
    }
  } else if (type === 'vhostuser') {
    if (!attr(src, 'type')) {
      push(src.nameSpan, "A vhost-user disk <source> needs type='unix'.");
    } else if (!attr(src, 'path')) {
      push(src.nameSpan, "A vhost-user disk <source> needs path= (the server's socket).");
    }
  } else if (type === 'network') {
    const protocol = attr(src, 'protocol')?.value;
    const name = attr(src, 'name');
    if (name?.value !== undefined && (protocol === 'rbd' || protocol === 'gluster') && !/^[^/]+\//.test(name.value)) {
      push(vs(name), `A ${protocol} source name is 'pool/image' (volume/path for gluster): '${name.value}' has no pool part.`);
    }
    for (const host of childrenNamed(src, 'host')) {
      const transport = attr(host, 'transport')?.value ?? 'tcp';
      const socket = attr(host, 'socket');
      if (transport === 'unix' && !socket) {
        push(host.nameSpan, "A <host transport='unix'> needs socket= (the socket's path).");
      } else if (transport !== 'unix' && socket) {
        push(socket.span, `socket= belongs to transport='unix' only, not '${transport}'.`);
      }
    }
    const cookies = child(src, 'cookies');
    for (const c of cookies ? childrenNamed(cookies, 'cookie') : []) {
      const cname = attr(c, 'name');
      if (!cname?.value) {
        push(c.nameSpan, 'A <cookie> needs name=.');
      } else if (c.text === '') {
        push(c.nameSpan, `Cookie '${cname.value}' has no value.`);
      }
    }
  }
  const slices = child(src, 'slices');
  for (const s of slices ? childrenNamed(slices, 'slice') : []) {
    if (!attr(s, 'offset') || !attr(s, 'size')) {
      push(s.nameSpan, 'A storage <slice> needs both offset= and size=.');
    }
  }
}

const AUTH_REFUSED = new Set(['nbd', 'sheepdog', 'gluster', 'tftp', 'vxhs', 'nfs']);

/** <auth> on a protocol that has none, <cipher> in a luks <encryption> (virDomainDiskDefValidateSourceChainOne). */
function checkAuthCipher(d: Disk, findings: Finding[]): void {
  const src = d.source;
  const protocol = src && d.diskType === 'network' ? attr(src, 'protocol')?.value : undefined;
  const auth = child(d.el, 'auth') ?? (src ? child(src, 'auth') : undefined);
  if (auth && protocol && AUTH_REFUSED.has(protocol)) {
    findings.push({
      code: 'disk-auth-protocol',
      message: `libvirt passes no credentials for protocol '${protocol}': <auth> works with iscsi, rbd, http(s), ftp(s) and ssh only.`,
      span: auth.nameSpan,
    });
  }
  const enc = child(d.el, 'encryption') ?? (src ? child(src, 'encryption') : undefined);
  const cipher = enc && attr(enc, 'format')?.value === 'luks' ? child(enc, 'cipher') : undefined;
  if (cipher) {
    findings.push({
      code: 'disk-encryption-cipher',
      message: 'A luks image records its own cipher: a disk definition must not give <cipher> (it belongs to a storage volume).',
      span: cipher.nameSpan,
    });
  }
}

/** A disk target that does not fit the device: "Invalid harddisk device name" / "Invalid floppy device name". */
function checkTargetKind(d: Disk, findings: Finding[]): void {
  const dev = d.targetDev;
  const device = d.device ?? 'disk';
  if (!dev?.value) {
    return;
  }
  if ((device === 'disk' || device === 'lun') && !/^(hd|sd|vd|xvd|ubd)/.test(dev.value) && dev.value.startsWith('fd')) {
    findings.push({
      code: 'disk-target-invalid',
      message: `Target '${dev.value}' names a floppy drive; a device='${device}' needs a hard disk name (vda, sda, hda).`,
      span: vs(dev),
    });
  } else if (device === 'floppy' && !dev.value.startsWith('fd') && TARGET_RE.test(dev.value)) {
    findings.push({
      code: 'disk-target-invalid',
      message: `A floppy's target must be fda or fdb, not '${dev.value}'.`,
      span: vs(dev),
    });
  }
}

/** A <backingStore type=...> (at any depth) without its <format type> or <source> (virDomainDiskBackingStoreParse). */
function checkBackingStores(el: XmlElement, findings: Finding[]): void {
  const bs = child(el, 'backingStore');
  if (!bs || !attr(bs, 'type')) {
    return; // no backing store, or the terminator <backingStore/>
  }
  const format = child(bs, 'format');
  if (!format || !attr(format, 'type')?.value) {
    findings.push({
      code: 'disk-backing-store-incomplete',
      message: "A <backingStore> needs <format type='...'/> naming its image format (raw, qcow2...).",
      span: bs.nameSpan,
    });
  } else if (!child(bs, 'source')) {
    findings.push({
      code: 'disk-backing-store-incomplete',
      message: 'A <backingStore> needs a <source> naming the backing image.',
      span: bs.nameSpan,
    });
  } else {
    checkBackingStores(bs, findings);
  }
}

/** <auth> or <encryption> both in <disk> and in its <source> (virDomainDiskDefParseSourceXML). */
function checkTwice(d: Disk, findings: Finding[]): void {
  for (const name of ['auth', 'encryption']) {
    const outer = child(d.el, name);
    const inner = d.source ? child(d.source, name) : undefined;
    if (outer && inner) {
      findings.push({
        code: 'disk-source-invalid',
        message: `<${name}> is given twice, in <disk> and in its <source>: keep the one in <source>.`,
        span: outer.nameSpan,
        related: [{ message: `<${name}> in <source>`, span: inner.nameSpan }],
      });
    }
  }
}

/** A <lease> without <key>, <target> or target path (virDomainLeaseDefParseXML). */
function checkLeases(model: DomainModel, findings: Finding[]): void {
  for (const lease of devicesNamed(model, 'lease')) {
    const key = child(lease, 'key');
    const target = child(lease, 'target');
    let message: string | undefined;
    let span = lease.nameSpan;
    if (!key || key.text.trim() === '') {
      message = 'A <lease> needs a <key> naming the resource it locks.';
    } else if (!target) {
      message = "A <lease> needs a <target path='...'/> for the lease file.";
    } else if (!attr(target, 'path')) {
      message = "The lease's <target> needs path= (the lease file).";
      span = target.nameSpan;
    }
    if (message) {
      findings.push({ code: 'lease-incomplete', message, span });
    }
  }
}

/** A <blkiotune><device> without its <path> (virDomainBlkioDeviceParseXML). */
function checkBlkioDevices(model: DomainModel, findings: Finding[]): void {
  const blkio = child(model.root, 'blkiotune');
  for (const dev of blkio ? childrenNamed(blkio, 'device') : []) {
    const path = child(dev, 'path');
    if (!path || path.text.trim() === '') {
      findings.push({
        code: 'blkiotune-device-path-missing',
        message: 'A <blkiotune> <device> needs a <path> naming the host block device it tunes.',
        span: dev.nameSpan,
      });
    }
  }
}

/** All of the above for every disk of the domain. */
export function checkDiskSettings(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  // Each disk's own settings (and the domain's I/O threads, outside <devices>): kept per device.
  addDeviceFindings(
    findings,
    memo,
    'disk-settings',
    model.disks,
    (d) => d.el,
    (d) => checkOneDisk(model, d)
  );
  checkIotuneGroups(model, findings, memo);
  checkLeases(model, findings);
  checkBlkioDevices(model, findings);
}

function checkOneDisk(model: DomainModel, d: Disk): Finding[] {
  const findings: Finding[] = [];
  const bus = busOf(d);
  checkBusDevice(d, bus, findings);
  checkOptionBus(d, bus, findings);
  checkOptionDevice(d, bus, findings);
  checkCopyOnRead(d, findings);
  checkIoNative(d, findings);
  checkVhostUser(d, bus, findings);
  checkIothreadRef(model, d, bus, findings);
  checkLunSource(d, findings);
  checkStrings(d, findings);
  checkTransient(d, bus, findings);
  checkDriverAndShare(d, findings);
  checkSourceMissing(d, findings);
  checkStartupPolicy(d, findings);
  checkSgio(d.el, findings);
  checkSource(d, findings);
  checkAuthCipher(d, findings);
  checkTargetKind(d, findings);
  checkBackingStores(d.el, findings);
  checkTwice(d, findings);
  return findings;
}

/**
 * Disk target names and the drive addresses libvirt derives from them (libvirt 9.0
 * virDiskNameParse / virDomainDiskDefAssignAddress). A disk on an ide, sata, scsi or fdc bus
 * without an <address> gets one from its target name: sda -> unit 0, sdh -> controller 1, ...
 * (checked with dumpxml against libvirt 9.0's QEMU driver).
 */

/** A target libvirt accepts as a whole disk: prefix + lowercase letters, no partition number. */
export const TARGET_RE = /^(fd|hd|vd|sd|xvd|ubd)([a-z]+)$/;

/**
 * 'a' -> 0, 'z' -> 25, 'aa' -> 26, as libvirt's virDiskNameParse computes it: in a C int, so
 * past 'zzzzzz' the index wraps around, and a negative one is a name libvirt does not know
 * ("Unknown disk name 'hdzzzzzzz' and no address specified", checked with libvirt 9.0).
 */
export function diskIndex(letters: string): number {
  let idx = 0;
  for (let i = 0; i < letters.length; i++) {
    idx = Math.imul((idx + (i < 1 ? 0 : 1)) | 0, 26);
    idx = (idx + letters.charCodeAt(i) - 97) | 0;
  }
  return idx;
}

export function diskLetters(index: number): string {
  let s = '';
  let i = index + 1;
  while (i > 0) {
    const r = (i - 1) % 26;
    s = String.fromCharCode(97 + r) + s;
    i = Math.floor((i - 1) / 26);
  }
  return s;
}

/** The index of a whole-disk target name (vda -> 0, sdh -> 7), undefined when it is not one. */
export function targetIndex(dev: string | undefined): number | undefined {
  const m = dev === undefined ? null : TARGET_RE.exec(dev);
  const idx = m ? diskIndex(m[2]!) : undefined;
  return idx !== undefined && idx >= 0 ? idx : undefined;
}

export interface DriveNumbers {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

/** The drive address libvirt gives a disk on `bus` whose target name has index `idx`. */
export function implicitDrive(bus: string | undefined, idx: number): DriveNumbers | undefined {
  switch (bus) {
    case 'ide':
      return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
    case 'sata':
      return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
    case 'scsi':
      return { controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
    case 'fdc':
      return { controller: Math.floor(idx / 2), bus: 0, target: 0, unit: idx % 2 };
    default:
      return undefined;
  }
}
/** The target-name prefix libvirt expects for a disk bus. */
export function targetPrefix(bus: string | undefined, device?: string): string {
  switch (bus) {
    case 'virtio':
      return 'vd';
    case 'scsi':
    case 'sata':
    case 'usb':
    case 'sd':
      return 'sd';
    case 'ide':
      return 'hd';
    case 'fdc':
      return 'fd';
    case 'xen':
      return 'xvd';
    case 'uml':
      return 'ubd';
    default:
      return device === 'floppy' ? 'fd' : device === 'cdrom' ? 'sd' : 'vd';
  }
}

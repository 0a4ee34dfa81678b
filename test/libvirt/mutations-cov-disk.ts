/**
 * Generated disks for the disk settings rules (server/src/rules/disk-settings.ts): a device on a
 * bus, read-only disks, io='native' with a cache mode, drive address numbers, copy_on_read,
 * transient disks, SCSI identity strings, driver names and shared formats. Each variant draws
 * from both sides of a rule; libvirt is the judge.
 */
import { baseDevices, controller, driveAddr, type Machine } from './build-domain';
import type { Rng } from './rng';

const IMG = '/var/lib/libvirt/images';

interface DiskSpec {
  type?: string;
  device?: string;
  dev: string;
  bus: string;
  driver?: string;
  source?: string | null;
  inner?: string[];
  targetAttrs?: string;
}

function diskEl(s: DiskSpec, i: number): string {
  const type = s.type ?? 'file';
  const source =
    s.source === null ? '' : (s.source ?? (type === 'block' ? `<source dev='/dev/sdz'/>` : `<source file='${IMG}/cov-${i}.img'/>`));
  const lines = [
    `<disk type='${type}' device='${s.device ?? 'disk'}'>`,
    `  <driver name='qemu' type='raw'${s.driver ? ' ' + s.driver : ''}/>`,
    ...(source ? [`  ${source}`] : []),
    `  <target dev='${s.dev}' bus='${s.bus}'${s.targetAttrs ? ' ' + s.targetAttrs : ''}/>`,
    ...(s.inner ?? []).map((l) => `  ${l}`),
    `</disk>`,
  ];
  return lines.join('\n    ');
}

const DEV_OF: Record<string, string> = { sata: 'sda', scsi: 'sdb', virtio: 'vda', usb: 'sdc', ide: 'hda', fdc: 'fda' };

function busesFor(machine: Machine): string[] {
  return machine === 'q35' ? ['sata', 'scsi', 'virtio', 'usb'] : ['ide', 'fdc', 'scsi', 'virtio', 'usb'];
}

export function covDiskGen(rng: Rng, i: number): { title: string; machine: Machine; devices: string[] } {
  const variant = i % 8;
  const machine: Machine = rng.pick(['pc', 'q35'] as const);
  const devs = [...baseDevices(machine), controller('usb', 0, 'qemu-xhci'), controller('scsi', 0, rng.pick(['virtio-scsi', 'lsilogic']))];
  const bus = rng.pick(busesFor(machine));
  const dev = DEV_OF[bus]!;
  let title: string;
  let d: DiskSpec;
  if (variant === 0) {
    const device = rng.pick(['disk', 'cdrom', 'floppy', 'lun']);
    d = {
      device,
      dev: device === 'floppy' ? 'fda' : dev === 'fda' ? 'hdb' : dev,
      bus,
      type: device === 'lun' ? 'block' : 'file',
      inner: device === 'cdrom' ? ['<readonly/>'] : [],
    };
    title = `a ${device} on bus ${bus}`;
  } else if (variant === 1) {
    const device = rng.pick(['disk', 'disk', 'cdrom']);
    const b = bus === 'fdc' ? 'ide' : bus;
    d = { device, dev: DEV_OF[b]!, bus: b, inner: ['<readonly/>'] };
    title = `a read-only ${device} on bus ${b}`;
  } else if (variant === 2) {
    const cache = rng.pick(['', 'none', 'directsync', 'writeback', 'writethrough', 'unsafe']);
    const io = rng.pick(['native', 'native', 'threads']);
    d = { dev: 'vda', bus: 'virtio', driver: `io='${io}'${cache ? ` cache='${cache}'` : ''}` };
    title = `io='${io}' with ${cache ? `cache='${cache}'` : 'no cache='}`;
  } else if (variant === 3) {
    const b = rng.pick(machine === 'q35' ? ['sata', 'scsi'] : ['ide', 'fdc', 'scsi']);
    const [c, bb, t] = [rng.pick([0, 0, 1]), rng.pick([0, 0, 1]), rng.pick([0, 0, 1, 2])];
    const unit = b === 'ide' ? rng.int(0, 1) : b === 'fdc' ? rng.int(0, 1) : rng.int(0, 5);
    d = { device: b === 'fdc' ? 'floppy' : 'disk', dev: DEV_OF[b]!, bus: b, inner: [driveAddr(c, bb, t, unit)] };
    title = `a ${b} disk at controller ${c} bus ${bb} target ${t} unit ${unit}`;
  } else if (variant === 4) {
    const device = rng.pick(['disk', 'disk', 'floppy', 'lun']);
    const ro = device === 'disk' && rng.chance(0.4);
    const b = device === 'floppy' ? 'fdc' : device === 'lun' ? 'scsi' : 'virtio';
    if (b === 'fdc' && machine === 'q35') {
      devs.length = 0;
      devs.push(...baseDevices('pc'));
    }
    d = {
      device,
      dev: DEV_OF[b]!,
      bus: b,
      type: device === 'lun' ? 'block' : 'file',
      driver: `copy_on_read='${rng.pick(['on', 'on', 'off'])}'`,
      inner: ro ? ['<readonly/>'] : [],
    };
    title = `copy_on_read on a ${ro ? 'read-only ' : ''}${device}`;
    return { title, machine: b === 'fdc' ? 'pc' : machine, devices: [...devs, diskEl(d, i)] };
  } else if (variant === 5) {
    const type = rng.pick(['file', 'file', 'block']);
    const ro = rng.chance(0.25);
    const share = rng.chance(0.5);
    const b = bus === 'fdc' ? 'virtio' : bus;
    d = {
      type,
      dev: DEV_OF[b]!,
      bus: b,
      inner: [...(ro ? ['<readonly/>'] : []), share ? "<transient shareBacking='yes'/>" : '<transient/>'],
    };
    title = `a transient ${type} disk on ${b}${ro ? ', read-only' : ''}${share ? ', sharing its backing image' : ''}`;
  } else if (variant === 6) {
    const what = rng.pick(['serial', 'vendor', 'product']);
    const value = rng.pick(['ABC123', 'data-01_a.b', 'data/01', 'ACMECORP', 'ACMECORP1', 'SuperFastDisk200', 'SuperFastDisk2000', 'a:b']);
    const b = rng.pick(machine === 'q35' ? ['scsi', 'scsi', 'sata', 'virtio'] : ['scsi', 'scsi', 'ide', 'virtio']);
    d = { dev: DEV_OF[b]!, bus: b, inner: [`<${what}>${value}</${what}>`] };
    title = `<${what}>${value}</${what}> on a ${b} disk`;
  } else {
    const shared = rng.chance(0.5);
    const format = rng.pick(['raw', 'qcow2']);
    const name = rng.pick(['qemu', 'qemu', 'tap', 'file']);
    d = {
      dev: 'vda',
      bus: 'virtio',
      inner: [...(shared ? ['<shareable/>'] : []), ...(rng.chance(0.3) ? ['<readonly/>'] : [])],
    };
    const el = diskEl(d, i).replace("<driver name='qemu' type='raw'/>", `<driver name='${name}' type='${format}'/>`);
    return { title: `driver name='${name}' type='${format}'${shared ? ', shareable' : ''}`, machine, devices: [...devs, el] };
  }
  return { title, machine, devices: [...devs, diskEl(d, i)] };
}

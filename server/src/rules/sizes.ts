/**
 * Rule family: sizes — sizes that must be powers of two (checked against libvirt 9.0 here).
 * - shmem-size-at-start: a <shmem> <size> that is not a power of two or under 1 MiB. virsh define
 *   accepts it; libvirt refuses to start the guest ("shmem size must be a power of two", "shmem
 *   size must be at least 1 MiB (1024 KiB)", qemu/qemu_command.c qemuBuildShmemCommandLine).
 *   The size is in bytes unless unit= says otherwise; k/KiB are 1024, KB is 1000 (virScaleInteger).
 * - nic-queue-size: rx_queue_size / tx_queue_size of a virtio NIC's <driver> that is not a power of
 *   two ("rx_queue_size has to be a power of two", qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefNetwork); 0 means unset, other NIC models ignore them.
 * - shmem-name-invalid: a <shmem> name with '/' or that is '.' or '..' ("shmem name cannot include
 *   '/' character", "shmem name cannot be equal to '.'", "... '..'": it names a file in /dev/shm).
 * - shmem-msi-server: a <shmem><msi> without <server> ("msi option is only supported with a server").
 */
import { parseInteger } from '../../../lib/integer';
import { attr, child, type XmlAttribute } from '../syntax/tree';
import type { Device, Interface } from '../model/types';
import { eachDeviceFindings, type Finding, type RuleFamily } from './types';

/** Bytes per unit as libvirt's virScaleInteger reads a unit; undefined for one it refuses. */
function unitScale(unit: string | undefined): bigint | undefined {
  if (unit === undefined || unit === '') {
    return 1n;
  }
  const u = unit.toLowerCase();
  if (u === 'b' || u === 'byte' || u === 'bytes') {
    return 1n;
  }
  const base = u.length === 1 || u.slice(1) === 'ib' ? 1024n : u.length === 2 && u[1] === 'b' ? 1000n : undefined;
  const power = 'kmgtpe'.indexOf(u[0]!) + 1;
  return base === undefined || power === 0 ? undefined : base ** BigInt(power);
}

const isPow2 = (n: bigint): boolean => n > 0n && (n & (n - 1n)) === 0n;

function describeBytes(n: bigint): string {
  return n % 1048576n === 0n ? `${n / 1048576n} MiB` : n % 1024n === 0n ? `${n / 1024n} KiB` : `${n} bytes`;
}

/** The nearest power of two at or above `n`, at least 1 MiB. */
function nextPow2(n: bigint): bigint {
  let p = 1048576n;
  while (p < n) {
    p *= 2n;
  }
  return p;
}

const VIRTIO_NICS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

function shmemProblems(d: Device): Finding[] {
  const findings: Finding[] = [];
  if (d.kind !== 'shmem') {
    return findings;
  }
  const name = attr(d.el, 'name');
  const nv = name?.value ?? '';
  if (name && (nv.includes('/') || nv === '.' || nv === '..')) {
    findings.push({
      code: 'shmem-name-invalid',
      message: nv.includes('/')
        ? `The shared memory name '${nv}' contains '/': it names a file in /dev/shm, so it cannot have a path separator.`
        : `The shared memory name '${nv}' names a directory, not a file in /dev/shm: pick another name.`,
      span: name.valueSpan ?? name.span,
    });
  }
  const msi = child(d.el, 'msi');
  if (msi && !child(d.el, 'server')) {
    findings.push({
      code: 'shmem-msi-server',
      message: "<msi> is for a shared memory device with a server (ivshmem-doorbell): add <server path='/tmp/socket'/> or remove <msi>.",
      span: msi.nameSpan,
    });
  }
  const size = child(d.el, 'size');
  const raw = size?.text.trim();
  if (!size || !raw || !/^[0-9]+$/.test(raw)) {
    return findings;
  }
  const scale = unitScale(attr(size, 'unit')?.value);
  if (scale === undefined) {
    return findings; // an unknown unit is the schema family's
  }
  const bytes = BigInt(raw) * scale;
  if (bytes === 0n || (isPow2(bytes) && bytes >= 1048576n)) {
    return findings;
  }
  const fixed = nextPow2(bytes);
  const span = size.textSpan ?? size.nameSpan;
  const unitAttr = attr(size, 'unit');
  findings.push({
    code: 'shmem-size-at-start',
    message:
      `A shared memory size of ${describeBytes(bytes)} is ${bytes < 1048576n ? 'under 1 MiB' : 'not a power of two'}: ` +
      `virsh define accepts it, but libvirt refuses to start the guest (at start). Use ${describeBytes(fixed)}.`,
    span,
    fixes: [
      {
        title: `Use ${describeBytes(fixed)}`,
        edits: [
          { span: size.textSpan ?? { start: size.startTagEnd, end: size.startTagEnd }, newText: String(fixed / 1048576n) },
          unitAttr
            ? { span: unitAttr.valueSpan ?? unitAttr.span, newText: "'M'" }
            : { span: { start: size.nameSpan.end, end: size.nameSpan.end }, newText: " unit='M'" },
        ],
        preferred: true,
      },
    ],
  });
  return findings;
}
function queueSizeProblems(i: Interface): Finding[] {
  const findings: Finding[] = [];
  const m = i.model?.value?.toLowerCase();
  const driver = child(i.el, 'driver');
  if (!driver || !m || !VIRTIO_NICS.has(m)) {
    return findings;
  }
  for (const name of ['rx_queue_size', 'tx_queue_size']) {
    const a: XmlAttribute | undefined = attr(driver, name);
    const n = parseInteger(a?.value, 10);
    if (!a || n === undefined || n === 0 || isPow2(BigInt(n))) {
      continue;
    }
    let p = 1;
    while (p < n) {
      p *= 2;
    }
    const down = p / 2;
    const best = down >= 1 && n - down <= p - n ? down : p;
    const span = a.valueSpan ?? a.span;
    findings.push({
      code: 'nic-queue-size',
      message: `${name}='${a.value}' is not a power of two; libvirt refuses it for a virtio NIC. Use ${best}.`,
      span,
      fixes: [{ title: `Use ${best}`, edits: [{ span, newText: `'${best}'` }], preferred: true }],
    });
  }
  return findings;
}
export const sizeRules: RuleFamily = {
  id: 'sizes',
  check(model, ctx) {
    // Each device on its own: kept per device.
    const each = (d: Device): Finding[] => (d.kind === 'shmem' ? shmemProblems(d) : d.kind === 'interface' ? queueSizeProblems(d) : []);
    return eachDeviceFindings(ctx.memo, sizeRules.id, model.devices, (d) => d.el, each);
  },
};

/**
 * Rule family: disk-sources — what the QEMU driver accepts of a disk's storage source
 * (qemu/qemu_domain.c qemuDomainValidateStorageSource, run when a domain is defined). Each checked
 * against libvirt 9.0 here:
 * - disk-source-format: "'cow' storage format is not supported", "'directory' storage format is not
 *   directly supported by QEMU, use 'dir' disk type instead", "storage format 'iso' is not directly
 *   supported by QEMU, use 'raw' instead", "storage format 'fat' is supported only with 'dir' storage
 *   type", "storage type 'dir' requires use of storage format 'fat'" (also for a dir disk with no
 *   <driver type>: the QEMU driver makes it raw).
 * - disk-source-fat-readonly: "virtual FAT storage can't be accessed in read-write mode" (a dir disk
 *   without <readonly/>; a cdrom is read-only anyway).
 * - disk-source-nfs-host: "'nfs' protocol requires the usage of exactly one host", "'nfs' host must use
 *   TCP protocol", "port cannot be specified in 'nfs' protocol host".
 * - disk-source-option: "metadata cache max size control is supported only with qcow2 images",
 *   "'tlsHostname' field is supported only with NBD disks" (network disks; the parser ignores it
 *   elsewhere).
 * - disk-source-encryption: "old qcow/qcow2 encryption is not supported" (format='qcow'), "encryption
 *   is supported only with 'raw' and 'qcow2' image format", "luks2 is currently not supported by the
 *   qemu encryption engine", "librbd encryption is supported only with RBD backed disks" (libvirt 9.0
 *   refuses it on a disk that is not a network disk).
 * Not checked: ssl verify, cookies, readahead, timeout and query on the wrong protocol; libvirt's
 * parser reads them only for the protocols that take them, so define accepts and drops them.
 * Volume disks get their format from the pool: only their explicit cow/dir/iso are judged.
 */
import { parseSizeKiB } from '../../../lib/bitmap';
import type { Disk, DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type Span, type XmlElement } from '../syntax/tree';
import type { Code } from './codes';
import { eachDeviceFindings, type Finding, type RuleContext, type RuleFamily } from './types';

const NOT_QEMU: Readonly<Record<string, string>> = {
  cow: "the QEMU driver does not take the 'cow' format",
  dir: "the 'dir' format is not for QEMU: use <disk type='dir'> with type='fat'",
  iso: "QEMU reads an ISO image as 'raw': use type='raw'",
};

function checkDisk(d: Disk, findings: Finding[]): void {
  const say = (code: Code, message: string, span: Span): void => {
    findings.push({ code, message, span });
  };
  const typeAttr = d.driver && attr(d.driver, 'type');
  const written = typeAttr?.value;
  const typeSpan: Span = typeAttr?.valueSpan ?? d.driver?.nameSpan ?? d.el.nameSpan;
  const diskType = d.diskType ?? 'file';
  const volume = diskType === 'volume';
  // The QEMU driver makes a disk without <driver type> raw (a volume takes its pool's format).
  const format = written ?? (volume ? undefined : 'raw');

  const hint = written !== undefined ? NOT_QEMU[written] : undefined;
  if (hint) {
    say('disk-source-format', `Disk format '${written}': ${hint}.`, typeSpan);
  } else if (written === 'fat' && !volume && diskType !== 'dir') {
    say(
      'disk-source-format',
      `The 'fat' format is only for <disk type='dir'> (a directory shown as a FAT disk), not for a ${diskType} disk.`,
      typeSpan
    );
  } else if (diskType === 'dir') {
    if (format !== 'fat') {
      say(
        'disk-source-format',
        written
          ? `A <disk type='dir'> is a directory shown as a FAT disk: its format must be 'fat', not '${written}'.`
          : "A <disk type='dir'> needs <driver name='qemu' type='fat'/>: without it the QEMU driver takes it as raw and refuses it.",
        typeSpan
      );
    } else if (!child(d.el, 'readonly') && d.device !== 'cdrom') {
      say(
        'disk-source-fat-readonly',
        'A directory shown as a FAT disk can only be read: add <readonly/> to the disk.',
        d.source?.nameSpan ?? d.el.nameSpan
      );
    }
  }

  const src = d.source;
  const protocol = src && attrValue(src, 'protocol');
  if (src && diskType === 'network' && protocol === 'nfs') {
    const hosts = childrenNamed(src, 'host');
    const first = hosts[0];
    if (hosts.length !== 1) {
      say('disk-source-nfs-host', `An nfs disk takes exactly one <host>, not ${hosts.length}.`, (hosts[1] ?? src).nameSpan);
    } else if (first && (attrValue(first, 'transport') ?? 'tcp') !== 'tcp') {
      const t = attr(first, 'transport')!;
      say('disk-source-nfs-host', `An nfs host is reached over TCP, not '${t.value}'.`, t.valueSpan ?? t.span);
    } else if (first && attr(first, 'port') && attrValue(first, 'port') !== '0') {
      const p = attr(first, 'port')!;
      say('disk-source-nfs-host', 'An nfs host takes no port: libvirt refuses one.', p.valueSpan ?? p.span);
    }
  }

  const maxSize = d.driver && child(d.driver, 'metadata_cache');
  const max = maxSize && child(maxSize, 'max_size');
  const kib = max ? parseSizeKiB(max.text, attrValue(max, 'unit') ?? 'bytes') : undefined;
  if (max && kib !== undefined && kib > 0 && !volume && format !== 'qcow2') {
    say('disk-source-option', `A metadata cache size is only for qcow2 images, not ${format}.`, max.nameSpan);
  }

  const tls = src && attr(src, 'tlsHostname');
  if (tls && diskType === 'network' && protocol !== 'nbd') {
    say('disk-source-option', `tlsHostname is only for NBD disks, not ${protocol ?? 'this'} one.`, tls.valueSpan ?? tls.span);
  }

  const enc = (src && child(src, 'encryption')) ?? child(d.el, 'encryption');
  if (enc) {
    checkEncryption(enc, diskType, volume ? undefined : format, say);
  }
}

function checkEncryption(
  enc: XmlElement,
  diskType: string,
  format: string | undefined,
  say: (code: Code, message: string, span: Span) => void
): void {
  const fmt = attr(enc, 'format');
  const engine = attrValue(enc, 'engine') ?? 'qemu';
  const span = fmt?.valueSpan ?? enc.nameSpan;
  if (fmt?.value === 'qcow') {
    say('disk-source-encryption', "The old qcow encryption is not supported by the QEMU driver: use format='luks'.", span);
  } else if (engine === 'qemu' && fmt?.value === 'luks2') {
    say('disk-source-encryption', "luks2 needs engine='librbd': QEMU's own encryption engine does not do luks2.", span);
  } else if (engine === 'qemu' && fmt?.value === 'luks' && format !== undefined && format !== 'raw' && format !== 'qcow2') {
    say('disk-source-encryption', `QEMU encrypts raw and qcow2 images only, not ${format}.`, span);
  } else if (engine === 'librbd' && diskType !== 'network') {
    const e = attr(enc, 'engine')!;
    say('disk-source-encryption', `librbd encryption is for RBD network disks, not a ${diskType} disk.`, e.valueSpan ?? e.span);
  }
}

function check(model: DomainModel, ctx: RuleContext): Finding[] {
  return eachDeviceFindings(
    ctx.memo,
    diskSourceRules.id,
    model.disks,
    (d) => d.el,
    (d) => {
      const found: Finding[] = [];
      checkDisk(d, found);
      return found;
    }
  );
}

export const diskSourceRules: RuleFamily = { id: 'disk-sources', check };

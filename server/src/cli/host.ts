/**
 * libvirt-lint and the host the files are checked against: `snapshot-host --connect URI DIR`
 * writes a snapshot folder; `--host-snapshot DIR` or a single `--connect URI` gives the checks a
 * HostProfile, with the domcapabilities the files need read before linting (one virsh process).
 */
import * as fs from 'node:fs';
import type { DomcapsKey } from '../host/match';
import type { HostProfile } from '../host/profile';
import { HostSource, loadSnapshot, writeSnapshot } from '../host/source';

/** The keys to read for a snapshot: each arch and virt type's default machine, and q35 for x86. */
function snapshotKeys(profile: HostProfile): DomcapsKey[] {
  const keys: DomcapsKey[] = [];
  for (const g of profile.capabilities?.guests ?? []) {
    if (g.osType !== 'hvm') {
      continue;
    }
    for (const d of g.domains) {
      keys.push({ arch: g.arch, virtType: d.type });
      if ((g.arch === 'x86_64' || g.arch === 'i686') && g.machines.some((m) => m.name === 'q35')) {
        keys.push({ arch: g.arch, virtType: d.type, machine: 'q35' });
      }
    }
  }
  return keys;
}

/** `libvirt-lint snapshot-host --connect URI DIR`: 0 written, 2 the host could not be read or the folder written. */
export async function snapshotHost(uri: string, dir: string, opts: { virsh?: string; timeoutMs: number }): Promise<number> {
  try {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      process.stderr.write(`libvirt-lint: ${dir} is not empty: give a new or empty folder for the snapshot\n`);
      return 2;
    }
    const source = new HostSource({ uri }, { ...(opts.virsh ? { virsh: opts.virsh } : {}), timeoutMs: opts.timeoutMs });
    const first = await source.get();
    const got = first.ok ? await source.ensureDomcaps(snapshotKeys(first.profile)) : first;
    if (!got.ok) {
      process.stderr.write(`libvirt-lint: snapshot of ${uri}: ${got.error}\n`);
      return 2;
    }
    const profile = got.profile;
    await writeSnapshot(profile, dir);
    const nodedevs = Object.keys(profile.raw?.nodedev ?? {}).length;
    process.stderr.write(
      `libvirt-lint: wrote ${dir}: ${profile.libvirtVersion ? `libvirt ${profile.libvirtVersion}, ` : ''}` +
        `${profile.hypervisor ? `${profile.hypervisor.name} ${profile.hypervisor.version}, ` : ''}` +
        `${profile.domcaps.length} domcapabilities, ${nodedevs} node devices (${profile.pci.length} PCI, ${profile.usb.length} USB, ${profile.net.length} network), ` +
        `${profile.domains?.length ?? 0} domains\n`
    );
    return 0;
  } catch (e) {
    process.stderr.write(`libvirt-lint: snapshot of ${uri}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

/**
 * The host files are checked against: a snapshot folder, or one live connection (its domains are
 * not read here: fleet mode reads them). Keys are the domcapabilities the files need. A host that
 * cannot be read gives a problem line, and the files are checked without it.
 */
export async function hostForFiles(
  where: { snapshot: string } | { uri: string },
  keys: readonly DomcapsKey[],
  opts: { virsh?: string; timeoutMs: number }
): Promise<{ host?: HostProfile; problem?: string }> {
  if ('snapshot' in where) {
    try {
      return { host: await loadSnapshot(where.snapshot) };
    } catch (e) {
      return { problem: `${(e as Error).message}; files checked without a host` };
    }
  }
  const source = new HostSource(where, { ...(opts.virsh ? { virsh: opts.virsh } : {}), timeoutMs: opts.timeoutMs, domains: false });
  const got = await source.ensureDomcaps(keys);
  return got.ok ? { host: got.profile } : { problem: `${where.uri}: ${got.error}; files checked without its host checks` };
}

/**
 * Where a HostProfile comes from: a live connection (virsh with argument arrays, a few processes,
 * each with a timeout) or a snapshot folder (layout in profile.ts), and back to a folder. The I/O
 * edge of host awareness; parse.ts and match.ts are the pure part.
 *
 * For an editor: one `HostSource` per configured host. `get()` reads once and caches;
 * `current()` never waits (undefined until the first read is done, so a keystroke never waits on
 * a host); `ensureDomcaps(keys)` adds the domcapabilities a document needs; `refresh()` reads
 * again. Failures are values (`{ ok: false, error }`), never a hang.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { domcapsFileName, type DomcapsKey, hasExactDomcaps } from './match';
import { parseCapabilities, parseDomainCapabilities, parseDomainIdentity, parseNodeDevice, parseVersion } from './parse';
import type { HostDomain, HostProfile, HostRaw } from './profile';
import { runVirsh, runVirshBatch, VirshError, type VirshOptions } from './virsh';

export type HostResult = { ok: true; profile: HostProfile } | { ok: false; error: string };

export interface LiveHostOptions extends VirshOptions {
  /** Read the domains defined on the host (names, states, inactive XML); default true. */
  domains?: boolean;
  /** domcapabilities to read now (more later with HostSource.ensureDomcaps). */
  domcaps?: readonly DomcapsKey[];
  /** Commands per virsh process for node devices and domains (default 400). */
  chunk?: number;
}

/** An empty profile to fill. */
function emptyProfile(label: string, source: HostProfile['source']): HostProfile {
  return { label, source, domcaps: [], pci: [], usb: [], net: [], raw: { domcaps: {}, nodedev: {} } };
}

function addNodeDevice(profile: HostProfile, name: string, xml: string): void {
  profile.raw!.nodedev[name] = xml;
  const d = parseNodeDevice(xml);
  if (d?.kind === 'pci') {
    profile.pci.push(d.device);
  } else if (d?.kind === 'usb') {
    profile.usb.push(d.device);
  } else if (d?.kind === 'net') {
    profile.net.push(d.device);
  }
}

/**
 * Adds one domcapabilities document. Read live (`key` given), it is filed under the machine
 * libvirt answered with (q35 -> kvm-x86_64-pc-q35-7.2.xml), so asking for an alias and its
 * canonical name keeps one copy; from a snapshot, under its file name.
 */
function addDomcaps(profile: HostProfile, key: DomcapsKey | undefined, file: string | undefined, xml: string): boolean {
  const dc = parseDomainCapabilities(xml);
  if (!dc) {
    return false;
  }
  // A file named VIRTTYPE-ARCH.xml was read without --machine.
  const isDefault = key ? key.machine === undefined : file === domcapsFileName({ virtType: dc.domainType, arch: dc.arch });
  const name =
    file ?? domcapsFileName({ virtType: dc.domainType, arch: dc.arch, ...(key?.machine && dc.machine ? { machine: dc.machine } : {}) });
  if (profile.raw!.domcaps[name] !== undefined) {
    return true;
  }
  profile.domcaps.push(isDefault ? { ...dc, isDefault } : dc);
  profile.raw!.domcaps[name] = xml;
  return true;
}

function domcapsArgs(key: DomcapsKey): string[] {
  return ['domcapabilities', '--virttype', key.virtType, '--arch', key.arch, ...(key.machine ? ['--machine', key.machine] : [])];
}

/** Reads domcapabilities for the keys (one virsh process) into the profile; returns the keys virsh refused. */
async function readDomcaps(uri: string, profile: HostProfile, keys: readonly DomcapsKey[], opts: VirshOptions): Promise<DomcapsKey[]> {
  const outs = await runVirshBatch(uri, keys.map(domcapsArgs), opts);
  const refused: DomcapsKey[] = [];
  keys.forEach((k, i) => {
    const xml = outs[i];
    if (!xml || !addDomcaps(profile, k, undefined, xml)) {
      refused.push(k);
    }
  });
  return refused;
}

/**
 * Reads a host through `virsh -c URI`: version, capabilities, every node device (one virsh
 * process per `chunk` devices), the domains with their state and inactive XML, and the
 * domcapabilities asked for. Rejects with a VirshError when the host cannot be reached.
 */
export async function readLiveHost(uri: string, opts: LiveHostOptions = {}): Promise<HostProfile> {
  const vopts: VirshOptions = { ...(opts.virsh ? { virsh: opts.virsh } : {}), timeoutMs: opts.timeoutMs ?? 15_000 };
  const profile = emptyProfile(uri, { kind: 'connection', uri });
  profile.takenAt = new Date().toISOString();
  const wantDomains = opts.domains !== false;
  const [version, caps, devList, domList] = await runVirshBatch(
    uri,
    [['version'], ['capabilities'], ['nodedev-list'], ...(wantDomains ? [['list', '--all', '--name']] : [])],
    vopts
  );
  if (caps === undefined) {
    // The batch goes on after a failed command: say why capabilities failed, with virsh's own words.
    await runVirsh(uri, ['capabilities'], vopts);
    throw new VirshError(`virsh capabilities on ${uri} printed nothing`);
  }
  if (version) {
    profile.raw!.version = version;
    Object.assign(profile, parseVersion(version));
  }
  profile.raw!.capabilities = caps;
  profile.capabilities = parseCapabilities(caps);
  const lines = (s: string | undefined): string[] =>
    (s ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const devices = lines(devList);
  const domains = lines(domList);
  const chunk = Math.max(1, opts.chunk ?? 400);
  const commands: string[][] = [
    ...devices.map((d) => ['nodedev-dumpxml', '--', d]),
    ...domains.flatMap((d) => [
      ['domstate', '--', d],
      ['dumpxml', '--inactive', '--', d],
    ]),
  ];
  const outs: (string | undefined)[] = [];
  for (let i = 0; i < commands.length; i += chunk) {
    outs.push(...(await runVirshBatch(uri, commands.slice(i, i + chunk), vopts)));
  }
  devices.forEach((d, i) => {
    const xml = outs[i];
    if (xml) {
      addNodeDevice(profile, d, xml);
    }
  });
  if (wantDomains) {
    profile.domains = domains.map((name, k): HostDomain => {
      const state = outs[devices.length + 2 * k]?.trim();
      const xml = outs[devices.length + 2 * k + 1];
      const id = xml ? parseDomainIdentity(xml) : undefined;
      return { name, ...(id?.uuid ? { uuid: id.uuid } : {}), ...(state ? { state } : {}), ...(xml ? { xml } : {}) };
    });
  }
  if (opts.domcaps && opts.domcaps.length > 0) {
    await readDomcaps(uri, profile, opts.domcaps, vopts);
  }
  return profile;
}

function readIf(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
}

function xmlFilesIn(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw e;
  }
}

/**
 * Reads a snapshot folder (layout in profile.ts). Every part may be missing; a folder that does
 * not exist or holds none of the parts rejects with an Error that says so.
 */
export async function loadSnapshot(dir: string): Promise<HostProfile> {
  await Promise.resolve();
  return loadSnapshotSync(dir);
}

/** loadSnapshot without the promise, for callers that cannot wait (tests, a CLI set-up step); throws the same errors. */
export function loadSnapshotSync(dir: string): HostProfile {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`host snapshot ${dir}: no such folder`);
  }
  let meta: { uri?: string; takenAt?: string; libvirt?: string; hypervisor?: { name: string; version: string } } = {};
  const hostJson = readIf(path.join(dir, 'host.json'));
  if (hostJson !== undefined) {
    try {
      meta = JSON.parse(hostJson) as typeof meta;
    } catch (e) {
      throw new Error(`host snapshot ${dir}: host.json is not JSON (${(e as Error).message})`);
    }
  }
  const label = `snapshot ${dir}${meta.uri ? ` (of ${meta.uri})` : ''}`;
  const profile = emptyProfile(label, { kind: 'snapshot', dir, ...(meta.uri ? { uri: meta.uri } : {}) });
  if (meta.takenAt) {
    profile.takenAt = meta.takenAt;
  }
  const version = readIf(path.join(dir, 'version.txt'));
  if (version !== undefined) {
    profile.raw!.version = version;
    Object.assign(profile, parseVersion(version));
  }
  // host.json wins over version.txt: a user may state the versions of a host whose version.txt is missing.
  if (meta.libvirt) {
    profile.libvirtVersion = meta.libvirt;
  }
  if (meta.hypervisor) {
    profile.hypervisor = meta.hypervisor;
  }
  const caps = readIf(path.join(dir, 'capabilities.xml'));
  if (caps !== undefined) {
    profile.raw!.capabilities = caps;
    profile.capabilities = parseCapabilities(caps);
  }
  const dcDir = path.join(dir, 'domcapabilities');
  for (const f of xmlFilesIn(dcDir)) {
    addDomcaps(profile, undefined, f, fs.readFileSync(path.join(dcDir, f), 'utf8'));
  }
  const ndDir = path.join(dir, 'nodedev');
  for (const f of xmlFilesIn(ndDir)) {
    addNodeDevice(profile, f.replace(/\.xml$/, ''), fs.readFileSync(path.join(ndDir, f), 'utf8'));
  }
  const domDir = path.join(dir, 'domains');
  const list = readIf(path.join(dir, 'domains.json'));
  const listed = list !== undefined ? (JSON.parse(list) as HostDomain[]) : undefined;
  const domFiles = xmlFilesIn(domDir);
  if (listed || domFiles.length > 0) {
    const byName = new Map<string, HostDomain>((listed ?? []).map((d) => [d.name, { ...d }]));
    for (const f of domFiles) {
      const xml = fs.readFileSync(path.join(domDir, f), 'utf8');
      const id = parseDomainIdentity(xml);
      const name = id?.name ?? f.replace(/\.xml$/, '');
      const d = byName.get(name) ?? { name };
      byName.set(name, { ...d, ...(id?.uuid && !d.uuid ? { uuid: id.uuid } : {}), xml });
    }
    profile.domains = [...byName.values()];
  }
  if (
    caps === undefined &&
    profile.domcaps.length === 0 &&
    Object.keys(profile.raw!.nodedev).length === 0 &&
    !profile.domains &&
    !version
  ) {
    throw new Error(`host snapshot ${dir}: none of capabilities.xml, domcapabilities/, nodedev/, domains/, version.txt is there`);
  }
  return profile;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Writes a profile read live (it keeps virsh's text in `raw`) as a snapshot folder, creating it. */
export async function writeSnapshot(profile: HostProfile, dir: string): Promise<void> {
  await Promise.resolve();
  const raw: HostRaw = profile.raw ?? { domcaps: {}, nodedev: {} };
  fs.mkdirSync(dir, { recursive: true });
  const uri = profile.source.kind === 'connection' ? profile.source.uri : profile.source.uri;
  const meta = {
    ...(uri ? { uri } : {}),
    ...(profile.takenAt ? { takenAt: profile.takenAt } : {}),
    ...(profile.libvirtVersion ? { libvirt: profile.libvirtVersion } : {}),
    ...(profile.hypervisor ? { hypervisor: profile.hypervisor } : {}),
  };
  fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify(meta, null, 2) + '\n');
  if (raw.version) {
    fs.writeFileSync(path.join(dir, 'version.txt'), raw.version);
  }
  if (raw.capabilities) {
    fs.writeFileSync(path.join(dir, 'capabilities.xml'), raw.capabilities);
  }
  const sub = (name: string, files: Record<string, string>): void => {
    const entries = Object.entries(files);
    if (entries.length === 0) {
      return;
    }
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    for (const [f, text] of entries) {
      fs.writeFileSync(path.join(dir, name, safeFileName(f)), text);
    }
  };
  sub('domcapabilities', raw.domcaps);
  sub('nodedev', Object.fromEntries(Object.entries(raw.nodedev).map(([n, x]) => [`${n}.xml`, x])));
  if (profile.domains) {
    sub('domains', Object.fromEntries(profile.domains.filter((d) => d.xml).map((d) => [`${d.name}.xml`, d.xml!])));
    const list = profile.domains.map((d) => ({
      name: d.name,
      ...(d.uuid ? { uuid: d.uuid } : {}),
      ...(d.state ? { state: d.state } : {}),
    }));
    fs.writeFileSync(path.join(dir, 'domains.json'), JSON.stringify(list, null, 2) + '\n');
  }
}

export interface HostSourceOptions extends VirshOptions {
  /** Read domains too (default true). */
  domains?: boolean;
}

/**
 * One host, live (`{ uri }`) or from a snapshot (`{ snapshot }`), read once and cached. Safe to
 * call from many places at once: concurrent calls share one read.
 */
export class HostSource {
  private profile: HostProfile | undefined;
  private failure: string | undefined;
  private pending: Promise<HostResult> | undefined;
  /** domcapabilities keys already asked of the live host (answered or refused), by file name. */
  private readonly asked = new Set<string>();

  constructor(
    readonly where: { uri: string } | { snapshot: string },
    private readonly opts: HostSourceOptions = {}
  ) {}

  /** A label for messages and a status bar: the URI or "snapshot DIR". */
  get label(): string {
    return 'uri' in this.where ? this.where.uri : `snapshot ${this.where.snapshot}`;
  }

  /** The profile read last, without waiting; undefined before the first read ends or after it failed. */
  current(): HostProfile | undefined {
    return this.profile;
  }

  /** The last failure, if the last read failed. */
  lastError(): string | undefined {
    return this.failure;
  }

  /** The cached profile, reading it first if it was never read (a failed read is tried again). */
  get(): Promise<HostResult> {
    if (this.profile) {
      return Promise.resolve({ ok: true, profile: this.profile });
    }
    return this.read();
  }

  /** Reads the host again (drops the cache, domcapabilities included, when the read succeeds). */
  refresh(): Promise<HostResult> {
    return this.read();
  }

  private read(): Promise<HostResult> {
    this.pending ??= (async (): Promise<HostResult> => {
      try {
        const p =
          'uri' in this.where
            ? await readLiveHost(this.where.uri, { ...this.opts, domains: this.opts.domains !== false })
            : await loadSnapshot(this.where.snapshot);
        this.profile = p;
        this.failure = undefined;
        this.asked.clear();
        return { ok: true, profile: p };
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
        return { ok: false, error: this.failure };
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /**
   * Makes sure the profile holds domcapabilities for these keys, reading the missing ones from a
   * live host in one virsh process (a key virsh refuses, e.g. a machine the host lacks, is not
   * asked again until refresh()). A snapshot has what it has. The profile returned is a new
   * object when something was added.
   */
  async ensureDomcaps(keys: readonly DomcapsKey[]): Promise<HostResult> {
    const got = await this.get();
    if (!got.ok || !('uri' in this.where)) {
      return got;
    }
    const uri = this.where.uri;
    const missing = keys.filter((k, i) => {
      const f = domcapsFileName(k);
      return !this.asked.has(f) && !hasExactDomcaps(got.profile, k) && keys.findIndex((x) => domcapsFileName(x) === f) === i;
    });
    if (missing.length === 0) {
      return got;
    }
    const next: HostProfile = {
      ...got.profile,
      domcaps: [...got.profile.domcaps],
      raw: { ...got.profile.raw!, domcaps: { ...got.profile.raw!.domcaps } },
    };
    try {
      await readDomcaps(uri, next, missing, {
        ...(this.opts.virsh ? { virsh: this.opts.virsh } : {}),
        timeoutMs: this.opts.timeoutMs ?? 15_000,
      });
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    for (const k of missing) {
      this.asked.add(domcapsFileName(k));
    }
    if (this.profile === got.profile) {
      this.profile = next;
    }
    return { ok: true, profile: next };
  }
}

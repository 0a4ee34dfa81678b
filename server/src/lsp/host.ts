/**
 * The language server's host (libvirt.hostAware): which HostSource the open files are judged
 * against, read in the background once the settings are known, never on a keystroke's path.
 *
 * - 'connection': `virsh -c libvirt.connectionUri`, only when the client is trusted and virsh is
 *   found; 'snapshot': the folder libvirt.hostSnapshot; 'off': no host.
 * - One HostSource per (mode, uri or folder), kept, so switching back and forth reads nothing again.
 * - A slow or dead host is a status with its error (logged once per read); the features work as
 *   without a host meanwhile.
 * - `onChange` is called when the profile in use changes (first read, refresh, domcapabilities
 *   added, another host chosen): the server re-lints and refreshes its hints then.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { domcapsFileName, type DomcapsKey } from '../host/match';
import type { HostProfile } from '../host/profile';
import { HostSource } from '../host/source';
import type { Settings } from './settings';

/** Sent to the client as `libvirt/hostStatus` whenever it changes. */
export interface HostStatus {
  state: 'off' | 'loading' | 'ready' | 'error';
  /** Short: "qemu:///system", "snapshot sriov-iommu", "no host". */
  label: string;
  /** One or two lines for a tooltip: where the host comes from, what it holds, or why there is none. */
  detail: string;
}

export const HOST_STATUS_NOTIFICATION = 'libvirt/hostStatus';

/** True when `exe` (a name looked up on PATH, or a path) is an executable file. */
function findExecutable(exe: string, envPath = process.env.PATH ?? ''): boolean {
  const ok = (f: string): boolean => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (exe.includes('/')) {
    return ok(exe);
  }
  return envPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((d) => ok(path.join(d, exe)));
}

interface HostHolderOptions {
  log: (message: string) => void;
  onChange: (profile: HostProfile | undefined) => void;
  onStatus: (status: HostStatus) => void;
  /** Timeout of one virsh run for a live host (default 15 s). */
  timeoutMs?: number;
}

function describe(p: HostProfile): string {
  const parts = [
    p.libvirtVersion ? `libvirt ${p.libvirtVersion}` : undefined,
    p.hypervisor ? `${p.hypervisor.name} ${p.hypervisor.version}` : undefined,
    p.capabilities?.arch,
    `${p.pci.length} PCI and ${p.usb.length} USB devices`,
    p.domains ? `${p.domains.length} domain${p.domains.length === 1 ? '' : 's'}` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

export class HostHolder {
  private readonly sources = new Map<string, HostSource>();
  private active: HostSource | undefined;
  /** Why there is no host when `active` is undefined. */
  private why = 'libvirt.hostAware is off';
  private shown: HostProfile | undefined;
  private status: HostStatus = { state: 'off', label: 'no host', detail: this.why };
  private generation = 0;
  /** domcapabilities already asked of each source since its last read (file names), so a keystroke asks nothing twice. */
  private readonly requested = new WeakMap<HostSource, Set<string>>();

  constructor(private readonly opts: HostHolderOptions) {}

  /** The profile in use, without waiting (undefined while none is read). */
  current(): HostProfile | undefined {
    return this.active?.current();
  }

  /**
   * Chooses the host for these settings and starts reading it in the background if it was never
   * read. `trusted`: the client allows running virsh; `roots`: workspace folders (a relative
   * snapshot folder is taken from the first).
   */
  configure(s: Settings, env: { trusted: boolean; roots: readonly string[] }): void {
    let key: string | undefined;
    let make: (() => HostSource) | undefined;
    if (s.hostAware === 'connection') {
      if (!env.trusted) {
        this.why = 'the workspace is not trusted: virsh is not run';
      } else if (!findExecutable(s.virshPath)) {
        this.why = `virsh (${s.virshPath}) was not found`;
      } else {
        key = `connection ${s.virshPath} ${s.connectionUri}`;
        make = () => new HostSource({ uri: s.connectionUri }, { virsh: s.virshPath, timeoutMs: this.opts.timeoutMs ?? 15_000 });
      }
    } else if (s.hostAware === 'snapshot') {
      if (!s.hostSnapshot) {
        this.why = 'libvirt.hostAware is snapshot but libvirt.hostSnapshot names no folder';
      } else {
        const dir = path.isAbsolute(s.hostSnapshot) || env.roots.length === 0 ? s.hostSnapshot : path.join(env.roots[0]!, s.hostSnapshot);
        key = `snapshot ${dir}`;
        make = () => new HostSource({ snapshot: dir });
      }
    } else {
      this.why = 'libvirt.hostAware is off';
    }
    const next = key === undefined ? undefined : (this.sources.get(key) ?? this.sources.set(key, make!()).get(key)!);
    if (next === this.active && (next || this.status.state === 'off')) {
      if (!next) {
        this.setStatus({ state: 'off', label: 'no host', detail: this.why });
      }
      return;
    }
    this.active = next;
    this.generation++;
    if (!next) {
      this.setStatus({ state: 'off', label: 'no host', detail: this.why });
      this.changed();
      return;
    }
    if (next.current()) {
      this.ready(next);
      this.changed();
      return;
    }
    void this.load(next, false);
  }

  /** Reads the host in use again (the libvirt.refreshHost command). */
  async refresh(): Promise<HostStatus> {
    if (!this.active) {
      return this.status;
    }
    await this.load(this.active, true);
    return this.status;
  }

  /**
   * Adds the domcapabilities these (arch, virt type, machine) need, in the background (a live
   * host only; a snapshot has what it has). onChange when something was added.
   */
  prefetch(keys: readonly DomcapsKey[]): void {
    const src = this.active;
    if (!src || !src.current() || keys.length === 0 || !('uri' in src.where)) {
      return;
    }
    const asked = this.requested.get(src) ?? this.requested.set(src, new Set()).get(src)!;
    const fresh = keys.filter((k) => !asked.has(domcapsFileName(k)));
    if (fresh.length === 0) {
      return;
    }
    fresh.forEach((k) => asked.add(domcapsFileName(k)));
    const gen = this.generation;
    void src.ensureDomcaps(fresh).then((r) => {
      if (!r.ok) {
        this.opts.log(`host ${src.label}: domcapabilities not read: ${r.error}`);
      } else if (gen === this.generation && src === this.active) {
        this.changed();
      }
    });
  }

  private async load(src: HostSource, again: boolean): Promise<void> {
    const gen = this.generation;
    this.setStatus({ state: 'loading', label: src.label, detail: `reading ${src.label}…` });
    const t0 = performance.now();
    const r = again ? await src.refresh() : await src.get();
    this.requested.delete(src);
    if (gen !== this.generation || src !== this.active) {
      return; // another host was chosen meanwhile
    }
    if (!r.ok) {
      this.opts.log(`host ${src.label} could not be read, files are judged without a host: ${r.error}`);
      this.setStatus({ state: 'error', label: src.label, detail: r.error });
    } else {
      this.opts.log(`host ${src.label} read in ${Math.round(performance.now() - t0)} ms: ${describe(r.profile)}`);
      this.ready(src);
    }
    this.changed();
  }

  private ready(src: HostSource): void {
    const p = src.current()!;
    const label = 'snapshot' in src.where ? `snapshot ${path.basename(src.where.snapshot)}` : src.where.uri;
    this.setStatus({ state: 'ready', label, detail: `${p.label}: ${describe(p)}${p.takenAt ? ` (read ${p.takenAt})` : ''}` });
  }

  private changed(): void {
    const now = this.current();
    if (now !== this.shown) {
      this.shown = now;
      this.opts.onChange(now);
    }
  }

  private setStatus(s: HostStatus): void {
    this.status = s;
    this.opts.onStatus(s);
  }
}

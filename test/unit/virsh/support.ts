/**
 * Helpers for the tests of the virsh module: is virsh here, marked XML («...» around the places a
 * libvirt error must point at), and a real daemon when one can be had.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../support/paths';

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' }).status === 0;
}

export const HAVE_VIRSH = hasCommand('virsh');
export const NO_VIRSH = HAVE_VIRSH ? false : 'virsh is not installed (scripts/setup/system-deps.sh libvirt)';

export interface Marked {
  text: string;
  /** The marked spans, in order. */
  spans: { start: number; end: number; text: string }[];
}

/** Removes «» markers and returns where they were. */
export function marked(src: string): Marked {
  const spans: Marked['spans'] = [];
  let text = '';
  let open = -1;
  for (const ch of src) {
    if (ch === '«') {
      open = text.length;
    } else if (ch === '»') {
      spans.push({ start: open, end: text.length, text: text.slice(open, text.length) });
    } else {
      text += ch;
    }
  }
  return { text, spans };
}

/** A minimal domain around the given devices (test:///default accepts type kvm). */
export function domainXml(name: string, devices: string, extra = '', machine = 'pc'): string {
  return `<domain type='kvm'>
  <name>${name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='${machine}'>hvm</type>
  </os>${extra}
  <devices>
${devices}
  </devices>
</domain>
`;
}

export function writeTemp(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const QEMU = 'qemu:///system';
const DAEMON_SCRIPT = path.join(REPO, 'scripts', 'setup', 'libvirt-daemon.sh');

function qemuAnswers(): boolean {
  return spawnSync('virsh', ['-q', '-c', QEMU, 'version'], { encoding: 'utf8', timeout: 15_000 }).status === 0;
}

/**
 * qemu:///system, starting libvirtd with scripts/setup/libvirt-daemon.sh when we are root and it
 * does not answer. Returns a skip reason when there is no daemon to be had. A daemon started here
 * is left running (other suites use it; `scripts/setup/libvirt-daemon.sh stop` stops it).
 */
export function ensureQemuDaemon(): string | false {
  if (!HAVE_VIRSH) {
    return NO_VIRSH;
  }
  if (qemuAnswers()) {
    return false;
  }
  if (process.getuid?.() !== 0 || !fs.existsSync(DAEMON_SCRIPT)) {
    return `${QEMU} does not answer and starting libvirtd needs root (sudo scripts/setup/libvirt-daemon.sh start)`;
  }
  const r = spawnSync('bash', [DAEMON_SCRIPT, 'start'], { encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0 || !qemuAnswers()) {
    return `could not start libvirtd: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`;
  }
  return false;
}

/**
 * A virsh that holds /tmp/libvirt-daemon.lock while it runs (a wrapper script in a temporary
 * folder), for tests that define or undefine on the shared qemu:///system.
 */
export function lockedVirshPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-locked-virsh-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'virsh');
  fs.writeFileSync(file, '#!/bin/sh\nexec flock /tmp/libvirt-daemon.lock virsh "$@"\n', { mode: 0o755 });
  return file;
}

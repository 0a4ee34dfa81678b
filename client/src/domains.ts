/**
 * Live domains through virsh, for the libvirt view and the libvirt-domain: documents: list with
 * state, inactive XML, UUID, start, shut down, undefine, define from text. Argument arrays only
 * (virsh.ts runs them); no vscode import, so it is unit-tested against the real virsh.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineDomain, isTestUri, virsh, VirshError, type VirshOptions } from './virsh';

export interface DomainInfo {
  name: string;
  /** "running", "shut off", "paused"... as virsh prints it. */
  state: string;
  /** The running domain's id, undefined when it is not running. */
  id?: number;
}

/** `virsh list --all`: every domain with its state. */
export async function listDomainStates(opts: VirshOptions): Promise<DomainInfo[]> {
  const r = await virsh(['list', '--all'], opts);
  const out: DomainInfo[] = [];
  let body = false;
  for (const line of r.stdout.split(/\r?\n/)) {
    if (/^-{3,}/.test(line.trim())) {
      body = true;
      continue;
    }
    const m = body ? /^\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$/.exec(line) : null;
    if (m) {
      out.push({ name: m[2]!, state: m[3]!, id: m[1] === '-' ? undefined : Number(m[1]) });
    }
  }
  return out;
}

/** `virsh dumpxml --inactive NAME`: the domain's definition (what `virsh edit` edits). */
export async function inactiveXml(name: string, opts: VirshOptions): Promise<string> {
  return (await virsh(['dumpxml', '--inactive', '--domain', name], opts)).stdout;
}

export async function domainUuid(name: string, opts: VirshOptions): Promise<string> {
  return (await virsh(['domuuid', '--domain', name], opts)).stdout.trim();
}

export async function startDomain(name: string, opts: VirshOptions): Promise<void> {
  await virsh(['start', '--domain', name], opts);
}

export async function shutdownDomain(name: string, opts: VirshOptions): Promise<void> {
  await virsh(['shutdown', '--domain', name], opts);
}

export async function undefineDomain(name: string, opts: VirshOptions): Promise<void> {
  await virsh(['undefine', '--domain', name], opts);
}

/** Defines a domain from text (through a temporary file); returns the name libvirt reports. */
export async function defineFromText(text: string, opts: VirshOptions): Promise<string | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-define-'));
  try {
    const file = path.join(dir, 'domain.xml');
    fs.writeFileSync(file, text);
    return (await defineDomain(file, opts)).name;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What libvirt stored for a domain just defined from `text`: `dumpxml --inactive`. libvirt's test
 * driver (test:///...) forgets everything when virsh exits, so there the definition is repeated
 * and dumped in one virsh session.
 */
export async function storedAfterDefine(text: string, name: string, opts: VirshOptions): Promise<string> {
  if (!isTestUri(opts.uri)) {
    return inactiveXml(name, opts);
  }
  if (!/^[\w.+:@-]+$/.test(name)) {
    throw new VirshError('libvirt', `The domain name '${name}' cannot be dumped from the test driver here.`, '');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-define-'));
  try {
    const file = path.join(dir, 'domain.xml');
    fs.writeFileSync(file, text);
    // One virsh command string (virsh's own parser, no shell): the file name is ours and plain.
    const out = (await virsh([`define --file ${file}; dumpxml --inactive --domain ${name}`], opts)).stdout;
    const start = out.indexOf('<domain');
    return start >= 0 ? out.slice(start) : out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Has the definition changed? Compared as libvirt prints it, so only a real change counts (the
 * same XML dumped twice is byte-identical; line ends and trailing blanks are ignored).
 */
export function sameDefinition(a: string, b: string): boolean {
  const n = (s: string): string =>
    s
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trim();
  return n(a) === n(b);
}

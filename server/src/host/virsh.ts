/**
 * The one place the server side talks to libvirt hosts: virsh run with an argument array (never
 * a shell), a timeout, and errors that say what to do. Used by libvirt-lint's fleet mode; the
 * host-awareness checks are to reuse it.
 */
import { execFile } from 'node:child_process';

export interface VirshOptions {
  /** The virsh executable (default: `virsh` on PATH). */
  virsh?: string;
  /** virsh is stopped after this (default 60 s). */
  timeoutMs?: number;
}

export class VirshError extends Error {}

/** Runs `virsh -c URI ARGS...` and returns its standard output; throws a VirshError with a readable reason. */
export function runVirsh(uri: string, args: readonly string[], opts: VirshOptions = {}): Promise<string> {
  const exe = opts.virsh ?? 'virsh';
  const timeout = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(
      exe,
      ['-q', '-c', uri, ...args],
      { timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.code === 'ENOENT') {
          reject(
            new VirshError(
              `${exe} not found: install libvirt-clients (Debian/Ubuntu) or libvirt-client (Fedora/RHEL), or name it with --virsh`
            )
          );
        } else if (e.killed || e.signal === 'SIGKILL') {
          reject(
            new VirshError(
              `virsh ${args[0] ?? ''} on ${uri} gave no answer within ${Math.round(timeout / 1000)} s (host down or unreachable?)`
            )
          );
        } else {
          const msg = stderr
            .split('\n')
            .map((l) => l.replace(/^error:\s*/, '').trim())
            .filter(Boolean)
            .join('; ');
          reject(new VirshError(msg || e.message));
        }
      }
    );
  });
}

/** The names of every domain defined on the host, running or not. */
export async function listDomains(uri: string, opts?: VirshOptions): Promise<string[]> {
  const out = await runVirsh(uri, ['list', '--all', '--name'], opts);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A domain's persistent configuration (what the next start uses): `dumpxml --inactive`. */
export function inactiveXml(uri: string, domain: string, opts?: VirshOptions): Promise<string> {
  return runVirsh(uri, ['dumpxml', '--inactive', '--', domain], opts);
}

/** A word for virsh's own command-line parser (single quotes, as in sh): no shell is involved. */
function virshQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The persistent XML of many domains with one virsh process per `chunk` domains (one connection,
 * instead of one process and one connection per domain). Domains virsh could not dump (removed
 * meanwhile...) are read again one by one, so their entry holds virsh's own error.
 */
export async function inactiveXmls(
  uri: string,
  domains: readonly string[],
  opts?: VirshOptions & { chunk?: number }
): Promise<Map<string, string | VirshError>> {
  const out = new Map<string, string | VirshError>();
  const chunk = Math.max(1, opts?.chunk ?? 50);
  for (let i = 0; i < domains.length; i += chunk) {
    const part = domains.slice(i, i + chunk);
    const mark = (k: number): string => `@@libvirt-lint-${process.pid}-${k}@@`;
    const script = part.map((d, k) => `echo ${mark(k)}; dumpxml --inactive -- ${virshQuote(d)}`).join('; ') + `; echo ${mark(part.length)}`;
    const stdout = await runVirsh(uri, [script], opts);
    for (let k = 0; k < part.length; k++) {
      const from = stdout.indexOf(mark(k));
      const to = stdout.indexOf(mark(k + 1), from);
      const xml = from >= 0 && to >= 0 ? stdout.slice(from + mark(k).length, to).trim() : '';
      if (xml.startsWith('<')) {
        out.set(part[k]!, xml + '\n');
      }
    }
  }
  for (const d of domains) {
    if (!out.has(d)) {
      try {
        out.set(d, await inactiveXml(uri, d, opts));
      } catch (e) {
        out.set(d, e instanceof VirshError ? e : new VirshError(String(e)));
      }
    }
  }
  return out;
}

/**
 * Several virsh commands (each an argument array) in ONE virsh process and one connection; the
 * standard output of each, in order, or undefined for a command that failed (virsh goes on with
 * the next one and prints the error on its standard error). The process as a whole keeps the
 * timeout: a host that does not answer rejects with a VirshError, it never hangs.
 */
export async function runVirshBatch(
  uri: string,
  commands: readonly (readonly string[])[],
  opts?: VirshOptions
): Promise<(string | undefined)[]> {
  if (commands.length === 0) {
    return [];
  }
  const mark = (k: number): string => `@@libvirt-lint-${process.pid}-${k}@@`;
  const script = commands.map((c, k) => `echo ${mark(k)}; ${c.map(virshQuote).join(' ')}`).join('; ') + `; echo ${mark(commands.length)}`;
  const stdout = await runVirsh(uri, [script], opts);
  return commands.map((_, k) => {
    const from = stdout.indexOf(mark(k));
    const to = from >= 0 ? stdout.indexOf(mark(k + 1), from) : -1;
    const out = from >= 0 && to >= 0 ? stdout.slice(from + mark(k).length, to) : '';
    return out.trim() ? out.replace(/^\n/, '') : undefined;
  });
}

/** Runs `fn` over the items with at most `limit` at a time; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

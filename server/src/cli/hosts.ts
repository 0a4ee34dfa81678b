/**
 * Fleet mode: the persistent XML of every domain on each host, read concurrently across hosts
 * (a few hosts and a few domains per host at a time). A host that fails is reported and the
 * others go on. Loaded only when --connect is given.
 */
import { inactiveXmls, listDomains, mapLimit, VirshError } from '../host/virsh';
import type { LintedDoc } from './lint-file';

/** Hosts read at once; on one host, domains are read CHUNK per virsh process, CHUNKS_AT_ONCE processes at a time. */
const HOSTS_AT_ONCE = 4;
const CHUNK = 250;
const CHUNKS_AT_ONCE = 2;

interface HostDomain {
  /** `URI#name`: how findings name the domain. */
  id: string;
  host: string;
  doc: LintedDoc;
}

interface HostsOptions {
  virsh?: string;
  timeoutMs: number;
  /** A terminal to show per-host progress on (one line, rewritten). */
  progress?: NodeJS.WriteStream;
  /** The plain result of linting one domain's XML; undefined when it is no libvirt domain. */
  lintText: (text: string) => LintedDoc | undefined;
}

export async function lintHosts(uris: readonly string[], opts: HostsOptions): Promise<{ domains: HostDomain[]; problems: string[] }> {
  const problems: string[] = [];
  const state = new Map<string, string>(uris.map((u) => [u, 'connecting']));
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const line = [...state].map(([u, s]) => `${u}: ${s}`).join('  |  ');
    opts.progress?.write(
      `\r\x1b[2K${line.length > (opts.progress.columns || 80) - 1 ? line.slice(0, (opts.progress.columns || 80) - 2) + '…' : line}`
    );
  };
  if (opts.progress) {
    timer = setInterval(draw, 200);
  }
  const vopts = { virsh: opts.virsh, timeoutMs: opts.timeoutMs };
  const perHost = await mapLimit(uris, HOSTS_AT_ONCE, async (uri) => {
    const out: HostDomain[] = [];
    let names: string[];
    try {
      names = await listDomains(uri, vopts);
    } catch (e) {
      problems.push(`${uri}: cannot list domains: ${e instanceof VirshError ? e.message : String(e)}`);
      state.set(uri, 'failed');
      return out;
    }
    let done = 0;
    state.set(uri, `0/${names.length} domains`);
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += CHUNK) {
      chunks.push(names.slice(i, i + CHUNK));
    }
    await mapLimit(chunks, CHUNKS_AT_ONCE, async (part) => {
      const xmls = await inactiveXmls(uri, part, { ...vopts, chunk: CHUNK });
      for (const name of part) {
        const text = xmls.get(name);
        if (typeof text === 'string') {
          const doc = opts.lintText(text);
          if (doc) {
            out.push({ id: `${uri}#${name}`, host: uri, doc });
          }
        } else {
          problems.push(`${uri}#${name}: cannot read its XML: ${text?.message ?? 'no answer'}`);
        }
      }
      done += part.length;
      state.set(uri, `${done}/${names.length} domains`);
    });
    state.set(uri, `${names.length} domains`);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  });
  if (timer) {
    clearInterval(timer);
    draw();
    opts.progress?.write('\n');
  }
  return { domains: perHost.flat(), problems };
}

/**
 * Big sets of files on every core: worker threads running lintFile, fed small batches so that
 * a slow file does not hold one worker back while the others wait. Results come back in the
 * jobs' order. The worker is the CLI's own module (started with workerData.libvirtLintWorker).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { HostProfile } from '../host/profile';
import { lintFile, type FileJob, type FileOutcome } from './lint-file';

const BATCH = 16;

export const WORKER_FLAG = 'libvirtLintWorker';

/** What the checks read of a host: without virsh's raw text and the domains' XML (not cloned into every worker). */
function forChecks(host: HostProfile): HostProfile {
  return { ...host, raw: undefined, ...(host.domains ? { domains: host.domains.map(({ xml: _xml, ...d }) => d) } : {}) };
}

/** `host`, the host the files are checked against, goes to each worker once (not with every job). */
export function lintInWorkers(entry: string, jobs: readonly FileJob[], threads: number, host?: HostProfile): Promise<FileOutcome[]> {
  const results: FileOutcome[] = new Array<FileOutcome>(jobs.length);
  let next = 0;
  const n = Math.max(1, Math.min(threads, Math.ceil(jobs.length / BATCH)));
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(entry, { workerData: { [WORKER_FLAG]: true, host: host && forChecks(host) } });
      let from = 0;
      const feed = (): void => {
        if (next >= jobs.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        from = next;
        next = Math.min(jobs.length, next + BATCH);
        w.postMessage(jobs.slice(from, next));
      };
      w.on('message', (outcomes: FileOutcome[]) => {
        outcomes.forEach((o, k) => (results[from + k] = o));
        feed();
      });
      w.on('error', reject);
      feed();
    });
  return Promise.all(Array.from({ length: n }, one)).then(() => results);
}

/** The worker side: lint each batch it is sent. */
export function serveWorker(): void {
  const host = (workerData as { host?: HostProfile } | null)?.host;
  parentPort!.on('message', (batch: FileJob[]) => {
    parentPort!.postMessage(batch.map((j) => lintFile(host ? { ...j, options: { ...j.options, host } } : j)));
  });
}

/**
 * Which libvirt release brought a piece of domain XML, from schemas/since.json (the schemas of
 * several releases compared, scripts/schema/gen-since.mjs), and what the libvirt probed here did
 * with the pieces newer than it (schemas/since-verdicts.json, scripts/schema/probe-since.mjs).
 */
import sinceJson from '../../../schemas/since.json';
import verdictsJson from '../../../schemas/since-verdicts.json';

interface SinceEntry {
  since?: number;
  attrs?: Record<string, number>;
  values?: Record<string, number>;
  text?: Record<string, number>;
}

interface SinceTable {
  releases: string[];
  cycles: Record<string, string>;
  paths: Record<string, SinceEntry>;
}

interface VerdictTable {
  libvirt: string;
  verdicts: Record<string, { verdict: 'reject' | 'drop' | 'accept'; message?: string; own?: boolean }>;
}

const SINCE = sinceJson as unknown as SinceTable;
const VERDICTS = verdictsJson as unknown as VerdictTable;

/** The newest release whose schema the table knows (the bundled schema's). */
export const NEWEST_KNOWN_RELEASE = SINCE.releases[SINCE.releases.length - 1]!;

/** "9.0.0" -> [9, 0, 0]; undefined when it is not a version. */
function parts(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function isVersion(v: string): boolean {
  return parts(v) !== undefined;
}

export function compareVersions(a: string, b: string): number {
  const x = parts(a) ?? [0, 0, 0];
  const y = parts(b) ?? [0, 0, 0];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

/** The path of a child element: parent path + name, or the outer element's path for one nested in its own kind. */
export function childPath(parent: string, name: string): string {
  const p = `${parent}>${name}`;
  return SINCE.cycles[p] ?? p;
}

/** What a piece is to the target release: undefined when the target has it (or nothing is known). */
export interface Newer {
  /** The last release known to lack it, and the first known to have it. */
  after: string;
  by: string;
  /** What the libvirt probed here did with it, when that libvirt is the target. */
  verdict?: 'reject' | 'drop' | 'accept';
  /** libvirt's message when it refused it. */
  message?: string;
}

function newer(idx: number | undefined, target: string, key: string): Newer | undefined {
  if (idx === undefined || idx < 1) {
    return undefined;
  }
  const probed = compareVersions(target, VERDICTS.libvirt) === 0 ? VERDICTS.verdicts[key] : undefined;
  if (compareVersions(target, SINCE.releases[idx - 1]!) > 0) {
    // The target's own schema lists it, but the probed release of the target refused it by name
    // (a schema ahead of its code: libvirt 9.0's lists <backend type='passt'>, its parser does not).
    const next = SINCE.releases[idx + 1];
    return probed?.own && probed.verdict === 'reject' && next && compareVersions(target, SINCE.releases[idx]!) === 0
      ? { after: target, by: next, verdict: 'reject', ...(probed.message ? { message: probed.message } : {}) }
      : undefined;
  }
  return {
    after: SINCE.releases[idx - 1]!,
    by: SINCE.releases[idx]!,
    ...(probed ? { verdict: probed.verdict } : {}),
    ...(probed?.message ? { message: probed.message } : {}),
  };
}

/** Is the element at `path` newer than the target? */
export function elementNewer(path: string, target: string): Newer | undefined {
  return newer(SINCE.paths[path]?.since, target, path);
}

export function attributeNewer(path: string, attr: string, target: string): Newer | undefined {
  return newer(SINCE.paths[path]?.attrs?.[attr], target, `${path}@${attr}`);
}

export function valueNewer(path: string, attr: string, word: string, target: string): Newer | undefined {
  return newer(SINCE.paths[path]?.values?.[`${attr}=${word}`], target, `${path}@${attr}=${word}`);
}

export function textNewer(path: string, word: string, target: string): Newer | undefined {
  return newer(SINCE.paths[path]?.text?.[word], target, `${path}#text=${word}`);
}

/**
 * Resolving the target libvirt release (`libvirt.targetVersion`, `--target-version`, the config
 * file's `targetVersion`): 'auto' is the libvirt installed on this machine, read from the file
 * name of its library (libvirt.so.0.9000.0 is 9.0.0: libvirt numbers it 0.(major*1000+minor).micro),
 * so no program is run; 'bundled' (or no libvirt installed) is the release of the bundled schema,
 * which leaves nothing newer to report.
 */
import * as fs from 'node:fs';
import { compareVersions, isVersion, NEWEST_KNOWN_RELEASE } from '../schema/since';

const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/usr/local/lib64',
];

/** 'auto', 'bundled' or a version such as "9.0.0". */
export type TargetVersionSetting = string;

export function isTargetVersionSetting(s: string): boolean {
  return s === 'auto' || s === 'bundled' || isVersion(s);
}

let installed: string | null | undefined;

/** The installed libvirt's version ("9.0.0"), or undefined when none is found. Read once. */
export function installedLibvirtVersion(dirs: readonly string[] = LIB_DIRS): string | undefined {
  if (installed !== undefined && dirs === LIB_DIRS) {
    return installed ?? undefined;
  }
  let found: string | undefined;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = /^libvirt\.so\.0\.(\d+)\.(\d+)$/.exec(n);
      if (m) {
        const v = `${Math.floor(Number(m[1]) / 1000)}.${Number(m[1]) % 1000}.${Number(m[2])}`;
        if (!found || compareVersions(v, found) > 0) {
          found = v;
        }
      }
    }
    if (found) {
      break;
    }
  }
  if (dirs === LIB_DIRS) {
    installed = found ?? null;
  }
  return found;
}

/**
 * The release to judge against, or undefined for the bundled schema's (nothing is newer). With a
 * host (its libvirt release given), 'auto' means that host's release: the file is judged as the
 * host it is checked against will judge it, not as the libvirt installed here would.
 */
export function resolveTargetVersion(setting: TargetVersionSetting | undefined, hostVersion?: string): string | undefined {
  const auto = !setting || setting === 'auto';
  const v = auto ? (hostVersion ?? installedLibvirtVersion()) : setting === 'bundled' ? undefined : setting;
  return v && isVersion(v) && compareVersions(v, NEWEST_KNOWN_RELEASE) < 0 ? v : undefined;
}

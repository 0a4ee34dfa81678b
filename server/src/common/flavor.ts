/**
 * Resolving flavor 'auto': look at the libvirt schema installed on this machine. openEuler's
 * libvirt lists 'retry' among the disk error policies; upstream's does not. No schema (macOS,
 * Windows, no libvirt installed) leaves the flavor unknown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Flavor } from '../rules/types';

export type FlavorSetting = 'auto' | Flavor;

const DEFAULT_SCHEMA_DIR = '/usr/share/libvirt/schemas';

export function isFlavorSetting(s: string): s is FlavorSetting {
  return s === 'auto' || s === 'upstream' || s === 'openeuler';
}

/** Reads the error-policy definition of an installed libvirt schema. */
function detectFlavor(schemaDir = process.env.LIBVIRT_SCHEMA_DIR ?? DEFAULT_SCHEMA_DIR): Flavor | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(schemaDir, 'domaincommon.rng'), 'utf8');
  } catch {
    return undefined;
  }
  const def = /<attribute name="error_policy">([\s\S]*?)<\/attribute>/.exec(text);
  if (!def) {
    return undefined;
  }
  return /<value>retry<\/value>/.test(def[1]!) ? 'openeuler' : 'upstream';
}

export function resolveFlavor(setting: FlavorSetting, schemaDir?: string): Flavor | undefined {
  return setting === 'auto' ? detectFlavor(schemaDir) : setting;
}

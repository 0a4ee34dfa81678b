/**
 * The domains defined on a host as members of the checks over several domains (rules/fleet.ts):
 * a file checked against a host is compared with them, so a host device, MAC or writable disk
 * image another domain there already uses is reported with that domain's name. Pure; the claims
 * of a profile are computed once.
 */
import { buildModel } from '../model/build';
import { fleetClaims, type FleetClaims } from '../rules/fleet';
import { parseXml } from '../syntax/parse';
import type { HostProfile } from './profile';

const cache = new WeakMap<HostProfile, { name: string; claims: FleetClaims }[]>();

/** The fleet claims of each domain defined on the host that has its XML (none when the domains were not read). */
export function hostDomainClaims(host: HostProfile): { name: string; claims: FleetClaims }[] {
  let out = cache.get(host);
  if (!out) {
    out = (host.domains ?? []).flatMap((d) => {
      const model = d.xml ? buildModel(parseXml(d.xml), {}) : undefined;
      return model ? [{ name: d.name, claims: fleetClaims(model) }] : [];
    });
    cache.set(host, out);
  }
  return out;
}

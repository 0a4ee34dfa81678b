/**
 * Rule family: interfaces.
 * - mac-invalid: "unable to parse mac address".
 * - mac-multicast: "expected unicast mac address, found multicast".
 */
import type { Interface } from '../model/types';
import { deviceFindings, type Finding, type RuleFamily } from './types';

/**
 * libvirt's reading of a MAC (virMacAddrParse): six ':'-separated groups of one or two hex
 * digits. It stops reading at the first space or control character after the sixth group, so
 * '52:54:00:12:34:56 ' is accepted (checked against libvirt 9.0); nothing may come before.
 */
function parseMac(s: string): number[] | undefined {
  const stop = [...s].findIndex((ch) => ch.charCodeAt(0) <= 0x20);
  const parts = (stop >= 0 ? s.slice(0, stop) : s).split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    return undefined;
  }
  return parts.map((p) => parseInt(p, 16));
}

export const interfaceRules: RuleFamily = {
  id: 'interfaces',
  check(model, ctx) {
    const findings: Finding[] = [];
    for (const i of model.interfaces) {
      findings.push(...deviceFindings(ctx.memo, interfaceRules.id, i.el, () => checkMac(i)));
    }
    return findings;
  },
};

function checkMac(i: Interface): Finding[] {
  const mac = i.mac;
  if (!mac || mac.value === undefined) {
    return [];
  }
  const span = mac.valueSpan ?? mac.span;
  const octets = parseMac(mac.value);
  if (!octets) {
    return [
      {
        code: 'mac-invalid',
        message: `'${mac.value}' is not a MAC address: write six hexadecimal octets separated by colons, such as 52:54:00:12:34:56.`,
        span,
      },
    ];
  }
  if ((octets[0]! & 1) === 1) {
    const fixed = [octets[0]! & 0xfe, ...octets.slice(1)].map((o) => o.toString(16).padStart(2, '0')).join(':');
    return [
      {
        code: 'mac-multicast',
        message: `${mac.value} is a multicast address (its first octet is odd); a guest NIC needs a unicast address.`,
        span,
        fixes: [{ title: `Use ${fixed}`, edits: [{ span, newText: `'${fixed}'` }], preferred: true }],
      },
    ];
  }
  return [];
}

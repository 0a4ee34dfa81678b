/**
 * Conflicts between domains linted together (a folder, the domains of several hosts, the files
 * open in an editor): what no single `virsh define` sees. A pure function over a set of models;
 * each finding belongs to one member and points at the other members involved (`related[].member`).
 *
 * Scope: a member from a host (`host` set) shares that host's resources (names, UUIDs, host
 * devices, disk images, console ports) only with members of the same host; a file may be defined
 * on any host, so it is compared with every member. MAC addresses meet on networks that span
 * hosts: they are compared across all members. A file and a host domain with the same name and
 * UUID are taken for the same domain (the file is its source) and never conflict.
 */
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, type Span, type XmlElement } from '../syntax/tree';
import type { Code } from './codes';
import type { Finding } from './types';

export interface FleetMember {
  model: DomainModel;
  /** The host (connection URI) the domain is defined on; undefined for a file. */
  host?: string;
}

/** One resource a domain takes, as plain data (it crosses worker threads). */
interface FleetClaim {
  code: Code;
  key: string;
  /** The value as written, for the message. */
  value: string;
  span: Span;
  /** Two claims of the same key conflict unless both say so (disks with <shareable/>). */
  shared?: boolean;
}

/** What the checks over several domains need of one domain: computed once per document, then the model can go. */
export interface FleetClaims {
  /** Name and UUID: a file and a host domain with the same identity are one domain. */
  identity: string | undefined;
  claims: FleetClaim[];
}

interface Resource {
  code: Code;
  /** Only members on the same host conflict. */
  perHost: boolean;
  message: (value: string) => string;
  related: string;
  keys: (model: DomainModel) => { key: string; value: string; span: Span; shared?: boolean }[];
}

function startTag(el: XmlElement): Span {
  return { start: el.span.start, end: el.startTagEnd };
}

function nameOf(model: DomainModel): string | undefined {
  const n = model.name?.text.trim();
  return n ? n : undefined;
}

function uuidOf(model: DomainModel): { value: string; span: Span } | undefined {
  const el = model.kind === 'domain' ? child(model.root, 'uuid') : undefined;
  const v = el?.text.trim();
  return el && v ? { value: v, span: el.textSpan ?? startTag(el) } : undefined;
}

const hex = (n: number | undefined, width: number): string | undefined =>
  n === undefined ? undefined : n.toString(16).padStart(width, '0');

function diskKey(source: XmlElement, diskType: string | undefined): string | undefined {
  const file = attrValue(source, 'file');
  const dev = attrValue(source, 'dev');
  const pool = attrValue(source, 'pool');
  const volume = attrValue(source, 'volume');
  const protocol = attrValue(source, 'protocol');
  const name = attrValue(source, 'name');
  const norm = (p: string): string => (p.includes('//') || p.endsWith('/.') ? p.replace(/\/+/g, '/').replace(/(\/\.)+$/, '') : p);
  if ((diskType === undefined || diskType === 'file') && file) {
    return `path:${norm(file)}`;
  }
  if (diskType === 'block' && dev) {
    return `path:${norm(dev)}`;
  }
  if (diskType === 'volume' && pool && volume) {
    return `volume:${pool}/${volume}`;
  }
  if (diskType === 'network' && protocol && name) {
    const host = source.children.find((c) => c.name === 'host');
    return `network:${protocol}:${host ? `${attrValue(host, 'name') ?? ''}:${attrValue(host, 'port') ?? ''}` : ''}:${name}`;
  }
  return undefined;
}

const RESOURCES: readonly Resource[] = [
  {
    code: 'fleet-name-duplicate',
    perHost: true,
    message: (v) => `Another domain for the same host is also named '${v}': libvirt refuses to define the second one.`,
    related: 'the other domain with this name',
    keys: (m) => {
      const n = m.kind === 'domain' ? nameOf(m) : undefined;
      return n && m.name ? [{ key: n, value: n, span: m.name.textSpan ?? startTag(m.name) }] : [];
    },
  },
  {
    code: 'fleet-uuid-duplicate',
    perHost: true,
    message: (v) => `Another domain for the same host has the UUID ${v}: libvirt refuses to define the second one.`,
    related: 'the other domain with this UUID',
    keys: (m) => {
      const u = uuidOf(m);
      return u ? [{ key: u.value.toLowerCase().replace(/-/g, ''), value: u.value, span: u.span }] : [];
    },
  },
  {
    code: 'fleet-mac-duplicate',
    perHost: false,
    message: (v) =>
      `Another domain has a NIC with the MAC address ${v}: libvirt accepts both, but guests on one network with the same MAC lose each other's traffic.`,
    related: 'the other NIC with this MAC address',
    keys: (m) =>
      m.interfaces.flatMap((i) =>
        i.mac?.value && i.mac.valueSpan ? [{ key: i.mac.value.trim().toLowerCase(), value: i.mac.value.trim(), span: i.mac.valueSpan }] : []
      ),
  },
  {
    code: 'fleet-hostdev-shared',
    perHost: true,
    message: (v) =>
      `The host device ${v} is assigned to another domain on the same host too: libvirt accepts both, but refuses to start one while the other runs.`,
    related: 'the other domain assigned this host device',
    keys: (m) =>
      m.hostdevs.flatMap((h) => {
        const p = h.pciSource;
        if (p) {
          const [d, b, s, f] = [hex(p.domain?.value ?? 0, 4), hex(p.bus?.value, 2), hex(p.slot?.value, 2), hex(p.function?.value ?? 0, 1)];
          return b && s ? [{ key: `pci:${d}:${b}:${s}.${f}`, value: `PCI ${d}:${b}:${s}.${f}`, span: startTag(p.el) }] : [];
        }
        const src = h.source;
        if (h.type === 'usb' && src) {
          if (h.usbVendor?.value && h.usbProduct?.value) {
            const v = `${h.usbVendor.value.toLowerCase()}:${h.usbProduct.value.toLowerCase()}`;
            return [{ key: `usb:${v}`, value: `USB ${v}`, span: startTag(src) }];
          }
          if (h.usbBus?.value !== undefined && h.usbDevice?.value !== undefined) {
            const v = `${h.usbBus.value}.${h.usbDevice.value}`;
            return [{ key: `usbaddr:${v}`, value: `USB bus.device ${v}`, span: startTag(src) }];
          }
        }
        return [];
      }),
  },
  {
    code: 'fleet-disk-shared',
    perHost: true,
    message: (v) =>
      `The disk image ${v} is opened writable by another domain on the same host too, and not both have <shareable/>: QEMU's image lock refuses to start one while the other runs (without the lock both would corrupt it).`,
    related: 'the other domain writing this image',
    keys: (m) =>
      m.disks.flatMap((d) => {
        if (!d.source || d.device === 'cdrom' || child(d.el, 'readonly')) {
          return [];
        }
        const key = diskKey(d.source, d.diskType);
        if (!key) {
          return [];
        }
        const a = d.source.attributes.find((x) => ['file', 'dev', 'volume', 'name'].includes(x.name) && x.valueSpan);
        return [{ key, value: key.replace(/^[a-z]+:/, ''), span: a?.valueSpan ?? startTag(d.source), shared: !!child(d.el, 'shareable') }];
      }),
  },
  {
    code: 'fleet-graphics-port-duplicate',
    perHost: true,
    message: (v) =>
      `Port ${v} is the fixed console port of another domain on the same host too: libvirt accepts both, but cannot start one while the other runs ("Failed to reserve port").`,
    related: 'the other console on this port',
    keys: (m) =>
      m.graphics.flatMap((g) => {
        if ((g.type !== 'vnc' && g.type !== 'spice') || attrValue(g.el, 'autoport') === 'yes') {
          return [];
        }
        return ['port', 'tlsPort', 'websocket'].flatMap((name) => {
          const a = attr(g.el, name);
          const n = a?.value !== undefined && /^\d+$/.test(a.value.trim()) ? Number(a.value) : undefined;
          return a?.valueSpan && n !== undefined && n > 0 ? [{ key: String(n), value: String(n), span: a.valueSpan }] : [];
        });
      }),
  },
];

/** The resources a domain takes, for checkClaims. */
export function fleetClaims(model: DomainModel): FleetClaims {
  const uuid = uuidOf(model)?.value.toLowerCase().replace(/-/g, '');
  return {
    identity: uuid ? `${nameOf(model) ?? ''}\u0000${uuid}` : undefined,
    claims: RESOURCES.flatMap((r) =>
      r.keys(model).map((k) => ({ code: r.code, key: k.key, value: k.value, span: k.span, shared: k.shared }))
    ),
  };
}

/** Places of the other domains listed with one finding. */
const MAX_RELATED = 20;

/** Findings for each member (same order as `members`). */
export function checkFleet(members: readonly FleetMember[]): Finding[][] {
  return checkClaims(members.map((m) => ({ claims: fleetClaims(m.model), host: m.host })));
}

/** checkFleet over claims computed before (fleetClaims), so that models need not be kept. */
export function checkClaims(members: readonly { claims: FleetClaims; host?: string }[]): Finding[][] {
  const out: Finding[][] = members.map(() => []);
  const identity = members.map((m) => m.claims.identity);
  /** A file and a host domain with the same name and UUID are one domain: the file is its source. */
  const sameDomain = (a: number, b: number): boolean =>
    (members[a]!.host === undefined) !== (members[b]!.host === undefined) && identity[a] !== undefined && identity[a] === identity[b];
  const sameHost = (a: number, b: number): boolean => {
    const [ha, hb] = [members[a]!.host, members[b]!.host];
    return ha === undefined || hb === undefined || ha === hb;
  };
  const byCode = new Map<Code, Map<string, (FleetClaim & { member: number })[]>>(RESOURCES.map((r) => [r.code, new Map()]));
  members.forEach((m, i) => {
    for (const c of m.claims.claims) {
      const groups = byCode.get(c.code)!;
      const g = groups.get(c.key);
      // One shape for every entry (an object spread of claims with and without `shared` is slow).
      const e = { code: c.code, key: c.key, value: c.value, span: c.span, shared: c.shared, member: i };
      if (g) {
        g.push(e);
      } else {
        groups.set(c.key, [e]);
      }
    }
  });
  for (const r of RESOURCES) {
    const groups = byCode.get(r.code)!;
    for (const claims of groups.values()) {
      if (claims.length < 2) {
        continue;
      }
      for (const c of claims) {
        // The first MAX_RELATED others: a key a thousand domains share stays linear.
        const others: typeof claims = [];
        for (const o of claims) {
          if (
            o.member !== c.member &&
            !sameDomain(c.member, o.member) &&
            (!r.perHost || sameHost(c.member, o.member)) &&
            !(c.shared && o.shared)
          ) {
            others.push(o);
            if (others.length === MAX_RELATED) {
              break;
            }
          }
        }
        if (others.length === 0) {
          continue;
        }
        out[c.member]!.push({
          code: r.code,
          message: r.message(c.value),
          span: c.span,
          related: others.map((o) => ({ message: r.related, span: o.span, member: o.member })),
        });
      }
    }
  }
  return out;
}

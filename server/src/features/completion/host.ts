/**
 * Host provider: what the configured host offers (libvirt.hostAware), as plain data from its
 * HostProfile. Host PCI devices as whole `<address>`es inside a `<hostdev type='pci'>` or
 * `<interface type='hostdev'>` source, USB devices by vendor and product id, and from the
 * capabilities and domcapabilities: virt types, arches, machine types, CPU models and emulators.
 * Nothing here when there is no host: the other providers answer as before.
 */
import { parseInteger } from '../../../../lib/integer';
import { findDomcaps, formatPciAddress, guestFor, machinesFor } from '../../host/match';
import type { HostPciDevice, HostProfile } from '../../host/profile';
import type { PathStep } from '../../schema/lookup';
import { attr, child, type Span, type XmlElement } from '../../syntax/tree';
import type { AttributeNameContext, AttributeValueContext, ElementNameContext, TextContext } from '../context';
import type { CompletionCandidate, Env, Site, Suggestion } from './types';

/** PCI classes never passed through: host bridges (0x0600) and PCI-to-PCI bridges (0x0604). */
const BRIDGE_CLASSES = /^0x060[04]/i;

/** The host as details name it: its URI, "(snapshot)" when read from one, or the snapshot folder's name. */
function hostName(host: HostProfile): string {
  const src = host.source;
  if (src.kind === 'connection') {
    return src.uri;
  }
  return src.uri ? `${src.uri} (snapshot)` : `snapshot ${src.dir.split(/[\\/]/).filter(Boolean).pop() ?? src.dir}`;
}

function hex(n: number, width: number): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

/** "Intel Corporation 82599 Ethernet Controller Virtual Function": vendor and product names as the host knows them. */
function deviceName(d: HostPciDevice): string {
  const vendor = d.vendor.name ?? `vendor ${d.vendor.id}`;
  const product = d.product.name ?? `device ${d.product.id}`;
  return `${vendor} ${product}`;
}

/** "IOMMU group 12 · vfio-pci", what matters when choosing a device to pass through. */
function pciFacts(d: HostPciDevice): string[] {
  const facts: string[] = [];
  if (d.physFunction) {
    facts.push(`VF of ${formatPciAddress(d.physFunction)}`);
  }
  if (d.virtFunctions && d.virtFunctions.addresses.length > 0) {
    facts.push(`SR-IOV PF with ${d.virtFunctions.addresses.length} VF${d.virtFunctions.addresses.length === 1 ? '' : 's'}`);
  }
  if (d.iommuGroup) {
    facts.push(`IOMMU group ${d.iommuGroup.number}`);
  }
  facts.push(d.driver ?? 'no driver');
  return facts;
}

/** Markdown about one host PCI device (completion documentation and hover). */
export function pciDeviceMarkdown(host: HostProfile, d: HostPciDevice): string {
  const lines = [`**${formatPciAddress(d.address)}** ${deviceName(d)} (\`${d.vendor.id}:${d.product.id}\`) on ${hostName(host)}`];
  lines.push(`- driver: ${d.driver ? `\`${d.driver}\`` : 'none bound'}`);
  if (d.class) {
    lines.push(`- class: \`${d.class}\``);
  }
  if (d.iommuGroup) {
    const others = d.iommuGroup.members.filter((m) => formatPciAddress(m) !== formatPciAddress(d.address)).map(formatPciAddress);
    lines.push(
      `- IOMMU group ${d.iommuGroup.number}${others.length > 0 ? `, shared with ${others.join(', ')} (all of them must be assigned to the guest)` : ', alone in it'}`
    );
  } else {
    lines.push('- no IOMMU group (the host has no IOMMU enabled)');
  }
  if (d.physFunction) {
    lines.push(`- SR-IOV virtual function of ${formatPciAddress(d.physFunction)}`);
  }
  if (d.virtFunctions && d.virtFunctions.addresses.length > 0) {
    lines.push(`- SR-IOV physical function with VFs ${d.virtFunctions.addresses.map(formatPciAddress).join(', ')}`);
  }
  return lines.join('\n');
}

/** The host PCI devices worth offering for passthrough, in address order. */
function passthroughCandidates(host: HostProfile): HostPciDevice[] {
  return host.pci
    .filter((d) => !(d.class && BRIDGE_CLASSES.test(d.class)))
    .sort((a, b) => formatPciAddress(a.address).localeCompare(formatPciAddress(b.address)));
}

/** The path ends in the `<address>` of a host PCI device's `<source>`. */
function isHostPciSourceAddress(path: readonly PathStep[]): boolean {
  const n = path.length;
  const [dev, src, addr] = [path[n - 3], path[n - 2], path[n - 1]];
  if (addr?.name !== 'address' || src?.name !== 'source' || !dev) {
    return false;
  }
  const t = addr.attrs.type;
  if (t !== undefined && t !== 'pci') {
    return false;
  }
  return (dev.name === 'hostdev' && dev.attrs.type === 'pci') || (dev.name === 'interface' && dev.attrs.type === 'hostdev');
}

function addressAttributes(env: Env, d: HostPciDevice, withType: boolean): string {
  const q = env.quote;
  const a = d.address;
  return [
    ...(withType ? [`type=${q}pci${q}`] : []),
    `domain=${q}${hex(a.domain, 4)}${q}`,
    `bus=${q}${hex(a.bus, 2)}${q}`,
    `slot=${q}${hex(a.slot, 2)}${q}`,
    `function=${q}${hex(a.function, 1)}${q}`,
  ].join(' ');
}

function pciCandidate(env: Env, host: HostProfile, d: HostPciDevice, i: number, span: Span, insert: string): CompletionCandidate {
  const address = formatPciAddress(d.address);
  const typed = env.doc.text.slice(span.start, span.end);
  return {
    label: `${address} ${deviceName(d)}`,
    kind: 'value',
    detail: pciFacts(d).join(' · '),
    documentation: pciDeviceMarkdown(host, d),
    insert: [insert],
    span,
    // What the editor filters with is the text the span covers so far: keep it as the start.
    filterText: `${typed} ${address} ${deviceName(d)}`,
    sortText: `00${String(i).padStart(4, '0')}`,
  };
}

type ScannedTag = AttributeValueContext['tag'];

/** The span of a tag's attributes (first name to last value's closing quote), if on one line. */
function attributesSpan(env: Env, tag: ScannedTag): Span | undefined {
  const first = tag.attributes[0];
  const last = tag.attributes[tag.attributes.length - 1];
  if (!first || !last) {
    return undefined;
  }
  let end = last.nameSpan.end;
  if (last.valueSpan) {
    end = last.valueSpan.end + (last.unterminated ? 0 : 1);
  } else if (env.doc.text[end] === '=') {
    end++;
  }
  const span = { start: first.nameSpan.start, end };
  return env.doc.text.slice(span.start, span.end).includes('\n') ? undefined : span;
}

/**
 * Whole host addresses inside a host device's source `<address …>`: each replaces the tag's
 * attributes (domain, bus, slot and function at once; other attributes kept).
 */
export function hostPciAddressItems(
  env: Env,
  ctx: AttributeValueContext | AttributeNameContext,
  path: readonly PathStep[]
): CompletionCandidate[] {
  const host = env.host;
  if (!host || !isHostPciSourceAddress(path)) {
    return [];
  }
  const attrs = ctx.tag.attributes.length === 0 ? ctx.span : attributesSpan(env, ctx.tag);
  // The cursor may be past the attributes (`<address type='pci' |/>`): the edit reaches it.
  const span = attrs && { start: Math.min(attrs.start, ctx.span.start), end: Math.max(attrs.end, ctx.span.end) };
  if (!span || env.doc.text.slice(span.start, span.end).includes('\n')) {
    return [];
  }
  const keep = ctx.tag.attributes
    .filter((a) => !['type', 'domain', 'bus', 'slot', 'function'].includes(a.name) && a.value !== undefined)
    .map((a) => `${a.name}=${env.quote}${a.value}${env.quote}`);
  const withType = ctx.tag.attributes.some((a) => a.name === 'type');
  return passthroughCandidates(host).map((d, i) =>
    pciCandidate(env, host, d, i, span, [addressAttributes(env, d, withType), ...keep].join(' '))
  );
}

/** Whole `<address …/>` elements typed after '<' inside a host device's `<source>`. */
export function hostPciAddressElements(env: Env, ctx: ElementNameContext, parentPath: readonly PathStep[]): CompletionCandidate[] {
  const host = env.host;
  if (!host || ctx.tagHasMore || !isHostPciSourceAddress([...parentPath, { name: 'address', attrs: {} }])) {
    return [];
  }
  return passthroughCandidates(host).map((d, i) => {
    const c = pciCandidate(env, host, d, i, ctx.span, `address ${addressAttributes(env, d, true)}/>`);
    return { ...c, kind: 'element' as const, filterText: `address ${formatPciAddress(d.address)} ${deviceName(d)}` };
  });
}

// ---------------------------------------------------------------------------
// single values

function rootAttr(env: Env, name: string): string | undefined {
  const root = env.doc.root;
  return root ? attr(root, name)?.value : undefined;
}

/** The arch of the document: `<os><type arch>`, else the host's own. */
function archOf(env: Env, host: HostProfile, own?: string): string | undefined {
  return own ?? env.model?.machine.arch ?? host.capabilities?.arch;
}

function virtTypes(env: Env, host: HostProfile): Suggestion[] {
  const arch = archOf(env, host, undefined);
  const g = arch ? guestFor(host, arch) : undefined;
  return (g?.domains ?? []).map((d, i) => ({
    value: d.type,
    detail: `${d.type === 'kvm' ? 'hardware virtualization' : d.type === 'qemu' ? 'emulation (TCG)' : d.type} for ${g!.arch} on ${hostName(host)}`,
    preselect: i === 0 && d.type === 'kvm',
  }));
}

function arches(host: HostProfile): Suggestion[] {
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const g of host.capabilities?.guests ?? []) {
    if (g.osType !== 'hvm' || seen.has(g.arch)) {
      continue;
    }
    seen.add(g.arch);
    out.push({
      value: g.arch,
      detail: `${g.domains.map((d) => d.type).join(', ') || 'no virt type'} on ${hostName(host)}`,
      preselect: g.arch === host.capabilities?.arch,
    });
  }
  return out;
}

function machines(env: Env, host: HostProfile, own: Readonly<Record<string, string>>): Suggestion[] {
  const arch = archOf(env, host, own.arch);
  const g = arch ? guestFor(host, arch) : undefined;
  if (!g) {
    return [];
  }
  return machinesFor(g, rootAttr(env, 'type')).map((m) => ({
    value: m.name,
    detail: [m.canonical ? `= ${m.canonical}` : undefined, m.maxCpus ? `up to ${m.maxCpus} vCPUs` : undefined, `on ${hostName(host)}`]
      .filter(Boolean)
      .join(' · '),
  }));
}

function usbSuggestions(host: HostProfile, what: 'vendor' | 'product', vendor: string | undefined): Suggestion[] {
  const id = (s: string): number => parseInt(s.replace(/^0x/i, ''), 16);
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const d of host.usb) {
    if (what === 'product' && vendor !== undefined && id(d.vendor.id) !== id(vendor)) {
      continue;
    }
    const v = what === 'vendor' ? d.vendor : d.product;
    const value = `0x${v.id.replace(/^0x/i, '').toLowerCase().padStart(4, '0')}`;
    if (seen.has(value)) {
      continue;
    }
    seen.add(value);
    out.push({
      value,
      detail: `${v.name ?? '(no name)'}${what === 'product' ? ` (${d.vendor.name ?? d.vendor.id})` : ''} · bus ${d.bus} device ${d.device} on ${hostName(host)}`,
    });
  }
  return out;
}

/** The vendor id already written in the `<source>` of the USB hostdev being edited. */
function usbVendorOf(site: Site): string | undefined {
  const src = site.deviceEl && child(site.deviceEl, 'source');
  const vendor = src && child(src, 'vendor');
  return vendor ? attr(vendor, 'id')?.value : undefined;
}

/** Values of single attributes from the host, offered before the others. */
export function hostAttributeValues(env: Env, site: Site): Suggestion[] {
  const host = env.host;
  if (!host) {
    return [];
  }
  const path = site.path;
  const n = path.length;
  const el = path[n - 1];
  if (!el) {
    return [];
  }
  if (n === 1 && el.name === 'domain' && site.attribute === 'type') {
    return virtTypes(env, host);
  }
  if (n === 3 && el.name === 'type' && path[1]?.name === 'os' && path[0]?.name === 'domain') {
    if (site.attribute === 'arch') {
      return arches(host);
    }
    if (site.attribute === 'machine') {
      return machines(env, host, el.attrs);
    }
  }
  const dev = path[n - 3];
  if (n >= 3 && path[n - 2]?.name === 'source' && dev?.name === 'hostdev' && dev.attrs.type === 'usb' && site.attribute === 'id') {
    if (el.name === 'vendor') {
      return usbSuggestions(host, 'vendor', undefined);
    }
    if (el.name === 'product') {
      return usbSuggestions(host, 'product', usbVendorOf(site));
    }
  }
  return [];
}

// ---------------------------------------------------------------------------
// element text

function textCandidates(ctx: TextContext, values: Suggestion[]): CompletionCandidate[] {
  return values.map((s, i) => ({
    label: s.value,
    kind: 'value',
    detail: s.detail,
    insert: [s.value],
    span: ctx.span,
    sortText: `00${String(i).padStart(4, '0')}`,
    preselect: s.preselect,
  }));
}

/** `<cpu><model>` from the domcapabilities of the document's arch, virt type and machine; `<emulator>` paths. */
export function hostTextItems(env: Env, ctx: TextContext): CompletionCandidate[] {
  const host = env.host;
  const el: XmlElement | undefined = ctx.parent;
  if (!host || !el) {
    return [];
  }
  if (el.name === 'model' && el.parent?.name === 'cpu' && el.parent.parent?.name === 'domain') {
    const arch = archOf(env, host, undefined);
    const virtType = rootAttr(env, 'type');
    if (!arch || !virtType) {
      return [];
    }
    const machine = env.model?.machine.origin === 'os' ? env.model.machine.name : undefined;
    const dc = findDomcaps(host, { arch, virtType, ...(machine ? { machine } : {}) });
    const models = [...(dc?.cpu.models ?? [])].sort((a, b) => Number(b.usable === 'yes') - Number(a.usable === 'yes'));
    return textCandidates(
      ctx,
      models.map((m) => ({
        value: m.name,
        detail: `${m.usable === 'yes' ? 'usable' : m.usable === 'no' ? 'not usable' : `usable: ${m.usable}`}${m.vendor ? ` · ${m.vendor}` : ''} on ${hostName(host)}`,
      }))
    );
  }
  if (el.name === 'emulator' && el.parent?.name === 'devices') {
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    const arch = archOf(env, host, undefined);
    for (const g of host.capabilities?.guests ?? []) {
      for (const e of [g.emulator, ...g.domains.map((d) => d.emulator)]) {
        if (e && !seen.has(e)) {
          seen.add(e);
          out.push({ value: e, detail: `${g.arch} on ${hostName(host)}`, preselect: g.arch === arch && out.every((o) => !o.preselect) });
        }
      }
    }
    return textCandidates(ctx, out);
  }
  return [];
}

/** The host address an `<address>` under a host device's `<source>` names (hover). */
export function hostAddressOf(el: XmlElement): { domain: number; bus: number; slot: number; function: number } | undefined {
  const src = el.parent;
  const dev = src?.parent;
  if (el.name !== 'address' || src?.name !== 'source' || !dev) {
    return undefined;
  }
  const t = attr(el, 'type')?.value;
  const devType = attr(dev, 'type')?.value;
  if (
    (t !== undefined && t !== 'pci') ||
    !((dev.name === 'hostdev' && devType === 'pci') || (dev.name === 'interface' && devType === 'hostdev'))
  ) {
    return undefined;
  }
  const num = (name: string): number | undefined => parseInteger(attr(el, name)?.value ?? '0', 0);
  const [domain, bus, slot, fn] = [num('domain'), num('bus'), num('slot'), num('function')];
  if (bus === undefined || slot === undefined || domain === undefined || fn === undefined || attr(el, 'bus') === undefined) {
    return undefined;
  }
  return { domain, bus, slot, function: fn };
}

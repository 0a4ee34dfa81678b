/**
 * Completion: what may be typed at the cursor, from the schema (schemas/domain.json through
 * schema/lookup.ts) and from the domain model of the current document version.
 *
 * - element names: the children the schema allows in the enclosing element, for the variant
 *   it has (<disk type='file'> vs 'block', <address type='pci'> vs 'usb'); each inserts its
 *   required and usual attributes with values computed from the document;
 * - attribute names: those the element may have and does not have yet, with their docs;
 * - attribute values: enumerations (with the meaning of each value), and computed values: the
 *   next free controller index, a free PCI slot on the address's bus, a free USB port, the next
 *   disk target for the bus, a random locally administered MAC, existing controllers as buses;
 * - device templates (templates.ts) inside <devices> and at the top of an empty file.
 *
 * Knows nothing of LSP: candidates carry spans and snippets as data.
 */
import { analyze, type Analysis } from '../analysis';
import { FRAGMENT_ROOTS, parseInteger } from '../model/build';
import { hex } from '../model/pci';
import { usbPortCount } from '../model/usb';
import type { DomainModel } from '../model/types';
import type { Flavor } from '../rules/types';
import {
  attributesOf,
  childDoc,
  childElement,
  childrenOf,
  describeType,
  elementAt,
  enumValues,
  rootElement,
  type AttributeInfo,
  type PathStep,
  type ResolvedElement,
} from '../schema/lookup';
import { attr, child, type Span, type XmlDocument, type XmlElement } from '../syntax/tree';
import * as A from './allocate';
import {
  ancestry,
  cursorContext,
  elementAttributes,
  elementStartingAt,
  tagAttributes,
  type AttributeNameContext,
  type AttributeValueContext,
  type ElementNameContext,
  type TextContext,
} from './context';
import { deviceTemplates, reindent, snippetText, type Placeholder, type Snippet, type SnippetPart } from './templates';

export type CompletionKind = 'element' | 'attribute' | 'value' | 'template';

export interface CompletionCandidate {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What replaces `span`. */
  insert: Snippet;
  span: Span;
  /** What the editor matches the typed text against, when not the label. */
  filterText?: string;
  sortText: string;
  preselect?: boolean;
  /** Ask for completions again once inserted (an attribute whose value is still to choose). */
  retrigger?: boolean;
  /** For device templates: which one (templates.ts). */
  templateId?: string;
}

export interface CompletionOptions {
  /** undefined: unknown (vendor-only values are offered, marked as such). */
  flavor?: Flavor;
  /** Random numbers in [0, 1) for MAC addresses; Math.random by default. */
  random?: () => number;
  /** The character that triggered the request, if any. */
  triggerCharacter?: string;
}

interface Env {
  doc: XmlDocument;
  model: DomainModel | undefined;
  flavor: Flavor | undefined;
  random: () => number;
  quote: string;
  unit: string;
  /** Leading whitespace of the cursor's line. */
  lineIndent: string;
}

/** A place where an attribute value is wanted. */
interface Site {
  /** From the root (or the fragment's device) to the element holding the attribute, attributes known so far. */
  path: readonly PathStep[];
  attribute: string;
  /** The existing element being edited, if any: its own values do not count as taken. */
  self: XmlElement | undefined;
  /** The existing device element around the site, if any. */
  deviceEl: XmlElement | undefined;
}

interface Suggestion {
  value: string;
  detail?: string;
  doc?: string;
  preselect?: boolean;
}

// ---------------------------------------------------------------------------
// entry point

export function complete(analysis: Pick<Analysis, 'doc' | 'model'>, offset: number, opts: CompletionOptions = {}): CompletionCandidate[] {
  const { doc, model } = analysis;
  const ctx = cursorContext(doc, offset);
  if (ctx.kind === 'none') {
    return [];
  }
  const trigger = opts.triggerCharacter;
  const env: Env = {
    doc,
    model,
    flavor: opts.flavor,
    random: opts.random ?? Math.random,
    ...styleOf(doc),
    lineIndent: lineIndentAt(doc.text, offset),
  };
  switch (ctx.kind) {
    case 'element-name':
      return trigger === ' ' || trigger === "'" || trigger === '"' ? [] : elementNameItems(env, ctx);
    case 'text':
      return trigger !== undefined ? [] : textItems(env, ctx);
    case 'attribute-name':
      return trigger === "'" || trigger === '"' || trigger === '<' ? [] : attributeNameItems(env, ctx);
    case 'attribute-value':
      return trigger === ' ' || trigger === '<' ? [] : attributeValueItems(env, ctx);
  }
}

// ---------------------------------------------------------------------------
// helpers

/** Quote and indent style of a document, read once per parsed document. */
const styles = new WeakMap<XmlDocument, { quote: string; unit: string }>();
function styleOf(doc: XmlDocument): { quote: string; unit: string } {
  let s = styles.get(doc);
  if (!s) {
    styles.set(doc, (s = { quote: quoteStyle(doc.text), unit: indentUnit(doc.text) }));
  }
  return s;
}

function quoteStyle(text: string): string {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const single = sample.split("='").length;
  const double = sample.split('="').length;
  return double > single ? '"' : "'";
}

function indentUnit(text: string): string {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  if (/\n\t/.test(sample)) {
    return '\t';
  }
  let min = Infinity;
  for (const m of sample.matchAll(/\n( +)</g)) {
    min = Math.min(min, m[1]!.length);
  }
  return ' '.repeat(Number.isFinite(min) && min <= 8 ? min : 2);
}

function lineIndentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) {
    i++;
  }
  return text.slice(start, i);
}

function stepOf(el: XmlElement): PathStep {
  return { name: el.name, attrs: elementAttributes(el) };
}

function stepsTo(el: XmlElement | undefined): PathStep[] {
  return ancestry(el).map(stepOf);
}

function resolve(path: readonly PathStep[]): ResolvedElement | undefined {
  return path.length > 0 ? elementAt(path) : undefined;
}

/** Index in a path of the device element (under <devices>, or the fragment root). */
function deviceIndex(path: readonly PathStep[]): number {
  return path[0]?.name === 'domain' ? 2 : 0;
}

function isDevicesElement(path: readonly PathStep[]): boolean {
  return path.length === 2 && path[0]!.name === 'domain' && path[1]!.name === 'devices';
}

function firstSentence(s: string | undefined): string | undefined {
  if (!s) {
    return undefined;
  }
  const m = /^(.*?[.!?])(\s|$)/.exec(s);
  const out = (m ? m[1]! : s).trim();
  return out.length > 90 ? out.slice(0, 87) + '…' : out;
}

function vendorOnly(a: AttributeInfo, value: string): string | undefined {
  return a.vendorValues?.[value];
}

/** Enumerated values of an attribute, in the order the docs list them (the usual ones first), vendor-only ones last. */
function orderedEnum(env: Env, a: AttributeInfo): string[] {
  const values = [...(enumValues(a.type) ?? [])];
  const docOrder = Object.keys(a.valueDocs ?? {});
  const rank = (v: string): number => {
    const i = docOrder.indexOf(v);
    return (vendorOnly(a, v) ? 10000 : 0) + (i >= 0 ? i : 1000 + values.indexOf(v));
  };
  return values.filter((v) => !(env.flavor === 'upstream' && vendorOnly(a, v))).sort((x, y) => rank(x) - rank(y));
}

function attrDocumentation(a: AttributeInfo): string {
  const parts: string[] = [];
  if (a.doc) {
    parts.push(a.doc);
  }
  parts.push(`Value: ${describeType(a.type)}.`);
  if (a.default !== undefined) {
    parts.push(`Default: \`${a.default}\`.`);
  }
  if (a.unit) {
    parts.push(`Unit: ${a.unit}.`);
  }
  if (a.vendor) {
    parts.push(`Only ${a.vendor}'s libvirt knows this attribute.`);
  }
  return parts.join('\n\n');
}

// ---------------------------------------------------------------------------
// computed values

function controllerIndexValues(env: Env, type: string, self: XmlElement | undefined): Suggestion[] {
  const { model } = env;
  const next = A.freeControllerIndex(model, type, self);
  const out: Suggestion[] = [{ value: String(next), detail: `next free ${type} controller index`, preselect: true }];
  for (const c of model?.implicitControllers ?? []) {
    if (c.type === type && String(c.index) !== String(next)) {
      out.push({ value: String(c.index), detail: `replaces the ${c.model} controller libvirt adds by itself at index ${c.index}` });
    }
  }
  return out;
}

function recommendedModel(env: Env, type: string | undefined): Suggestion[] {
  const family = env.model?.machine.family;
  switch (type) {
    case 'usb':
      return [{ value: 'qemu-xhci', detail: 'USB 3 controller, 4 ports (up to 15 with ports=)', preselect: true }];
    case 'pci':
      return family === 'i440fx'
        ? [{ value: 'pci-bridge', detail: 'adds a PCI bus with 31 slots', preselect: true }]
        : [{ value: 'pcie-root-port', detail: 'a PCIe slot for one device', preselect: true }];
    case 'scsi':
      return [{ value: 'virtio-scsi', detail: 'paravirtual SCSI controller', preselect: true }];
    default:
      return [];
  }
}

function pciAddressValues(env: Env, site: Site, attrs: Readonly<Record<string, string>>, device: PathStep): Suggestion[] {
  const { model } = env;
  const exclude = site.self ?? undefined;
  const ownModel = device.name === 'controller' && device.attrs.type === 'pci' ? device.attrs.model : undefined;
  switch (site.attribute) {
    case 'domain':
      return [{ value: '0x0000', detail: 'the only PCI domain of a QEMU guest', preselect: true }];
    case 'bus': {
      const best = A.freePciPlacement(model, ownModel, exclude);
      const buses = A.busesFor(model, ownModel, exclude);
      if (buses.length === 0) {
        // A fragment: the buses are those of the domain it is attached to; bus 0 always exists.
        return best ? [{ value: hex(best.bus), detail: 'the root bus of the domain', preselect: true }] : [];
      }
      return buses
        .sort((a, b) => Number(b.freeSlots.length > 0) - Number(a.freeSlots.length > 0) || a.index - b.index)
        .map((b) => ({
          value: hex(b.index),
          detail: `${b.model ?? 'PCI bus'} (index ${b.index}) · ${b.freeSlots.length > 0 ? `${b.freeSlots.length} free slot${b.freeSlots.length === 1 ? '' : 's'}` : 'full'}`,
          doc:
            b.freeSlots.length > 0
              ? `Bus ${hex(b.index)} is provided by ${b.index === 0 && !b.model ? 'the PCI root' : `the ${b.model ?? 'PCI'} controller with index ${b.index}`}; first free slot ${hex(b.freeSlots[0]!)}.`
              : `Every slot of bus ${hex(b.index)} is taken.`,
          preselect: best?.bus === b.index,
        }));
    }
    case 'slot': {
      const bus = parseInteger(attrs.bus ?? '0', 0) ?? 0;
      const info = model ? A.pciBuses(model).find((b) => b.index === bus) : undefined;
      const free = A.freePciSlots(model, bus, exclude);
      return free.slice(0, 8).map((s, i) => ({
        value: hex(s),
        detail: `free slot on bus ${hex(bus)}${info?.model ? ` (${info.model})` : ''}`,
        preselect: i === 0,
      }));
    }
    case 'function':
      return [{ value: '0x0', detail: 'function 0 (a single-function device)', preselect: true }];
    default:
      return [];
  }
}

function usbAddressValues(env: Env, site: Site, attrs: Readonly<Record<string, string>>): Suggestion[] {
  const buses = A.usbBusSummaries(env.model, site.self);
  switch (site.attribute) {
    case 'bus': {
      const withRoom = buses.find((b) => b.freePorts.length > 0);
      return buses.map((b) => ({
        value: String(b.index),
        detail: `${b.model ?? 'USB controller'} (index ${b.index}) · ${b.freePorts.length} of ${b.ports ?? '?'} ports free`,
        preselect: b === withRoom,
      }));
    }
    case 'port': {
      const bus = parseInteger(attrs.bus ?? '0', 10) ?? 0;
      const b = buses.find((x) => x.index === bus);
      if (!b) {
        return [{ value: '1', detail: 'port 1', preselect: true }];
      }
      return b.freePorts.map((p, i) => ({
        value: String(p),
        detail: `free port on USB bus ${bus} (${b.model ?? 'USB'})`,
        preselect: i === 0,
      }));
    }
    default:
      return [];
  }
}

function driveBusOf(deviceEl: XmlElement | undefined, path: readonly PathStep[]): string | undefined {
  const target = deviceEl && child(deviceEl, 'target');
  const fromTree = target && attr(target, 'bus')?.value;
  if (fromTree) {
    return fromTree;
  }
  const di = deviceIndex(path);
  const t = path[di + 1];
  return t?.name === 'target' ? t.attrs.bus : undefined;
}

function driveAddressValues(env: Env, site: Site, attrs: Readonly<Record<string, string>>): Suggestion[] {
  const bus = driveBusOf(site.deviceEl, site.path) ?? 'scsi';
  const controller = parseInteger(attrs.controller ?? '0', 10) ?? 0;
  const free = A.freeDriveUnit(env.model, bus, controller, site.self);
  switch (site.attribute) {
    case 'controller': {
      const list = A.controllersOf(env.model, bus);
      if (list.length === 0) {
        return [{ value: '0', detail: `${bus} controller 0 (libvirt adds it)`, preselect: true }];
      }
      return list.map((c, i) => ({
        value: String(c.index),
        detail: `${bus} controller ${c.index}${c.model ? ` (${c.model})` : ''}`,
        preselect: i === 0,
      }));
    }
    case 'bus':
      return [{ value: String(free.bus), detail: `free on ${bus} controller ${controller}`, preselect: true }];
    case 'target':
      return [{ value: String(free.target), detail: `free on ${bus} controller ${controller}`, preselect: true }];
    case 'unit':
      return [{ value: String(free.unit), detail: `free unit on ${bus} controller ${controller}`, preselect: true }];
    default:
      return [];
  }
}

function hostPciValues(env: Env, attribute: string): Suggestion[] {
  const src = A.freeHostPciAddress(env.model);
  const v: Record<string, string> = { domain: hex(src.domain, 4), bus: hex(src.bus), slot: hex(src.slot), function: hex(src.function, 1) };
  const value = v[attribute];
  return value ? [{ value, detail: 'host address not yet assigned in this domain (replace with your device, see lspci)' }] : [];
}

/** Values computed from the document for an attribute at a site. */
function smartValues(env: Env, site: Site): Suggestion[] {
  const { model } = env;
  const el = site.path[site.path.length - 1];
  if (!el) {
    return [];
  }
  const di = deviceIndex(site.path);
  if (site.path[0]?.name === 'domain' && site.path[1]?.name !== 'devices') {
    return domainValues(site);
  }
  const device = site.path[di];
  const depth = site.path.length - 1 - di;
  if (!device || depth < 0) {
    return [];
  }
  const attrs = el.attrs;
  const a = site.attribute;
  const inSource = site.path.slice(di + 1, -1).some((s) => s.name === 'source');
  if (depth === 0 && el.name === 'controller') {
    if (a === 'index' && attrs.type) {
      return controllerIndexValues(env, attrs.type, site.self);
    }
    if (a === 'model') {
      return recommendedModel(env, attrs.type);
    }
    return [];
  }
  if (el.name === 'address' && depth === 1) {
    switch (attrs.type) {
      case 'pci':
        return pciAddressValues(env, site, attrs, device);
      case 'usb':
        return usbAddressValues(env, site, attrs);
      case 'drive':
        return driveAddressValues(env, site, attrs);
      default:
        return [];
    }
  }
  if (
    el.name === 'address' &&
    inSource &&
    (device.name === 'hostdev' || device.name === 'interface') &&
    (attrs.type === 'pci' || attrs.type === undefined)
  ) {
    const isPci = device.name === 'interface' || device.attrs.type === 'pci';
    return isPci ? hostPciValues(env, a) : [];
  }
  if (el.name === 'target' && device.name === 'disk' && depth === 1 && a === 'dev') {
    if (attrs.bus) {
      const t = A.freeTarget(model, A.targetPrefix(attrs.bus, device.attrs.device), site.self);
      return [{ value: t, detail: `next free target on the ${attrs.bus} bus`, preselect: true }];
    }
    const preferred = A.targetPrefix(defaultDiskBus(env, device.attrs.device));
    return ['vd', 'sd', 'hd'].map((p) => ({
      value: A.freeTarget(model, p, site.self),
      detail: `next free ${p === 'vd' ? 'virtio' : p === 'sd' ? 'SCSI/SATA/USB' : 'IDE'} target`,
      preselect: p === preferred,
    }));
  }
  if (el.name === 'target' && device.name === 'disk' && depth === 1 && a === 'bus') {
    const bus = defaultDiskBus(env, device.attrs.device);
    return [
      {
        value: bus,
        detail: bus === 'virtio' ? 'paravirtual block device (fastest)' : `the usual bus for a ${device.attrs.device ?? 'disk'}`,
        preselect: true,
      },
    ];
  }
  if (el.name === 'driver' && device.name === 'disk' && depth === 1 && a === 'type') {
    const t = device.attrs.type === 'file' && device.attrs.device !== 'cdrom' ? 'qcow2' : 'raw';
    return [
      {
        value: t,
        detail: t === 'qcow2' ? 'QEMU image format (snapshots, thin provisioning)' : 'plain data, no image format',
        preselect: true,
      },
    ];
  }
  if (el.name === 'mac' && a === 'address') {
    return [
      { value: A.randomMac(model, env.random, 'qemu'), detail: "random, with QEMU's 52:54:00 prefix", preselect: true, doc: MAC_DOC },
      { value: A.randomMac(model, env.random, 'local'), detail: 'random, locally administered', doc: MAC_DOC },
    ];
  }
  if (el.name === 'boot' && a === 'order') {
    return [
      { value: String(A.nextBootOrder(model, site.self)), detail: 'after the devices that already have a boot order', preselect: true },
    ];
  }
  if (el.name === 'target' && device.name === 'controller' && depth === 1) {
    if (a === 'chassis') {
      const own = parseInteger(device.attrs.index, 10);
      const free = A.freeChassis(model, site.self ?? site.deviceEl);
      const chassis = own !== undefined && own > 0 && own <= 255 && A.chassisFree(model, own, site.self ?? site.deviceEl) ? own : free;
      return [
        {
          value: String(chassis),
          detail: chassis === own ? 'the controller index, a chassis number no other port uses' : 'a chassis number no other port uses',
          preselect: true,
        },
      ];
    }
    if (a === 'port') {
      const addr = site.deviceEl && child(site.deviceEl, 'address');
      const slot = parseInteger(addr && attr(addr, 'slot')?.value, 0) ?? A.freePciPlacement(model, 'pcie-root-port')?.slot ?? 0;
      return [
        {
          value: hex(A.freeRootPortNumber(model, slot, site.self), 1),
          detail: 'port number (slot × 8 + function), unused',
          preselect: true,
        },
      ];
    }
    return [];
  }
  if (el.name === 'target' && (device.name === 'serial' || device.name === 'console') && depth === 1 && a === 'port') {
    const port = device.name === 'serial' ? A.freeSerialPort(model, site.self) : 0;
    return [{ value: String(port), detail: device.name === 'serial' ? 'next free serial port' : 'the first serial port', preselect: true }];
  }
  if (el.name === 'driver' && depth === 1 && a === 'name') {
    if (device.name === 'hostdev') {
      return [{ value: 'vfio', detail: 'VFIO, the driver for PCI passthrough', preselect: true }];
    }
    if (device.name === 'disk') {
      return [{ value: 'qemu', detail: 'the QEMU block layer', preselect: true }];
    }
  }
  return [];
}

/** Values outside <devices>: the architecture and machine type of <os><type>. */
function domainValues(site: Site): Suggestion[] {
  const el = site.path[site.path.length - 1]!;
  if (site.path.length === 3 && site.path[1]!.name === 'os' && el.name === 'type') {
    if (site.attribute === 'arch') {
      return [
        { value: 'x86_64', detail: '64-bit x86 (Intel, AMD)', preselect: true },
        { value: 'aarch64', detail: '64-bit ARM (Kunpeng and other ARMv8 servers)' },
      ];
    }
    if (site.attribute === 'machine') {
      const arch = el.attrs.arch;
      if (arch === 'aarch64' || arch === 'armv7l' || arch?.startsWith('riscv')) {
        return [{ value: 'virt', detail: 'the generic ARM/RISC-V virtual board', preselect: true }];
      }
      return [
        { value: 'q35', detail: 'modern chipset: PCIe, AHCI (SATA), UEFI secure boot', preselect: true },
        { value: 'pc', detail: 'the older i440fx chipset: conventional PCI, IDE' },
      ];
    }
  }
  return [];
}

/** The value a new element's text usually has, when its type is a list of values. */
const USUAL_TEXT: Record<string, string> = {
  'os/type': 'hvm',
  on_poweroff: 'destroy',
  on_reboot: 'restart',
  on_crash: 'destroy',
  on_lockfailure: 'poweroff',
};

/** The bus a new disk of this kind usually goes on: CD-ROMs on SATA (q35) or IDE (i440fx), floppies on fdc, disks on virtio. */
function defaultDiskBus(env: Env, device: string | undefined): string {
  if (device === 'cdrom') {
    return env.model?.machine.family === 'i440fx' ? 'ide' : env.model?.machine.family === 'q35' ? 'sata' : 'scsi';
  }
  return device === 'floppy' ? 'fdc' : 'virtio';
}

const MAC_DOC =
  'A unicast, locally administered address: in the first octet the lowest bit (multicast) is clear and the second-lowest ' +
  "bit (locally administered) is set, so it cannot clash with an address burnt into a real card. 52:54:00 is QEMU's usual prefix and is such a prefix itself.";

/** Extra detail for values that carry a known quantity (USB controller port counts). */
function valueDetail(site: Site, value: string): string | undefined {
  const el = site.path[site.path.length - 1];
  if (el?.name === 'controller' && site.attribute === 'model' && el.attrs.type === 'usb' && value !== 'none') {
    const n = usbPortCount(value, undefined);
    return n > 0
      ? `${n} port${n === 1 ? '' : 's'}`
      : value.startsWith('ich9-uhci')
        ? 'companion of an ich9-ehci1 at the same index'
        : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// element snippets

/** Attributes an element usually gets besides the required ones (in this order). */
function usualAttributes(name: string, path: readonly PathStep[]): string[] {
  const di = deviceIndex(path);
  const device = path[di];
  const attrs = path[path.length - 1]?.attrs ?? {};
  const inSource = path.slice(di + 1, -1).some((s) => s.name === 'source');
  const dev = device?.name;
  switch (name) {
    case 'controller':
      return ['type', 'index', 'model'];
    case 'disk':
      return ['type', 'device'];
    case 'hostdev':
      return ['mode', 'type', 'managed'];
    case 'interface':
    case 'serial':
    case 'console':
    case 'graphics':
      return ['type'];
    case 'input':
      return ['type', 'bus'];
    case 'driver':
      return dev === 'disk' ? ['name', 'type'] : dev === 'hostdev' ? ['name'] : [];
    case 'source':
      if (dev === 'disk') {
        const t = device!.attrs.type;
        return t === 'file'
          ? ['file']
          : t === 'block'
            ? ['dev']
            : t === 'dir'
              ? ['dir']
              : t === 'network'
                ? ['protocol', 'name']
                : t === 'volume'
                  ? ['pool', 'volume']
                  : [];
      }
      if (dev === 'interface') {
        const t = device!.attrs.type;
        return t === 'network' ? ['network'] : t === 'bridge' ? ['bridge'] : t === 'direct' ? ['dev', 'mode'] : [];
      }
      return [];
    case 'target':
      if (dev === 'disk') {
        return ['dev', 'bus'];
      }
      if (dev === 'controller' && (device!.attrs.model === 'pcie-root-port' || device!.attrs.model === 'pcie-switch-downstream-port')) {
        return ['chassis', 'port'];
      }
      if (dev === 'serial') {
        return ['port'];
      }
      return dev === 'console' ? ['type'] : [];
    case 'mac':
      return ['address'];
    case 'model':
      return dev === 'interface' || dev === 'video' ? ['type'] : dev === 'controller' ? ['name'] : [];
    case 'boot':
      return dev === undefined && path[1]?.name === 'os' ? ['dev'] : ['order'];
    case 'type':
      return path.length === 3 && path[1]?.name === 'os' ? ['arch', 'machine'] : [];
    case 'memory':
    case 'currentMemory':
      return path.length === 2 ? ['unit'] : [];
    case 'rom':
      return ['bar'];
    case 'vendor':
    case 'product':
      return ['id'];
    case 'address':
      if (inSource) {
        return dev === 'hostdev' && device!.attrs.type === 'usb' ? ['bus', 'device'] : ['type', 'domain', 'bus', 'slot', 'function'];
      }
      switch (attrs.type) {
        case 'pci':
          return ['type', 'domain', 'bus', 'slot', 'function'];
        case 'usb':
          return ['type', 'bus', 'port'];
        case 'drive':
          return ['type', 'controller', 'bus', 'target', 'unit'];
        default:
          return ['type'];
      }
    default:
      return [];
  }
}

interface ChildSpec {
  name: string;
  attrs?: Record<string, string>;
}

/** Child elements an element usually gets besides the required ones. */
function usualChildren(name: string, path: readonly PathStep[]): ChildSpec[] {
  const di = deviceIndex(path);
  const device = path[di];
  const attrs = path[path.length - 1]?.attrs ?? {};
  const atDevice = path.length - 1 === di;
  if (atDevice) {
    switch (name) {
      case 'disk':
        return [
          { name: 'driver' },
          ...(attrs.type ? [{ name: 'source' }] : []),
          { name: 'target' },
          ...(attrs.device === 'cdrom' ? [{ name: 'readonly' }] : []),
        ];
      case 'interface':
        return attrs.type === 'hostdev'
          ? [{ name: 'mac' }, { name: 'source' }]
          : attrs.type
            ? [{ name: 'mac' }, { name: 'source' }, { name: 'model' }]
            : [{ name: 'mac' }];
      case 'hostdev':
        return attrs.type === 'pci' ? [{ name: 'driver' }, { name: 'source' }] : attrs.type === 'usb' ? [{ name: 'source' }] : [];
      case 'serial':
      case 'console':
        return [{ name: 'target' }];
      default:
        return [];
    }
  }
  if (name === 'source' && path.length - 2 === di) {
    if (device?.name === 'hostdev' && device.attrs.type === 'pci') {
      return [{ name: 'address' }];
    }
    if (device?.name === 'hostdev' && device.attrs.type === 'usb') {
      return [{ name: 'vendor' }, { name: 'product' }];
    }
    if (device?.name === 'interface' && device.attrs.type === 'hostdev') {
      return [{ name: 'address', attrs: { type: 'pci' } }];
    }
  }
  return [];
}

/** Element variants offered besides the plain element (a discriminator already chosen). */
function variantsOf(name: string, parentPath: readonly PathStep[], parentEl: XmlElement | undefined): Record<string, string>[] {
  const di = deviceIndex(parentPath);
  const atDevices = isDevicesElement(parentPath) || (parentPath.length === 0 && name !== 'domain');
  if (atDevices) {
    switch (name) {
      case 'controller':
        return [{ type: 'usb' }, { type: 'pci' }, { type: 'scsi' }, { type: 'virtio-serial' }];
      case 'disk':
        return [
          { type: 'file', device: 'disk' },
          { type: 'block', device: 'disk' },
          { type: 'file', device: 'cdrom' },
        ];
      case 'interface':
        return [{ type: 'network' }, { type: 'bridge' }, { type: 'hostdev', managed: 'yes' }];
      case 'hostdev':
        return [
          { mode: 'subsystem', type: 'pci', managed: 'yes' },
          { mode: 'subsystem', type: 'usb', managed: 'yes' },
        ];
      case 'serial':
      case 'console':
        return [{ type: 'pty' }];
      default:
        return [];
    }
  }
  if (name === 'address' && parentPath.length - 1 === di) {
    const device = parentPath[di]!;
    const types: string[] = [];
    const usbNature =
      (device.name === 'hostdev' && device.attrs.type === 'usb') ||
      ((device.name === 'input' || device.name === 'redirdev') && device.attrs.bus === 'usb') ||
      device.name === 'hub';
    if (device.name === 'disk') {
      const bus = driveBusOf(parentEl, parentPath);
      if (bus === 'scsi' || bus === 'sata' || bus === 'ide' || bus === 'fdc') {
        types.push('drive');
      } else if (bus === 'usb') {
        types.push('usb');
      } else {
        types.push('pci');
      }
    } else if (usbNature) {
      types.push('usb');
    } else if (
      device.name !== 'controller' ||
      device.attrs.type !== 'pci' ||
      (device.attrs.model !== 'pci-root' && device.attrs.model !== 'pcie-root')
    ) {
      types.push('pci');
    }
    return types.map((type) => ({ type }));
  }
  return [];
}

class Tabs {
  n = 0;
  next(text: string, choices?: readonly string[]): Placeholder {
    this.n++;
    return choices && choices.length > 1 ? { tab: this.n, text: choices[0]!, choices } : { tab: this.n, text: choices?.[0] ?? text };
  }
}

/**
 * The snippet for a new element `name` (with `presets`) under `parentPath`. Required and usual
 * attributes get computed values (or a choice of the allowed values); required and usual
 * children are written out two levels deep.
 */
function elementSnippet(
  env: Env,
  parentPath: readonly PathStep[],
  name: string,
  presets: Readonly<Record<string, string>>,
  tabs: Tabs,
  deviceEl: XmlElement | undefined,
  depth: number
): SnippetPart[] | undefined {
  const attrs: Record<string, string> = { ...presets };
  let res = resolve([...parentPath, { name, attrs }]);
  if (!res) {
    return undefined;
  }
  const out: SnippetPart[] = ['<' + name];
  const q = env.quote;
  for (const [k, v] of Object.entries(presets)) {
    out.push(` ${k}=${q}${v}${q}`);
  }
  const wanted = usualAttributes(name, [...parentPath, { name, attrs }]).filter((n) => !(n in presets));
  for (const a of attributesOf(res)) {
    if (a.required && !(a.name in presets) && !wanted.includes(a.name)) {
      wanted.push(a.name);
    }
  }
  for (const n of wanted) {
    const info = res.attributes.get(n);
    if (!info || (info.vendor && env.flavor === 'upstream')) {
      continue;
    }
    const path = [...parentPath, { name, attrs: { ...attrs } }];
    const smart = smartValues(env, { path, attribute: n, self: undefined, deviceEl });
    const best = smart.find((s) => s.preselect) ?? smart[0];
    const choices = orderedEnum(env, info);
    let value: Placeholder;
    if (choices.length > 0) {
      const first = best ? [best.value, ...choices.filter((c) => c !== best.value)] : choices;
      value = tabs.next('', first.slice(0, 24));
    } else {
      value = tabs.next(best?.value ?? '');
    }
    out.push(` ${n}=${q}`, value, q);
    attrs[n] = value.text;
    if (info.discriminator) {
      res = resolve([...parentPath, { name, attrs }]) ?? res;
    }
  }
  const selfPath: PathStep[] = [...parentPath, { name, attrs }];
  const kids: SnippetPart[][] = [];
  if (depth < 3) {
    // The plain element (no preset) leaves out what depends on a value the user has still to choose.
    const rich = depth > 0 || Object.keys(presets).length > 0;
    const specs: ChildSpec[] = rich ? usualChildren(name, selfPath).filter((s) => res.children.has(s.name)) : [];
    for (const c of childrenOf(res)) {
      if (c.required && !specs.some((x) => x.name === c.name)) {
        specs.push({ name: c.name });
      }
    }
    for (const s of specs) {
      const k = elementSnippet(env, selfPath, s.name, s.attrs ?? {}, tabs, deviceEl, depth + 1);
      if (k) {
        kids.push(k);
      }
    }
  }
  const hasChildren = childrenOf(res).length > 0 || res.anyChildren;
  if (kids.length > 0) {
    out.push('>');
    for (const k of kids) {
      out.push('\n  ', ...k.map((p) => (typeof p === 'string' ? p.replace(/\n/g, '\n  ') : p)));
    }
    out.push(`\n</${name}>`);
  } else if (hasChildren && (res.attributes.size === 0 || childrenOf(res).some((c) => c.required))) {
    out.push('>\n  ', depth === 0 ? { tab: 0, text: '' } : '', `\n</${name}>`);
  } else if (res.text) {
    let values = [...(enumValues(res.text) ?? [])];
    const usual = USUAL_TEXT[`${parentPath[parentPath.length - 1]?.name ?? ''}/${name}`] ?? USUAL_TEXT[name];
    if (usual && values.includes(usual)) {
      values = [usual, ...values.filter((v) => v !== usual)];
    }
    out.push('>', tabs.next('', values.length > 0 ? values.slice(0, 24) : undefined), `</${name}>`);
  } else {
    out.push('/>');
  }
  return out.filter((p) => p !== '');
}

function indentInsert(env: Env, s: Snippet): Snippet {
  return reindent(s, env.lineIndent, env.unit);
}

function elementCandidates(
  env: Env,
  parentPath: readonly PathStep[],
  parentRes: ResolvedElement | undefined,
  parentEl: XmlElement | undefined,
  names: readonly string[],
  span: Span,
  withLt: boolean,
  nameOnly: boolean,
  typing: XmlElement | undefined
): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  const deviceEl = A.deviceOf(env.model, parentEl)?.el;
  // Names of the children already there (one pass: <devices> may have thousands).
  const present = new Set<string>();
  for (const c of parentEl?.children ?? []) {
    if (c !== typing) {
      present.add(c.name);
    }
  }
  names.forEach((name, i) => {
    const info = parentRes?.children.get(name);
    if (info && !info.multiple && present.has(name)) {
      return; // there already is one
    }
    const doc = parentRes ? childDoc(parentRes, name) : undefined;
    const sortBase = `1${String(i).padStart(3, '0')}`;
    if (nameOnly) {
      out.push({ label: name, kind: 'element', detail: firstSentence(doc), documentation: doc, insert: [name], span, sortText: sortBase });
      return;
    }
    const lt = withLt ? '' : undefined;
    const make = (presets: Record<string, string>, label: string, sort: string, preselect?: boolean): void => {
      const body = elementSnippet(env, parentPath, name, presets, new Tabs(), deviceEl, 0);
      if (!body) {
        return;
      }
      if (lt === undefined) {
        const first = body[0];
        if (typeof first === 'string') {
          body[0] = first.slice(1); // the '<' is already typed
        }
      }
      const insert = indentInsert(env, body);
      out.push({
        label,
        kind: 'element',
        detail: firstSentence(doc),
        documentation: doc,
        insert,
        span,
        filterText: withLt ? name : undefined,
        sortText: sort,
        preselect,
      });
    };
    make({}, name, sortBase);
    variantsOf(name, parentPath, parentEl).forEach((presets, k) => {
      const label = `${name} ${Object.entries(presets)
        .map(([a, v]) => `${a}='${v}'`)
        .join(' ')}`;
      make(presets, label, `${sortBase}${k}`, false);
    });
  });
  return out;
}

function templateCandidates(env: Env, span: Span, topLevel: boolean): CompletionCandidate[] {
  return deviceTemplates({ model: env.model, flavor: env.flavor, random: env.random, topLevel }).map((t, i) => ({
    label: t.label,
    kind: 'template',
    templateId: t.id,
    detail: t.detail,
    documentation: t.description + '\n\n```xml\n' + snippetText(reindent(t.snippet, '', env.unit)) + '\n```',
    insert: indentInsert(env, t.snippet),
    span,
    filterText: '<' + t.keywords,
    sortText: `2${String(i).padStart(3, '0')}`,
  }));
}

/** Names allowed at the top of a file: a domain, or one device as `virsh attach-device` takes it. */
function topLevelNames(): string[] {
  const root = rootElement();
  const devices = childElement(root, { name: 'devices', attrs: {} });
  const names = ['domain'];
  for (const c of devices ? childrenOf(devices) : []) {
    if (FRAGMENT_ROOTS.has(c.name)) {
      names.push(c.name);
    }
  }
  return names;
}

function contentCandidates(
  env: Env,
  parent: XmlElement | undefined,
  span: Span,
  withLt: boolean,
  nameOnly: boolean,
  typing: XmlElement | undefined,
  templateSpan: Span
): CompletionCandidate[] {
  if (!parent) {
    const root = env.doc.root;
    if (root && root !== typing) {
      return [];
    }
    const out = elementCandidates(env, [], undefined, undefined, topLevelNames(), span, withLt, nameOnly, typing);
    return nameOnly ? out : [...out, ...templateCandidates(env, templateSpan, true)];
  }
  const path = stepsTo(parent);
  const res = resolve(path);
  if (!res) {
    return [];
  }
  const names = childrenOf(res).map((c) => c.name);
  const out = elementCandidates(env, path, res, parent, names, span, withLt, nameOnly, typing);
  if (!nameOnly && isDevicesElement(path)) {
    out.push(...templateCandidates(env, templateSpan, false));
  }
  return out;
}

function elementNameItems(env: Env, ctx: ElementNameContext): CompletionCandidate[] {
  const typing = elementStartingAt(env.doc, ctx.lt);
  return contentCandidates(env, ctx.parent, ctx.span, false, ctx.tagHasMore, typing, { start: ctx.lt, end: ctx.span.end });
}

function textItems(env: Env, ctx: TextContext): CompletionCandidate[] {
  const out = contentCandidates(env, ctx.parent, ctx.span, true, false, undefined, ctx.span);
  if (ctx.parent) {
    const res = resolve(stepsTo(ctx.parent));
    const values = res?.text ? (enumValues(res.text) ?? []) : [];
    values.forEach((v, i) =>
      out.push({ label: v, kind: 'value', insert: [v], span: ctx.span, sortText: `0${String(i).padStart(3, '0')}` })
    );
  }
  return out;
}

// ---------------------------------------------------------------------------
// attributes

function tagPath(ctx: AttributeNameContext | AttributeValueContext, except?: string): PathStep[] {
  return [...stepsTo(ctx.parent), { name: ctx.tag.name, attrs: tagAttributes(ctx.tag, except) }];
}

function attributeNameItems(env: Env, ctx: AttributeNameContext): CompletionCandidate[] {
  const path = tagPath(ctx);
  const res = resolve(path);
  if (!res) {
    return [];
  }
  const self = elementStartingAt(env.doc, ctx.tag.start);
  const deviceEl = A.deviceOf(env.model, self ?? ctx.parent)?.el;
  const present = new Set(
    ctx.tag.attributes
      .filter((a) => !(a.nameSpan.start <= ctx.span.start && ctx.span.end <= a.nameSpan.end && a.nameSpan.start === ctx.span.start))
      .map((a) => a.name)
  );
  const q = env.quote;
  const out: CompletionCandidate[] = [];
  for (const a of attributesOf(res)) {
    if (present.has(a.name) || (a.vendor && env.flavor === 'upstream')) {
      continue;
    }
    const rank = a.required ? 0 : a.discriminator ? 1 : usualAttributes(ctx.tag.name, path).includes(a.name) ? 2 : a.doc ? 3 : 4;
    const base = {
      label: a.name,
      kind: 'attribute' as const,
      detail: (a.required ? 'required · ' : '') + describeType(a.type) + (a.vendor ? ` (${a.vendor} only)` : ''),
      documentation: attrDocumentation(a),
      span: ctx.span,
      sortText: `${rank}${a.name}`,
    };
    if (ctx.hasValue) {
      out.push({ ...base, insert: [a.name] });
      continue;
    }
    const smart = smartValues(env, { path: tagPath(ctx, a.name), attribute: a.name, self, deviceEl });
    const best = smart.find((s) => s.preselect) ?? smart[0];
    if (best) {
      out.push({ ...base, insert: [`${a.name}=${q}`, { tab: 1, text: best.value }, q] });
    } else {
      out.push({ ...base, insert: [`${a.name}=${q}`, { tab: 1, text: '' }, q], retrigger: true });
    }
  }
  return out;
}

function attributeValueItems(env: Env, ctx: AttributeValueContext): CompletionCandidate[] {
  const path = tagPath(ctx, ctx.attribute);
  const res = resolve(path);
  const info = res?.attributes.get(ctx.attribute);
  const self = elementStartingAt(env.doc, ctx.tag.start);
  const deviceEl = A.deviceOf(env.model, self ?? ctx.parent)?.el;
  const site: Site = { path, attribute: ctx.attribute, self, deviceEl };
  const smart = smartValues(env, site);
  const wrap = (v: string): string => (ctx.quote === '' ? `${env.quote}${v}${env.quote}` : ctx.closed ? v : v + ctx.quote);
  const out: CompletionCandidate[] = [];
  const seen = new Set<string>();
  smart.forEach((s, i) => {
    if (seen.has(s.value)) {
      return;
    }
    seen.add(s.value);
    const meaning = info?.valueDocs?.[s.value];
    out.push({
      label: s.value,
      kind: 'value',
      detail: s.detail,
      documentation: [s.doc, meaning].filter(Boolean).join('\n\n') || undefined,
      insert: [wrap(s.value)],
      span: ctx.span,
      sortText: `0${String(i).padStart(3, '0')}`,
      preselect: s.preselect,
    });
  });
  if (info) {
    orderedEnum(env, info).forEach((v, i) => {
      if (seen.has(v)) {
        return;
      }
      seen.add(v);
      const vendor = vendorOnly(info, v);
      const meaning = info.valueDocs?.[v];
      const extra = valueDetail(site, v);
      const detail = [extra, firstSentence(meaning), vendor ? `${vendor} only` : undefined, info.default === v ? 'default' : undefined]
        .filter(Boolean)
        .join(' · ');
      out.push({
        label: v,
        kind: 'value',
        detail: detail || undefined,
        documentation: meaning,
        insert: [wrap(v)],
        span: ctx.span,
        sortText: `1${String(i).padStart(3, '0')}`,
      });
    });
    if (out.length === 0) {
      (info.examples ?? []).forEach((v, i) => {
        if (!seen.has(v)) {
          seen.add(v);
          out.push({
            label: v,
            kind: 'value',
            detail: 'example',
            insert: [wrap(v)],
            span: ctx.span,
            sortText: `2${String(i).padStart(3, '0')}`,
          });
        }
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// warm-up

const WARM_UP_DOMAIN = `<domain type='kvm'>
  <name>warm-up</name>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <controller type='usb' index='0' model=''/>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <address type='pci' bus='0x00' slot=''/>
    </hostdev>
    <
  </devices>
</domain>
`;

/**
 * Runs completion on a small built-in domain a few times: the schema lookups it needs are
 * resolved and cached, and the code is compiled, before a user's first request.
 */
export function warmUpCompletion(rounds = 3): void {
  const analysis = analyze(WARM_UP_DOMAIN);
  const offsets = [
    WARM_UP_DOMAIN.indexOf("model=''") + 7,
    WARM_UP_DOMAIN.indexOf("slot=''") + 6,
    WARM_UP_DOMAIN.indexOf('<\n') + 1,
    WARM_UP_DOMAIN.indexOf('<hostdev') + 9,
  ];
  for (let r = 0; r < rounds; r++) {
    for (const o of offsets) {
      complete(analysis, o, { random: () => 0.5 });
    }
  }
}

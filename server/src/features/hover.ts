/**
 * Hover: what the thing under the cursor is.
 * - an element or attribute: its documentation from the schema and our docs overlay (what it
 *   does, allowed values with their meanings, type, default, examples);
 * - a value (or element text): its meaning (the doc of that enum value), or what is wrong with it as
 *   the value judge (schema/judge.ts) says, the same verdict lint reports;
 * - an <address type='pci'> (or one of its attributes): what it resolves to in the topology
 *   ("bus 0x01 is pcie-root-port index 1, plugged in at 00:02.0, which has a single slot");
 * - a hostdev's source address: the host device in lspci form (0000:04:10.1);
 * - a USB address: which controller or hub, and its ports; a drive address: which controller;
 * - a controller: what plugs into it.
 * Plain data (markdown and the span it is about); lsp/hover.ts speaks LSP.
 */
import { findPciDevice, formatPciAddress } from '../host/match';
import type { HostProfile } from '../host/profile';
import { controllerModel, deviceOf } from '../model/build';
import { busInfo, chipsetReservations, formatPci, hex, isEmptyPci, placedPciDevices, resolvePci } from '../model/pci';
import type { Controller, Device, DomainModel, HostSource, PciAddress } from '../model/types';
import { usbBuses } from '../model/usb';
import { judgeAttributeIn, judgeTextIn, type ValueJudgement } from '../schema/judge';
import { childDoc, describeType, enumValues, schemaSource, type AttributeInfo, type ResolvedElement } from '../schema/lookup';
import { nearest } from '../schema/nearest';
import { attr, type Span, type XmlAttribute, type XmlDocument, type XmlElement } from '../syntax/tree';
import { hostAddressOf, pciDeviceMarkdown } from './completion/host';
import { schemaElementOf, targetAt, type CursorTarget } from './cursor';
import { allRefs, controllersAt, referencesTo, type ControllerRef } from './navigation';
import { hostSource, shortAddress } from './symbols';

interface HoverResult {
  markdown: string;
  span: Span;
}

/** Inline code, safe for backticks in the text. */
function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function schemaVersion(): string {
  return `libvirt ${schemaSource().libvirt}`;
}

// ---------------------------------------------------------------------------
// devices in one line

/** A device in a few words: <interface type='network'> 52:54:00:..., <disk> vda, ... */
function describeDevice(model: DomainModel, d: Device): string {
  switch (d.kind) {
    case 'controller': {
      const c = d;
      const m = controllerModel(model, c);
      return `${code(`<controller type='${c.type ?? '?'}' index='${c.index?.attr.value ?? '?'}'>`)}${m ? ` (${m})` : ''}`;
    }
    case 'disk': {
      const k = d;
      return `${code('<disk>')} ${k.targetDev?.value ?? '?'}${k.bus?.value ? ` on ${k.bus.value}` : ''}`;
    }
    case 'interface': {
      const i = d;
      return `${code(`<interface type='${i.type ?? '?'}'>`)}${i.mac?.value ? ` ${i.mac.value}` : ''}`;
    }
    case 'hostdev': {
      const h = d;
      const src = hostSource(h);
      return `${code(`<hostdev type='${h.type ?? '?'}'>`)}${src ? ` ${src}` : ''}`;
    }
    default: {
      const t = attr(d.el, 'type')?.value ?? attr(d.el, 'model')?.value;
      return code(`<${d.el.name}${t ? ` ${attr(d.el, 'type') ? 'type' : 'model'}='${t}'` : ''}>`);
    }
  }
}

// ---------------------------------------------------------------------------
// topology

function slotRange(min: number, max: number): string {
  return min === max ? `a single slot (${hex(min)})` : `slots ${hex(min)} to ${hex(max)}`;
}

/** Where a controller itself is plugged in, as bus:slot.function. */
function pluggedAt(c: Controller): string | undefined {
  if (c.address?.type !== 'pci') {
    return undefined;
  }
  const r = resolvePci(c.address);
  return r && !isEmptyPci(r) ? formatPci(r).slice(5) : undefined;
}

/** "bus 0x01 is pcie-root-port index 1, plugged in at 00:02.0, which has a single slot". */
function pciBusSentence(model: DomainModel, bus: number): string {
  const info = busInfo(model, bus);
  const range = slotRange(info.minSlot, info.maxSlot);
  if (info.controller) {
    const at = pluggedAt(info.controller);
    return `Bus ${hex(bus)} is ${info.model ?? 'a PCI controller'} index ${bus}${at ? `, plugged in at ${at}` : ''}, which has ${range}.`;
  }
  if (bus === 0 && info.model) {
    return `Bus 0x00 is the root bus (${info.model}, which libvirt adds by itself), with ${range}.`;
  }
  if (bus === 0) {
    return `Bus 0x00 is the root bus of the domain this device is attached to.`;
  }
  return model.kind === 'fragment'
    ? `Bus ${hex(bus)} is the PCI controller with index ${bus} in the domain this device is attached to.`
    : `No PCI controller has index ${bus}: libvirt adds one when it defines the domain (a pcie-root-port on q35, a pci-bridge on i440fx).`;
}

function pciAddressInfo(model: DomainModel, a: PciAddress, self: Device | undefined): string[] {
  const r = resolvePci(a);
  if (!r) {
    return ['This address has a part libvirt cannot read, so it does not resolve to a slot.'];
  }
  if (isEmptyPci(r)) {
    return [
      'Bus 0x00, slot 0x00 is the host bridge: libvirt treats this address as none at all and places the device at a slot of its own choosing.',
    ];
  }
  const lines = [`**PCI address ${formatPci(r)}**`, pciBusSentence(model, r.bus)];
  if (r.bus === 0) {
    const res = chipsetReservations(model).find((x) => x.slot === r.slot && x.function === r.function);
    if (res) {
      lines.push(`${formatPci(r).slice(5)} belongs to ${res.what}.`);
    }
  }
  const same = placedPciDevices(model).filter((p) => p.device !== self && p.at.bus === r.bus && p.at.slot === r.slot);
  if (same.length) {
    lines.push(
      `Also in slot ${hex(r.slot)}: ${same
        .sort((x, y) => x.at.function - y.at.function)
        .map((p) => `function ${p.at.function}: ${describeDevice(model, p.device)}`)
        .join('; ')}.`
    );
  }
  return lines;
}

function hostPciInfo(h: HostSource): string[] {
  const src = hostSource(h);
  if (!src) {
    return [];
  }
  const node = `pci_${src.replace(/[:.]/g, '_')}`;
  return [
    `**Host device ${src}**`,
    `As lspci shows it: ${code(`lspci -s ${src}`)}; as a libvirt node device: ${code(node)} (${code(`virsh nodedev-dumpxml ${node}`)}).`,
  ];
}

function hostUsbInfo(h: HostSource): string[] {
  const src = hostSource(h);
  if (!src) {
    return [];
  }
  if (src.startsWith('bus ')) {
    return [
      `**Host USB device at ${src}**`,
      `As lsusb shows it: ${code(`lsusb -s ${h.usbBus?.value ?? 0}:${h.usbDevice?.value ?? 0}`)}. The device number changes when it is plugged again; vendor and product ids do not.`,
    ];
  }
  return [`**Host USB device ${src}**`, `As lsusb shows it: ${code(`lsusb -d ${src}`)}.`];
}

function usbAddressInfo(model: DomainModel, ref: ControllerRef): string[] {
  const a = ref.device.address;
  if (a?.type !== 'usb') {
    return [];
  }
  const bus = usbBuses(model).find((b) => b.index === ref.index);
  const controllers = controllersAt(model, 'usb', ref.index);
  const ports = bus?.ports;
  const lines: string[] = [];
  if (!bus && controllers.length === 0) {
    lines.push(
      model.kind === 'fragment'
        ? `USB bus ${ref.index} is the USB controller with index ${ref.index} in the domain this device is attached to.`
        : `No USB controller has index ${ref.index}: libvirt refuses the address ("Missing USB bus ${ref.index}").`
    );
    return lines;
  }
  const what = controllers.length
    ? controllers.map((c) => controllerModel(model, c) ?? 'a USB controller').join(' + ')
    : (bus?.model ?? 'the USB controller libvirt adds by itself');
  lines.push(
    `USB bus ${ref.index} is ${what} (index ${ref.index})${ports !== undefined ? `, with ${ports} port${ports === 1 ? '' : 's'}` : ''}.`
  );
  const path = a.portPath;
  if (path && path.length > 0 && !path.every((p) => p === 0)) {
    if (path.length === 1) {
      lines.push(
        `Port ${path[0]} is a port of the controller itself${ports !== undefined && path[0]! > ports ? `, which does not exist: the controller has ${ports}` : ''}.`
      );
    } else {
      const hubPath = path.slice(0, -1).join('.');
      const hub = bus?.hubs.get(hubPath);
      lines.push(
        hub
          ? `Port ${a.port?.value} is port ${path[path.length - 1]} of the USB hub at port ${hubPath} (a hub has 8 ports).`
          : `Port ${a.port?.value} goes through port ${hubPath}, where there is no <hub>.`
      );
    }
  } else {
    lines.push('No port given: libvirt picks a free one.');
  }
  return lines;
}

function driveAddressInfo(model: DomainModel, ref: ControllerRef): string[] {
  const cs = controllersAt(model, ref.type, ref.index);
  const implicit = model.implicitControllers.find((c) => c.type === ref.type && c.index === ref.index);
  const head = ref.implicit ? `libvirt derives the drive address from the target name: controller ${ref.index}. ` : '';
  if (cs.length) {
    return [`${head}Controller ${ref.index} is ${describeDevice(model, cs[0]!)}.`];
  }
  if (implicit) {
    return [`${head}Controller ${ref.index} is the ${ref.type} controller libvirt adds by itself (${implicit.model}).`];
  }
  return [`${head}No ${ref.type} controller has index ${ref.index}: libvirt adds one when it defines the domain.`];
}

function addressInfo(model: DomainModel, el: XmlElement): string[] {
  const d = deviceOf(model, el);
  if (!d) {
    return [];
  }
  // a host device's source address: the host side
  const src = el.parent;
  if (src?.name === 'source' && src.parent === d.el) {
    const h = model.hostdevs.find((x) => x.device === d);
    if (h?.type === 'pci') {
      return hostPciInfo(h);
    }
    if (h?.type === 'usb') {
      return hostUsbInfo(h);
    }
    return [];
  }
  if (d.address?.el !== el) {
    return [];
  }
  if (d.address.type === 'pci') {
    return pciAddressInfo(model, d.address, d);
  }
  const ref = allRefs(model).find((r) => r.el === el);
  if (!ref) {
    return [];
  }
  if (ref.type === 'usb') {
    return usbAddressInfo(model, ref);
  }
  return driveAddressInfo(model, ref);
}

function pluggedIntoList(model: DomainModel, refs: ControllerRef[], label: (r: ControllerRef) => string): string {
  const max = 16;
  const items = refs.slice(0, max).map((r) => `- ${label(r)}: ${describeDevice(model, r.device)}`);
  if (refs.length > max) {
    items.push(`- … and ${refs.length - max} more`);
  }
  return items.join('\n');
}

function controllerInfo(model: DomainModel, c: Controller): string[] {
  const index = c.index?.value;
  if (c.type === undefined || index === undefined) {
    return [];
  }
  const m = controllerModel(model, c);
  const refs = referencesTo(model, c);
  const lines: string[] = [];
  if (c.type === 'pci') {
    const info = busInfo(model, index);
    const at = pluggedAt(c);
    lines.push(
      `**PCI controller index ${index}**${m ? ` (${m})` : ''}: provides bus ${hex(index)} with ${slotRange(info.minSlot, info.maxSlot)}${at ? `; plugged in at ${at}` : ''}.`
    );
    const label = (r: ControllerRef) => {
      const a = r.device.address;
      const p = a?.type === 'pci' ? resolvePci(a) : undefined;
      return p ? `slot ${hex(p.slot)}${p.function ? ` function ${p.function}` : ''}` : 'slot ?';
    };
    lines.push(refs.length ? `Plugged into it:\n${pluggedIntoList(model, refs, label)}` : 'Nothing is plugged into it yet.');
    return lines;
  }
  if (c.type === 'usb') {
    const bus = usbBuses(model).find((b) => b.index === index);
    lines.push(
      `**USB controller index ${index}**${m ? ` (${m})` : ''}${bus?.ports !== undefined ? `, with ${bus.ports} port${bus.ports === 1 ? '' : 's'}` : ''}.`
    );
    const label = (r: ControllerRef) => {
      const a = r.device.address;
      return a?.type === 'usb' && a.port?.value ? `port ${a.port.value}` : 'port chosen by libvirt';
    };
    lines.push(refs.length ? `Plugged into it:\n${pluggedIntoList(model, refs, label)}` : 'Nothing is plugged into it yet.');
    return lines;
  }
  lines.push(`**${c.type} controller index ${index}**${m ? ` (${m})` : ''}.`);
  const label = (r: ControllerRef) => {
    const a = r.device.address;
    if (a?.type === 'drive') {
      return `bus ${a.bus?.value ?? 0} target ${a.target?.value ?? 0} unit ${a.unit?.value ?? 0}`;
    }
    if (r.implicit) {
      return 'by its target name';
    }
    return shortAddress(r.device) ?? 'address';
  };
  lines.push(refs.length ? `Plugged into it:\n${pluggedIntoList(model, refs, label)}` : 'Nothing is plugged into it yet.');
  return lines;
}

// ---------------------------------------------------------------------------
// docs from the schema

function elementTitle(el: XmlElement, r: ResolvedElement | undefined): string {
  const variant = r ? Object.entries(r.variant).map(([k, v]) => `${k}='${v}'`) : [];
  return `${code(`<${el.name}>`)}${variant.length ? ` ${variant.join(' ')}` : ''}`;
}

function examplesBlock(examples: readonly string[] | undefined): string[] {
  if (!examples?.length) {
    return [];
  }
  return ['Example:', '```xml\n' + examples.slice(0, 3).join('\n') + '\n```'];
}

function elementDocs(el: XmlElement, r: ResolvedElement | undefined): string[] {
  if (!r) {
    const parent = el.parent && schemaElementOf(el.parent);
    const near = parent ? nearest(el.name, [...parent.children.keys()]) : [];
    return [
      `${code(`<${el.name}>`)} is not an element ${parent ? `of ${code(`<${parent.name}>`)} ` : ''}in ${schemaVersion()}'s schema: libvirt silently ignores it.` +
        (near.length ? ` Did you mean ${near.map((n) => code(`<${n}>`)).join(' or ')}?` : ''),
    ];
  }
  const doc = r.doc ?? (r.parent ? childDoc(r.parent, el.name) : undefined);
  const lines = [`**${elementTitle(el, r)}**`];
  if (doc) {
    lines.push(doc);
  }
  const required = [...r.attributes.values()].filter((a) => a.required).map((a) => code(a.name));
  const optional = [...r.attributes.values()].filter((a) => !a.required).map((a) => code(a.name));
  if (required.length || optional.length) {
    lines.push(
      [
        required.length ? `Required attributes: ${required.join(', ')}.` : '',
        optional.length ? `Optional: ${optional.slice(0, 12).join(', ')}${optional.length > 12 ? ', …' : ''}.` : '',
      ]
        .filter(Boolean)
        .join(' ')
    );
  }
  if (r.text) {
    lines.push(`Content: ${describeType(r.text)}.`);
  }
  lines.push(...examplesBlock(r.examples));
  return lines;
}

function valuesList(info: AttributeInfo): string | undefined {
  const values = enumValues(info.type);
  if (!values?.length) {
    return undefined;
  }
  const docs = info.valueDocs ?? {};
  if (values.length > 20 && Object.keys(docs).length === 0) {
    return `Values: ${values.map((v) => code(v)).join(', ')}.`;
  }
  return [
    'Values:',
    ...values.map((v) => `- ${code(v)}${docs[v] ? ` — ${docs[v]}` : ''}${info.vendorValues?.[v] ? ` (${info.vendorValues[v]} only)` : ''}`),
  ].join('\n');
}

function attributeDocs(el: XmlElement, name: string, r: ResolvedElement | undefined): string[] {
  const info = r?.attributes.get(name);
  if (!info) {
    if (name === 'xmlns' || name.includes(':')) {
      return [`${code(name)}: a namespace declaration or an attribute of another vocabulary; libvirt keeps what it knows of it.`];
    }
    const near = r ? nearest(name, [...r.attributes.keys()]) : [];
    return [
      `${code(`<${el.name}>`)} has no attribute ${code(name)} in ${schemaVersion()}'s schema: libvirt silently ignores it.` +
        (near.length ? ` Did you mean ${near.map((n) => code(n)).join(' or ')}?` : ''),
    ];
  }
  const lines = [
    `**${code(name)}** of ${elementTitle(el, r)}${info.required ? ' (required)' : ''}${info.vendor ? ` — ${info.vendor} only` : ''}`,
  ];
  if (info.doc) {
    lines.push(info.doc);
  }
  const list = valuesList(info);
  if (list) {
    lines.push(list);
  } else {
    lines.push(`Value: ${describeType(info.type)}${info.unit ? ` (${info.unit})` : ''}.`);
  }
  if (info.default !== undefined) {
    lines.push(`Default: ${code(info.default)}.`);
  }
  if (info.examples?.length) {
    lines.push(`Examples: ${info.examples.map((x) => code(x)).join(', ')}.`);
  }
  return lines;
}

/**
 * The value judge's verdict (schema/judge.ts, the one the schema rule reports) in a sentence, or
 * undefined when it accepts the value. `what` is the value as shown in bold.
 */
function verdictLine(what: string, j: ValueJudgement | undefined): string | undefined {
  if (!j || j.status === 'ok') {
    return undefined;
  }
  const near = j.suggestions.length ? ` Did you mean ${j.suggestions.map((n) => code(n)).join(' or ')}?` : '';
  if (j.status === 'error') {
    return `**${what}** is not a valid value (${j.problem}): ${j.allowed}.${near}`;
  }
  return `**${what}**: only the schema check refuses it (${j.problem}; the schema wants ${j.allowed}): virt-xml-validate and \`virsh define --validate\` reject it, libvirt itself does not.${near}`;
}

function valueDocs(el: XmlElement, a: XmlAttribute, value: string, r: ResolvedElement | undefined): string[] {
  const name = a.name;
  const info = r?.attributes.get(name);
  if (!info) {
    return attributeDocs(el, name, r);
  }
  const v = value.trim();
  const what = code(`${name}='${v}'`);
  const lines: string[] = [];
  const meaning = info.valueDocs?.[v];
  const vendor = info.vendorValues?.[v];
  const verdict = verdictLine(what, judgeAttributeIn(el, a));
  if (verdict) {
    lines.push(verdict);
  } else if (meaning) {
    lines.push(`**${what}** — ${meaning}${vendor ? ` (${vendor} only)` : ''}`);
  } else {
    lines.push(`**${what}**${vendor ? ` (${vendor} only)` : ''}`);
  }
  if (info.doc) {
    lines.push(`${code(name)}: ${info.doc}`);
  }
  return lines;
}

function textDocs(el: XmlElement, r: ResolvedElement | undefined): string[] {
  if (!r?.text) {
    return [];
  }
  const lines = [`**${elementTitle(el, r)}** content: ${describeType(r.text)}.`];
  const verdict = verdictLine(code(el.text.trim()), judgeTextIn(el));
  if (verdict) {
    lines.push(verdict);
  }
  if (r.doc) {
    lines.push(r.doc);
  }
  return lines;
}

// ---------------------------------------------------------------------------

const ADDRESS_ATTRS = new Set([
  'type',
  'domain',
  'bus',
  'slot',
  'function',
  'multifunction',
  'port',
  'controller',
  'target',
  'unit',
  'device',
]);

function topology(model: DomainModel | undefined, t: CursorTarget): string[] {
  if (!model) {
    return [];
  }
  const el = t.el;
  if (
    el.name === 'address' &&
    (t.kind === 'element' || ((t.kind === 'attribute-name' || t.kind === 'attribute-value') && ADDRESS_ATTRS.has(t.attr.name)))
  ) {
    return addressInfo(model, el);
  }
  if (
    el.name === 'controller' &&
    (t.kind === 'element' || ((t.kind === 'attribute-name' || t.kind === 'attribute-value') && t.attr.name === 'index'))
  ) {
    const c = model.controllers.find((x) => x.el === el);
    return c ? controllerInfo(model, c) : [];
  }
  if (el.name === 'hostdev' && t.kind === 'element') {
    const h = model.hostdevs.find((x) => x.device.el === el);
    if (h?.type === 'pci') {
      return hostPciInfo(h);
    }
    if (h?.type === 'usb') {
      return hostUsbInfo(h);
    }
  }
  if (el.name === 'target' && t.kind === 'attribute-value' && t.attr.name === 'dev') {
    const ref = allRefs(model).find((r) => r.implicit && r.el === el);
    return ref ? driveAddressInfo(model, ref) : [];
  }
  return [];
}

/** What the host says of the device a host device's source `<address>` names (libvirt.hostAware). */
function hostDeviceDocs(host: HostProfile | undefined, el: XmlElement): string[] {
  const address = host && hostAddressOf(el);
  if (!host || !address) {
    return [];
  }
  const d = findPciDevice(host, address);
  return [d ? pciDeviceMarkdown(host, d) : `**${formatPciAddress(address)}**: the host (${host.label}) has no PCI device at this address.`];
}

export function hoverAt(
  analysis: { doc: XmlDocument; model: DomainModel | undefined },
  offset: number,
  opts: { host?: HostProfile } = {}
): HoverResult | undefined {
  const { doc, model } = analysis;
  if (!model) {
    return undefined; // not libvirt XML: nothing to say
  }
  const t = targetAt(doc, offset);
  if (!t) {
    return undefined;
  }
  const r = schemaElementOf(t.el);
  let docs: string[];
  switch (t.kind) {
    case 'element':
      docs = elementDocs(t.el, r);
      break;
    case 'attribute-name':
      docs = attributeDocs(t.el, t.attr.name, r);
      break;
    case 'attribute-value':
      docs = t.attr.value === undefined ? attributeDocs(t.el, t.attr.name, r) : valueDocs(t.el, t.attr, t.attr.value, r);
      break;
    case 'text':
      docs = textDocs(t.el, r);
      break;
  }
  const topo = [...hostDeviceDocs(opts.host, t.el), ...topology(model, t)];
  // the topology first when hovering a value: that is the question asked
  const parts = t.kind === 'attribute-value' && topo.length ? [...topo, '---', ...docs] : topo.length ? [...docs, '---', ...topo] : docs;
  if (parts.length === 0) {
    return undefined;
  }
  return { markdown: parts.join('\n\n'), span: t.span };
}

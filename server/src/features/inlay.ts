/**
 * Inlay hints: what libvirt will do at `virsh define`, shown before it does it. After the start
 * tag of each device without an <address>, the address libvirt will give it (model/assign.ts);
 * after <devices>, the controllers and devices libvirt adds itself. Each device hint carries the
 * edit that pins the address: an <address/> as dumpxml writes it, as the device's last child.
 * Plain data (offsets); lsp/inlay.ts speaks LSP.
 */
import type { Analysis } from '../analysis';
import { predictAddresses, type AssignedAddress, type ImplicitDevice } from '../model/assign';
import type { Device } from '../model/types';
import { child, type Span, type XmlElement } from '../syntax/tree';
import type { TextEdit } from '../rules/types';

interface InlayHintData {
  /** Offset the hint is shown at. */
  offset: number;
  label: string;
  tooltip: string;
  /** For a device: the edit writing the address into it; at <devices>: the edit writing what libvirt adds. */
  pin: TextEdit[] | undefined;
  /** What the pin writes, for its title. */
  pinTitle?: string;
}

const h = (n: number, w = 2): string => '0x' + n.toString(16).padStart(w, '0');

/** An address in a few words: `pci 0000:00:03.0`, `usb bus 0 port 2`, `drive 0:0:0:1`. */
export function addressLabel(a: AssignedAddress): string {
  switch (a.type) {
    case 'pci':
      return `pci ${a.domain.toString(16).padStart(4, '0')}:${a.bus.toString(16).padStart(2, '0')}:${a.slot.toString(16).padStart(2, '0')}.${a.function.toString(16)}`;
    case 'usb':
      return `usb bus ${a.bus} port ${a.port}`;
    case 'drive':
      return `drive ${a.controller}:${a.bus}:${a.target}:${a.unit}`;
  }
}

/** The <address/> element as `virsh dumpxml` writes it. */
function addressElement(a: AssignedAddress): string {
  switch (a.type) {
    case 'pci':
      return `<address type='pci' domain='${h(a.domain, 4)}' bus='${h(a.bus)}' slot='${h(a.slot)}' function='0x${a.function.toString(16)}'/>`;
    case 'usb':
      return `<address type='usb' bus='${a.bus}' port='${a.port}'/>`;
    case 'drive':
      return `<address type='drive' controller='${a.controller}' bus='${a.bus}' target='${a.target}' unit='${a.unit}'/>`;
  }
}

/** The whitespace a line starts with, at `offset`'s line. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Inserts the address as the device's last child, indented like its other children (or one step in). */
function pinEdit(text: string, d: Device, a: AssignedAddress): TextEdit[] | undefined {
  const el = d.el;
  if (!el.wellFormed) {
    return undefined;
  }
  const own = indentAt(text, el.span.start);
  const last = el.children[el.children.length - 1];
  const inner = last ? indentAt(text, last.span.start) : own + '  ';
  const address = addressElement(a);
  if (el.selfClosing) {
    // <memballoon model='virtio'/> -> <memballoon model='virtio'>\n  <address/>\n</memballoon>
    const slash = text.lastIndexOf('/', el.startTagEnd - 1);
    const span: Span = { start: slash, end: el.startTagEnd };
    return [{ span, newText: `>\n${inner}${address}\n${own}</${el.name}>` }];
  }
  const closeStart = el.closeNameSpan ? el.closeNameSpan.start - 2 : undefined;
  if (closeStart === undefined) {
    return undefined;
  }
  if (last) {
    return [{ span: { start: last.span.end, end: last.span.end }, newText: `\n${inner}${address}` }];
  }
  return [{ span: { start: el.startTagEnd, end: el.startTagEnd }, newText: `\n${inner}${address}\n${own}` }];
}

/**
 * Writes the controllers and devices libvirt adds (those named by a start tag, with their address
 * when it is predicted) before </devices>, indented like the other devices.
 */
function pinImplicit(text: string, devices: XmlElement, implicit: readonly ImplicitDevice[]): TextEdit[] | undefined {
  if (!devices.wellFormed || !devices.closeNameSpan) {
    return undefined;
  }
  const own = indentAt(text, devices.span.start);
  const last = devices.children[devices.children.length - 1];
  const inner = last ? indentAt(text, last.span.start) : own + '  ';
  const step = inner.length > own.length ? inner.slice(own.length) : '  ';
  const lines: string[] = [];
  for (const im of implicit) {
    const m = /^<([\w-]+)((?:\s+[\w-]+='[^']*')*)>$/.exec(im.what);
    if (!m) {
      continue; // described in words only (the primary video): nothing to write as is
    }
    if (im.address) {
      lines.push(`${inner}<${m[1]}${m[2]}>`, `${inner}${step}${addressElement(im.address)}`, `${inner}</${m[1]}>`);
    } else {
      lines.push(`${inner}<${m[1]}${m[2]}/>`);
    }
  }
  if (lines.length === 0) {
    return undefined;
  }
  const closeStart = devices.closeNameSpan.start - 2;
  const lineStart = text.lastIndexOf('\n', closeStart - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, closeStart))) {
    return [{ span: { start: lineStart, end: lineStart }, newText: lines.join('\n') + '\n' }];
  }
  return [{ span: { start: closeStart, end: closeStart }, newText: '\n' + lines.join('\n') + '\n' + own }];
}

/** The hints of a document; none when it is not a domain or the machine is neither pc nor q35. */
export function inlayHints(analysis: Analysis, range?: Span): InlayHintData[] {
  const model = analysis.model;
  if (!model || model.kind !== 'domain') {
    return [];
  }
  const text = analysis.doc.text;
  const p = predictAddresses(model);
  const out: InlayHintData[] = [];
  for (const [d, pred] of p.devices) {
    const label = addressLabel(pred.address);
    out.push({
      offset: d.el.startTagEnd,
      label,
      tooltip: `libvirt will assign ${label} to this <${d.el.name}> at define (predicted from libvirt 9.0's assignment order). Pin it to keep it.`,
      pin: pinEdit(text, d, pred.address),
    });
  }
  const devices = child(model.root, 'devices');
  if (devices && p.implicit.length > 0) {
    const parts = p.implicit.map((im) => `${im.what}${im.address ? ` at ${addressLabel(im.address)}` : ''}`);
    out.push({
      offset: devices.startTagEnd,
      label: `+${p.implicit.length} added by libvirt`,
      tooltip: `libvirt adds at define:\n${parts.map((s) => `- ${s}`).join('\n')}`,
      pin: pinImplicit(text, devices, p.implicit),
      pinTitle: 'what libvirt adds',
    });
  }
  out.sort((a, b) => a.offset - b.offset);
  return range ? out.filter((x) => x.offset >= range.start && x.offset <= range.end) : out;
}

/**
 * "Pin" actions at a place: on a device without an <address>, its predicted address; on the
 * <devices> start tag, what libvirt adds.
 */
export function pinsAt(analysis: Analysis, at: Span): { title: string; edits: TextEdit[] }[] {
  const model = analysis.model;
  if (!model || model.kind !== 'domain') {
    return [];
  }
  const devices = child(model.root, 'devices');
  const device = model.devices.find((d) => d.el.span.start <= at.start && at.end <= d.el.span.end);
  const offset = device
    ? device.el.startTagEnd
    : devices && devices.span.start <= at.start && at.end <= devices.startTagEnd
      ? devices.startTagEnd
      : undefined;
  if (offset === undefined) {
    return [];
  }
  return inlayHints(analysis, { start: offset, end: offset }).flatMap((h) =>
    h.pin ? [{ title: h.pinTitle ? `Pin ${h.pinTitle} (${h.label})` : `Pin this address (${h.label})`, edits: h.pin }] : []
  );
}

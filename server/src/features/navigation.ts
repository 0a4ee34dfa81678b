/**
 * Navigation between addresses and the controllers they plug into: go to definition (an
 * address's bus / controller attribute -> the controller with that index), find references (a
 * controller -> every address that points at it), rename (a controller's index, and every
 * address that points at it). Plain data with offsets; lsp/navigation.ts speaks LSP.
 *
 * Which controller an address names, as libvirt reads it:
 * - <address type='pci' bus='B'>: the PCI controller with index B (bus 0 without an attribute);
 * - <address type='usb' bus='B'>: the USB controller(s) with index B (companions share it);
 * - <address type='drive' controller='C'>: controller C of the type of the disk's bus (scsi,
 *   sata, ide, fdc; a SCSI hostdev: scsi). A disk without an address reaches the controller its
 *   target name implies (sdh -> SCSI controller 1): such a disk is a reference too;
 * - <address type='virtio-serial' controller='C'>, <address type='ccid' controller='C'>: the
 *   virtio-serial / ccid controller C.
 */
import { parseInteger } from '../../../lib/integer';
import { controllerModel } from '../model/build';
import { implicitDrive, targetIndex } from '../model/drive';
import type { Controller, Device, DomainModel } from '../model/types';
import { attr, type Span, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { targetAt, valueContent } from './cursor';

/** An address (or a disk's target name) that names a controller. */
export interface ControllerRef {
  /** The device the address belongs to. */
  device: Device;
  /** Controller type it reaches: pci, usb, scsi, sata, ide, fdc, virtio-serial, ccid. */
  type: string;
  index: number;
  /** The <address> element; for an implicit drive address, the disk's <target>. */
  el: XmlElement;
  /** The attribute holding the index (bus / controller); undefined when absent (index 0) or implicit. */
  attr: XmlAttribute | undefined;
  /** What a reference shows: the attribute's value without quotes, the <address> name, or the target name. */
  span: Span;
  /** The address is derived by libvirt from the disk's target name. */
  implicit: boolean;
}

const DRIVE_BUSES = new Set(['scsi', 'sata', 'ide', 'fdc']);

/** The controller type a drive address of this device reaches. */
function driveControllerType(d: Device): string | undefined {
  if (d.kind === 'disk') {
    const bus = d.bus?.value;
    return bus && DRIVE_BUSES.has(bus) ? bus : undefined;
  }
  if (d.kind === 'hostdev') {
    const t = d.type;
    return t === 'scsi' || t === 'scsi_host' ? 'scsi' : undefined;
  }
  if (d.kind === 'controller') {
    return undefined;
  }
  return undefined;
}

function refSpan(el: XmlElement, a: XmlAttribute | undefined): Span {
  return (a && valueContent(a)) ?? a?.span ?? el.nameSpan;
}

/** The controller an address of `d` names, if it names one. */
function refOf(d: Device): ControllerRef | undefined {
  const a = d.address;
  if (!a) {
    if (d.kind !== 'disk') {
      return undefined;
    }
    const type = driveControllerType(d);
    const target = d.target;
    const dev = d.targetDev;
    const idx = targetIndex(dev?.value);
    const at = type && idx !== undefined ? implicitDrive(type, idx) : undefined;
    if (!at || !target || !dev) {
      return undefined;
    }
    return {
      device: d,
      type: type!,
      index: at.controller,
      el: target,
      attr: undefined,
      span: valueContent(dev) ?? dev.span,
      implicit: true,
    };
  }
  const el = a.el;
  let type: string | undefined;
  let which: string;
  switch (a.type) {
    case 'pci':
      type = 'pci';
      which = 'bus';
      break;
    case 'usb':
      type = 'usb';
      which = 'bus';
      break;
    case 'drive':
      type = driveControllerType(d);
      which = 'controller';
      break;
    default: {
      const t = a.addressType;
      type = t === 'virtio-serial' || t === 'ccid' ? t : undefined;
      which = 'controller';
    }
  }
  if (!type) {
    return undefined;
  }
  const at = attr(el, which);
  const index = at ? parseInteger(at.value, type === 'pci' ? 0 : 10) : 0;
  if (index === undefined) {
    return undefined;
  }
  return { device: d, type, index, el, attr: at, span: refSpan(el, at), implicit: false };
}

/** Every reference to a controller in the document, memoized per model. */
const refsCache = new WeakMap<DomainModel, ControllerRef[]>();
export function allRefs(model: DomainModel): ControllerRef[] {
  let r = refsCache.get(model);
  if (!r) {
    r = [];
    for (const d of model.devices) {
      const ref = refOf(d);
      if (ref) {
        r.push(ref);
      }
    }
    refsCache.set(model, r);
  }
  return r;
}

/** The controllers with a type and index (several for USB companions sharing an index). */
export function controllersAt(model: DomainModel, type: string, index: number): Controller[] {
  return model.controllers.filter((c) => c.type === type && c.index?.value === index);
}

/** Every address that points at the controller. */
export function referencesTo(model: DomainModel, c: Controller): ControllerRef[] {
  const index = c.index ? c.index.value : 0;
  if (c.type === undefined || index === undefined) {
    return [];
  }
  return allRefs(model).filter((r) => r.type === c.type && r.index === index && r.device !== c);
}

/** The controller whose element (name, index attribute or anything in its start tag) is at the offset. */
function controllerAt(model: DomainModel, offset: number): Controller | undefined {
  const t = targetAt(model.doc, offset);
  if (!t) {
    return undefined;
  }
  const el = t.el;
  if (el.name !== 'controller') {
    return undefined;
  }
  if (t.kind === 'attribute-name' || t.kind === 'attribute-value') {
    if (t.attr.name !== 'index' && t.attr.name !== 'type' && t.attr.name !== 'model') {
      return undefined;
    }
  }
  return model.controllers.find((c) => c.el === el);
}

/** The reference whose address (bus / controller attribute, or the <address> name) is at the offset. */
function refAt(model: DomainModel, offset: number): ControllerRef | undefined {
  const t = targetAt(model.doc, offset);
  if (!t) {
    return undefined;
  }
  for (const r of allRefs(model)) {
    if (r.implicit) {
      const dev = r.device.kind === 'disk' ? r.device.targetDev : undefined;
      if (t.kind === 'attribute-value' && t.attr === dev) {
        return r;
      }
      continue;
    }
    if (t.el !== r.el) {
      continue;
    }
    if (t.kind === 'element') {
      return r;
    }
    if ((t.kind === 'attribute-name' || t.kind === 'attribute-value') && (t.attr === r.attr || (!r.attr && t.attr.name === 'type'))) {
      return r;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// definition and references

interface NavTarget {
  /** The whole target (the controller element). */
  span: Span;
  /** What to select in it (its index attribute, or its name). */
  selection: Span;
}

function controllerTarget(c: Controller): NavTarget {
  return { span: c.el.span, selection: (c.index && valueContent(c.index.attr)) ?? c.el.nameSpan };
}

/** Go to definition: from an address to the controller(s) it plugs into. */
export function definitionAt(model: DomainModel | undefined, offset: number): NavTarget[] {
  if (!model) {
    return [];
  }
  const r = refAt(model, offset);
  if (!r) {
    return [];
  }
  return controllersAt(model, r.type, r.index).map(controllerTarget);
}

/**
 * Find references: from a controller (or from an address naming it) to every address that
 * points at it; with `includeDeclaration`, the controller's index too.
 */
export function referencesAt(model: DomainModel | undefined, offset: number, includeDeclaration: boolean): Span[] {
  if (!model) {
    return [];
  }
  let controllers: Controller[];
  const c = controllerAt(model, offset);
  if (c) {
    controllers = c.index?.value !== undefined && c.type ? controllersAt(model, c.type, c.index.value) : [c];
  } else {
    const r = refAt(model, offset);
    if (!r) {
      return [];
    }
    controllers = controllersAt(model, r.type, r.index);
    if (controllers.length === 0) {
      // no controller written (libvirt adds it): the addresses naming the same index still belong together
      return allRefs(model)
        .filter((x) => x.type === r.type && x.index === r.index)
        .map((x) => x.span);
    }
  }
  const out: Span[] = [];
  if (includeDeclaration) {
    for (const x of controllers) {
      out.push(controllerTarget(x).selection);
    }
  }
  for (const x of referencesTo(model, controllers[0]!)) {
    out.push(x.span);
  }
  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------
// rename

interface RenameEdit {
  span: Span;
  newText: string;
}

type PrepareRenameResult = { span: Span; placeholder: string } | { error: string } | undefined;

/** The controllers a rename at the offset would renumber. */
function renameSubject(
  model: DomainModel,
  offset: number
): { controllers: Controller[]; type: string; index: number } | { error: string } | undefined {
  let type: string | undefined;
  let index: number | undefined;
  const c = controllerAt(model, offset);
  if (c) {
    const t = targetAt(model.doc, offset);
    if (t?.kind === 'attribute-name' || t?.kind === 'attribute-value') {
      if (t.attr.name !== 'index') {
        return undefined;
      }
    }
    type = c.type;
    index = c.index?.value;
    if (!c.index) {
      return { error: 'This controller has no index attribute to rename: add one first.' };
    }
  } else {
    const r = refAt(model, offset);
    if (!r || r.implicit) {
      return undefined;
    }
    type = r.type;
    index = r.index;
  }
  if (type === undefined || index === undefined) {
    return undefined;
  }
  const controllers = controllersAt(model, type, index);
  if (controllers.length === 0) {
    return { error: `No ${type} controller with index ${index} is written in this document: there is no index to rename.` };
  }
  return { controllers, type, index };
}

export function prepareRenameAt(model: DomainModel | undefined, offset: number): PrepareRenameResult {
  if (!model) {
    return undefined;
  }
  const s = renameSubject(model, offset);
  if (!s || 'error' in s) {
    return s;
  }
  const t = targetAt(model.doc, offset);
  // the span renamed in place: the value under the cursor (an index or a bus / controller value)
  let span: Span | undefined;
  if (t?.kind === 'attribute-value') {
    span = valueContent(t.attr);
  } else {
    const own = s.controllers.find((c) => c.el === t?.el);
    span = own?.index ? valueContent(own.index.attr) : undefined;
    if (!span) {
      const r = refAt(model, offset);
      span = r?.attr ? valueContent(r.attr) : undefined;
    }
  }
  if (!span) {
    span = valueContent(s.controllers[0]!.index!.attr)!;
  }
  return { span, placeholder: model.doc.text.slice(span.start, span.end) };
}

/** The index a user typed: decimal, or 0x hex as PCI addresses write it. */
function readIndex(s: string): number | undefined {
  const v = parseInteger(s.trim(), 0);
  return v === undefined || !Number.isSafeInteger(v) ? undefined : v;
}

function describeController(model: DomainModel, c: Controller): string {
  const m = controllerModel(model, c);
  return `<controller type='${c.type ?? '?'}' index='${c.index?.value ?? '?'}'${m ? ` model='${m}'` : ''}>`;
}

/** The number written the way the old one was: hex with the same width for 0x.., else decimal. */
function sameFormat(old: string | undefined, n: number): string {
  const m = old === undefined ? null : /^(\s*)0([xX])([0-9a-fA-F]+)(\s*)$/.exec(old);
  if (m) {
    const old = m[3]!;
    const digits = n.toString(16).padStart(old.length, '0');
    return `${m[1]}0${m[2]}${old === old.toUpperCase() && /[A-F]/.test(old) ? digits.toUpperCase() : digits}${m[4]}`;
  }
  return String(n);
}

export function renameAt(
  model: DomainModel | undefined,
  offset: number,
  newName: string
): { edits: RenameEdit[] } | { error: string } | undefined {
  if (!model) {
    return undefined;
  }
  const s = renameSubject(model, offset);
  if (!s || 'error' in s) {
    return s;
  }
  const n = readIndex(newName);
  if (n === undefined || n < 0) {
    return { error: `'${newName}' is not a controller index: write a whole number such as 2 (or 0x02).` };
  }
  if (n === s.index) {
    return { edits: [] };
  }
  if (s.type === 'pci') {
    if (s.index === 0) {
      return { error: 'The PCI root (index 0) cannot be renumbered: pci-root and pcie-root always have index 0.' };
    }
    if (n === 0) {
      return { error: 'Index 0 belongs to the PCI root (pci-root or pcie-root).' };
    }
    if (n > 255) {
      return { error: 'PCI controller indexes go up to 255.' };
    }
  }
  const taken = controllersAt(model, s.type, n);
  if (taken.length > 0) {
    return { error: `Index ${n} is already used by ${describeController(model, taken[0]!)}: choose a free index.` };
  }
  if (model.implicitControllers.some((c) => c.type === s.type && c.index === n)) {
    return { error: `Index ${n} is taken by the ${s.type} controller libvirt adds by itself: choose another index.` };
  }
  const refs = referencesTo(model, s.controllers[0]!);
  const implicit = refs.filter((r) => r.implicit);
  if (implicit.length > 0) {
    const names = implicit.map((r) => `'${(r.device.kind === 'disk' && r.device.targetDev?.value) || '?'}'`).join(', ');
    return {
      error: `Disk ${names} reaches this controller through its target name, not through an <address>: give it an <address type='drive' controller='${s.index}' .../> first, or rename its target.`,
    };
  }
  const edits: RenameEdit[] = [];
  for (const c of s.controllers) {
    const span = valueContent(c.index!.attr)!;
    edits.push({ span, newText: String(n) });
  }
  for (const r of refs) {
    if (r.attr) {
      const span = valueContent(r.attr) ?? r.attr.span;
      edits.push({ span, newText: sameFormat(r.attr.value, n) });
    } else {
      // no attribute: the address meant index 0; say the new index explicitly
      const which = r.type === 'pci' || r.type === 'usb' ? 'bus' : 'controller';
      const typeAttr = attr(r.el, 'type');
      const at = typeAttr ? typeAttr.span.end : r.el.nameSpan.end;
      edits.push({ span: { start: at, end: at }, newText: ` ${which}='${r.type === 'pci' ? '0x' + n.toString(16).padStart(2, '0') : n}'` });
    }
  }
  return { edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

/**
 * The document outline: the domain, then its devices grouped by kind (controllers with type,
 * index and model; disks with their target; interfaces with type and MAC; host devices with
 * their source address...). A device fragment's outline is the device itself. Plain data with
 * offsets; lsp/navigation.ts turns it into LSP document symbols.
 */
import { controllerModel } from '../model/build';
import { formatPci, resolvePci } from '../model/pci';
import type { Controller, Device, Disk, DomainModel, Hostdev, HostSource, Interface } from '../model/types';
import { attr, child, type Span, type XmlElement } from '../syntax/tree';

export type OutlineKind = 'domain' | 'group' | 'controller' | 'disk' | 'interface' | 'hostdev' | 'device' | 'section';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: OutlineKind;
  /** The whole element (or group). */
  span: Span;
  /** What is selected when the symbol is picked: the element's name. */
  selection: Span;
  children: OutlineSymbol[];
}

const GROUPS: [string, string][] = [
  ['controller', 'Controllers'],
  ['disk', 'Disks'],
  ['interface', 'Interfaces'],
  ['hostdev', 'Host devices'],
];

/** How an address reads in the outline: 00:03.0 for PCI, usb 0:1 for USB, drive 0:0:0:1... */
export function shortAddress(d: Device): string | undefined {
  const a = d.address;
  if (!a) {
    return undefined;
  }
  switch (a.type) {
    case 'pci': {
      const r = resolvePci(a);
      return r ? formatPci(r).slice(5) : undefined;
    }
    case 'usb':
      return `usb ${a.bus?.value ?? 0}:${a.port?.value ?? '?'}`;
    case 'drive':
      return `drive ${[a.controller, a.bus, a.target, a.unit].map((n) => n?.value ?? 0).join(':')}`;
    default:
      return a.addressType;
  }
}

/** The host device a hostdev assigns, as lspci / lsusb show it. */
export function hostSource(h: HostSource): string | undefined {
  if (h.type === 'pci') {
    const s = h.pciSource;
    if (!s) {
      return undefined;
    }
    const parts = [s.domain, s.bus, s.slot, s.function].map((n) => (n ? n.value : 0));
    if (parts.some((p) => p === undefined)) {
      return undefined;
    }
    const [domain, bus, slot, fn] = parts as number[];
    return formatPci({ domain: domain!, bus: bus!, slot: slot!, function: fn! });
  }
  if (h.type === 'usb') {
    if (h.usbVendor?.value && h.usbProduct?.value) {
      const hex = (v: string) => v.replace(/^0x/i, '').padStart(4, '0').toLowerCase();
      return `${hex(h.usbVendor.value)}:${hex(h.usbProduct.value)}`;
    }
    if (h.usbBus?.value !== undefined && h.usbDevice?.value !== undefined) {
      return `bus ${h.usbBus.value} device ${h.usbDevice.value}`;
    }
  }
  return undefined;
}

function controllerSymbol(model: DomainModel, c: Controller): OutlineSymbol {
  const m = controllerModel(model, c);
  return {
    name: `${c.type ?? 'controller'} ${c.index?.value ?? c.index?.attr.value ?? '?'}${m ? ` ${m}` : ''}`,
    detail: shortAddress(c),
    kind: 'controller',
    span: c.el.span,
    selection: c.el.nameSpan,
    children: [],
  };
}

function diskSymbol(d: Disk): OutlineSymbol {
  const src =
    d.source &&
    (attr(d.source, 'file') ?? attr(d.source, 'dev') ?? attr(d.source, 'name') ?? attr(d.source, 'volume') ?? attr(d.source, 'dir'));
  const bus = d.bus?.value;
  return {
    name: `${d.targetDev?.value ?? d.device ?? 'disk'}${bus ? ` (${bus})` : ''}`,
    detail: [d.device && d.device !== 'disk' ? d.device : undefined, src?.value, shortAddress(d)].filter(Boolean).join(' · ') || undefined,
    kind: 'disk',
    span: d.el.span,
    selection: d.el.nameSpan,
    children: [],
  };
}

function interfaceSymbol(i: Interface): OutlineSymbol {
  const source = child(i.el, 'source');
  const what = source && (attr(source, 'network') ?? attr(source, 'bridge') ?? attr(source, 'dev'))?.value;
  const host = i.host ? hostSource(i.host) : undefined;
  return {
    name: `${i.type ?? 'interface'}${what ? ` ${what}` : host ? ` ${host}` : ''}`,
    detail: [i.mac?.value, i.model?.value, shortAddress(i)].filter(Boolean).join(' · ') || undefined,
    kind: 'interface',
    span: i.el.span,
    selection: i.el.nameSpan,
    children: [],
  };
}

function hostdevSymbol(h: Hostdev): OutlineSymbol {
  const src = hostSource(h);
  return {
    name: `${h.type ?? h.mode ?? 'hostdev'}${src ? ` ${src}` : ''}`,
    detail: shortAddress(h),
    kind: 'hostdev',
    span: h.el.span,
    selection: h.el.nameSpan,
    children: [],
  };
}

function otherSymbol(d: Device): OutlineSymbol {
  const el = d.el;
  const type = attr(el, 'type')?.value ?? attr(el, 'model')?.value ?? child(el, 'model')?.attributes.find((a) => a.name === 'type')?.value;
  return {
    name: `${el.name}${type ? ` ${type}` : ''}`,
    detail: shortAddress(d),
    kind: 'device',
    span: el.span,
    selection: el.nameSpan,
    children: [],
  };
}

function symbolFor(model: DomainModel, d: Device): OutlineSymbol {
  switch (d.kind) {
    case 'controller':
      return controllerSymbol(model, d);
    case 'disk':
      return diskSymbol(d);
    case 'interface':
      return interfaceSymbol(d);
    case 'hostdev':
      return hostdevSymbol(d);
    default:
      return otherSymbol(d);
  }
}

function group(name: string, members: OutlineSymbol[], at: XmlElement): OutlineSymbol {
  let start = Infinity;
  let end = -Infinity;
  for (const m of members) {
    start = Math.min(start, m.span.start);
    end = Math.max(end, m.span.end);
  }
  return {
    name: `${name} (${members.length})`,
    kind: 'group',
    span: { start, end },
    selection: members[0]?.selection ?? at.nameSpan,
    children: members,
  };
}

/** A few top-level parts of a domain besides its devices, for orientation. */
const SECTIONS = ['os', 'cpu', 'memory', 'vcpu', 'features', 'clock'];

export function outline(model: DomainModel | undefined): OutlineSymbol[] {
  if (!model) {
    return [];
  }
  if (model.kind === 'fragment') {
    return model.devices.map((d) => symbolFor(model, d));
  }
  const root = model.root;
  const children: OutlineSymbol[] = [];
  for (const el of root.children) {
    if (SECTIONS.includes(el.name)) {
      const text = el.children.length === 0 ? el.text.trim() : '';
      const detail =
        el.name === 'os'
          ? child(el, 'type')?.attributes.find((a) => a.name === 'machine')?.value
          : text
            ? `${text}${attr(el, 'unit')?.value ? ` ${attr(el, 'unit')!.value}` : ''}`
            : undefined;
      children.push({ name: el.name, detail, kind: 'section', span: el.span, selection: el.nameSpan, children: [] });
    }
  }
  const devicesEl = child(root, 'devices');
  if (devicesEl) {
    const byKind = new Map<string, OutlineSymbol[]>();
    const others: OutlineSymbol[] = [];
    for (const d of model.devices) {
      const s = symbolFor(model, d);
      if (GROUPS.some(([k]) => k === d.kind)) {
        let list = byKind.get(d.kind);
        if (!list) {
          byKind.set(d.kind, (list = []));
        }
        list.push(s);
      } else {
        others.push(s);
      }
    }
    const devChildren: OutlineSymbol[] = [];
    for (const [kind, label] of GROUPS) {
      const members = byKind.get(kind);
      if (members?.length) {
        devChildren.push(group(label, members, devicesEl));
      }
    }
    if (others.length) {
      devChildren.push(group('Other devices', others, devicesEl));
    }
    children.push({
      name: 'devices',
      detail: `${model.devices.length}`,
      kind: 'section',
      span: devicesEl.span,
      selection: devicesEl.nameSpan,
      children: devChildren,
    });
  }
  const name = model.name?.text.trim();
  return [
    {
      name: name ? `domain ${name}` : 'domain',
      detail: attr(root, 'type')?.value,
      kind: 'domain',
      span: root.span,
      selection: model.name?.textSpan ?? root.nameSpan,
      children: children.sort((a, b) => a.span.start - b.span.start),
    },
  ];
}

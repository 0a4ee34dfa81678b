/**
 * Value provider: what may be typed as an attribute's value. First the values suggested for the
 * place (knowledge.ts: written out, or computed here from the document: the next free
 * controller index, a free PCI slot or USB port, the next disk target, a random MAC...), then
 * the schema's enumeration with the meaning of each value, then its examples.
 */
import { parseInteger } from '../../../../lib/integer';
import { allocation, controllersOf } from '../../model/allocate';
import { deviceOf } from '../../model/build';
import { targetPrefix } from '../../model/drive';
import { hex } from '../../model/pci';
import { usbPortCount } from '../../model/usb';
import { attr, child, type XmlElement } from '../../syntax/tree';
import { elementStartingAt, type AttributeValueContext } from '../context';
import { driveBusOf, firstSentence, orderedEnum, resolve, tagPath, vendorOnly } from './common';
import { DEFAULT_DISK_BUS, DEVICE_VALUES, DISK_BUS, DOMAIN_VALUES, type ComputedValues } from './knowledge';
import { hostAttributeValues, hostPciAddressItems } from './host';
import { lookUp, placeOf, type Place } from './place';
import type { CompletionCandidate, Env, Site, Suggestion } from './types';

// ---------------------------------------------------------------------------
// values computed from the document

function controllerIndexValues(env: Env, type: string, self: XmlElement | undefined): Suggestion[] {
  const { model } = env;
  const next = allocation(model).freeControllerIndex(type, { exclude: self });
  const out: Suggestion[] = [{ value: String(next), detail: `next free ${type} controller index`, preselect: true }];
  for (const c of model?.implicitControllers ?? []) {
    if (c.type === type && String(c.index) !== String(next)) {
      out.push({ value: String(c.index), detail: `replaces the ${c.model} controller libvirt adds by itself at index ${c.index}` });
    }
  }
  return out;
}

function pciBusValues(env: Env, site: Site, p: Place): Suggestion[] {
  const { model } = env;
  const exclude = site.self ?? undefined;
  const device = p.device!;
  const ownModel = device.name === 'controller' && device.attrs.type === 'pci' ? device.attrs.model : undefined;
  const best = allocation(model).freePciPlacement(ownModel, exclude);
  const buses = allocation(model).pciBusesFor(ownModel, exclude);
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

function pciSlotValues(env: Env, site: Site, p: Place): Suggestion[] {
  const { model } = env;
  const bus = parseInteger(p.own.bus ?? '0', 0) ?? 0;
  const info = model
    ? allocation(model)
        .pciBuses()
        .find((b) => b.index === bus)
    : undefined;
  const free = allocation(model).freePciSlots(bus, site.self ?? undefined);
  return free.slice(0, 8).map((s, i) => ({
    value: hex(s),
    detail: `free slot on bus ${hex(bus)}${info?.model ? ` (${info.model})` : ''}`,
    preselect: i === 0,
  }));
}

function usbBusValues(env: Env, site: Site): Suggestion[] {
  const buses = allocation(env.model).usbBuses(site.self);
  const withRoom = buses.find((b) => b.freePorts.length > 0);
  return buses.map((b) => ({
    value: String(b.index),
    detail: `${b.model ?? 'USB controller'} (index ${b.index}) · ${b.freePorts.length} of ${b.ports ?? '?'} ports free`,
    preselect: b === withRoom,
  }));
}

function usbPortValues(env: Env, site: Site, p: Place): Suggestion[] {
  const buses = allocation(env.model).usbBuses(site.self);
  const bus = parseInteger(p.own.bus ?? '0', 10) ?? 0;
  const b = buses.find((x) => x.index === bus);
  if (!b) {
    return [{ value: '1', detail: 'port 1', preselect: true }];
  }
  return b.freePorts.map((port, i) => ({
    value: String(port),
    detail: `free port on USB bus ${bus} (${b.model ?? 'USB'})`,
    preselect: i === 0,
  }));
}

function driveAddressValues(env: Env, site: Site, p: Place): Suggestion[] {
  const bus = driveBusOf(site.deviceEl, site.path) ?? 'scsi';
  const controller = parseInteger(p.own.controller ?? '0', 10) ?? 0;
  const free = allocation(env.model).freeDrivePlace(bus, controller, site.self);
  switch (site.attribute) {
    case 'controller': {
      const list = controllersOf(env.model, bus);
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

function hostPciValues(env: Env, site: Site): Suggestion[] {
  const src = allocation(env.model).takeHostPciAddress();
  const v: Record<string, string> = { domain: hex(src.domain, 4), bus: hex(src.bus), slot: hex(src.slot), function: hex(src.function, 1) };
  const value = v[site.attribute];
  return value ? [{ value, detail: 'host address not yet assigned in this domain (replace with your device, see lspci)' }] : [];
}

/** The bus a new disk usually goes on (see DISK_BUS), read on the place of its <target>. */
function defaultDiskBus(p: Place): string {
  return lookUp(DISK_BUS, p) ?? DEFAULT_DISK_BUS;
}

function diskTargetValues(env: Env, site: Site, p: Place): Suggestion[] {
  const { model } = env;
  const device = p.device!;
  if (p.own.bus) {
    const t = allocation(model).freeTarget(targetPrefix(p.own.bus, device.attrs.device), site.self);
    return [{ value: t, detail: `next free target on the ${p.own.bus} bus`, preselect: true }];
  }
  const preferred = targetPrefix(defaultDiskBus(p));
  return ['vd', 'sd', 'hd'].map((prefix) => ({
    value: allocation(model).freeTarget(prefix, site.self),
    detail: `next free ${prefix === 'vd' ? 'virtio' : prefix === 'sd' ? 'SCSI/SATA/USB' : 'IDE'} target`,
    preselect: prefix === preferred,
  }));
}

function diskBusValues(p: Place): Suggestion[] {
  const bus = defaultDiskBus(p);
  return [
    {
      value: bus,
      detail: bus === 'virtio' ? 'paravirtual block device (fastest)' : `the usual bus for a ${p.device!.attrs.device ?? 'disk'}`,
      preselect: true,
    },
  ];
}

const MAC_DOC =
  'A unicast, locally administered address: in the first octet the lowest bit (multicast) is clear and the second-lowest ' +
  "bit (locally administered) is set, so it cannot clash with an address burnt into a real card. 52:54:00 is QEMU's usual prefix and is such a prefix itself.";

function macValues(env: Env): Suggestion[] {
  const alloc = allocation(env.model);
  return [
    { value: alloc.takeMac(env.random, 'qemu'), detail: "random, with QEMU's 52:54:00 prefix", preselect: true, doc: MAC_DOC },
    { value: alloc.takeMac(env.random, 'local'), detail: 'random, locally administered', doc: MAC_DOC },
  ];
}

function chassisValues(env: Env, site: Site, p: Place): Suggestion[] {
  const { model } = env;
  const own = parseInteger(p.device!.attrs.index, 10);
  const free = allocation(model).freeChassis(site.self ?? site.deviceEl);
  const chassis =
    own !== undefined && own > 0 && own <= 255 && allocation(model).chassisIsFree(own, site.self ?? site.deviceEl) ? own : free;
  return [
    {
      value: String(chassis),
      detail: chassis === own ? 'the controller index, a chassis number no other port uses' : 'a chassis number no other port uses',
      preselect: true,
    },
  ];
}

function rootPortValues(env: Env, site: Site): Suggestion[] {
  const { model } = env;
  const addr = site.deviceEl && child(site.deviceEl, 'address');
  const slot = parseInteger(addr && attr(addr, 'slot')?.value, 0) ?? allocation(model).freePciPlacement('pcie-root-port')?.slot ?? 0;
  return [
    {
      value: hex(allocation(model).freeRootPortNumber(slot, site.self), 1),
      detail: 'port number (slot × 8 + function), unused',
      preselect: true,
    },
  ];
}

/** The computations the tables of knowledge.ts refer to by name. */
const COMPUTED: Readonly<Record<ComputedValues, (env: Env, site: Site, p: Place) => Suggestion[]>> = {
  controllerIndex: (env, site, p) => controllerIndexValues(env, p.own.type!, site.self),
  pciBus: pciBusValues,
  pciSlot: pciSlotValues,
  usbBus: usbBusValues,
  usbPort: usbPortValues,
  driveAddress: driveAddressValues,
  hostPci: hostPciValues,
  diskTarget: diskTargetValues,
  diskBus: (_env, _site, p) => diskBusValues(p),
  randomMac: (env) => macValues(env),
  bootOrder: (env, site) => [
    {
      value: String(allocation(env.model).nextBootOrder(site.self)),
      detail: 'after the devices that already have a boot order',
      preselect: true,
    },
  ],
  chassis: chassisValues,
  rootPortNumber: rootPortValues,
  serialPort: (env, site) => [
    { value: String(allocation(env.model).freeSerialPort(site.self)), detail: 'next free serial port', preselect: true },
  ],
};

/** Values suggested for an attribute at a site: from the tables, written out or computed. */
export function smartValues(env: Env, site: Site): readonly Suggestion[] {
  const p = placeOf(site.path, env.model?.machine.family);
  if (!p) {
    return [];
  }
  const inDomain = site.path[0]?.name === 'domain' && site.path[1]?.name !== 'devices';
  if (!inDomain && (!p.device || p.depth < 0)) {
    return [];
  }
  const rule = lookUp(inDomain ? DOMAIN_VALUES : DEVICE_VALUES, p, (row) =>
    typeof row.then.attribute === 'string' ? row.then.attribute === site.attribute : row.then.attribute.includes(site.attribute)
  );
  if (!rule) {
    return [];
  }
  return typeof rule.values === 'string' ? COMPUTED[rule.values](env, site, p) : rule.values;
}

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
// the provider

export function attributeValueItems(env: Env, ctx: AttributeValueContext): CompletionCandidate[] {
  const path = tagPath(ctx, ctx.attribute);
  const res = resolve(path);
  const info = res?.attributes.get(ctx.attribute);
  const self = elementStartingAt(env.doc, ctx.tag.start);
  const deviceEl = deviceOf(env.model, self ?? ctx.parent)?.el;
  const site: Site = { path, attribute: ctx.attribute, self, deviceEl };
  const smart = [...hostAttributeValues(env, site), ...smartValues(env, site)];
  const wrap = (v: string): string => (ctx.quote === '' ? `${env.quote}${v}${env.quote}` : ctx.closed ? v : v + ctx.quote);
  const out: CompletionCandidate[] = hostPciAddressItems(env, ctx, path);
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

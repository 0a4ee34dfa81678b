/**
 * The corpus for the address-prediction comparison (inlay hints): every domain and fragment of
 * test/fixtures/real-world, valid, seeds and rules, defined on qemu:///system under an
 * `lxtest-hints-` name, read back with `virsh dumpxml --inactive`, and undefined again. Only what
 * libvirt accepts is compared. Shared by hints.test.ts and by anyone re-running the comparison by
 * hand; not a test file itself (importing a *.test.ts would register its tests twice).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import { predictAddresses, type PredictedAddress } from '../../server/src/model/assign';
import type { Device } from '../../server/src/model/types';
import { parseXml } from '../../server/src/syntax/parse';
import { attr, child, type XmlElement } from '../../server/src/syntax/tree';
import { xmlFiles } from '../support/files';
import { parseExpectations } from '../support/markers';
import { REPO } from '../support/paths';
import { domainXml, type Machine } from './build-domain';
import { normalizeForLibvirt, URIS } from './oracle';

export const CORPUS_DIRS = ['test/fixtures/real-world', 'test/fixtures/valid', 'test/fixtures/seeds', 'test/fixtures/rules'];

export interface CorpusCase {
  id: string;
  /** The document libvirt gets (normalized name, UUID, emulator) and the engine predicts on. */
  xml: string;
  uuid: string;
}

function rootName(text: string): string | undefined {
  const noComments = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  return /<([A-Za-z_][\w.-]*)/.exec(noComments)?.[1];
}

/** Every corpus document as libvirt would get it; fragments are pasted into a minimal domain. */
export function corpusCases(prefix: string): CorpusCase[] {
  const out: CorpusCase[] = [];
  let n = 0;
  for (const dir of CORPUS_DIRS) {
    for (const file of xmlFiles(path.join(REPO, dir))) {
      const text = fs.readFileSync(file, 'utf8');
      const root = rootName(text);
      let xml: string | undefined;
      if (root === 'domain') {
        xml = text;
      } else if (root && analyze(text).model) {
        let machine: Machine = 'q35';
        try {
          machine = parseExpectations(text).options.machine === 'pc' ? 'pc' : 'q35';
        } catch {
          // malformed markers: the unit suite reports those
        }
        const body = text.replace(/<\?xml[^>]*\?>/, '').trim();
        xml = domainXml({ name: 'fragment', machine, devices: [body] });
      }
      if (xml === undefined) {
        continue;
      }
      const norm = normalizeForLibvirt(xml, `${prefix}-${n++}`);
      out.push({ id: path.relative(REPO, file), xml: norm.xml, uuid: norm.uuid });
    }
  }
  return out;
}

function virsh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('virsh', ['-q', '-c', URIS.qemu, ...args], { timeout: 60000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Defines the document, reads it back (dumpxml --inactive) and undefines it; undefined when libvirt refuses it. */
export async function defineAndDump(c: CorpusCase, dir: string): Promise<string | undefined> {
  const file = path.join(dir, `${c.uuid}.xml`);
  fs.writeFileSync(file, c.xml);
  try {
    const d = await virsh(['define', file]);
    if (d.code !== 0) {
      return undefined;
    }
    try {
      const x = await virsh(['dumpxml', '--inactive', c.uuid]);
      return x.code === 0 ? x.stdout : undefined;
    } finally {
      const u = await virsh(['undefine', '--nvram', c.uuid]);
      if (u.code !== 0) {
        await virsh(['undefine', c.uuid]);
      }
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Dumps for every case, `jobs` virsh sessions at a time; undefined where libvirt refuses. */
export async function dumpAll(cases: CorpusCase[], jobs = 3): Promise<(string | undefined)[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lxtest-hints-'));
  const out: (string | undefined)[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      out[i] = await defineAndDump(cases[i]!, dir);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing one document: each device the document leaves without an address, predicted vs. assigned.

/** How a device is found again in dumpxml: disks by target, controllers by type and index, the rest by position among their kind. */
function deviceKeys(devices: readonly XmlElement[]): string[] {
  const seen = new Map<string, number>();
  // A controller without an index gets the lowest unused one of its type, in document order, as
  // libvirt does; a USB2 controller (ich9-ehci1, ich9-uhci1..3) right after another USB2 controller
  // joins that one's index unless the index already has its model (virDomainAssignControllerIndexes).
  const used = new Set(
    devices
      .filter((el) => el.name === 'controller')
      .flatMap((el) => {
        const k = `${attr(el, 'type')?.value}:${attr(el, 'index')?.value}`;
        return [k, `${k}:${attr(el, 'model')?.value}`];
      })
  );
  const usb2 = (el: XmlElement | undefined): boolean => /^ich9-(ehci1|uhci[123])$/.test((el && attr(el, 'model')?.value) ?? '');
  const settled = new Map<XmlElement, string>();
  const indexOf = (el: XmlElement): string => {
    const written = attr(el, 'index')?.value;
    if (written !== undefined) {
      return written;
    }
    const type = attr(el, 'type')?.value;
    const model = attr(el, 'model')?.value;
    const before = devices.slice(0, devices.indexOf(el)).filter((o) => o.name === 'controller' && attr(o, 'type')?.value === 'usb');
    const prev = before[before.length - 1];
    const prevIndex = prev && (attr(prev, 'index')?.value ?? settled.get(prev));
    if (type === 'usb' && usb2(el) && usb2(prev) && prevIndex !== undefined && !used.has(`usb:${prevIndex}:${model}`)) {
      used.add(`usb:${prevIndex}:${model}`);
      settled.set(el, prevIndex);
      return prevIndex;
    }
    let i = 0;
    while (used.has(`${type}:${i}`)) {
      i++;
    }
    used.add(`${type}:${i}`);
    used.add(`${type}:${i}:${model}`);
    settled.set(el, String(i));
    return String(i);
  };
  // libvirt lists the primary video first whatever its place in the file: match it as the primary.
  const videos = devices.filter((el) => el.name === 'video');
  const primaryVideo =
    videos.find((v) => child(v, 'model')?.attributes.some((a) => a.name === 'primary' && a.value === 'yes')) ?? videos[0];
  return devices.map((el) => {
    let base: string;
    if (el === primaryVideo) {
      return 'video:primary';
    }
    if (el.name === 'disk') {
      base = `disk:${attr(child(el, 'target') ?? el, 'dev')?.value ?? '?'}`;
    } else if (el.name === 'controller') {
      base = `controller:${attr(el, 'type')?.value ?? '?'}:${indexOf(el)}`;
    } else if (el.name === 'input') {
      base = `input:${attr(el, 'type')?.value ?? '?'}:${attr(el, 'bus')?.value ?? ''}`;
    } else {
      base = el.name;
    }
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k === 0 && (el.name === 'disk' || el.name === 'controller') ? base : `${base}#${k}`;
  });
}

/** An address as one comparable string: 'pci 0000:00:03.0', 'usb 0 1.2', 'drive 0:0:0:1'; undefined for other types. */
export function addressString(el: XmlElement | undefined): string | undefined {
  if (!el) {
    return undefined;
  }
  const n = (name: string, base: 10 | 16): number => {
    const v = attr(el, name)?.value;
    return v === undefined ? 0 : v.startsWith('0x') ? parseInt(v.slice(2), 16) : parseInt(v, base);
  };
  switch (attr(el, 'type')?.value) {
    case 'pci': {
      const h = (x: number, w: number): string => x.toString(16).padStart(w, '0');
      return `pci ${h(n('domain', 16), 4)}:${h(n('bus', 16), 2)}:${h(n('slot', 16), 2)}.${n('function', 16).toString(16)}`;
    }
    case 'usb':
      return `usb ${n('bus', 10)} ${attr(el, 'port')?.value ?? '?'}`;
    case 'drive':
      return `drive ${n('controller', 10)}:${n('bus', 10)}:${n('target', 10)}:${n('unit', 10)}`;
    default:
      return undefined;
  }
}

export function predictionString(p: PredictedAddress): string {
  const a = p.address;
  switch (a.type) {
    case 'pci': {
      const h = (x: number, w: number): string => x.toString(16).padStart(w, '0');
      return `pci ${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${a.function.toString(16)}`;
    }
    case 'usb':
      return `usb ${a.bus} ${a.port}`;
    case 'drive':
      return `drive ${a.controller}:${a.bus}:${a.target}:${a.unit}`;
  }
}

export interface DeviceComparison {
  id: string;
  machine: string;
  device: string;
  libvirt: string;
  predicted: string | undefined;
}

function machineOf(xml: string): string {
  const m = analyze(xml).model?.machine;
  return m?.family === 'q35' ? 'q35' : m?.family === 'i440fx' ? 'pc' : (m?.name ?? 'other');
}

/**
 * For each device of `c` without an address to which libvirt gave a PCI, USB or drive address,
 * libvirt's address and ours (undefined: we give no hint). A device we predict an address for but
 * libvirt leaves without one counts too (libvirt: 'none').
 */
export function compareCase(c: CorpusCase, dumped: string): DeviceComparison[] {
  const model = analyze(c.xml).model;
  if (!model || model.kind !== 'domain') {
    return [];
  }
  const predicted = predictAddresses(model).devices;
  const inEls = model.devices.map((d: Device) => d.el);
  const outDoc = parseXml(dumped);
  const outEls = child(outDoc.root!, 'devices')?.children ?? [];
  const outByKey = new Map<string, XmlElement>();
  deviceKeys(outEls).forEach((k, i) => outByKey.set(k, outEls[i]!));
  const machine = machineOf(c.xml);
  const out: DeviceComparison[] = [];
  deviceKeys(inEls).forEach((key, i) => {
    const d = model.devices[i]!;
    if (d.address) {
      return;
    }
    const assigned = addressString(child(outByKey.get(key) ?? d.el, 'address'));
    const p = predicted.get(d);
    if (assigned === undefined && !p) {
      return;
    }
    out.push({ id: c.id, machine, device: key, libvirt: assigned ?? 'none', predicted: p ? predictionString(p) : undefined });
  });
  return out;
}

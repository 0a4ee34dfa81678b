/**
 * The semantic diff between the domain XML a user wrote and what libvirt stored after define
 * (`virsh dumpxml --inactive`), classified the way libvirt treats XML (issue 13, item 3):
 *
 * - dropped:  in the user's text but not kept by libvirt: attributes and elements libvirt does not
 *             know, and a PCI address 0000:00:00.0 (libvirt reads it as "no address");
 * - added:    what libvirt stored that the user did not write: defaults, assigned addresses,
 *             controllers and devices libvirt adds (`assigned` marks addresses and controllers,
 *             which can be pinned: copied into the file);
 * - changed:  values libvirt rewrote (machine='pc' -> 'pc-i440fx-7.2').
 *
 * Semantic, not textual: elements are matched by their kind and key (a disk by its target dev, an
 * interface by its MAC, a controller by type and index...), never by position among different
 * devices; attribute order, quoting, whitespace and numeric forms (0x1, 0x01, 1) do not count;
 * sizes are compared as quantities (256 MiB = 262144 KiB).
 *
 * Pure: two texts in, a list of entries out. Knows libvirt, nothing of LSP or VS Code.
 */
import { parseInteger } from '../../../lib/integer';
import { parseSizeKiB } from '../../../lib/bitmap';
import { attrValue, child, type Span, type XmlElement } from '../syntax/tree';
import { parseXml } from '../syntax/parse';

type DiffKind = 'dropped' | 'added' | 'changed';

export interface DiffEntry {
  kind: DiffKind;
  /** Where, readable: "devices/interface[52:54:00:aa:bb:01]/@frobnicate". */
  path: string;
  /** The element concerned (for an attribute: the element that has it). */
  element: string;
  /** Set when the entry is about one attribute. */
  attribute?: string;
  /** Set when the entry is about an element's text. */
  text?: true;
  /** The value as written (dropped, changed). */
  written?: string;
  /** The value libvirt stored (added, changed). */
  stored?: string;
  /** In the user's text: what was dropped or changed; for added, the element it was added to. */
  writtenSpan?: Span;
  /** In libvirt's text: what was added or changed. */
  storedSpan?: Span;
  /** An address or controller libvirt assigned: worth pinning (copying into the file). */
  assigned?: boolean;
  /**
   * For an assigned element: the edit that copies it into the user's file: replace [offset, end)
   * with text (an insertion when end = offset; a 0000:00:00.0 address is replaced).
   */
  pin?: { offset: number; end: number; text: string };
  message: string;
}

interface DomainDiff {
  entries: DiffEntry[];
  /** XML syntax errors of either side (then the diff is partial). */
  errors: string[];
}

/** Elements whose text is a size with a unit attribute (default KiB). */
const SIZE_ELEMENTS = new Set([
  'memory',
  'currentMemory',
  'maxMemory',
  'size',
  'requested',
  'current',
  'hard_limit',
  'soft_limit',
  'swap_hard_limit',
  'min_guarantee',
]);

/** A size element's amount in KiB, read as libvirt reads it (the project's one size reader). */
function sizeKiB(el: XmlElement): number | undefined {
  if (!SIZE_ELEMENTS.has(el.name) || el.children.length > 0) {
    return undefined;
  }
  return parseSizeKiB(el.text, attrValue(el, 'unit'));
}

/** Same value, whatever the numeric form (0x1 = 0x01 = 1) or the case of a MAC address. */
export function sameValue(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x === y) {
    return true;
  }
  // MAC addresses and UUIDs: libvirt prints them in lower case (a UUID also with its dashes).
  if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(x) && x.toLowerCase() === y.toLowerCase()) {
    return true;
  }
  if (/^[0-9a-f-]{32,36}$/i.test(x) && x.replace(/-/g, '').toLowerCase() === y.replace(/-/g, '').toLowerCase()) {
    return true;
  }
  const nx = parseInteger(x, 0);
  const ny = parseInteger(y, 0);
  if (nx !== undefined && ny !== undefined) {
    return nx === ny;
  }
  return x.replace(/\s+/g, ' ') === y.replace(/\s+/g, ' ');
}

function num(v: string | undefined): string {
  if (v === undefined) {
    return '';
  }
  const n = parseInteger(v, 0);
  return n === undefined ? v.trim().toLowerCase() : String(n);
}

/** A PCI address libvirt reads as "no address" (0000:00:00.0, as every part missing or zero). */
function isZeroPciAddress(el: XmlElement): boolean {
  if (el.name !== 'address' || attrValue(el, 'type') !== 'pci') {
    return false;
  }
  const parts = ['domain', 'bus', 'slot', 'function'].map((a) => attrValue(el, a));
  return parts.some((p) => p !== undefined) && parts.every((p) => p === undefined || parseInteger(p, 0) === 0);
}

function addressKey(el: XmlElement | undefined): string | undefined {
  if (!el) {
    return undefined;
  }
  const type = attrValue(el, 'type') ?? '';
  const parts = ['domain', 'bus', 'slot', 'function', 'controller', 'target', 'unit', 'port', 'reg', 'cssid', 'ssid', 'devno'];
  const key = parts
    .map((p) => attrValue(el, p))
    .filter((v) => v !== undefined)
    .map(num)
    .join(':');
  return key ? `${type}:${key}` : undefined;
}

/**
 * What identifies an element among its same-named siblings, or undefined when only its position
 * among them does (unique elements such as <os>, <address>, <memballoon>).
 */
function keyOf(el: XmlElement): string | undefined {
  const target = child(el, 'target');
  const source = child(el, 'source');
  switch (el.name) {
    case 'disk':
      return attrValue(target ?? el, 'dev');
    case 'interface':
      return attrValue(child(el, 'mac') ?? el, 'address')?.toLowerCase() ?? attrValue(child(el, 'alias') ?? el, 'name');
    case 'controller':
      return `${attrValue(el, 'type') ?? ''}/${num(attrValue(el, 'index') ?? '0')}`;
    case 'hostdev':
      return addressKey(child(source ?? el, 'address')) ?? attrValue(child(el, 'alias') ?? el, 'name');
    case 'filesystem':
      return attrValue(target ?? el, 'dir');
    case 'channel':
      return (
        attrValue(target ?? el, 'name') ?? (target ? `${attrValue(target, 'type') ?? ''}/${num(attrValue(target, 'port'))}` : undefined)
      );
    case 'serial':
    case 'parallel':
    case 'console':
      return target ? `${attrValue(target, 'type') ?? ''}/${num(attrValue(target, 'port') ?? '0')}` : undefined;
    case 'input':
      return `${attrValue(el, 'type') ?? ''}/${attrValue(el, 'bus') ?? ''}`;
    case 'graphics':
      return attrValue(el, 'type');
    case 'shmem':
      return attrValue(el, 'name');
    case 'hostdev-source':
      return undefined;
    default:
      return undefined;
  }
}

/** The children of an element grouped into identities: "disk[vda]", "controller[usb/0]", "address#0". */
function identities(parent: XmlElement, skip: (el: XmlElement) => boolean): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  const ordinal = new Map<string, number>();
  for (const c of parent.children) {
    if (skip(c)) {
      continue;
    }
    const key = keyOf(c);
    let id: string;
    if (key !== undefined) {
      id = `${c.name}[${key}]`;
      // Two elements with one key (a broken file): the second by position.
      if (out.has(id)) {
        id = `${id}#${out.size}`;
      }
    } else {
      const n = ordinal.get(c.name) ?? 0;
      ordinal.set(c.name, n + 1);
      id = n === 0 ? c.name : `${c.name}#${n}`;
    }
    out.set(id, c);
  }
  return out;
}

const ASSIGNED = new Set(['address', 'controller']);

/**
 * Whether the user wrote the attribute the key is made of. A controller without index= gets the
 * key of index 0 (libvirt's default for the first one) but may be given another index: such
 * elements are matched by kind and type among those left, like elements without a key.
 */
function hasKeyAttribute(el: XmlElement): boolean {
  return el.name !== 'controller' || attrValue(el, 'index') !== undefined;
}

class Differ {
  readonly entries: DiffEntry[] = [];
  constructor(
    private readonly writtenText: string,
    private readonly storedText: string
  ) {}

  element(w: XmlElement, s: XmlElement, path: string): void {
    this.attributes(w, s, path);
    const sizeW = sizeKiB(w);
    const sizeS = sizeKiB(s);
    if (sizeW !== undefined && sizeS !== undefined) {
      if (sizeW !== sizeS) {
        this.changedText(
          w,
          s,
          path,
          `${w.text.trim()} ${attrValue(w, 'unit') ?? 'KiB'}`,
          `${s.text.trim()} ${attrValue(s, 'unit') ?? 'KiB'}`
        );
      }
    } else if (w.children.length === 0 && s.children.length === 0 && !sameValue(w.text, s.text)) {
      const wt = w.text.trim();
      const st = s.text.trim();
      if (wt === '' && st !== '') {
        this.entries.push({
          kind: 'added',
          path,
          element: s.name,
          text: true,
          stored: st,
          writtenSpan: w.span,
          storedSpan: s.textSpan ?? s.span,
          message: `libvirt filled in <${s.name}>${st}</${s.name}>.`,
        });
      } else if (wt !== '' && st === '') {
        this.entries.push({
          kind: 'dropped',
          path,
          element: w.name,
          text: true,
          written: wt,
          writtenSpan: w.textSpan ?? w.span,
          message: `libvirt did not keep the text '${wt}' of <${w.name}>.`,
        });
      } else {
        this.changedText(w, s, path, wt, st);
      }
    }
    this.children(w, s, path);
  }

  private changedText(w: XmlElement, s: XmlElement, path: string, written: string, stored: string): void {
    this.entries.push({
      kind: 'changed',
      path,
      element: w.name,
      text: true,
      written,
      stored,
      writtenSpan: w.textSpan ?? w.span,
      storedSpan: s.textSpan ?? s.span,
      message: `libvirt stored <${w.name}> as ${stored} (written: ${written}).`,
    });
  }

  private attributes(w: XmlElement, s: XmlElement, path: string): void {
    const sizes = sizeKiB(w) !== undefined && sizeKiB(s) !== undefined;
    for (const a of w.attributes) {
      if (a.name.startsWith('xmlns') || (sizes && a.name === 'unit')) {
        continue;
      }
      const sa = s.attributes.find((x) => x.name === a.name);
      const at = `${path}/@${a.name}`;
      if (!sa) {
        this.entries.push({
          kind: 'dropped',
          path: at,
          element: w.name,
          attribute: a.name,
          written: a.value ?? '',
          writtenSpan: a.span,
          message: `libvirt did not keep the attribute ${a.name}='${a.value ?? ''}' of <${w.name}>: it does not know it here (or ignores it).`,
        });
      } else if (!sameValue(a.value ?? '', sa.value ?? '')) {
        this.entries.push({
          kind: 'changed',
          path: at,
          element: w.name,
          attribute: a.name,
          written: a.value ?? '',
          stored: sa.value ?? '',
          writtenSpan: a.valueSpan ?? a.span,
          storedSpan: sa.valueSpan ?? sa.span,
          message: `libvirt stored ${a.name}='${sa.value ?? ''}' on <${w.name}> (written: '${a.value ?? ''}').`,
        });
      }
    }
    for (const sa of s.attributes) {
      if (sa.name.startsWith('xmlns') || (sizes && sa.name === 'unit') || w.attributes.some((x) => x.name === sa.name)) {
        continue;
      }
      // The live id of a running domain is not part of its definition.
      if (s.name === 'domain' && sa.name === 'id') {
        continue;
      }
      this.entries.push({
        kind: 'added',
        path: `${path}/@${sa.name}`,
        element: s.name,
        attribute: sa.name,
        stored: sa.value ?? '',
        writtenSpan: w.nameSpan,
        storedSpan: sa.span,
        assigned: s.name === 'address' ? true : undefined,
        message: `libvirt added ${sa.name}='${sa.value ?? ''}' to <${s.name}> (its default or an assigned value).`,
      });
    }
  }

  private children(w: XmlElement, s: XmlElement, path: string): void {
    const zero = w.children.filter(isZeroPciAddress);
    for (const z of zero) {
      this.entries.push({
        kind: 'dropped',
        path: `${path}/address`,
        element: 'address',
        written: this.writtenText.slice(z.span.start, z.span.end),
        writtenSpan: z.span,
        message:
          'libvirt did not keep this address: it reads PCI address 0000:00:00.0 as "no address" and assigns one itself (see the address it added).',
      });
    }
    const ws = identities(w, (c) => zero.includes(c));
    const ss = identities(s, () => false);
    const matched = new Set<string>();
    const unmatched: [string, XmlElement][] = [];
    for (const [id, wc] of ws) {
      const sc = ss.get(id);
      if (sc) {
        matched.add(id);
        this.element(wc, sc, `${path}/${id}`);
      } else {
        unmatched.push([id, wc]);
      }
    }
    // What the user wrote without its key (an interface without a MAC, a controller without an
    // index): libvirt filled the key in, so it is the next stored element of that name (and type).
    for (const [id, wc] of unmatched) {
      const free = (sc: XmlElement, sid: string): boolean => !matched.has(sid) && !ws.has(sid) && sc.name === wc.name;
      const type = attrValue(wc, 'type');
      const candidates = keyOf(wc) === undefined || !hasKeyAttribute(wc) ? [...ss].filter(([sid, sc]) => free(sc, sid)) : [];
      const pick =
        candidates.find(([, sc]) => type === undefined || attrValue(sc, 'type') === type) ??
        (type === undefined ? candidates[0] : undefined);
      if (pick) {
        matched.add(pick[0]);
        this.element(wc, pick[1], `${path}/${pick[0]}`);
        continue;
      }
      this.entries.push({
        kind: 'dropped',
        path: `${path}/${id}`,
        element: wc.name,
        written: this.writtenText.slice(wc.span.start, wc.span.end),
        writtenSpan: wc.span,
        message: `libvirt did not keep <${wc.name}>${keyOf(wc) ? ` (${keyOf(wc)})` : ''}: it does not know it here (or ignores it).`,
      });
    }
    for (const [id, sc] of ss) {
      if (ws.has(id) || matched.has(id)) {
        continue;
      }
      const text = this.storedText.slice(sc.span.start, sc.span.end);
      const assigned = ASSIGNED.has(sc.name);
      this.entries.push({
        kind: 'added',
        path: `${path}/${id}`,
        element: sc.name,
        stored: text,
        writtenSpan: w.nameSpan,
        storedSpan: sc.span,
        assigned: assigned || undefined,
        pin: !assigned
          ? undefined
          : sc.name === 'address' && zero.length === 1
            ? { offset: zero[0]!.span.start, end: zero[0]!.span.end, text: text.trim() }
            : this.pinInto(w, text),
        message: `libvirt added <${sc.name}>${keyOf(sc) ? ` (${keyOf(sc)})` : ''}${sc.name === 'address' ? ': the address it assigned' : ''}.`,
      });
    }
  }

  /** Where to insert an element into `parent` of the user's text: before its close tag, indented. */
  private pinInto(parent: XmlElement, text: string): DiffEntry['pin'] {
    if (parent.selfClosing || !parent.wellFormed || !parent.closeNameSpan) {
      return undefined;
    }
    const closeStart = parent.closeNameSpan.start - 2; // '</'
    const lineStart = this.writtenText.lastIndexOf('\n', parent.span.start - 1) + 1;
    const indent = /^[ \t]*/.exec(this.writtenText.slice(lineStart))![0];
    const closeLineStart = this.writtenText.lastIndexOf('\n', closeStart - 1) + 1;
    const onOwnLine = /^[ \t]*$/.test(this.writtenText.slice(closeLineStart, closeStart));
    const inner = `${indent}  ${text.trim()}\n`;
    return onOwnLine
      ? { offset: closeLineStart, end: closeLineStart, text: inner }
      : { offset: closeStart, end: closeStart, text: `\n${inner}${indent}` };
  }
}

/** Compares what the user wrote with what libvirt stored (`virsh dumpxml --inactive`). */
export function compareDomains(written: string, stored: string): DomainDiff {
  const w = parseXml(written);
  const s = parseXml(stored);
  const errors = [...w.errors.map((e) => `written: ${e.message}`), ...s.errors.map((e) => `stored: ${e.message}`)];
  if (!w.root || !s.root) {
    return { entries: [], errors: errors.length > 0 ? errors : ['no root element'] };
  }
  const d = new Differ(written, stored);
  d.element(w.root, s.root, w.root.name);
  return { entries: d.entries, errors };
}

/** Counts per kind, for a one-line summary. */
export function summarize(entries: readonly DiffEntry[]): string {
  const n = (k: DiffKind): number => entries.filter((e) => e.kind === k).length;
  return `${n('dropped')} dropped, ${n('added')} added or assigned, ${n('changed')} changed`;
}

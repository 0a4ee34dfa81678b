/**
 * Where in the XML does a libvirt error message point? libvirt's messages name the thing they
 * object to (a controller index, a PCI address such as 0000:00:01.0, a disk target, a USB port,
 * a MAC address...) but never a line. This maps such a message to the places in the document
 * that hold that thing, so the error can be shown there as well as in plain text.
 *
 * Pure: text in, offsets out. No vscode, no child processes.
 */
import { type IntegerBase, parseInteger } from '../../lib/integer';

interface AttrInfo {
  name: string;
  /** Unquoted value (entities are not decoded; libvirt's values rarely use them). */
  value: string;
  nameStart: number;
  /** Offsets of the value without its quotes. */
  valueStart: number;
  valueEnd: number;
}

interface TagInfo {
  name: string;
  /** Offset of '<' and just past '>' (or the end of text for an unterminated tag). */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  attrs: AttrInfo[];
  parent: TagInfo | undefined;
  /** Offsets of the element's text content when it has only text (for <name>x</name>). */
  text?: { start: number; end: number; value: string };
}

interface Span {
  start: number;
  end: number;
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ATTR = /\s*([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/** Every start tag of the text with its attributes and parent. Tolerant of broken markup. */
export function scanTags(text: string): TagInfo[] {
  return scan(text).tags;
}

/** The elements still open at the end of `text`, outermost first. */
export function openElementsAt(text: string): TagInfo[] {
  return scan(text).open;
}

function scan(text: string): { tags: TagInfo[]; open: TagInfo[] } {
  const tags: TagInfo[] = [];
  const stack: TagInfo[] = [];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      break;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt + 2);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (text[lt + 1] === '/') {
      NAME.lastIndex = lt + 2;
      const m = NAME.exec(text);
      const close = text.indexOf('>', lt);
      if (m) {
        // Pop to the matching open element (tolerates missing close tags).
        const at = findLast(stack, (t) => t.name === m[0]);
        if (at >= 0) {
          const el = stack[at]!;
          const inner = text.slice(el.end, lt);
          if (!inner.includes('<')) {
            el.text = { start: el.end, end: lt, value: inner };
          }
          stack.length = at;
        }
      }
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    NAME.lastIndex = lt + 1;
    const m = NAME.exec(text);
    if (!m) {
      i = lt + 1;
      continue;
    }
    const tag: TagInfo = {
      name: m[0],
      start: lt,
      end: text.length,
      nameStart: lt + 1,
      nameEnd: lt + 1 + m[0].length,
      attrs: [],
      parent: stack[stack.length - 1],
    };
    let j = tag.nameEnd;
    for (;;) {
      ATTR.lastIndex = j;
      const a = ATTR.exec(text);
      if (!a) {
        break;
      }
      const quoted = a[2] ?? a[3] ?? '';
      const valueEnd = ATTR.lastIndex - 1;
      tag.attrs.push({
        name: a[1]!,
        value: quoted,
        nameStart: a.index + a[0].indexOf(a[1]!),
        valueStart: valueEnd - quoted.length,
        valueEnd,
      });
      j = ATTR.lastIndex;
    }
    const gt = text.indexOf('>', j);
    const nextLt = text.indexOf('<', j);
    const closed = gt >= 0 && (nextLt < 0 || gt < nextLt);
    tag.end = closed ? gt + 1 : nextLt < 0 ? text.length : nextLt;
    tags.push(tag);
    if (closed && text[gt - 1] !== '/') {
      stack.push(tag);
    }
    i = tag.end;
  }
  return { tags, open: stack };
}

function findLast<T>(a: T[], p: (x: T) => boolean): number {
  for (let k = a.length - 1; k >= 0; k--) {
    if (p(a[k]!)) {
      return k;
    }
  }
  return -1;
}

function attr(tag: TagInfo, name: string): AttrInfo | undefined {
  return tag.attrs.find((a) => a.name === name);
}

const valueSpan = (a: AttrInfo): Span => ({ start: a.valueStart, end: a.valueEnd });
const nameSpan = (t: TagInfo): Span => ({ start: t.nameStart, end: t.nameEnd });
const tagSpan = (t: TagInfo): Span => ({ start: t.start, end: t.end });

/** Value spans of attribute `name` on tags matching `pred`, optionally only where the value matches. */
function attrValues(tags: TagInfo[], pred: (t: TagInfo) => boolean, name: string, value?: (v: string) => boolean): Span[] {
  const out: Span[] = [];
  for (const t of tags) {
    if (!pred(t)) {
      continue;
    }
    const a = attr(t, name);
    if (a && (!value || value(a.value))) {
      out.push(valueSpan(a));
    }
  }
  return out;
}

/** Whether an attribute's value is the number `n`, read as libvirt reads that attribute (base 0 or 10). */
const numEq =
  (n: number, base: IntegerBase = 10) =>
  (v: string) =>
    parseInteger(v, base) === n;
const strEq = (s: string) => (v: string) => v === s;

/** Spans of <address> elements (PCI: guest addresses and hostdev source addresses) at DDDD:BB:SS.F. */
function pciAddresses(tags: TagInfo[], addr: string): Span[] {
  const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i.exec(addr);
  if (!m) {
    return [];
  }
  const [dom, bus, slot, fn] = [m[1]!, m[2]!, m[3]!, m[4]!].map((x) => parseInt(x, 16));
  const out: Span[] = [];
  for (const t of tags) {
    if (t.name !== 'address') {
      continue;
    }
    const type = attr(t, 'type')?.value;
    if (type !== undefined && type !== 'pci') {
      continue;
    }
    if (type === undefined && t.parent?.name !== 'source') {
      continue;
    }
    const get = (n: string, dflt: number | undefined) => {
      const a = attr(t, n);
      return a ? parseInteger(a.value, 0) : dflt;
    };
    if (get('domain', 0) === dom && get('bus', undefined) === bus && get('slot', undefined) === slot && get('function', 0) === fn) {
      out.push(tagSpan(t));
    }
  }
  return out;
}

function usbAddresses(tags: TagInfo[], bus: number, port?: string): Span[] {
  const out: Span[] = [];
  for (const t of tags) {
    if (t.name !== 'address' || attr(t, 'type')?.value !== 'usb') {
      continue;
    }
    if (parseInteger(attr(t, 'bus')?.value ?? '0', 10) !== bus) {
      continue;
    }
    const p = attr(t, 'port');
    if (port === undefined) {
      out.push(tagSpan(t));
    } else if (p && p.value === port) {
      out.push(valueSpan(p));
    }
  }
  return out;
}

/** Spans of <target dev='X'> inside disks (or any element when the disk context is missing). */
function diskTargets(tags: TagInfo[], dev: string): Span[] {
  const within = attrValues(tags, (t) => t.name === 'target' && t.parent?.name === 'disk', 'dev', strEq(dev));
  return within.length > 0 ? within : attrValues(tags, (t) => t.name === 'target', 'dev', strEq(dev));
}

function controllersAt(tags: TagInfo[], type: string | undefined, index: number): Span[] {
  return attrValues(tags, (t) => t.name === 'controller' && (type === undefined || attr(t, 'type')?.value === type), 'index', numEq(index));
}

type Locator = (m: RegExpExecArray, tags: TagInfo[]) => Span[];

/**
 * libvirt's messages (libvirt 9.0, src/conf, src/qemu, src/util), most specific first. The
 * prefixes ("XML error: ", "unsupported configuration: "...) are not part of the patterns.
 */
const LOCATORS: [RegExp, Locator][] = [
  // Controllers
  [/Multiple '([\w-]+)' controllers with index '(\d+)'/, (m, t) => controllersAt(t, m[1], +m[2]!)],
  [/Duplicate USB controllers with index (\d+)/, (m, t) => controllersAt(t, 'usb', +m[1]!)],
  [/PCI controller index (\d+) too high/, (m, t) => controllersAt(t, 'pci', +m[1]!)],
  [/PCI controller at index (\d+) \(0x[0-9a-f]+\) has bus=/i, (m, t) => controllersAt(t, 'pci', +m[1]!)],
  [
    /(?:Option '[\w-]+' (?:is not valid|has invalid value)|Required option '[\w-]+' is not set) for PCI controller with index '(\d+)'/,
    (m, t) => controllersAt(t, 'pci', +m[1]!),
  ],
  [
    /PCI controller (chassisNr|chassis|port|busNr) '(-?\d+)' out of range/,
    (m, t) => attrValues(t, (x) => x.name === 'target' && x.parent?.name === 'controller', m[1]!, numEq(+m[2]!, m[1] === 'port' ? 0 : 10)),
  ],
  [
    /pci-root and pcie-root controllers should have index 0/,
    (_m, t) => attrValues(t, (x) => x.name === 'controller' && /^pcie?-root$/.test(attr(x, 'model')?.value ?? ''), 'index'),
  ],
  [
    /pci-root and pcie-root controllers should not have an address/,
    (_m, t) =>
      t
        .filter((x) => x.name === 'address' && x.parent?.name === 'controller' && /^pcie?-root$/.test(attr(x.parent, 'model')?.value ?? ''))
        .map(tagSpan),
  ],
  [
    /The PCI controller with index='0' must be model='[\w-]+'/,
    (_m, t) =>
      attrValues(
        t,
        (x) => x.name === 'controller' && attr(x, 'type')?.value === 'pci' && parseInteger(attr(x, 'index')?.value, 10) === 0,
        'model'
      ),
  ],
  [
    /'([\w-]+)' controller only supports up to '(\d+)' ports/,
    (m, t) => attrValues(t, (x) => x.name === 'controller' && attr(x, 'model')?.value === m[1], 'ports'),
  ],
  [
    /No master USB controller specified/,
    (_m, t) => attrValues(t, (x) => x.name === 'controller' && /^ich9-uhci[123]$/.test(attr(x, 'model')?.value ?? ''), 'model'),
  ],

  // PCI addresses
  [
    /Invalid PCI address (bus|slot)='(0x[0-9a-f]+)', must be/i,
    (m, t) => attrValues(t, (x) => x.name === 'address', m[1]!, numEq(parseInt(m[2]!, 16), 0)),
  ],
  [
    /Invalid PCI address function=(0x[0-9a-f]+), must be/i,
    (m, t) => attrValues(t, (x) => x.name === 'address', 'function', numEq(parseInt(m[1]!, 16), 0)),
  ],
  [
    /(?:Invalid PCI address|Attempted double use of PCI Address|The device at PCI address|host pci device|PCI device) ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/i,
    (m, t) => pciAddresses(t, m[1]!),
  ],

  // USB
  [/requested USB port ([\d.]+) not present on USB bus (\d+)/, (m, t) => usbAddresses(t, +m[2]!, m[1])],
  [
    /(?:port \d+ out of range|there is no hub at port \d+) in USB address bus: (\d+) port: ([\d.]+)/,
    (m, t) => usbAddresses(t, +m[1]!, m[2]),
  ],
  [/Duplicate USB (?:address|hub on) bus (\d+) port ([\d.]+)/, (m, t) => usbAddresses(t, +m[1]!, m[2])],
  [/Missing USB bus (\d+)|USB bus (\d+) requested but no controller/, (m, t) => usbAddresses(t, +(m[1] ?? m[2])!)],
  [
    /Cannot parse <address> 'port' attribute/,
    (_m, t) =>
      attrValues(
        t,
        (x) => x.name === 'address' && attr(x, 'type')?.value === 'usb',
        'port',
        (v) => !/^\d+(\.\d+){0,3}$/.test(v)
      ),
  ],

  // Disks
  [/target '([^']+)' duplicated for disk sources/, (m, t) => diskTargets(t, m[1]!)],
  [/Unknown disk name '([^']+)'/, (m, t) => diskTargets(t, m[1]!)],
  [/Invalid (?:harddisk|floppy) device name: (\S+)/, (m, t) => diskTargets(t, m[1]!)],
  [/invalid disk target '([^']+)'/, (m, t) => diskTargets(t, m[1]!)],
  [/Found duplicate drive address for disk with target name '([^']+)'/, (m, t) => diskTargets(t, m[1]!)],
  [/using disk target name '([^']+)' conflicts/, (m, t) => diskTargets(t, m[1]!)],
  [/missing (?:source|target) information for device (\S+)/, (m, t) => diskTargets(t, m[1]!)],
  [/(?:no target device|target) (\w+) (?:already exists|not found)|no target device (\w+)/, (m, t) => diskTargets(t, (m[1] ?? m[2])!)],
  [/IOThreads not available for bus \w+ target (\S+)/, (m, t) => diskTargets(t, m[1]!)],

  // Boot order
  [/boot order '(\d+)' used for more than one device/, (m, t) => attrValues(t, (x) => x.name === 'boot', 'order', numEq(+m[1]!))],
  [
    /per-device boot elements cannot be used together with os\/boot elements/,
    (_m, t) => t.filter((x) => x.name === 'boot' && x.parent?.name === 'os').map(tagSpan),
  ],

  // Interfaces
  [
    /(?:unable to parse mac address|expected unicast mac address, found multicast) '([^']*)'/,
    (m, t) => attrValues(t, (x) => x.name === 'mac', 'address', strEq(m[1]!)),
  ],

  // Domain-wide
  [/non unique alias detected: (\S+)/, (m, t) => attrValues(t, (x) => x.name === 'alias', 'name', strEq(m[1]!))],
  [/duplicate iothread id '(\d+)'/, (m, t) => attrValues(t, (x) => x.name === 'iothread', 'id', numEq(+m[1]!))],
  [
    /CPU topology doesn't match maximum vcpu count|cpu topology results in more than/,
    (_m, t) => t.filter((x) => x.name === 'topology').map(tagSpan),
  ],
  [/maximum vCPU count must not be less than current vCPU count/, (_m, t) => attrValues(t, (x) => x.name === 'vcpu', 'current')],
  [
    /name .* cannot contain '\/'|missing name information/,
    (_m, t) =>
      t
        .filter((x) => x.name === 'name' && x.parent?.name === 'domain')
        .map((x) => (x.text ? { start: x.text.start, end: x.text.end } : tagSpan(x))),
  ],
  [
    /Only one primary video device is supported/,
    (_m, t) => attrValues(t, (x) => x.name === 'model' && x.parent?.name === 'video', 'primary', strEq('yes')),
  ],

  // Generic attribute errors (util/virxml.c); last, so the specific ones above win.
  [
    /Invalid value for attribute '([\w:-]+)' in element '([\w:-]+)': '([^']*)'/,
    (m, t) => attrValues(t, (x) => x.name === m[2], m[1]!, strEq(m[3]!)),
  ],
  [/Invalid value for attribute '([\w:-]+)' in element '([\w:-]+)'/, (m, t) => attrValues(t, (x) => x.name === m[2], m[1]!)],
  [
    /Missing required attribute '([\w:-]+)' in element '([\w:-]+)'/,
    (m, t) => t.filter((x) => x.name === m[2] && !attr(x, m[1]!)).map(nameSpan),
  ],
  [/Missing <source> element in hostdev device/, (_m, t) => t.filter((x) => x.name === 'hostdev').map(nameSpan)],
  // Detach of a device the domain does not have: the fragment's root is what was not found.
  [
    /device not found: device not present in domain configuration|matching (?:device|controller|interface) (?:was )?not found/i,
    (_m, t) =>
      t
        .filter((x) => x.parent === undefined)
        .slice(0, 1)
        .map(nameSpan),
  ],
];

/**
 * The places in `text` a libvirt error message names. Empty when the message names nothing
 * that can be found (the message is then shown without a location).
 */
export function locateLibvirtError(message: string, text: string): Span[] {
  // libxml2's well-formedness errors carry a line: "(domain_definition):2: Couldn't find end of ..."
  const parseError = /\((?:domain|device)_definition\):(\d+):/.exec(message);
  if (parseError) {
    const span = lineSpan(text, +parseError[1]!);
    return span ? [span] : [];
  }
  let tags: TagInfo[] | undefined;
  for (const [re, locate] of LOCATORS) {
    const m = re.exec(message);
    if (!m) {
      continue;
    }
    tags ??= scanTags(text);
    const spans = locate(m, tags);
    if (spans.length > 0) {
      return dedupe(spans);
    }
  }
  return [];
}

/** The span of a 1-based line without its leading and trailing whitespace. */
export function lineSpan(text: string, line: number): Span | undefined {
  if (line < 1) {
    return undefined;
  }
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      return undefined;
    }
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) {
    end = text.length;
  }
  while (start < end && /\s/.test(text[start]!)) {
    start++;
  }
  while (end > start && /\s/.test(text[end - 1]!)) {
    end--;
  }
  return { start, end };
}

function dedupe(spans: Span[]): Span[] {
  const seen = new Set<string>();
  return spans
    .filter((s) => {
      const k = `${s.start}:${s.end}`;
      if (seen.has(k)) {
        return false;
      }
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * The libvirt error messages in virsh's stderr, without the "error: " prefixes and without the
 * "Failed to define domain from F" preamble. Lines that do not start with "error: " continue the
 * previous message (libvirt's schema errors span lines).
 */
export function libvirtMessages(stderr: string): string[] {
  const out: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '') {
      continue;
    }
    const m = /^error: (.*)$/.exec(line);
    if (m) {
      if (/^Failed to (define domain|attach device|detach device|update device|get domain)\b/.test(m[1]!)) {
        continue;
      }
      out.push(m[1]!);
    } else if (out.length > 0) {
      out[out.length - 1] += '\n' + line;
    } else if (!/^warning: /.test(line)) {
      out.push(line);
    }
  }
  return out;
}

interface LineMessage {
  /** 1-based line number in the validated file. */
  line: number;
  message: string;
}

/**
 * xmllint's RelaxNG errors as virt-xml-validate prints them:
 * "FILE:LINE: element NAME: Relax-NG validity error : MESSAGE".
 */
export function parseXmllintErrors(output: string): LineMessage[] {
  const out: LineMessage[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^.*?:(\d+): (?:element|parser error|validity error|namespace error)[^:]*:(?: Relax-NG validity error)?\s*:\s*(.*)$/.exec(
      line
    );
    if (m) {
      out.push({ line: +m[1]!, message: m[2]!.trim() });
    }
  }
  return out;
}

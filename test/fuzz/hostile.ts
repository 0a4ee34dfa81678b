/**
 * Hostile documents for the fuzz suites, all derived from real domains (every fixture and
 * example) with a seeded PRNG: truncation, byte flips, duplicated and removed tags, huge
 * attribute values, deep nesting, non-UTF-8 bytes, BOMs, CRLF, binary data, and a 10 MB file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../libvirt/rng';
import { REPO } from '../support/paths';

export interface Hostile {
  kind: string;
  bytes: Buffer;
}

export function seedCorpus(): Buffer[] {
  const dirs = ['test/fixtures', 'examples'];
  const out: Buffer[] = [];
  for (const d of dirs) {
    const abs = path.join(REPO, d);
    if (!fs.existsSync(abs)) {
      continue;
    }
    for (const e of fs.readdirSync(abs, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && e.name.endsWith('.xml')) {
        out.push(fs.readFileSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)));
      }
    }
  }
  if (out.length === 0) {
    throw new Error('no seed documents found under test/fixtures or examples');
  }
  return out;
}

/** Offsets of every '<' in the text, to find tags to duplicate or remove. */
function tagSpans(s: string): [number, number][] {
  const spans: [number, number][] = [];
  const re = /<[^<>]*>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** An element with its content: from an open tag to its matching close (by name, shallow). */
function elementSpan(s: string, rng: Rng): [number, number] | undefined {
  const opens = [...s.matchAll(/<([a-z][\w-]*)\b[^<>]*?(\/?)>/g)];
  if (opens.length === 0) {
    return undefined;
  }
  const m = rng.pick(opens);
  const start = m.index;
  if (m[2] === '/') {
    return [start, start + m[0].length];
  }
  const close = s.indexOf(`</${m[1]}>`, start);
  return close < 0 ? [start, start + m[0].length] : [start, close + m[1]!.length + 3];
}

const JUNK = [
  '<',
  '>',
  '/>',
  '</',
  '"',
  "'",
  '&',
  '&amp',
  '&#x0;',
  '&#xD800;',
  '&#99999999;',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?xml',
  '?>',
  '=',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '\u202E',
  '💥',
  '\r',
  '\t',
  ' xmlns:x="y"',
  '<!DOCTYPE domain [<!ENTITY a "aaaa">]>',
];

type Mutator = (src: Buffer, rng: Rng) => Buffer;

export const MUTATORS: Record<string, Mutator> = {
  truncate: (src, rng) => src.subarray(0, rng.int(0, src.length)),
  'byte-flip': (src, rng) => {
    const b = Buffer.from(src);
    const n = rng.int(1, 16);
    for (let i = 0; i < n && b.length > 0; i++) {
      const at = rng.int(0, b.length - 1);
      b[at] = b[at]! ^ (1 << rng.int(0, 7));
    }
    return b;
  },
  'byte-set': (src, rng) => {
    const b = Buffer.from(src);
    const n = rng.int(1, 8);
    for (let i = 0; i < n && b.length > 0; i++) {
      b[rng.int(0, b.length - 1)] = rng.pick([0x00, 0x3c, 0x3e, 0x22, 0x27, 0x26, 0x2f, 0xff, 0xc3, 0xe2, 0x80]);
    }
    return b;
  },
  'duplicate-tag': (src, rng) => {
    const s = src.toString('utf8');
    const tags = tagSpans(s);
    if (tags.length === 0) {
      return src;
    }
    const [a, b] = rng.pick(tags);
    const at = rng.pick(tags)[rng.int(0, 1)];
    return Buffer.from(s.slice(0, at) + s.slice(a, b) + s.slice(at), 'utf8');
  },
  'duplicate-element': (src, rng) => {
    const s = src.toString('utf8');
    const e = elementSpan(s, rng);
    if (!e) {
      return src;
    }
    const copies = rng.int(1, 40);
    return Buffer.from(s.slice(0, e[1]) + s.slice(e[0], e[1]).repeat(copies) + s.slice(e[1]), 'utf8');
  },
  'remove-tag': (src, rng) => {
    const s = src.toString('utf8');
    const tags = tagSpans(s);
    let out = s;
    for (let i = rng.int(1, 3); i > 0 && tags.length > 0; i--) {
      const [a, b] = tags.splice(rng.int(0, tags.length - 1), 1)[0]!;
      out = out.slice(0, a) + ' '.repeat(b - a) + out.slice(b); // keep other offsets valid
    }
    return Buffer.from(
      out.replace(/ {2,}/g, (m) => (rng.chance(0.5) ? '' : m)),
      'utf8'
    );
  },
  'remove-element': (src, rng) => {
    const s = src.toString('utf8');
    const e = elementSpan(s, rng);
    return e ? Buffer.from(s.slice(0, e[0]) + s.slice(e[1]), 'utf8') : src;
  },
  'junk-insert': (src, rng) => {
    let s = src.toString('utf8');
    for (let i = rng.int(1, 6); i > 0; i--) {
      const at = rng.int(0, s.length);
      s = s.slice(0, at) + rng.pick(JUNK) + s.slice(at);
    }
    return Buffer.from(s, 'utf8');
  },
  'huge-attribute': (src, rng) => {
    const s = src.toString('utf8');
    const attrs = [...s.matchAll(/(\w+)=(['"])([^'"]*)\2/g)];
    const size = rng.pick([10_000, 100_000, 1_000_000]);
    const fill = rng.pick(['a', '0', 'x', ' ', '&amp;', '\u00e9', '9']).repeat(size);
    if (attrs.length === 0) {
      return Buffer.from(`<domain name='${fill}'/>`);
    }
    const m = rng.pick(attrs);
    const q = m[2]!;
    return Buffer.from(s.slice(0, m.index) + `${m[1]}=${q}${fill}${q}` + s.slice(m.index + m[0].length), 'utf8');
  },
  'many-attributes': (src, rng) => {
    const s = src.toString('utf8');
    const at = s.indexOf('<devices');
    const n = rng.pick([300, 1000, 3000]);
    const attrs = Array.from({ length: n }, (_, i) => ` a${rng.chance(0.5) ? i : 0}='${i}'`).join('');
    const where = at >= 0 ? at + '<devices'.length : 0;
    return Buffer.from(s.slice(0, where) + attrs + s.slice(where), 'utf8');
  },
  'deep-nesting': (src, rng) => {
    const s = src.toString('utf8');
    const depth = rng.pick([100, 1000, 10_000]);
    const name = rng.pick(['a', 'devices', 'disk', 'address']);
    const closed = rng.chance(0.5);
    const nest = `<${name}>`.repeat(depth) + (closed ? `</${name}>`.repeat(depth) : '');
    const at = s.indexOf('</devices>');
    return Buffer.from(at >= 0 ? s.slice(0, at) + nest + s.slice(at) : `<domain>${nest}</domain>`, 'utf8');
  },
  'non-utf8': (src, rng) => {
    const b = Buffer.from(src);
    for (let i = rng.int(1, 12); i > 0 && b.length > 0; i--) {
      b[rng.int(0, b.length - 1)] = rng.int(0x80, 0xff);
    }
    return b;
  },
  latin1: (src) => Buffer.from(src.toString('utf8').replace(/e/g, 'é'), 'latin1'),
  'utf8-bom': (src) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), src]),
  'utf16le-bom': (src) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(src.toString('utf8'), 'utf16le')]),
  'utf16be-bom': (src) => {
    const le = Buffer.from(src.toString('utf8'), 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i + 1 < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
  },
  'utf16-no-bom': (src) => Buffer.from(src.toString('utf8'), 'utf16le'),
  crlf: (src, rng) => Buffer.from(src.toString('utf8').replace(/\n/g, rng.chance(0.8) ? '\r\n' : '\r'), 'utf8'),
  'mixed-newlines': (src, rng) =>
    Buffer.from(
      src.toString('utf8').replace(/\n/g, () => rng.pick(['\n', '\r\n', '\r', '\u2028', '\u0085'])),
      'utf8'
    ),
  binary: (_src, rng) => {
    const b = Buffer.alloc(rng.int(0, 4096));
    for (let i = 0; i < b.length; i++) {
      b[i] = rng.int(0, 255);
    }
    return b;
  },
  'binary-tail': (src, rng) => {
    const b = Buffer.alloc(rng.int(1, 512));
    for (let i = 0; i < b.length; i++) {
      b[i] = rng.int(0, 255);
    }
    return Buffer.concat([src.subarray(0, rng.int(0, src.length)), b]);
  },
  'splice-two': (src, rng) => {
    const cut = rng.int(0, src.length);
    return Buffer.concat([src.subarray(0, cut), src.subarray(rng.int(0, src.length))]);
  },
  'huge-numbers': (src, rng) => {
    // Every number in every attribute at once: indexes, ports, drive and PCI addresses...
    const big = rng.pick(['99999999999', '4294967296', '2147483648', '0x7fffffff', '-1', '1e9', '18446744073709551616']);
    return Buffer.from(
      src.toString('utf8').replace(/(['"])(0x[0-9a-fA-F]+|\d+)\1/g, (_m, q: string) => q + big + q),
      'utf8'
    );
  },
  'number-edits': (src, rng) =>
    Buffer.from(
      src
        .toString('utf8')
        .replace(/(['"])(0x[0-9a-fA-F]+|\d+)\1/g, (m, q: string) =>
          rng.chance(0.3) ? q + rng.pick(['-1', '0x', '99999999999999999999999', '1e400', '0x1f', '', 'NaN', '0x-1', '１']) + q : m
        ),
      'utf8'
    ),
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** Mutators that make big documents: one case in HEAVY_EVERY uses one of them. */
export const HEAVY = ['deep-nesting', 'huge-attribute', 'many-attributes', 'duplicate-element'];
const HEAVY_EVERY = 40;
const LIGHT = MUTATOR_NAMES.filter((k) => !HEAVY.includes(k));

/**
 * `count` hostile documents, cycling through the mutators (the heavy ones, which build documents
 * up to a few MB, once every HEAVY_EVERY cases); some get a second, light mutation on top.
 */
export function* hostileDocs(seed: number, count: number, corpus = seedCorpus()): Generator<Hostile> {
  const rng = new Rng(seed);
  let light = 0;
  let heavy = 0;
  for (let i = 0; i < count; i++) {
    const kind = i % HEAVY_EVERY === HEAVY_EVERY - 1 ? HEAVY[heavy++ % HEAVY.length]! : LIGHT[light++ % LIGHT.length]!;
    let bytes = MUTATORS[kind]!(rng.pick(corpus), rng);
    let label = kind;
    if (rng.chance(0.15)) {
      const second = rng.pick(LIGHT);
      bytes = MUTATORS[second]!(bytes, rng);
      label += '+' + second;
    }
    yield { kind: label, bytes };
  }
}

/** A domain of about `bytes` bytes: a real domain with its <devices> repeated. */
export function bigDomain(targetBytes: number, corpus = seedCorpus()): Buffer {
  const s =
    corpus.map((b) => b.toString('utf8')).find((t) => t.includes('<devices>') && t.includes('</devices>') && t.length > 2000) ??
    corpus[0]!.toString('utf8');
  const a = s.indexOf('<devices>') + '<devices>'.length;
  const b = s.indexOf('</devices>');
  const inner = s.slice(a, b);
  const parts: string[] = [s.slice(0, a)];
  let size = s.length;
  while (size < targetBytes) {
    parts.push(inner);
    size += inner.length;
  }
  parts.push(s.slice(b));
  return Buffer.from(parts.join(''), 'utf8');
}

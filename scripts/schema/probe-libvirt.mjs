#!/usr/bin/env node
// @ts-check
// Asks a real libvirt where it is more lenient than its schema, and writes the answers to
// server/src/schema/schema-verdicts.json for the structural checks (rules/schema-structure.ts).
//
//   node scripts/schema/probe-libvirt.mjs [--uri test:///default] [--jobs 8] [--out FILE] [--merge FILE] [--ranges] DOMAIN.xml...
//
// Each DOMAIN.xml must be a domain libvirt accepts as it is (the script checks, and skips the
// others). Then, one at a time, for every element the schema knows: each required attribute is
// taken away, each required child element is taken away, each word (enum) or number is spoilt
// ('bogus', 'x1'; a bounded number also just outside its range, such as 0 where the schema wants a
// positive integer); the result goes to `virsh define`. A problem key (schema element + piece, see
// signature() in schema-structure.ts) gets 'reject' when libvirt refused every document that
// had that problem, 'accept' when it took at least one.
//
// The test driver (test:///default, the default) runs libvirt's parser and generic validation,
// which is where libvirt reads the XML; it needs no daemon. With --uri qemu:///system the QEMU
// driver judges too (its post-parse fills in and checks more: a PCI controller without a model);
// each document is defined under a name of its own and undefined at once. --merge FILE keeps the
// verdicts of an earlier run: a key is 'reject' when either run saw libvirt refuse it.

import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const args = process.argv.slice(2);
let uri = 'test:///default';
let jobs = Math.max(2, Math.min(8, os.cpus().length));
let out = path.join(root, 'server/src/schema/schema-verdicts.json');
let merge;
let rangesOnly = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--uri') {
    uri = args[++i];
  } else if (args[i] === '--jobs') {
    jobs = Number(args[++i]);
  } else if (args[i] === '--out') {
    out = args[++i];
  } else if (args[i] === '--ranges') {
    rangesOnly = true;
  } else if (args[i] === '--merge') {
    merge = args[++i];
  } else {
    files.push(args[i]);
  }
}
if (files.length === 0) {
  console.error('usage: probe-libvirt.mjs [--uri URI] [--jobs N] [--out FILE] [--merge FILE] [--ranges] DOMAIN.xml...');
  process.exit(2);
}

// The engine, bundled from the TypeScript sources.
const bundle = await build({
  stdin: {
    contents: `
      export { parseXml } from './server/src/syntax/parse';
      export { schemaProblems } from './server/src/rules/schema-structure';
      export { walkSchema, stepOf } from './server/src/schema/walk';
      export { enumValues, resolveType } from './server/src/schema/lookup';
      export { intMember } from './server/src/schema/judge';
    `,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'error',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(
  mod,
  mod.exports,
  (await import('node:module')).createRequire(import.meta.url)
);
const E = mod.exports;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-libvirt-'));
let seq = 0;
const persistent = !uri.startsWith('test:');
function run(args) {
  return new Promise((resolve) =>
    execFile('virsh', ['-q', '-c', uri, ...args], { timeout: 60000 }, (err, stdout, stderr) =>
      resolve({ err, out: String(stderr || stdout) })
    )
  );
}

/**
 * `virsh define`, the verdict and libvirt's last line. On a daemon (qemu:///system) the domain gets
 * a name of its own and no uuid, and is undefined at once: other users of the daemon see nothing.
 */
async function virshDefine(text) {
  const id = seq++;
  const name = `lxprobe-${process.pid}-${id}`;
  if (persistent) {
    text = text.replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`).replace(/<uuid>[^<]*<\/uuid>/, '');
  }
  const f = path.join(tmp, `d${id}.xml`);
  fs.writeFileSync(f, text);
  const r = await run(['define', f]);
  fs.rmSync(f, { force: true });
  if (!r.err && persistent) {
    const u = await run(['undefine', '--nvram', name]);
    if (u.err) {
      await run(['undefine', name]);
    }
  }
  return { ok: !r.err, message: r.out.trim().split('\n').pop() ?? '' };
}

let version = 'unknown';
await new Promise((/** @type {(v?: unknown) => void} */ resolve) =>
  execFile('virsh', ['-c', uri, 'version'], (err, stdout) => {
    const m = /Using library: libvirt ([0-9.]+)/.exec(String(stdout));
    if (m) {
      version = m[1];
    }
    resolve();
  })
);

function isEnum(vt) {
  const d = vt.desc;
  return d.type === 'enum' || (d.type === 'union' && d.of.every((m) => isEnum(E.resolveType(m))));
}
function isInt(vt) {
  const d = vt.desc;
  return d.type === 'int' || (d.type === 'union' && d.of.some((m) => isInt(E.resolveType(m))));
}
/** Numbers just outside a bounded number's range (libvirt often reads 0 as "not set" where the schema wants 1 or more). */
function outOfRange(vt) {
  const b = E.intMember(vt); // the judge's own reading of a number type's bounds
  if (!b) {
    return [];
  }
  const out = [];
  if (b.min !== undefined && b.min > -(2n ** 31n)) {
    out.push(String(b.min - 1n));
  }
  if (b.max !== undefined && b.max < 2n ** 64n) {
    out.push(String(b.max + 1n));
  }
  return out;
}
/**
 * Values to try: one nobody accepts, and the 'none'/'default' that libvirt's enums often take
 * beyond the schema; for a number, one that is none and the ones just outside its range. With
 * --ranges, only the latter (a run that adds them to an earlier table with --merge).
 */
function spoil(vt) {
  if (isEnum(vt)) {
    const known = E.enumValues(vt) ?? [];
    return rangesOnly ? [] : ['bogus', ...['none', 'default'].filter((v) => !known.includes(v))];
  }
  return isInt(vt) ? [...(rangesOnly ? [] : ['x1']), ...outOfRange(vt)] : [];
}

/** The span of an element with its indentation and line break when it stands alone on its lines. */
function wholeLines(text, span) {
  const start = text.lastIndexOf('\n', span.start - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(start, span.start))) {
    return span;
  }
  let end = span.end;
  while (text[end] === ' ' || text[end] === '\t') {
    end++;
  }
  if (text[end] === '\n') {
    return { start, end: end + 1 };
  }
  return span;
}
function withLeadingSpace(text, span) {
  let start = span.start;
  while (start > 0 && /[ \t\n]/.test(text[start - 1])) {
    start--;
  }
  return { start, end: span.end };
}
function apply(text, edits) {
  let s = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    s = s.slice(0, e.span.start) + e.newText + s.slice(e.span.end);
  }
  return s;
}

/** Mutations of one document: [{ text, at: element start offset, kinds }]. */
function mutations(text) {
  const doc = E.parseXml(text);
  const list = [];
  if (!doc.root) {
    return list;
  }
  E.walkSchema(doc.root, (el, r) => {
    const at = el.span.start;
    for (const a of el.attributes) {
      const info = r.attributes.get(a.name);
      if (!info) {
        continue;
      }
      if (info.required && !rangesOnly) {
        list.push({ text: apply(text, [{ span: withLeadingSpace(text, a.span), newText: '' }]), at, what: `-@${a.name}` });
      }
      for (const bad of a.valueSpan ? spoil(info.type) : []) {
        const q = text[a.valueSpan.start] === '"' ? '"' : "'";
        list.push({
          text: apply(text, [{ span: a.valueSpan, newText: `${q}${bad}${q}` }]),
          at: a.valueSpan.start,
          what: `@${a.name}=${bad}`,
          value: bad,
        });
      }
    }
    for (const c of r.children.values()) {
      if (!c.required || rangesOnly) {
        continue;
      }
      const present = el.children.filter((x) => x.name.replace(/^.*:/, '') === c.name);
      if (present.length === 0) {
        continue;
      }
      list.push({
        text: apply(
          text,
          present.map((x) => ({ span: wholeLines(text, x.span), newText: '' }))
        ),
        at,
        what: `-<${c.name}>`,
      });
    }
    if (r.text && el.children.length === 0 && el.textSpan) {
      for (const bad of spoil(r.text)) {
        list.push({ text: apply(text, [{ span: el.textSpan, newText: bad }]), at: el.textSpan.start, what: `#text=${bad}`, value: bad });
      }
    }
  });
  return list;
}

const observed = new Map(); // key -> { accept, reject, example }
const PROBED = new Set(['missing-attribute', 'missing-element', 'bad-value']);

/** Keys of the new problems at the mutated place; a value other than 'bogus' is recorded under key + value. */
function problemKeysAt(text, at, value) {
  const doc = E.parseXml(text);
  if (!doc.root) {
    return [];
  }
  return E.schemaProblems(doc.root, text)
    .filter((p) => p.key && PROBED.has(p.kind) && (p.el.span.start === at || p.span.start === at))
    .map((p) => (p.kind === 'bad-value' && value !== undefined && value !== 'bogus' ? p.key + value : p.key));
}

let defined = 0;
const queue = [];
for (const file of files) {
  let text = fs.readFileSync(file, 'utf8');
  const end = text.indexOf('</domain>');
  if (end < 0) {
    continue;
  }
  text = text.slice(0, end + '</domain>'.length) + '\n';
  const base = await virshDefine(text);
  if (!base.ok) {
    console.error(`skipped ${path.basename(file)}: libvirt refuses it as it is (${base.message})`);
    continue;
  }
  const doc = E.parseXml(text);
  const before = new Set(E.schemaProblems(doc.root, text).map((p) => p.key));
  for (const m of mutations(text)) {
    const keys = problemKeysAt(m.text, m.at, m.value).filter((k) => !before.has(k));
    if (keys.length === 0) {
      continue;
    }
    // two documents per key are enough unless they disagree
    if (keys.every((k) => (observed.get(k)?.n ?? 0) >= 2)) {
      continue;
    }
    for (const k of keys) {
      const o = observed.get(k) ?? { n: 0, accept: 0, reject: 0, example: '' };
      o.n++;
      observed.set(k, o);
    }
    queue.push({ ...m, keys, file: path.basename(file) });
  }
}

let next = 0;
async function worker() {
  while (next < queue.length) {
    const m = queue[next++];
    const r = await virshDefine(m.text);
    defined++;
    for (const k of m.keys) {
      const o = observed.get(k);
      if (r.ok) {
        o.accept++;
      } else {
        o.reject++;
      }
      if (!o.example) {
        o.example = `${m.file} ${m.what}: ${r.ok ? 'accepted' : r.message}`;
      }
    }
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
fs.rmSync(tmp, { recursive: true, force: true });

const earlier = merge ? JSON.parse(fs.readFileSync(merge, 'utf8')) : undefined;
// Hand-reviewed verdicts, kept from run to run: a refusal that comes from a rule across elements
// (virtiofs needs <access mode='shared'/>) says nothing about the piece in general.
const overrides = earlier?.overrides ?? (fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')).overrides ?? {}) : {});
const verdicts = {};
const examples = {};
const keys = new Set([...observed.keys(), ...Object.keys(earlier?.verdicts ?? {})]);
for (const k of [...keys].sort()) {
  const o = observed.get(k);
  const now = o && o.accept + o.reject > 0 ? (o.accept > 0 ? 'accept' : 'reject') : undefined;
  const before = earlier?.verdicts[k];
  const v = overrides[k] ?? (now === 'reject' || before === 'reject' ? 'reject' : (now ?? before));
  if (v) {
    verdicts[k] = v;
  }
  if (earlier && before && v !== before) {
    console.log(`changed by this run: ${k}: ${before} -> ${v} (${o?.example ?? ''})`);
  }
  if (o?.example) {
    examples[k] = o.example;
  }
}
const result = {
  $comment:
    'Written by scripts/schema/probe-libvirt.mjs: what libvirt did when a piece the schema requires was missing or a value was spoilt. Keys: schema element signature + @attr (missing), /child (missing), @attr= (a bad value such as bogus), #text= (bad content); a key followed by a value is that value.',
  libvirt: version,
  uri: earlier ? `${earlier.uri} + ${uri}` : uri,
  corpus: process.env.PROBE_CORPUS ?? earlier?.corpus ?? `${files.length} domain files`,
  overrides,
  verdicts,
};
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
if (process.env.PROBE_EXAMPLES) {
  fs.writeFileSync(process.env.PROBE_EXAMPLES, JSON.stringify(examples, null, 1) + '\n');
}
const counts = Object.values(verdicts).reduce((acc, v) => ((acc[v] = (acc[v] ?? 0) + 1), acc), {});
console.log(
  `libvirt ${version} (${uri}): ${defined} documents defined, ${Object.keys(verdicts).length} verdicts`,
  counts,
  `-> ${path.relative(root, out)}`
);

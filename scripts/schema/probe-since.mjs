#!/usr/bin/env node
// @ts-check
// Asks a real libvirt what it does with the pieces of domain XML that came after its release
// (schemas/since.json), and writes the answers to schemas/since-verdicts.json for the
// target-version check (rules/target-version.ts).
//
//   npx tsc -p tsconfig.json && node scripts/schema/probe-since.mjs [--uri qemu:///system] [--out FILE]
//
// libvirt's version is read from `virsh version`. For every element, attribute or word that
// since.json says is newer than that version, a domain of the corpus (test/fixtures/valid,
// test/fixtures/real-world: domains libvirt accepts) that has the place for it gets it, and the
// result goes to `virsh define`: 'reject' when libvirt refuses it (with its message), 'drop' when
// libvirt defines it and its `dumpxml --inactive` is the same as without the piece (silently
// ignored), 'accept' when libvirt keeps it (it knew it before its schema did). A piece no corpus
// domain has a place for is left out (the check then says less). Domains are named
// lxtest-since-N and undefined at once.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
/** @type {{ parseXml(text: string): any }} */
const { parseXml } = require(path.join(root, 'out/server/src/syntax/parse.js'));
/** @type {{ walkSchema(root: any, visit: (el: any, r: any) => void): void }} */
const { walkSchema } = require(path.join(root, 'out/server/src/schema/walk.js'));
/** @type {{ enumValues(type: any): readonly string[] | undefined }} */
const { enumValues } = require(path.join(root, 'out/server/src/schema/lookup.js'));
/** The schema element each corpus element resolves to. */
const resolved = new Map();

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {string} */ dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const uri = opt('--uri', 'qemu:///system');
const out = opt('--out', path.join(root, 'schemas/since-verdicts.json'));

const since = JSON.parse(fs.readFileSync(path.join(root, 'schemas/since.json'), 'utf8'));
const version = /Using library: libvirt (\S+)/.exec(execFileSync('virsh', ['-c', uri, 'version'], { encoding: 'utf8' }))?.[1];
if (!version) {
  throw new Error('virsh version named no libvirt version');
}
const cmp = (/** @type {string} */ a, /** @type {string} */ b) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) {
      return (x[i] ?? 0) - (y[i] ?? 0);
    }
  }
  return 0;
};
/** Is a piece first seen in release index `idx` known to be missing from `version`? */
const newer = (/** @type {number} */ idx) => cmp(version, since.releases[idx - 1]) <= 0;
/**
 * Is a word first seen in release index `idx` new in `version`'s own schema? A release's schema can
 * list a word its code does not take yet (libvirt 9.0's lists <backend type='passt'>, which 9.0
 * refuses): such words are probed too, and only a refusal naming the word is kept ('own').
 */
const ownRelease = (/** @type {number} */ idx) => cmp(version, since.releases[idx]) === 0;

// The corpus, with the path of every element.
const corpusDirs = ['test/fixtures/valid', 'test/fixtures/real-world'].map((d) => path.join(root, d));
/** @type {{ file: string, text: string, elements: Map<string, any[]> }[]} */
const corpus = [];
for (const dir of corpusDirs) {
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const doc = parseXml(text);
    if (doc.root?.name !== 'domain' || doc.errors.length > 0) {
      continue;
    }
    /** @type {Map<string, any[]>} */
    const elements = new Map();
    const walk = (/** @type {any} */ el, /** @type {string} */ p) => {
      const list = elements.get(p) ?? [];
      list.push(el);
      elements.set(p, list);
      for (const c of el.children) {
        if (!c.name.includes(':')) {
          const cp = `${p}>${c.name}`;
          walk(c, since.cycles[cp] ?? cp);
        }
      }
    };
    walk(doc.root, 'domain');
    walkSchema(doc.root, (el, r) => resolved.set(el, r));
    corpus.push({ file: f, text, elements });
  }
}

/** A corpus domain and an element at `p` (that has `attr`, if named), or undefined. */
const placeFor = (/** @type {string} */ p, /** @type {string | undefined} */ attr) => {
  for (const c of corpus) {
    for (const el of c.elements.get(p) ?? []) {
      if (!attr || el.attributes.some((/** @type {any} */ a) => a.name === attr)) {
        return { c, el };
      }
    }
  }
  return attr ? placeFor(p, undefined) : undefined;
};

/** Applies edits (span + text), last first. @param {string} text @param {{ start: number, end: number, text: string }[]} edits */
const edit = (text, edits) => {
  let t = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    t = t.slice(0, e.start) + e.text + t.slice(e.end);
  }
  return t;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-since-'));
let n = 0;
/** define + dumpxml + undefine; the name is made unique. @param {string} text */
const define = (text) => {
  const name = `lxtest-since-${process.pid}-${n++}`;
  const doc = parseXml(text);
  const nameEl = doc.root.children.find((/** @type {any} */ c) => c.name === 'name');
  const uuidEl = doc.root.children.find((/** @type {any} */ c) => c.name === 'uuid');
  const edits = [{ start: nameEl.textSpan.start, end: nameEl.textSpan.end, text: name }];
  if (uuidEl?.textSpan) {
    edits.push({ start: uuidEl.span.start, end: uuidEl.span.end, text: '' });
  }
  const file = path.join(tmp, `${name}.xml`);
  fs.writeFileSync(file, edit(text, edits));
  const d = spawnSync('virsh', ['-q', '-c', uri, 'define', file], { encoding: 'utf8' });
  if (d.status !== 0) {
    return {
      ok: false,
      message: d.stderr
        .replace(/^error: Failed to define domain from \S+\s*/m, '')
        .replace(/^error: /gm, '')
        .trim(),
    };
  }
  const x = spawnSync('virsh', ['-q', '-c', uri, 'dumpxml', '--inactive', name], { encoding: 'utf8' });
  spawnSync('virsh', ['-q', '-c', uri, 'undefine', '--nvram', name], { encoding: 'utf8' });
  return { ok: true, xml: x.stdout.replace(/<uuid>[^<]*<\/uuid>/, '').replace(new RegExp(name, 'g'), 'NAME') };
};

const baselines = new Map();
const baseline = (/** @type {{ file: string, text: string }} */ c) => {
  if (!baselines.has(c.file)) {
    baselines.set(c.file, define(c.text));
  }
  return baselines.get(c.file);
};

/** @type {Record<string, { verdict: 'reject' | 'drop' | 'accept', message?: string, corpus: string, own?: true }>} */
const verdicts = {};
/** A word of the release's own schema that its parser refuses by name (see ownRelease). */
const judgeOwn = (
  /** @type {string} */ key,
  /** @type {string} */ word,
  /** @type {{ c: any, el: any }} */ place,
  /** @type {{ start: number, end: number, text: string }[]} */ edits
) => {
  const base = baseline(place.c);
  if (!base.ok) {
    return;
  }
  const r = define(edit(place.c.text, edits));
  const named = new RegExp(
    `Invalid value for attribute .*: '${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'|[Uu]nknown [^']*'${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`
  );
  if (!r.ok && r.message && named.test(r.message)) {
    verdicts[key] = { verdict: 'reject', message: r.message, corpus: place.c.file, own: true };
    process.stderr.write(`${key}: reject by its own release (${r.message})\n`);
  }
};
const judge = (
  /** @type {string} */ key,
  /** @type {{ c: any, el: any }} */ place,
  /** @type {{ start: number, end: number, text: string }[]} */ edits
) => {
  const base = baseline(place.c);
  if (!base.ok) {
    return;
  }
  const r = define(edit(place.c.text, edits));
  verdicts[key] = r.ok
    ? { verdict: r.xml === base.xml ? 'drop' : 'accept', corpus: place.c.file }
    : { verdict: 'reject', message: r.message, corpus: place.c.file };
  process.stderr.write(`${key}: ${verdicts[key].verdict}${r.ok ? '' : ` (${r.message})`}\n`);
};

const attrEdit = (/** @type {any} */ el, /** @type {string} */ attr, /** @type {string} */ value) => {
  const a = el.attributes.find((/** @type {any} */ x) => x.name === attr);
  return a?.valueSpan
    ? { start: a.valueSpan.start, end: a.valueSpan.end, text: `'${value}'` }
    : { start: el.nameSpan.end, end: el.nameSpan.end, text: ` ${attr}='${value}'` };
};

for (const [p, entry] of Object.entries(since.paths).sort(([a], [b]) => a.localeCompare(b))) {
  const e = /** @type {any} */ (entry);
  if (e.since !== undefined) {
    if (!newer(e.since)) {
      continue;
    }
    const parent = p.slice(0, p.lastIndexOf('>'));
    const leaf = p.slice(p.lastIndexOf('>') + 1);
    if (since.paths[parent]?.since !== undefined && newer(since.paths[parent].since)) {
      continue; // judged with its parent
    }
    const place = placeFor(parent, undefined);
    if (!place) {
      continue;
    }
    const el = place.el;
    const ins = el.selfClosing
      ? { start: el.startTagEnd - 2, end: el.startTagEnd, text: `><${leaf}/></${el.name}>` }
      : { start: el.startTagEnd, end: el.startTagEnd, text: `<${leaf}/>` };
    judge(p, place, [ins]);
    continue;
  }
  for (const [attr, idx] of Object.entries(e.attrs ?? {})) {
    if (newer(/** @type {number} */ (idx))) {
      const place = placeFor(p, undefined);
      if (place) {
        judge(`${p}@${attr}`, place, [attrEdit(place.el, attr, '1')]);
      }
    } else if (ownRelease(/** @type {number} */ (idx))) {
      // an attribute new in this release's schema: tried with the words its schema lists
      const place = placeFor(p, undefined);
      const info = place ? resolved.get(place.el)?.attributes.get(attr) : undefined;
      const words = info ? [...(enumValues(info.type) ?? [])].sort((a, b) => Number(a === 'default') - Number(b === 'default')) : [];
      if (place && words.length > 0) {
        judgeOwn(`${p}@${attr}`, words[0], place, [attrEdit(place.el, attr, words[0])]);
      }
    }
  }
  for (const [av, idx] of Object.entries(e.values ?? {})) {
    const i = /** @type {number} */ (idx);
    if (newer(i) || ownRelease(i)) {
      const [attr, word] = [av.slice(0, av.indexOf('=')), av.slice(av.indexOf('=') + 1)];
      const place = placeFor(p, attr);
      if (place) {
        (newer(i) ? judge : (k, pl, ed) => judgeOwn(k, word, pl, ed))(`${p}@${av}`, place, [attrEdit(place.el, attr, word)]);
      }
    }
  }
  for (const [word, idx] of Object.entries(e.text ?? {})) {
    if (newer(/** @type {number} */ (idx))) {
      const place = placeFor(p, undefined);
      if (place?.el.textSpan) {
        judge(`${p}#text=${word}`, place, [{ start: place.el.textSpan.start, end: place.el.textSpan.end, text: word }]);
      }
    }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const result = {
  $comment:
    "Written by scripts/schema/probe-since.mjs: what this libvirt did with pieces of domain XML newer than its release (schemas/since.json), each put into a corpus domain it accepts and given to virsh define. reject: refused (message); drop: defined, dumpxml unchanged (ignored without a word); accept: kept. own: a word new in this release's own schema that its parser refuses by name.",
  libvirt: version,
  uri,
  verdicts: Object.fromEntries(Object.entries(verdicts).sort(([a], [b]) => a.localeCompare(b))),
};
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
const counts = Object.values(verdicts).reduce(
  (m, v) => ({ ...m, [v.verdict]: (m[v.verdict] ?? 0) + 1 }),
  /** @type {Record<string, number>} */ ({})
);
console.log(`probe-since: libvirt ${version} on ${uri}: ${JSON.stringify(counts)} -> ${path.relative(root, out)}`);

#!/usr/bin/env node
// @ts-check
// Writes schemas/since.json: for the pieces of libvirt domain XML (elements, attributes, words of
// enumerated values) that an older libvirt release's schema does not have, the first release of
// those given whose schema has them. The target-version check reads it.
//
//   node scripts/schema/gen-since.mjs OLDEST.json ... NEWEST.json > schemas/since.json
//
// Each argument is a domain.json made by generate.mjs from one release's schemas (oldest first;
// the newest should be the one bundled as schemas/domain.json). See schemas/README.md.
//
// Pieces are keyed by the element names on the way from <domain> ("domain>devices>video>model"),
// not by domain.json's element ids, which are not stable between releases. A piece counts as known
// to a release when that release's schema has it anywhere on that path (in any variant), so the
// table can only say "new" where no variant of the older schema had it.
import { readFileSync } from 'node:fs';

/** @typedef {{ attrs: Map<string, Set<string> | 'any'>, children: Set<string>, text: Set<string> | 'any' | undefined }} PathInfo */

const MAX_DEPTH = 16;

/** @param {any} schema @param {any} ref @param {Set<string>} [seen] @returns {Set<string> | 'any'} */
function valuesOf(schema, ref, seen = new Set()) {
  if (typeof ref === 'string') {
    if (seen.has(ref)) {
      return new Set();
    }
    seen.add(ref);
    return valuesOf(schema, schema.types[ref], seen);
  }
  if (!ref) {
    return 'any';
  }
  if (ref.type === 'enum') {
    return new Set(ref.values);
  }
  if (ref.type === 'union') {
    /** @type {Set<string>} */
    const out = new Set();
    for (const part of ref.of) {
      const v = valuesOf(schema, part, seen);
      if (v === 'any') {
        return 'any';
      }
      v.forEach((x) => out.add(x));
    }
    return out;
  }
  return 'any';
}

/** @param {Set<string> | 'any' | undefined} into @param {Set<string> | 'any'} more */
function merge(into, more) {
  if (into === 'any' || more === 'any') {
    return 'any';
  }
  const out = new Set(into ?? []);
  more.forEach((x) => out.add(x));
  return out;
}

/** Every path of a schema with the attributes, values and children found there. @param {any} schema */
function paths(schema) {
  /** @type {Map<string, PathInfo>} */
  const out = new Map();
  const visited = new Set();
  /** @type {{ id: string, path: string }[]} */
  const stack = [];
  /** @param {string} id @param {string} path @param {number} depth */
  const visit = (id, path, depth) => {
    const key = `${id}|${path}`;
    if (visited.has(key) || depth > MAX_DEPTH) {
      return;
    }
    visited.add(key);
    const el = schema.elements[id];
    if (!el) {
      return;
    }
    let info = out.get(path);
    if (!info) {
      info = { attrs: new Map(), children: new Set(), text: undefined };
      out.set(path, info);
    }
    /** @type {{ name: string, ref: string }[]} */
    const kids = [];
    /** @param {any} content */
    const take = (content) => {
      for (const [name, a] of Object.entries(content.attrs ?? {})) {
        info.attrs.set(name, merge(info.attrs.get(name), valuesOf(schema, /** @type {any} */ (a).type)));
      }
      if (content.anyAttrs) {
        info.attrs.set('*', 'any');
      }
      if (content.text !== undefined) {
        info.text = merge(info.text, valuesOf(schema, content.text));
      }
      for (const c of content.children ?? []) {
        info.children.add(c.name);
        kids.push(c);
      }
      for (const sw of content.switches ?? []) {
        const words = new Set();
        for (const c of sw.cases) {
          c.when.forEach((/** @type {string} */ w) => words.add(w));
          take(c);
        }
        const prev = info.attrs.get(sw.attr);
        info.attrs.set(sw.attr, prev === 'any' ? 'any' : merge(prev, /** @type {Set<string>} */ (words)));
      }
    };
    take(el);
    if (el.anyName) {
      info.children.add('*');
    }
    stack.push({ id, path });
    for (const c of kids) {
      const outer = stack.find((s) => s.id === c.ref);
      if (outer) {
        cycles.set(`${path}>${c.name}`, outer.path); // <backingStore> in <backingStore>: stands for the outer one
      } else {
        visit(c.ref, `${path}>${c.name}`, depth + 1);
      }
    }
    stack.pop();
  };
  visit(schema.root, 'domain', 0);
  return out;
}

/** Paths where an element contains one of its own kind (backingStore in backingStore...) -> the path of the outer one. */
const cycles = new Map();

function main() {
  const files = process.argv.slice(2);
  if (files.length < 2) {
    console.error('usage: gen-since.mjs OLDEST.json ... NEWEST.json');
    process.exit(2);
  }
  const schemas = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const releases = schemas.map((s) => String(s.source.libvirt));
  const all = schemas.map((s, i) => {
    if (i < schemas.length - 1) {
      const p = paths(s);
      cycles.clear(); // the newest release's cycles are the ones the table's paths follow
      return p;
    }
    return paths(s);
  });
  const newestPaths = new Set(all[all.length - 1].keys());
  const newest = all[all.length - 1];
  /** The first release (index) for which `has` holds, -1 if none. @param {(p: Map<string, PathInfo>) => boolean} has */
  const first = (has) => all.findIndex(has);
  /** @type {Record<string, { since?: number, attrs?: Record<string, number>, values?: Record<string, number>, text?: Record<string, number> }>} */
  const table = {};
  const note = (/** @type {string} */ path) => (table[path] ??= {});
  for (const [path, info] of [...newest.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const since = first((p) => p.has(path));
    if (since > 0) {
      note(path).since = since;
      continue; // everything under a new element is new with it
    }
    for (const [attr, values] of [...info.attrs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (attr === '*') {
        continue;
      }
      const a = first((p) => !!p.get(path)?.attrs.has(attr) || !!p.get(path)?.attrs.has('*'));
      if (a > 0) {
        (note(path).attrs ??= {})[attr] = a;
        continue;
      }
      if (values === 'any') {
        continue;
      }
      for (const v of [...values].sort()) {
        const w = first((p) => {
          const have = p.get(path)?.attrs.get(attr);
          return have === 'any' || !!have?.has(v);
        });
        if (w > 0) {
          (note(path).values ??= {})[`${attr}=${v}`] = w;
        }
      }
    }
    if (info.text && info.text !== 'any') {
      for (const v of [...info.text].sort()) {
        const w = first((p) => {
          const have = p.get(path)?.text;
          return have === 'any' || !!have?.has(v);
        });
        if (w > 0) {
          (note(path).text ??= {})[v] = w;
        }
      }
    }
  }
  const out = {
    $comment:
      'Generated by scripts/schema/gen-since.mjs from the domain.json of each release listed (schemas/README.md); do not edit. A path listed in `cycles` (an element inside one of its own kind) stands for the path it maps to. For each path of element names from <domain>: the index in `releases` of the first release whose schema has the element (since), an attribute (attrs), a word of an attribute (values, "attr=word") or of the text (text). Pieces every listed release has are left out.',
    releases,
    cycles: Object.fromEntries([...cycles.entries()].filter(([p]) => newestPaths.has(p.slice(0, p.lastIndexOf('>')))).sort()),
    paths: table,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();

#!/usr/bin/env node
// @ts-check
// Generate schemas/domain.json from libvirt's RelaxNG schemas.
//
//   node scripts/schema/generate.mjs [SCHEMA_DIR] [OUT_JSON] [--libvirt-version V]
//        [--commit SHA] [--origin TEXT]
//
// SCHEMA_DIR defaults to /usr/share/libvirt/schemas, OUT_JSON to
// schemas/domain.json. Where the schemas came from is read from
// SCHEMA_DIR/provenance.json (written by fetch-upstream.mjs) or guessed (a
// libvirt git checkout, or the Debian/RPM package owning the directory), and
// can be overridden with the flags. See schemas/README.md.
//
// The output describes libvirt domain XML as data: element descriptions keyed
// by a stable id, each with attributes, children and "switches" (the parts of
// the content that depend on a discriminating attribute such as type='pci'),
// plus named value types. The format is documented in
// server/src/schema/types.ts.

import { writeFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Grammar } from './rng.mjs';
import { xsdToJsRegex } from './xsd-regex.mjs';

const FORMAT_VERSION = 1;

// ---------------------------------------------------------------------------
// command line

function parseArgs(argv) {
  const pos = [];
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--libvirt-version') {
      opts.version = argv[++i];
    } else if (a === '--commit') {
      opts.commit = argv[++i];
    } else if (a === '--origin') {
      opts.origin = argv[++i];
    } else if (a === '--quiet') {
      opts.quiet = true;
    } else if (a === '-h' || a === '--help') {
      console.log('usage: generate.mjs [SCHEMA_DIR] [OUT_JSON] [--libvirt-version V] [--commit SHA] [--origin TEXT]');
      process.exit(0);
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a}`);
    } else {
      pos.push(a);
    }
  }
  return { dir: pos[0] ?? '/usr/share/libvirt/schemas', out: pos[1], opts };
}

// ---------------------------------------------------------------------------
// XSD datatypes

const TWO63 = 2n ** 63n;
const INT_RANGES = {
  integer: [null, null],
  long: [-TWO63, TWO63 - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-32768n, 32767n],
  byte: [-128n, 127n],
  nonNegativeInteger: [0n, null],
  positiveInteger: [1n, null],
  nonPositiveInteger: [null, 0n],
  negativeInteger: [null, -1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  unsignedShort: [0n, 65535n],
  unsignedByte: [0n, 255n],
};
const STRING_TYPES = new Set(['string', 'token', 'normalizedString', 'NCName', 'Name', 'NMTOKEN', 'anyURI', 'ID', 'IDREF', 'language']);
const DECIMAL_TYPES = new Set(['decimal', 'double', 'float']);
const OTHER_XSD = new Set(['dateTime', 'date', 'time', 'duration', 'hexBinary', 'base64Binary']);

/** JSON-safe representation of a bigint bound */
function num(b) {
  if (b === null || b === undefined) {
    return undefined;
  }
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b.toString();
}

// ---------------------------------------------------------------------------
// The converter

class Converter {
  constructor(grammar) {
    this.g = grammar;
    /** @type {Map<object, string>} element pattern -> id */
    this.elementIds = new Map();
    /** @type {Map<string, object>} id -> description */
    this.elements = new Map();
    /** @type {object[]} element patterns waiting for a description */
    this.queue = [];
    /** @type {Map<string, any>} named types */
    this.types = new Map();
    this.typeInProgress = new Set();
    this._na = new Map();
    this._dt = new Map();
    this.limitations = new Set();
  }

  // --- notAllowed analysis -------------------------------------------------
  notAllowed(p, stack = new Set()) {
    if (this._na.has(p)) {
      return this._na.get(p);
    }
    if (stack.has(p)) {
      return false;
    }
    stack.add(p);
    let r;
    switch (p.k) {
      case 'notAllowed':
        r = true;
        break;
      case 'element':
      case 'attribute':
      case 'oneOrMore':
        r = this.notAllowed(p.k === 'oneOrMore' ? p.body : p.body, stack);
        break;
      case 'group':
      case 'interleave':
        r = p.items.some((x) => this.notAllowed(x, stack));
        break;
      case 'choice':
        r = p.items.every((x) => this.notAllowed(x, stack));
        break;
      case 'ref':
        r = this.notAllowed(this.g.define(p.name), stack);
        break;
      default:
        r = false;
    }
    stack.delete(p);
    this._na.set(p, r);
    return r;
  }

  /** true if the pattern only describes text (value/data/text/list, choices of them, refs to them) */
  isDatatype(p, seen = new Set()) {
    if (this._dt.has(p)) {
      return this._dt.get(p);
    }
    let r;
    switch (p.k) {
      case 'value':
      case 'data':
      case 'text':
      case 'list':
        r = true;
        break;
      case 'choice':
        r = p.items.filter((x) => !this.notAllowed(x)).every((x) => this.isDatatype(x, seen));
        break;
      case 'ref':
        if (seen.has(p.name)) {
          r = false;
        } else {
          seen.add(p.name);
          r = this.isDatatype(this.g.define(p.name), seen);
        }
        break;
      default:
        r = false;
    }
    this._dt.set(p, r);
    return r;
  }

  // --- types -----------------------------------------------------------------
  typeOf(p) {
    switch (p.k) {
      case 'ref': {
        const def = this.g.define(p.name);
        if (!this.isDatatype(def)) {
          this.limitations.add(`attribute value pattern "${p.name}" is not a plain datatype; treated as text`);
          return { type: 'text' };
        }
        if (!this.types.has(p.name) && !this.typeInProgress.has(p.name)) {
          this.typeInProgress.add(p.name);
          this.types.set(p.name, this.typeOf(def));
          this.typeInProgress.delete(p.name);
        }
        return p.name;
      }
      case 'value': {
        const v = p.type === 'string' ? p.value : p.value.replace(/\s+/g, ' ').trim();
        return { type: 'enum', values: [v] };
      }
      case 'data':
        return this.dataType(p);
      case 'text':
        return { type: 'text' };
      case 'list':
        this.limitations.add('<list> value (whitespace separated tokens) is treated as free text');
        return { type: 'text' };
      case 'empty':
        return { type: 'enum', values: [''] };
      case 'choice': {
        const members = p.items.filter((x) => !this.notAllowed(x)).map((x) => this.typeOf(x));
        return unionTypes(members);
      }
      case 'group':
      case 'interleave':
        this.limitations.add('a group inside an attribute value is treated as free text');
        return { type: 'text' };
      default:
        throw new Error(`cannot type pattern ${p.k}`);
    }
  }

  dataType(p) {
    const t = p.type;
    const params = new Map();
    for (const { name, value } of p.params) {
      if (params.has(name) && name === 'pattern') {
        // several patterns must all match; we keep the first and note it
        this.limitations.add('several <param name="pattern"> on one <data>: only the first is kept');
        continue;
      }
      params.set(name, value);
    }
    if (p.except) {
      this.limitations.add(`<data type="${t}"> with <except> (e.g. volName excluding "." and ".."): the exception is ignored`);
    }
    /** @type {any} */
    let d;
    if (t in INT_RANGES) {
      let [min, max] = INT_RANGES[t];
      if (params.has('minInclusive')) {
        min = maxBig(min, BigInt(params.get('minInclusive')));
      }
      if (params.has('minExclusive')) {
        min = maxBig(min, BigInt(params.get('minExclusive')) + 1n);
      }
      if (params.has('maxInclusive')) {
        max = minBig(max, BigInt(params.get('maxInclusive')));
      }
      if (params.has('maxExclusive')) {
        max = minBig(max, BigInt(params.get('maxExclusive')) - 1n);
      }
      d = { type: 'int' };
      if (min !== null) {
        d.min = num(min);
      }
      if (max !== null) {
        d.max = num(max);
      }
      if (t !== 'integer') {
        d.xsd = t;
      }
    } else if (STRING_TYPES.has(t)) {
      d = { type: 'string' };
      if (t !== 'string') {
        d.xsd = t;
      }
    } else if (DECIMAL_TYPES.has(t)) {
      d = { type: 'decimal', xsd: t };
      for (const k of ['minInclusive', 'maxInclusive']) {
        if (params.has(k)) {
          d[k === 'minInclusive' ? 'min' : 'max'] = Number(params.get(k));
        }
      }
    } else if (t === 'boolean') {
      return { type: 'enum', values: ['true', 'false', '1', '0'] };
    } else if (OTHER_XSD.has(t)) {
      d = { type: 'xsd', xsd: t };
    } else {
      throw new Error(`${p.at}: unsupported datatype ${t}`);
    }
    for (const k of ['length', 'minLength', 'maxLength']) {
      if (params.has(k)) {
        d[k] = Number(params.get(k));
      }
    }
    if (params.has('pattern')) {
      d.pattern = xsdToJsRegex(params.get('pattern'));
    }
    for (const k of params.keys()) {
      if (!['pattern', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'length', 'minLength', 'maxLength'].includes(k)) {
        this.limitations.add(`<param name="${k}"> is ignored`);
      }
    }
    return d;
  }

  // --- elements --------------------------------------------------------------
  idFor(el) {
    let id = this.elementIds.get(el);
    if (id) {
      return id;
    }
    const local = el.nc.k === 'name' ? el.nc.local : '*';
    /** @type {string} */
    let base;
    if (el.parentEl) {
      base = `${this.idFor(el.parentEl)}/${local}`;
    } else if (el.top && (this.g.topElementCount.get(el.defName) ?? 0) === 1) {
      base = el.defName;
    } else {
      base = `${el.defName}/${local}`;
    }
    id = base;
    for (let k = 2; this.elements.has(id); k++) {
      id = `${base}#${k}`;
    }
    this.elementIds.set(el, id);
    this.elements.set(id, null); // reserved; filled when processed
    this.queue.push(el);
    return id;
  }

  run() {
    const start = this.g.start();
    const rootEls = [];
    this.collectElements(start, rootEls, new Set());
    if (rootEls.length !== 1) {
      throw new Error(`expected one root element, found ${rootEls.length}`);
    }
    this.rootId = this.idFor(rootEls[0]);
    while (this.queue.length) {
      const el = this.queue.shift();
      const id = /** @type {string} */ (this.elementIds.get(el));
      this.elements.set(id, this.describeElement(el));
    }
  }

  collectElements(p, out, seen) {
    switch (p.k) {
      case 'element':
        out.push(p);
        break;
      case 'ref':
        if (!seen.has(p.name)) {
          seen.add(p.name);
          this.collectElements(this.g.define(p.name), out, seen);
        }
        break;
      case 'group':
      case 'interleave':
      case 'choice':
        p.items.forEach((x) => this.collectElements(x, out, seen));
        break;
      case 'optional':
      case 'zeroOrMore':
      case 'oneOrMore':
        this.collectElements(p.body, out, seen);
        break;
    }
  }

  describeElement(el) {
    const c = newContent();
    this.walk(el.body, c, { opt: false, multi: false });
    const d = { name: el.nc.k === 'name' ? el.nc.local : '*' };
    if (el.nc.k === 'name' && el.nc.ns) {
      d.ns = el.nc.ns;
    }
    if (el.nc.k !== 'name') {
      d.anyName = true;
      if (el.nc.k !== 'anyName' || el.nc.except) {
        this.limitations.add('element name classes other than plain anyName are approximated as any name');
      }
    }
    Object.assign(d, finishContent(c));
    return d;
  }

  walk(p, c, ctx) {
    switch (p.k) {
      case 'element': {
        if (this.notAllowed(p)) {
          return;
        }
        const child = { name: p.nc.k === 'name' ? p.nc.local : '*', ref: this.idFor(p) };
        if (p.nc.k === 'name' && p.nc.ns) {
          child.ns = p.nc.ns;
        }
        if (!ctx.opt) {
          child.required = true;
        }
        if (ctx.multi) {
          child.multiple = true;
        }
        addChild(c, child);
        return;
      }
      case 'attribute': {
        if (this.notAllowed(p)) {
          return;
        }
        if (p.nc.k !== 'name') {
          c.anyAttrs = true;
          return;
        }
        if (p.nc.ns) {
          this.limitations.add(`namespaced attribute ${p.nc.local} is recorded without its namespace`);
        }
        addAttr(c, p.nc.local, { type: this.typeOf(p.body), ...(ctx.opt ? {} : { required: true }) });
        return;
      }
      case 'group':
      case 'interleave':
        for (const x of p.items) {
          this.walk(x, c, ctx);
        }
        return;
      case 'optional':
        this.walk(p.body, c, { ...ctx, opt: true });
        return;
      case 'zeroOrMore':
        this.walk(p.body, c, { opt: true, multi: true });
        return;
      case 'oneOrMore':
        this.walk(p.body, c, { ...ctx, multi: true });
        return;
      case 'ref': {
        const def = this.g.define(p.name);
        if (this.isDatatype(def)) {
          addText(c, this.typeOf(p), ctx.opt);
        } else {
          this.walk(def, c, ctx);
        }
        return;
      }
      case 'text':
      case 'value':
      case 'data':
      case 'list':
        addText(c, this.typeOf(p), ctx.opt);
        return;
      case 'empty':
      case 'notAllowed':
        return;
      case 'choice':
        this.walkChoice(p, c, ctx);
        return;
      default:
        throw new Error(`unexpected pattern ${p.k}`);
    }
  }

  walkChoice(p, c, ctx) {
    let alts = p.items.filter((x) => !this.notAllowed(x));
    if (alts.some((x) => x.k === 'empty')) {
      ctx = { ...ctx, opt: true };
      alts = alts.filter((x) => x.k !== 'empty');
    }
    if (alts.length === 0) {
      return;
    }
    if (alts.length === 1) {
      this.walk(alts[0], c, ctx);
      return;
    }
    if (alts.every((x) => this.isDatatype(x))) {
      addText(c, this.typeOf({ k: 'choice', items: alts }), ctx.opt);
      return;
    }
    const heads = alts.map((a) => this.headAttrs(a));
    const disc = ctx.multi ? null : pickDiscriminator(heads);
    if (disc) {
      /** @type {{ attr: string, cases: object[], optional?: boolean }} */
      const sw = { attr: disc, cases: [] };
      if (ctx.opt) {
        sw.optional = true;
      }
      alts.forEach((a, i) => {
        const cc = newContent();
        this.walk(a, cc, { opt: false, multi: false });
        const h = heads[i].get(disc);
        /** @type {{ when: string[], absent?: boolean }} */
        const cs = { when: h.values };
        if (h.optional) {
          cs.absent = true;
        }
        Object.assign(cs, finishContent(cc));
        sw.cases.push(cs);
      });
      c.switches.push(sw);
      return;
    }
    // not discriminated by an attribute: merge the alternatives
    const parts = alts.map((a) => {
      const cc = newContent();
      this.walk(a, cc, { opt: false, multi: ctx.multi });
      return cc;
    });
    mergeAlternatives(c, parts, ctx);
  }

  /** attributes at the head of a pattern (not inside elements, choices or repeats) */
  headAttrs(p, opt = false, out = new Map(), seen = new Set()) {
    switch (p.k) {
      case 'attribute':
        if (p.nc.k === 'name' && !out.has(p.nc.local)) {
          out.set(p.nc.local, { values: this.enumValues(p.body), optional: opt });
        }
        break;
      case 'group':
      case 'interleave':
        for (const x of p.items) {
          this.headAttrs(x, opt, out, seen);
        }
        break;
      case 'optional':
        this.headAttrs(p.body, true, out, seen);
        break;
      case 'ref':
        if (!seen.has(p.name)) {
          seen.add(p.name);
          this.headAttrs(this.g.define(p.name), opt, out, seen);
        }
        break;
    }
    return out;
  }

  enumValues(p) {
    switch (p.k) {
      case 'value':
        return [p.type === 'string' ? p.value : p.value.replace(/\s+/g, ' ').trim()];
      case 'choice': {
        const all = [];
        for (const x of p.items) {
          if (this.notAllowed(x)) {
            continue;
          }
          const v = this.enumValues(x);
          if (!v) {
            return null;
          }
          all.push(...v);
        }
        return all;
      }
      case 'ref':
        return this.enumValues(this.g.define(p.name));
      default:
        return null;
    }
  }
}

function maxBig(a, b) {
  return a === null ? b : a > b ? a : b;
}
function minBig(a, b) {
  return a === null ? b : a < b ? a : b;
}

// ---------------------------------------------------------------------------
// content helpers

function newContent() {
  return { attrs: new Map(), children: [], text: undefined, textOptional: false, anyAttrs: false, switches: [] };
}

function childKey(ch) {
  return `${ch.ns ?? ''}|${ch.name}|${ch.ref}`;
}

function addChild(c, ch) {
  const k = childKey(ch);
  const prev = c.children.find((x) => childKey(x) === k);
  if (prev) {
    prev.multiple = true;
    return;
  }
  c.children.push(ch);
}

function addAttr(c, name, a) {
  const prev = c.attrs.get(name);
  if (prev) {
    prev.type = unionTypes([prev.type, a.type]);
    if (!a.required) {
      delete prev.required;
    }
    return;
  }
  c.attrs.set(name, a);
}

function addText(c, t, optional) {
  c.text = c.text === undefined ? t : unionTypes([c.text, t]);
  if (optional) {
    c.textOptional = true;
  }
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function unionTypes(members) {
  const flat = [];
  for (const m of members) {
    if (typeof m === 'object' && m.type === 'union') {
      flat.push(...m.of);
    } else {
      flat.push(m);
    }
  }
  if (flat.some((m) => typeof m === 'object' && m.type === 'text')) {
    return { type: 'text' };
  }
  const out = [];
  let en = null;
  for (const m of flat) {
    if (typeof m === 'object' && m.type === 'enum') {
      if (!en) {
        en = { type: 'enum', values: /** @type {string[]} */ ([]) };
        out.push(en);
      }
      for (const v of m.values) {
        if (!en.values.includes(v)) {
          en.values.push(v);
        }
      }
    } else if (!out.some((o) => sameJson(o, m))) {
      out.push(m);
    }
  }
  return out.length === 1 ? out[0] : { type: 'union', of: out };
}

function pickDiscriminator(heads) {
  const first = heads[0];
  const cands = [];
  let order = 0;
  for (const [name, h0] of first) {
    order++;
    if (!h0.values) {
      continue;
    }
    let ok = true;
    const seenVals = new Set();
    let optionalCount = 0;
    for (const h of heads) {
      const e = h.get(name);
      if (!e || !e.values) {
        ok = false;
        break;
      }
      if (e.optional) {
        optionalCount++;
      }
      for (const v of e.values) {
        if (seenVals.has(v)) {
          ok = false;
        }
        seenVals.add(v);
      }
    }
    if (ok) {
      cands.push({ name, optionalCount, order });
    }
  }
  if (!cands.length) {
    return null;
  }
  cands.sort((a, b) => a.optionalCount - b.optionalCount || (a.name === 'type' ? -1 : b.name === 'type' ? 1 : 0) || a.order - b.order);
  return cands[0].name;
}

function mergeAlternatives(c, parts, ctx) {
  const names = [];
  for (const p of parts) {
    for (const n of p.attrs.keys()) {
      if (!names.includes(n)) {
        names.push(n);
      }
    }
  }
  for (const n of names) {
    const present = parts.filter((p) => p.attrs.has(n));
    const required = !ctx.opt && present.length === parts.length && present.every((p) => p.attrs.get(n).required);
    addAttr(c, n, { type: unionTypes(present.map((p) => p.attrs.get(n).type)), ...(required ? { required: true } : {}) });
  }
  const keys = [];
  const byKey = new Map();
  for (const p of parts) {
    for (const ch of p.children) {
      const k = childKey(ch);
      if (!byKey.has(k)) {
        byKey.set(k, []);
        keys.push(k);
      }
      byKey.get(k).push(ch);
    }
  }
  for (const k of keys) {
    const list = byKey.get(k);
    const ch = { ...list[0] };
    delete ch.required;
    delete ch.multiple;
    if (!ctx.opt && list.length === parts.length && list.every((x) => x.required)) {
      ch.required = true;
    }
    if (ctx.multi || list.some((x) => x.multiple)) {
      ch.multiple = true;
    }
    addChild(c, ch);
  }
  for (const p of parts) {
    if (p.text !== undefined) {
      addText(c, p.text, true);
    }
    if (p.anyAttrs) {
      c.anyAttrs = true;
    }
    for (const sw of p.switches) {
      c.switches.push(parts.length > 1 || ctx.opt ? { ...sw, optional: true } : sw);
    }
  }
}

/** Turn a content builder into plain JSON; hoist what all cases of a switch share. */
function finishContent(c) {
  for (const sw of c.switches) {
    hoist(c, sw);
  }
  const d = {};
  if (c.attrs.size) {
    d.attrs = Object.fromEntries(c.attrs);
  }
  if (c.children.length) {
    d.children = c.children;
  }
  if (c.text !== undefined) {
    d.text = c.text;
    if (c.textOptional) {
      d.textOptional = true;
    }
  }
  if (c.anyAttrs) {
    d.anyAttrs = true;
  }
  if (c.switches.length) {
    d.switches = c.switches;
  }
  return d;
}

function hoist(c, sw) {
  if (sw.cases.length < 2) {
    // a lone case of a required switch is unconditional only if the attribute is required;
    // keep it as a switch so lookups can still tell the discriminator.
    return;
  }
  // the discriminator itself: union of all case values, at element level
  const vals = [];
  for (const cs of sw.cases) {
    for (const v of cs.when) {
      if (!vals.includes(v)) {
        vals.push(v);
      }
    }
  }
  const discRequired = !sw.optional && sw.cases.every((cs) => !cs.absent);
  if (!c.attrs.has(sw.attr)) {
    c.attrs.set(sw.attr, { type: { type: 'enum', values: vals }, ...(discRequired ? { required: true } : {}), discriminator: true });
  }
  if (sw.optional) {
    return;
  }
  const first = sw.cases[0];
  // attributes
  for (const [name, a] of Object.entries(first.attrs ?? {})) {
    if (name === sw.attr) {
      continue;
    }
    if (sw.cases.every((cs) => cs.attrs && cs.attrs[name] && sameJson(cs.attrs[name], a))) {
      if (!c.attrs.has(name)) {
        c.attrs.set(name, a);
      } else {
        addAttr(c, name, a);
      }
      for (const cs of sw.cases) {
        delete cs.attrs[name];
        if (!Object.keys(cs.attrs).length) {
          delete cs.attrs;
        }
      }
    }
  }
  // children
  for (const ch of [...(first.children ?? [])]) {
    const k = childKey(ch);
    if (sw.cases.every((cs) => (cs.children ?? []).some((x) => childKey(x) === k && sameJson(x, ch)))) {
      addChild(c, ch);
      for (const cs of sw.cases) {
        cs.children = cs.children.filter((x) => childKey(x) !== k);
        if (!cs.children.length) {
          delete cs.children;
        }
      }
    }
  }
  // text
  if (first.text !== undefined && sw.cases.every((cs) => sameJson(cs.text, first.text) && cs.textOptional === first.textOptional)) {
    addText(c, first.text, !!first.textOptional);
    for (const cs of sw.cases) {
      delete cs.text;
      delete cs.textOptional;
    }
  }
}

// ---------------------------------------------------------------------------
// dedupe identical element descriptions (many small anonymous elements repeat)

function dedupe(elements, rootId) {
  for (let round = 0; round < 20; round++) {
    const bySig = new Map();
    const replace = new Map();
    const ids = [...elements.keys()].sort(compareIds);
    for (const id of ids) {
      if (id === rootId) {
        continue;
      }
      const sig = JSON.stringify(elements.get(id));
      const canon = bySig.get(sig);
      if (canon) {
        replace.set(id, canon);
      } else {
        bySig.set(sig, id);
      }
    }
    if (!replace.size) {
      return;
    }
    for (const id of replace.keys()) {
      elements.delete(id);
    }
    const fix = (content) => {
      for (const ch of content.children ?? []) {
        if (replace.has(ch.ref)) {
          ch.ref = replace.get(ch.ref);
        }
      }
      for (const sw of content.switches ?? []) {
        for (const cs of sw.cases) {
          fix(cs);
        }
      }
    };
    for (const d of elements.values()) {
      fix(d);
    }
  }
}

/** shorter ids first (so the define-named element wins over a nested copy), then alphabetical */
function compareIds(a, b) {
  const da = a.split('/').length;
  const db = b.split('/').length;
  return da - db || (a < b ? -1 : a > b ? 1 : 0);
}

// ---------------------------------------------------------------------------
// provenance

function tryExec(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function provenance(dir, opts) {
  /** @type {Record<string, any>} */
  let src = {};
  const pfile = join(dir, 'provenance.json');
  if (existsSync(pfile)) {
    src = JSON.parse(readFileSync(pfile, 'utf8'));
  } else {
    // a libvirt source tree: src/conf/schemas (new) or docs/schemas (old)
    for (const up of ['../../..', '../..']) {
      const mb = resolve(dir, up, 'meson.build');
      if (existsSync(mb)) {
        const m = /version\s*:\s*'([^']+)'/.exec(readFileSync(mb, 'utf8'));
        if (m && /project\(\s*'libvirt'/.test(readFileSync(mb, 'utf8'))) {
          src.libvirt = m[1];
          const top = resolve(dir, up);
          const sha = tryExec('git', ['rev-parse', 'HEAD'], top);
          if (sha) {
            src.commit = sha;
          }
          src.origin = `libvirt source tree ${top}`;
          break;
        }
      }
    }
    if (!src.libvirt) {
      const owner = tryExec('dpkg-query', ['-S', join(dir, 'domain.rng')]);
      if (owner) {
        const pkg = owner.split(':')[0];
        const ver = tryExec('dpkg-query', ['-W', '-f=${Version}', pkg]);
        if (ver) {
          src.libvirt = ver.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
          src.origin = `Debian package ${pkg} ${ver} (${dir})`;
        }
      } else {
        const rpm = tryExec('rpm', ['-qf', '--qf', '%{NAME} %{VERSION}-%{RELEASE}', join(dir, 'domain.rng')]);
        if (rpm) {
          const [name, vr] = rpm.split(' ');
          src.libvirt = vr.replace(/-.*$/, '');
          src.origin = `RPM package ${name} ${vr} (${dir})`;
        }
      }
    }
  }
  if (opts.version) {
    src.libvirt = opts.version;
  }
  if (opts.commit) {
    src.commit = opts.commit;
  }
  if (opts.origin) {
    src.origin = opts.origin;
  }
  return {
    libvirt: src.libvirt ?? 'unknown',
    commit: src.commit ?? null,
    ...(src.tag ? { tag: src.tag } : {}),
    origin: src.origin ?? dir,
  };
}

function schemaDigest(dir, files) {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(f + '\0');
    h.update(readFileSync(join(dir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

// ---------------------------------------------------------------------------
// output

function sortObject(o) {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]])
  );
}

function render(doc) {
  // one element / type per line: compact, yet diffs stay readable
  const lines = ['{'];
  const top = Object.entries(doc);
  top.forEach(([k, v], i) => {
    const comma = i < top.length - 1 ? ',' : '';
    if ((k === 'elements' || k === 'types') && v && typeof v === 'object') {
      const entries = Object.entries(v);
      lines.push(`${JSON.stringify(k)}: {`);
      entries.forEach(([ek, ev], j) => lines.push(`${JSON.stringify(ek)}: ${JSON.stringify(ev)}${j < entries.length - 1 ? ',' : ''}`));
      lines.push(`}${comma}`);
    } else {
      lines.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function generate(dir, opts = {}) {
  const g = new Grammar(dir, 'domain.rng');
  const conv = new Converter(g);
  conv.run();
  dedupe(conv.elements, conv.rootId);
  const elements = {};
  for (const id of [...conv.elements.keys()].sort()) {
    elements[id] = conv.elements.get(id);
  }
  const types = sortObject(Object.fromEntries(conv.types));
  /** @type {Record<string, any>} */
  const source = provenance(dir, opts);
  source.files = [...new Set(g.files)].sort();
  source.sha256 = schemaDigest(dir, source.files);
  return {
    $comment: 'Generated by scripts/schema/generate.mjs from libvirt RelaxNG schemas; do not edit. Format: server/src/schema/types.ts',
    format: FORMAT_VERSION,
    source,
    root: conv.rootId,
    limitations: [...conv.limitations].sort(),
    elements,
    types,
  };
}

function main() {
  const t0 = process.hrtime.bigint();
  const { dir, out, opts } = parseArgs(process.argv.slice(2));
  const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '../..');
  const outPath = out ?? join(repoRoot, 'schemas', 'domain.json');
  if (!existsSync(join(dir, 'domain.rng'))) {
    const entries = existsSync(dir) ? readdirSync(dir).slice(0, 10).join(', ') : 'directory does not exist';
    throw new Error(`${dir}/domain.rng not found (${entries})`);
  }
  const doc = generate(dir, opts);
  const text = render(doc);
  writeFileSync(outPath, text);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!opts.quiet) {
    console.log(
      `${outPath}: libvirt ${doc.source.libvirt}${doc.source.commit ? ` (${doc.source.commit.slice(0, 12)})` : ''}, ` +
        `${Object.keys(doc.elements).length} elements, ${Object.keys(doc.types).length} types, ` +
        `${(text.length / 1024).toFixed(0)} KiB, ${ms.toFixed(0)} ms`
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    main();
  } catch (e) {
    console.error(`generate.mjs: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

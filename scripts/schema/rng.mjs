// @ts-check
// A small RelaxNG (XML syntax) reader for libvirt's schemas.
//
// It turns the .rng files into a pattern tree with refs resolved by name,
// `combine` and `include` overrides applied, and every <element> annotated
// with where it came from (its define and its enclosing element), which the
// generator uses to give elements stable, readable ids.
//
// Only what libvirt's schemas use is supported; anything else throws with the
// file name, so a future libvirt that uses something new fails loudly.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RNG_NS = 'http://relaxng.org/ns/structure/1.0';
export const XSD_LIB = 'http://www.w3.org/2001/XMLSchema-datatypes';

// ---------------------------------------------------------------------------
// Tiny XML reader: elements, attributes, text, comments, PIs, CDATA and the
// predefined + numeric entities. Enough for RNG files; not a general parser.

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s, file) {
  if (!s.includes('&')) {
    return s;
  }
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(cp);
    }
    if (e in ENTITIES) {
      return ENTITIES[e];
    }
    throw new Error(`${file}: unknown entity ${m}`);
  });
}

/**
 * @typedef {{name: string, attrs: Record<string,string>, children: XNode[], text: string, line: number}} XElem
 * @typedef {XElem | {text: string}} XNode
 */

/** @returns {XElem} the document element */
export function parseXml(text, file = '<input>') {
  /** @type {XElem} */
  const root = { name: '#document', attrs: {}, children: [], text: '', line: 0 };
  const stack = [root];
  let i = 0;
  const n = text.length;
  const lineAt = (pos) => {
    let l = 1;
    for (let k = text.indexOf('\n'); k !== -1 && k < pos; k = text.indexOf('\n', k + 1)) {
      l++;
    }
    return l;
  };
  const addText = (t) => {
    const top = stack[stack.length - 1];
    top.children.push({ text: t });
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(decodeEntities(text.slice(i), file));
      break;
    }
    if (lt > i) {
      addText(decodeEntities(text.slice(i, lt), file));
    }
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e < 0) {
        throw new Error(`${file}:${lineAt(lt)}: unterminated comment`);
      }
      i = e + 3;
    } else if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt + 2);
      if (e < 0) {
        throw new Error(`${file}:${lineAt(lt)}: unterminated processing instruction`);
      }
      i = e + 2;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      if (e < 0) {
        throw new Error(`${file}:${lineAt(lt)}: unterminated CDATA`);
      }
      addText(text.slice(lt + 9, e));
      i = e + 3;
    } else if (text.startsWith('<!', lt)) {
      const e = text.indexOf('>', lt);
      i = e + 1;
    } else if (text[lt + 1] === '/') {
      const e = text.indexOf('>', lt);
      const name = text.slice(lt + 2, e).trim();
      const top = stack.pop();
      if (!top || top.name !== name) {
        throw new Error(`${file}:${lineAt(lt)}: </${name}> does not close <${top ? top.name : '?'}>`);
      }
      i = e + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 200));
      if (!m) {
        throw new Error(`${file}:${lineAt(lt)}: bad tag`);
      }
      /** @type {XElem} */
      const el = { name: m[1], attrs: {}, children: [], text: '', line: lineAt(lt) };
      let j = lt + m[0].length;
      for (;;) {
        while (j < n && /\s/.test(text[j])) {
          j++;
        }
        if (text[j] === '/' && text[j + 1] === '>') {
          j += 2;
          stack[stack.length - 1].children.push(el);
          break;
        }
        if (text[j] === '>') {
          j += 1;
          stack[stack.length - 1].children.push(el);
          stack.push(el);
          break;
        }
        const am = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(j, j + 100000));
        if (!am) {
          throw new Error(`${file}:${lineAt(j)}: bad attribute in <${el.name}>`);
        }
        el.attrs[am[1]] = decodeEntities(am[3] !== undefined ? am[3] : am[4], file);
        j += am[0].length;
      }
      i = j;
    }
  }
  if (stack.length !== 1) {
    throw new Error(`${file}: unclosed <${stack[stack.length - 1].name}>`);
  }
  const docEl = root.children.find((c) => 'name' in c);
  if (!docEl) {
    throw new Error(`${file}: no document element`);
  }
  for (const el of allElements(docEl)) {
    el.text = el.children
      .filter((c) => !('name' in c))
      .map((c) => c.text)
      .join('');
  }
  return /** @type {XElem} */ (docEl);
}

function* allElements(el) {
  yield el;
  for (const c of el.children) {
    if ('name' in c) {
      yield* allElements(c);
    }
  }
}

// ---------------------------------------------------------------------------
// Pattern tree
//
// Pattern kinds: element, attribute, group, interleave, choice, optional,
// zeroOrMore, oneOrMore, ref, text, empty, notAllowed, value, data, list.
// Name classes: {k:'name', ns, local} | {k:'anyName', except?} |
//               {k:'nsName', ns, except?} | {k:'choice', items}

/** Local name of an XML element if it is in the RNG namespace, else null. */
function rngName(el, nsMap) {
  const idx = el.name.indexOf(':');
  const prefix = idx < 0 ? '' : el.name.slice(0, idx);
  const local = idx < 0 ? el.name : el.name.slice(idx + 1);
  const ns = nsMap[prefix];
  return ns === RNG_NS ? local : null;
}

function childNsMap(el, nsMap) {
  let out = nsMap;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (out === nsMap) {
        out = { ...nsMap };
      }
      out[k === 'xmlns' ? '' : k.slice(6)] = v;
    }
  }
  return out;
}

export class Grammar {
  constructor(dir, startFile = 'domain.rng') {
    this.dir = dir;
    this.startFile = startFile;
    /** @type {Map<string, {base: any[], choice: any[], interleave: any[], file: string}>} */
    this.defineParts = new Map();
    this.startParts = [];
    /** define name -> number of top-level elements (for id naming) */
    this.topElementCount = new Map();
    this.files = [];
    this._defs = new Map();
    this._loadFile(startFile, new Set(), []);
  }

  /** The combined pattern of a define. */
  define(name) {
    let p = this._defs.get(name);
    if (p) {
      return p;
    }
    const parts = this.defineParts.get(name);
    if (!parts) {
      throw new Error(`undefined ref "${name}"`);
    }
    const all = [...parts.base];
    if (parts.choice.length && parts.interleave.length) {
      throw new Error(`define "${name}" mixes combine="choice" and combine="interleave"`);
    }
    if (parts.choice.length) {
      p = mk('choice', { items: [...all, ...parts.choice] });
    } else if (parts.interleave.length) {
      p = mk('interleave', { items: [...all, ...parts.interleave] });
    } else if (all.length === 1) {
      p = all[0];
    } else {
      throw new Error(`define "${name}" defined ${all.length} times without combine`);
    }
    this._defs.set(name, p);
    return p;
  }

  start() {
    if (this.startParts.length !== 1) {
      throw new Error(`expected one <start>, got ${this.startParts.length}`);
    }
    return this.startParts[0];
  }

  _loadFile(file, overridden, includeStack) {
    if (includeStack.includes(file)) {
      throw new Error(`include cycle: ${[...includeStack, file].join(' -> ')}`);
    }
    const path = join(this.dir, file);
    const text = readFileSync(path, 'utf8');
    this.files.push(file);
    const doc = parseXml(text, file);
    const nsMap = childNsMap(doc, { xml: 'http://www.w3.org/XML/1998/namespace' });
    if (rngName(doc, nsMap) !== 'grammar') {
      throw new Error(`${file}: document element is not <grammar>`);
    }
    const ctx = {
      file,
      ns: doc.attrs.ns ?? '',
      dtl: doc.attrs.datatypeLibrary ?? '',
      nsMap,
    };
    this._grammarContent(doc, ctx, overridden, [...includeStack, file]);
  }

  _grammarContent(el, ctx, overridden, includeStack) {
    for (const c of el.children) {
      if (!('name' in c)) {
        continue;
      }
      const nsMap = childNsMap(c, ctx.nsMap);
      const kind = rngName(c, nsMap);
      if (kind === null) {
        continue;
      } // foreign annotation
      const cctx = { ...ctx, nsMap, ns: c.attrs.ns ?? ctx.ns, dtl: c.attrs.datatypeLibrary ?? ctx.dtl };
      if (kind === 'define') {
        const name = c.attrs.name;
        if (overridden.has(name)) {
          continue;
        }
        const body = this._patternList(c, cctx, { defName: name, top: true, parentEl: null });
        let parts = this.defineParts.get(name);
        if (!parts) {
          parts = { base: [], choice: [], interleave: [], file: ctx.file };
          this.defineParts.set(name, parts);
        }
        const combine = c.attrs.combine;
        if (combine === 'choice') {
          parts.choice.push(body);
        } else if (combine === 'interleave') {
          parts.interleave.push(body);
        } else if (combine === undefined) {
          parts.base.push(body);
        } else {
          throw new Error(`${ctx.file}:${c.line}: bad combine="${combine}"`);
        }
      } else if (kind === 'start') {
        if (overridden.has('#start')) {
          continue;
        }
        this.startParts.push(this._patternList(c, cctx, { defName: '#start', top: true, parentEl: null }));
      } else if (kind === 'include') {
        const inner = new Set(overridden);
        for (const ic of c.children) {
          if (!('name' in ic)) {
            continue;
          }
          const k = rngName(ic, childNsMap(ic, nsMap));
          if (k === 'define') {
            inner.add(ic.attrs.name);
          }
          if (k === 'start') {
            inner.add('#start');
          }
        }
        this._loadFile(c.attrs.href, inner, includeStack);
        this._grammarContent(c, cctx, overridden, includeStack);
      } else if (kind === 'div') {
        this._grammarContent(c, cctx, overridden, includeStack);
      } else {
        throw new Error(`${ctx.file}:${c.line}: unsupported <${kind}> in grammar`);
      }
    }
  }

  /** Children of `el` as one pattern (implicit group). */
  _patternList(el, ctx, where, skipFirstNameClass = false) {
    const items = [];
    let first = true;
    for (const c of el.children) {
      if (!('name' in c)) {
        continue;
      }
      const nsMap = childNsMap(c, ctx.nsMap);
      const kind = rngName(c, nsMap);
      if (kind === null) {
        continue;
      }
      if (skipFirstNameClass && first) {
        first = false;
        continue;
      }
      first = false;
      items.push(c);
    }
    const tops = items.length === 1 ? where.top : false;
    const pats = items.map((c) => this._pattern(c, ctx, { ...where, top: tops }));
    if (pats.length === 0) {
      return mk('empty', {});
    }
    if (pats.length === 1) {
      return pats[0];
    }
    return mk('group', { items: pats });
  }

  _pattern(el, pctx, where) {
    const nsMap = childNsMap(el, pctx.nsMap);
    const kind = rngName(el, nsMap);
    const ctx = { ...pctx, nsMap, ns: el.attrs.ns ?? pctx.ns, dtl: el.attrs.datatypeLibrary ?? pctx.dtl };
    const at = `${ctx.file}:${el.line}`;
    switch (kind) {
      case 'element': {
        let nc;
        let skip = false;
        if (el.attrs.name !== undefined) {
          nc = this._qname(el.attrs.name, ctx, true);
        } else {
          nc = this._nameClass(firstRngChild(el, nsMap), ctx, true);
          skip = true;
        }
        const node = mk('element', { nc, body: null, at, defName: where.defName, top: where.top, parentEl: where.parentEl });
        if (where.top) {
          this.topElementCount.set(where.defName, (this.topElementCount.get(where.defName) ?? 0) + 1);
        }
        node.body = this._patternList(el, ctx, { defName: where.defName, top: false, parentEl: node }, skip);
        return node;
      }
      case 'attribute': {
        let nc;
        let skip = false;
        // attributes default to the empty namespace unless ns is given on the attribute itself
        const actx = { ...ctx, ns: el.attrs.ns ?? '' };
        if (el.attrs.name !== undefined) {
          nc = this._qname(el.attrs.name, actx, false);
        } else {
          nc = this._nameClass(firstRngChild(el, nsMap), actx, false);
          skip = true;
        }
        let body = this._patternList(el, ctx, { ...where, top: false }, skip);
        if (body.k === 'empty') {
          body = mk('text', {});
        } // <attribute name="x"/> means any text
        return mk('attribute', { nc, body, at });
      }
      case 'group':
      case 'interleave':
      case 'choice': {
        const items = [];
        const keepTop = kind === 'choice' ? where.top : false;
        for (const c of el.children) {
          if (!('name' in c) || rngName(c, childNsMap(c, nsMap)) === null) {
            continue;
          }
          items.push(this._pattern(c, ctx, { ...where, top: keepTop && countRng(el, nsMap) >= 1 }));
        }
        if (items.length === 1 && kind !== 'choice') {
          return items[0];
        }
        return mk(kind, { items });
      }
      case 'mixed':
        return mk('interleave', { items: [mk('text', {}), this._patternList(el, ctx, where)] });
      case 'optional':
      case 'zeroOrMore':
      case 'oneOrMore':
        return mk(kind, { body: this._patternList(el, ctx, where) });
      case 'ref':
        return mk('ref', { name: el.attrs.name, at });
      case 'text':
        return mk('text', {});
      case 'empty':
        return mk('empty', {});
      case 'notAllowed':
        return mk('notAllowed', {});
      case 'value': {
        const lib = el.attrs.type === undefined ? '' : ctx.dtl;
        const type = el.attrs.type ?? 'token';
        return mk('value', { type, lib, value: el.text, at });
      }
      case 'data': {
        const params = [];
        let except = null;
        for (const c of el.children) {
          if (!('name' in c)) {
            continue;
          }
          const k = rngName(c, childNsMap(c, nsMap));
          if (k === 'param') {
            params.push({ name: c.attrs.name, value: c.text });
          } else if (k === 'except') {
            except = this._patternList(c, ctx, where);
          } else if (k !== null) {
            throw new Error(`${at}: unsupported <${k}> in <data>`);
          }
        }
        return mk('data', { type: el.attrs.type, lib: ctx.dtl, params, except, at });
      }
      case 'list':
        return mk('list', { body: this._patternList(el, ctx, where) });
      default:
        throw new Error(`${at}: unsupported RelaxNG construct <${kind}>`);
    }
  }

  _qname(name, ctx, isElement) {
    const idx = name.indexOf(':');
    if (idx >= 0) {
      const prefix = name.slice(0, idx);
      const ns = ctx.nsMap[prefix];
      if (ns === undefined) {
        throw new Error(`${ctx.file}: undeclared prefix in ${name}`);
      }
      return { k: 'name', ns, local: name.slice(idx + 1) };
    }
    return { k: 'name', ns: isElement ? ctx.ns : ctx.ns, local: name };
  }

  _nameClass(el, ctx, isElement) {
    if (!el) {
      throw new Error(`${ctx.file}: missing name class`);
    }
    const nsMap = childNsMap(el, ctx.nsMap);
    const kind = rngName(el, nsMap);
    const ns = el.attrs.ns ?? ctx.ns;
    const exceptOf = () => {
      const ex = el.children.find((c) => 'name' in c && rngName(c, childNsMap(c, nsMap)) === 'except');
      if (!ex) {
        return null;
      }
      const items = ex.children
        .filter((c) => 'name' in c && rngName(c, childNsMap(c, nsMap)) !== null)
        .map((c) => this._nameClass(c, { ...ctx, nsMap }, isElement));
      return items;
    };
    switch (kind) {
      case 'name':
        return this._qname(el.text.trim(), { ...ctx, ns }, isElement);
      case 'anyName':
        return { k: 'anyName', except: exceptOf() };
      case 'nsName':
        return { k: 'nsName', ns, except: exceptOf() };
      case 'choice':
        return {
          k: 'choice',
          items: el.children
            .filter((c) => 'name' in c && rngName(c, childNsMap(c, nsMap)) !== null)
            .map((c) => this._nameClass(c, { ...ctx, nsMap }, isElement)),
        };
      default:
        throw new Error(`${ctx.file}:${el.line}: unsupported name class <${kind}>`);
    }
  }
}

function firstRngChild(el, nsMap) {
  return el.children.find((c) => 'name' in c && rngName(c, childNsMap(c, nsMap)) !== null);
}

function countRng(el, nsMap) {
  return el.children.filter((c) => 'name' in c && rngName(c, childNsMap(c, nsMap)) !== null).length;
}

function mk(k, props) {
  return { k, ...props };
}

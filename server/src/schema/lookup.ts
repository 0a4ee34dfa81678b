// Typed, cached access to schemas/domain.json (generated from libvirt's
// RelaxNG schemas) merged with the hand-written overlay schemas/docs.json.
//
// Pure functions, no IO: both JSON files are bundled. Indexes are built on
// first use; every resolved element caches its resolved children by the
// attribute values that can change them, so walking a large document costs a
// few map lookups per element.

import domainSchemaJson from '../../../schemas/domain.json';
import docsJson from '../../../schemas/docs.json';
import type {
  AttrDesc,
  CaseDesc,
  ChildDesc,
  ContentDesc,
  DocAttr,
  DocElement,
  DocsOverlay,
  DomainSchema,
  ElementDesc,
  SchemaSource,
  TypeDesc,
  TypeRef,
} from './types';

const schema = domainSchemaJson as unknown as DomainSchema;
const overlay = docsJson as unknown as DocsOverlay;

// ---------------------------------------------------------------------------
// public types

/** One step of an element path: the element's name (a "qemu:" style prefix is allowed) and its attributes. */
export interface PathStep {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/** A value type with named types resolved; `name` is the schema's name for it when it has one. */
export interface ValueType {
  readonly name?: string;
  readonly desc: TypeDesc;
}

export interface AttributeInfo {
  readonly name: string;
  readonly type: ValueType;
  readonly required: boolean;
  /** choosing a value selects a different content model (type='pci' vs 'usb') */
  readonly discriminator: boolean;
  readonly doc?: string;
  /** meanings of individual values */
  readonly valueDocs?: Readonly<Record<string, string>>;
  readonly default?: string;
  readonly unit?: string;
  readonly examples?: readonly string[];
  /** set when the attribute is not in upstream libvirt's schema but a vendor build accepts it */
  readonly vendor?: string;
  /** values only a vendor build accepts: value -> vendor */
  readonly vendorValues?: Readonly<Record<string, string>>;
}

interface ChildInfo {
  readonly name: string;
  readonly ns?: string;
  readonly required: boolean;
  readonly multiple: boolean;
  /** ids of the candidate element descriptions in domain.json */
  readonly ids: readonly string[];
}

export interface ResolvedElement {
  readonly name: string;
  readonly ns?: string;
  /** element description ids (more than one when the schema offers several same-named alternatives) */
  readonly ids: readonly string[];
  readonly parent: ResolvedElement | undefined;
  /** element names from the root */
  readonly path: readonly string[];
  /** discriminator values that chose the content, e.g. {type: 'pci'}; a default case shows its value */
  readonly variant: Readonly<Record<string, string>>;
  /** discriminators that were missing or had an unknown value: their cases were merged */
  readonly unresolved: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeInfo>;
  readonly children: ReadonlyMap<string, ChildInfo>;
  /** type of the text content; undefined when the element takes no text */
  readonly text: ValueType | undefined;
  readonly textRequired: boolean;
  readonly anyAttributes: boolean;
  readonly anyChildren: boolean;
  readonly doc: string | undefined;
  readonly examples: readonly string[] | undefined;
}

interface ValueProblem {
  /** short description of what is wrong, e.g. "out of range" */
  readonly problem: string;
  /** plain-language description of what is accepted */
  readonly allowed: string;
  /** the finite list of accepted values, when there is one */
  readonly values?: readonly string[];
}

// ---------------------------------------------------------------------------
// schema metadata

export function schemaSource(): SchemaSource {
  return schema.source;
}

/** Every element name the schema knows ("*" excluded). */
export function knownElementNames(): ReadonlySet<string> {
  if (!elementNamesCache) {
    elementNamesCache = new Set(
      Object.values(schema.elements)
        .map((e) => e.name)
        .filter((n) => n !== '*')
    );
  }
  return elementNamesCache;
}
let elementNamesCache: Set<string> | undefined;

// ---------------------------------------------------------------------------
// value types

const typeCache = new Map<string, ValueType>();

/** Resolve a type reference (follows alias chains of named types). */
export function resolveType(ref: TypeRef | ValueType): ValueType {
  if (typeof ref !== 'string') {
    return 'desc' in ref ? ref : { desc: ref };
  }
  let vt = typeCache.get(ref);
  if (vt) {
    return vt;
  }
  let cur: TypeRef | undefined = schema.types[ref];
  const seen = new Set<string>([ref]);
  while (typeof cur === 'string') {
    if (seen.has(cur)) {
      throw new Error(`type alias cycle at ${cur}`);
    }
    seen.add(cur);
    cur = schema.types[cur];
  }
  if (cur === undefined) {
    throw new Error(`unknown type ${ref}`);
  }
  vt = { name: ref, desc: cur };
  typeCache.set(ref, vt);
  aliasChains.set(ref, [...seen]);
  return vt;
}

/** name -> the names it is an alias of, itself first (pciBus -> [pciBus, uint8]) */
const aliasChains = new Map<string, readonly string[]>();

/** The type of an attribute's value. */
export function valueType(attr: AttributeInfo): ValueType {
  return attr.type;
}

/** All literal values a type accepts, when the type has enum members (e.g. for completion). */
export function enumValues(type: TypeRef | ValueType): readonly string[] | undefined {
  const out: string[] = [];
  const visit = (t: TypeRef): void => {
    const d = resolveType(t).desc;
    if (d.type === 'enum') {
      for (const v of d.values) {
        if (!out.includes(v)) {
          out.push(v);
        }
      }
    } else if (d.type === 'union') {
      d.of.forEach(visit);
    }
  };
  visit(resolveType(type).desc);
  return out.length ? out : undefined;
}

/** 'yes/no' or 'on/off' when the type is exactly that pair. */
export function booleanStyle(type: TypeRef | ValueType): 'yes/no' | 'on/off' | undefined {
  const d = resolveType(type).desc;
  if (d.type !== 'enum' || d.values.length !== 2) {
    return undefined;
  }
  const s = [...d.values].sort().join('/');
  if (s === 'no/yes') {
    return 'yes/no';
  }
  if (s === 'off/on') {
    return 'on/off';
  }
  return undefined;
}

const regexCache = new Map<string, RegExp>();
function regex(src: string): RegExp {
  let r = regexCache.get(src);
  if (!r) {
    r = new RegExp(src, 'u');
    regexCache.set(src, r);
  }
  return r;
}

function big(b: number | string): bigint {
  return BigInt(b);
}

function boundText(b: number | string): string {
  return String(b);
}

type Check = undefined | { problem: string };

function checkDesc(d: TypeDesc, value: string): Check {
  switch (d.type) {
    case 'text':
      return undefined;
    case 'enum':
      return d.values.includes(value) ? undefined : { problem: 'not one of the allowed values' };
    case 'int': {
      if (!/^[+-]?[0-9]+$/.test(value)) {
        return { problem: 'not an integer' };
      }
      if (d.pattern && !regex(d.pattern).test(value)) {
        return { problem: 'not written in the accepted form' };
      }
      const v = BigInt(value);
      if ((d.min !== undefined && v < big(d.min)) || (d.max !== undefined && v > big(d.max))) {
        return { problem: 'out of range' };
      }
      return undefined;
    }
    case 'decimal': {
      if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(value)) {
        return { problem: 'not a number' };
      }
      const v = Number(value);
      if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) {
        return { problem: 'out of range' };
      }
      if (d.pattern && !regex(d.pattern).test(value)) {
        return { problem: 'not written in the accepted form' };
      }
      return undefined;
    }
    case 'string': {
      const len = [...value].length;
      if (d.length !== undefined && len !== d.length) {
        return { problem: `not exactly ${d.length} characters long` };
      }
      if (d.minLength !== undefined && len < d.minLength) {
        return { problem: 'too short' };
      }
      if (d.maxLength !== undefined && len > d.maxLength) {
        return { problem: 'too long' };
      }
      if (d.pattern && !regex(d.pattern).test(value)) {
        return { problem: 'not in the expected format' };
      }
      return undefined;
    }
    case 'xsd':
      if (d.pattern && !regex(d.pattern).test(value)) {
        return { problem: 'not in the expected format' };
      }
      if (d.xsd === 'dateTime' && !/^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(value)) {
        return { problem: 'not a date and time (YYYY-MM-DDThh:mm:ss)' };
      }
      return value.trim() === '' ? { problem: 'empty' } : undefined;
    case 'union': {
      let best: Check;
      for (const m of d.of) {
        const md = resolveType(m).desc;
        const r = checkDesc(md, value);
        if (!r) {
          return undefined;
        }
        // prefer the most telling member problem: a range problem of an integer member
        if (!best || (md.type === 'int' && r.problem === 'out of range')) {
          best = r;
        }
      }
      return best?.problem === 'out of range' ? best : { problem: 'not a valid value' };
    }
  }
}

/**
 * Check a value against a type. Returns undefined when the value is accepted,
 * otherwise what is wrong and what would be accepted.
 */
export function checkValue(type: TypeRef | ValueType, value: string): ValueProblem | undefined {
  const vt = resolveType(type);
  const r = checkDesc(vt.desc, value);
  if (!r) {
    return undefined;
  }
  const values = enumValues(vt);
  const finite = vt.desc.type === 'enum' || (vt.desc.type === 'union' && vt.desc.of.every((m) => resolveType(m).desc.type === 'enum'));
  return { problem: r.problem, allowed: describeType(vt), ...(values && finite ? { values } : {}) };
}

const DESCRIBE_MAX_VALUES = 16;

/** Plain-language description of a type, for hovers and messages. */
export function describeType(type: TypeRef | ValueType): string {
  const vt = resolveType(type);
  if (vt.name) {
    for (const n of aliasChains.get(vt.name) ?? [vt.name]) {
      const text = overlay.types?.[n];
      if (text) {
        return text;
      }
    }
  }
  const d = vt.desc;
  switch (d.type) {
    case 'text':
      return 'any text';
    case 'enum': {
      if (booleanStyle(vt) === 'yes/no') {
        return "'yes' or 'no'";
      }
      if (booleanStyle(vt) === 'on/off') {
        return "'on' or 'off'";
      }
      const shown = d.values.slice(0, DESCRIBE_MAX_VALUES).map((v) => `'${v}'`);
      if (d.values.length > DESCRIBE_MAX_VALUES) {
        shown.push(`… (${d.values.length} values)`);
      }
      return d.values.length === 1 ? `exactly ${shown[0]}` : `one of ${shown.join(', ')}`;
    }
    case 'int': {
      const lo = d.min !== undefined ? boundText(d.min) : undefined;
      const hi = d.max !== undefined ? boundText(d.max) : undefined;
      if (lo !== undefined && hi !== undefined) {
        return `an integer from ${lo} to ${hi}`;
      }
      if (lo !== undefined) {
        return `an integer of at least ${lo}`;
      }
      if (hi !== undefined) {
        return `an integer of at most ${hi}`;
      }
      return 'an integer';
    }
    case 'decimal':
      return 'a number';
    case 'string': {
      const parts: string[] = [];
      if (d.pattern) {
        parts.push(`text matching ${displayPattern(d.pattern)}`);
      } else {
        parts.push('text');
      }
      if (d.maxLength !== undefined) {
        parts.push(`of at most ${d.maxLength} characters`);
      }
      if (d.minLength !== undefined) {
        parts.push(`of at least ${d.minLength} characters`);
      }
      if (d.length !== undefined) {
        parts.push(`of exactly ${d.length} characters`);
      }
      return parts.join(' ');
    }
    case 'xsd':
      return d.xsd === 'dateTime' ? 'a date and time such as 2024-01-31T12:00:00' : `an XML Schema ${d.xsd}`;
    case 'union':
      return d.of.map((m) => describeType(m)).join(', or ');
  }
}

/** The pattern as the schema wrote it (without our anchoring). */
function displayPattern(src: string): string {
  return src.startsWith('^(?:') && src.endsWith(')$') ? src.slice(4, -2) : src;
}

// ---------------------------------------------------------------------------
// docs overlay index

interface SelStep {
  readonly name: string;
  readonly preds: readonly { readonly attr: string; readonly values: readonly string[] }[];
}
interface Selector {
  readonly text: string;
  readonly steps: readonly SelStep[];
  readonly entry: DocElement;
  readonly specificity: number;
}

interface DocIndex {
  readonly byLast: Map<string, Selector[]>;
  /** element name -> attributes used in predicates on that element */
  readonly predAttrs: Map<string, Set<string>>;
}
let docIndex: DocIndex | undefined;

export function parseSelector(text: string): SelStep[] {
  const steps: SelStep[] = [];
  for (const raw of text.split('/')) {
    const m = /^([A-Za-z_*][\w.:*-]*)((?:\[[^\]]+\])*)$/.exec(raw.trim());
    if (!m) {
      throw new Error(`bad docs selector "${text}"`);
    }
    const preds: { attr: string; values: string[] }[] = [];
    for (const pm of (m[2] ?? '').matchAll(/\[([\w:-]+)=([^\]]*)\]/g)) {
      preds.push({ attr: pm[1] as string, values: (pm[2] as string).split('|') });
    }
    steps.push({ name: m[1] as string, preds });
  }
  return steps;
}

function docs(): DocIndex {
  if (docIndex) {
    return docIndex;
  }
  const byLast = new Map<string, Selector[]>();
  const predAttrs = new Map<string, Set<string>>();
  for (const [text, entry] of Object.entries(overlay.elements)) {
    const steps = parseSelector(text);
    const specificity = steps.length * 100 + steps.reduce((n, s) => n + s.preds.length, 0);
    const last = steps[steps.length - 1] as SelStep;
    let list = byLast.get(last.name);
    if (!list) {
      byLast.set(last.name, (list = []));
    }
    list.push({ text, steps, entry, specificity });
    for (const s of steps) {
      if (!s.preds.length) {
        continue;
      }
      let set = predAttrs.get(s.name);
      if (!set) {
        predAttrs.set(s.name, (set = new Set()));
      }
      for (const p of s.preds) {
        set.add(p.attr);
      }
    }
  }
  for (const list of byLast.values()) {
    list.sort((a, b) => a.specificity - b.specificity || (a.text < b.text ? -1 : 1));
  }
  docIndex = { byLast, predAttrs };
  return docIndex;
}

/** Selectors of docs.json that match an element (least specific first). */
function matchingDocs(el: Resolved): DocElement[] {
  const list = docs().byLast.get(el.name);
  if (!list) {
    return [];
  }
  return list.filter((s) => matchSteps(el, s.steps, s.steps.length - 1)).map((s) => s.entry);
}

function matchSteps(el: Resolved | undefined, steps: readonly SelStep[], last: number): boolean {
  let node = el;
  for (let i = last; i >= 0; i--) {
    const step = steps[i] as SelStep;
    if (!node || node.isDocument) {
      return false;
    }
    if (step.name !== '*' && step.name !== node.name) {
      return false;
    }
    for (const p of step.preds) {
      const v = node.variant[p.attr] ?? node.keyValues[p.attr];
      if (v === undefined || !p.values.includes(v)) {
        return false;
      }
    }
    node = node.parentInternal;
  }
  return true;
}

/** Documentation of a child element in the context of a parent (before its attributes are known). */
export function childDoc(parent: ResolvedElement, childName: string): string | undefined {
  const list = docs().byLast.get(localName(childName));
  if (!list) {
    return undefined;
  }
  let doc: string | undefined;
  for (const s of list) {
    const last = s.steps[s.steps.length - 1] as SelStep;
    if (last.preds.length) {
      continue;
    }
    if (s.steps.length === 1 || matchSteps(parent as Resolved, s.steps, s.steps.length - 2)) {
      if (s.entry.doc) {
        doc = s.entry.doc;
      }
    }
  }
  return doc;
}

// ---------------------------------------------------------------------------
// resolution

interface AttrAcc {
  type: TypeRef;
  required: boolean;
  discriminator: boolean;
}
interface ChildAcc {
  name: string;
  ns?: string;
  required: boolean;
  multiple: boolean;
  ids: string[];
}
interface Acc {
  attrs: Map<string, AttrAcc>;
  children: Map<string, ChildAcc>;
  text: TypeRef | undefined;
  textRequired: boolean;
  anyAttrs: boolean;
  variant: Record<string, string>;
  unresolved: string[];
}

function newAcc(): Acc {
  return { attrs: new Map(), children: new Map(), text: undefined, textRequired: false, anyAttrs: false, variant: {}, unresolved: [] };
}

function sameType(a: TypeRef, b: TypeRef): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function unionOf(types: TypeRef[]): TypeRef {
  const out: TypeRef[] = [];
  for (const t of types) {
    if (!out.some((o) => sameType(o, t))) {
      out.push(t);
    }
  }
  return out.length === 1 ? (out[0] as TypeRef) : { type: 'union', of: out };
}

function addAttrFirst(acc: Acc, name: string, a: AttrDesc | AttrAcc): void {
  if (acc.attrs.has(name)) {
    return;
  }
  acc.attrs.set(name, { type: a.type, required: !!a.required, discriminator: !!a.discriminator });
}

function addChild(acc: Acc, ch: ChildDesc | ChildAcc): void {
  const ids = 'ids' in ch ? ch.ids : [ch.ref];
  const prev = acc.children.get(ch.name);
  if (prev) {
    for (const id of ids) {
      if (!prev.ids.includes(id)) {
        prev.ids.push(id);
      }
    }
    prev.multiple ||= !!ch.multiple;
    return;
  }
  acc.children.set(ch.name, {
    name: ch.name,
    ...(ch.ns ? { ns: ch.ns } : {}),
    required: !!ch.required,
    multiple: !!ch.multiple,
    ids: [...ids],
  });
}

function norm(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.trim();
}

function collect(c: ContentDesc, attrs: Readonly<Record<string, string>>, acc: Acc): void {
  if (c.attrs) {
    for (const [n, a] of Object.entries(c.attrs)) {
      addAttrFirst(acc, n, a);
    }
  }
  if (c.children) {
    for (const ch of c.children) {
      addChild(acc, ch);
    }
  }
  if (c.text !== undefined) {
    acc.text = acc.text === undefined ? c.text : unionOf([acc.text, c.text]);
    if (!c.textOptional) {
      acc.textRequired = true;
    }
  }
  if (c.anyAttrs) {
    acc.anyAttrs = true;
  }
  for (const sw of c.switches ?? []) {
    const v = norm(attrs[sw.attr]);
    let cases: readonly CaseDesc[] = sw.cases.filter((k) => (v === undefined ? k.absent : k.when.includes(v)));
    if (cases.length === 1) {
      acc.variant[sw.attr] = v ?? (cases[0]?.when[0] as string);
    }
    if (!cases.length) {
      if (v === undefined && sw.optional) {
        continue;
      }
      if (!acc.unresolved.includes(sw.attr)) {
        acc.unresolved.push(sw.attr);
      }
      cases = sw.cases;
    }
    // The discriminator may also be in the content merged from an alternative without the switch
    // (<mirror>: the old form's type='file' beside the switch over every disk source type): a
    // value a matching case takes is then valid too.
    const before = v !== undefined && !acc.unresolved.includes(sw.attr) ? acc.attrs.get(sw.attr) : undefined;
    if (before) {
      const caseTypes = cases.map((k) => k.attrs?.[sw.attr]?.type).filter((t): t is TypeRef => t !== undefined);
      before.type = unionOf([before.type, ...caseTypes]);
    }
    if (cases.length === 1) {
      collect(cases[0] as ContentDesc, attrs, acc);
    } else {
      mergeUnion(
        acc,
        cases.map((k) => {
          const a = newAcc();
          collect(k, attrs, a);
          return a;
        })
      );
    }
  }
}

/** Merge alternatives: something is required only if every alternative requires it. */
function mergeUnion(acc: Acc, parts: Acc[]): void {
  const names: string[] = [];
  for (const p of parts) {
    for (const n of p.attrs.keys()) {
      if (!names.includes(n)) {
        names.push(n);
      }
    }
  }
  for (const n of names) {
    const present = parts.map((p) => p.attrs.get(n)).filter((x): x is AttrAcc => !!x);
    addAttrFirst(acc, n, {
      type: unionOf(present.map((x) => x.type)),
      required: present.length === parts.length && present.every((x) => x.required),
      discriminator: present.some((x) => x.discriminator),
    });
  }
  const childNames: string[] = [];
  for (const p of parts) {
    for (const n of p.children.keys()) {
      if (!childNames.includes(n)) {
        childNames.push(n);
      }
    }
  }
  for (const n of childNames) {
    const present = parts.map((p) => p.children.get(n)).filter((x): x is ChildAcc => !!x);
    const first = present[0] as ChildAcc;
    const ids: string[] = [];
    for (const x of present) {
      for (const id of x.ids) {
        if (!ids.includes(id)) {
          ids.push(id);
        }
      }
    }
    addChild(acc, {
      name: n,
      ...(first.ns ? { ns: first.ns } : {}),
      required: present.length === parts.length && present.every((x) => x.required),
      multiple: present.some((x) => x.multiple),
      ids,
    });
  }
  const texts = parts.map((p) => p.text).filter((t): t is TypeRef => t !== undefined);
  if (texts.length) {
    acc.text = unionOf(acc.text === undefined ? texts : [acc.text, ...texts]);
    if (texts.length === parts.length && parts.every((p) => p.textRequired)) {
      acc.textRequired = true;
    }
  }
  if (parts.some((p) => p.anyAttrs)) {
    acc.anyAttrs = true;
  }
  for (const p of parts) {
    for (const u of p.unresolved) {
      if (!acc.unresolved.includes(u)) {
        acc.unresolved.push(u);
      }
    }
  }
  const keys = new Set(parts.flatMap((p) => Object.keys(p.variant)));
  for (const k of keys) {
    const vals = new Set<string | undefined>(parts.map((p) => p.variant[k]));
    const only = [...vals][0];
    if (vals.size === 1 && only !== undefined) {
      acc.variant[k] = only;
    }
  }
}

/** Discriminator attribute names used anywhere in an element description. */
const switchAttrsCache = new Map<string, readonly string[]>();
function switchAttrs(id: string): readonly string[] {
  let r = switchAttrsCache.get(id);
  if (r) {
    return r;
  }
  const out: string[] = [];
  const visit = (c: ContentDesc): void => {
    for (const sw of c.switches ?? []) {
      if (!out.includes(sw.attr)) {
        out.push(sw.attr);
      }
      sw.cases.forEach(visit);
    }
  };
  visit(elementDesc(id));
  r = out;
  switchAttrsCache.set(id, r);
  return r;
}

function elementDesc(id: string): ElementDesc {
  const d = schema.elements[id];
  if (!d) {
    throw new Error(`domain.json has no element ${id}`);
  }
  return d;
}

/** Attributes with a fixed set of values at the top of a description, used to choose between same-named alternatives. */
const headEnumCache = new Map<string, ReadonlyMap<string, { values: readonly string[]; required: boolean }>>();
function headEnums(id: string): ReadonlyMap<string, { values: readonly string[]; required: boolean }> {
  let r = headEnumCache.get(id);
  if (r) {
    return r;
  }
  const m = new Map<string, { values: readonly string[]; required: boolean }>();
  const d = elementDesc(id);
  for (const [n, a] of Object.entries(d.attrs ?? {})) {
    const t = resolveType(a.type).desc;
    if (t.type === 'enum') {
      m.set(n, { values: t.values, required: !!a.required });
    }
  }
  r = m;
  headEnumCache.set(id, r);
  return r;
}

const allAttrsCache = new Map<string, ReadonlySet<string>>();
/** Every attribute name an element description declares, in any case of any switch. */
function allAttrNames(id: string): ReadonlySet<string> {
  let r = allAttrsCache.get(id);
  if (r) {
    return r;
  }
  const out = new Set<string>();
  const visit = (c: ContentDesc): void => {
    for (const n of Object.keys(c.attrs ?? {})) {
      out.add(n);
    }
    for (const sw of c.switches ?? []) {
      out.add(sw.attr);
      sw.cases.forEach(visit);
    }
  };
  visit(elementDesc(id));
  r = out;
  allAttrsCache.set(id, r);
  return r;
}

function candidateFits(id: string, attrs: Readonly<Record<string, string>>): boolean {
  for (const [n, e] of headEnums(id)) {
    const v = norm(attrs[n]);
    if (v === undefined) {
      if (e.required) {
        return false;
      }
    } else if (!e.values.includes(v)) {
      return false;
    }
  }
  return true;
}

const KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  qemu: 'http://libvirt.org/schemas/domain/qemu/1.0',
  lxc: 'http://libvirt.org/schemas/domain/lxc/1.0',
  bhyve: 'http://libvirt.org/schemas/domain/bhyve/1.0',
  xen: 'http://libvirt.org/schemas/domain/xen/1.0',
  vmware: 'http://libvirt.org/schemas/domain/vmware/1.0',
};

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

class Resolved implements ResolvedElement {
  readonly childCache = new Map<string, Resolved | null>();
  readonly keyAttrsByChild = new Map<string, readonly string[]>();
  readonly path: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeInfo>;
  readonly children: ReadonlyMap<string, ChildInfo>;
  readonly text: ValueType | undefined;
  readonly textRequired: boolean;
  readonly anyAttributes: boolean;
  readonly anyChildren: boolean;
  readonly variant: Readonly<Record<string, string>>;
  readonly unresolved: readonly string[];
  readonly doc: string | undefined;
  readonly examples: readonly string[] | undefined;
  readonly ns?: string;

  constructor(
    readonly name: string,
    readonly ids: readonly string[],
    readonly parentInternal: Resolved | undefined,
    /** values of the attributes this resolution depended on */
    readonly keyValues: Readonly<Record<string, string>>,
    acc: Acc,
    ns: string | undefined,
    readonly isDocument = false
  ) {
    if (ns) {
      this.ns = ns;
    }
    this.path = parentInternal && !parentInternal.isDocument ? [...parentInternal.path, name] : isDocument ? [] : [name];
    this.variant = acc.variant;
    this.unresolved = acc.unresolved;
    this.text = acc.text === undefined ? undefined : resolveType(acc.text);
    this.textRequired = acc.textRequired;
    this.anyAttributes = acc.anyAttrs;
    this.anyChildren = acc.children.has('*');
    const children = new Map<string, ChildInfo>();
    for (const [n, c] of acc.children) {
      children.set(n, c);
    }
    this.children = children;

    // docs overlay, least specific first so later entries override
    const entries = isDocument ? [] : matchingDocs(this);
    let doc: string | undefined;
    let examples: readonly string[] | undefined;
    const attrDocs = new Map<string, DocAttr>();
    for (const e of entries) {
      if (e.doc) {
        doc = e.doc;
      }
      if (e.examples) {
        examples = e.examples;
      }
      for (const [an, ad] of Object.entries(e.attrs ?? {})) {
        const prev = attrDocs.get(an);
        attrDocs.set(
          an,
          prev ? { ...prev, ...ad, values: { ...prev.values, ...ad.values }, addValues: { ...prev.addValues, ...ad.addValues } } : ad
        );
      }
    }
    this.doc = doc;
    this.examples = examples;
    const attributes = new Map<string, AttributeInfo>();
    for (const [an, a] of acc.attrs) {
      attributes.set(an, makeAttr(an, a, attrDocs.get(an)));
    }
    for (const [an, ad] of attrDocs) {
      if (!attributes.has(an) && ad.add) {
        attributes.set(an, makeAttr(an, { type: ad.add.type, required: false, discriminator: false }, ad));
      }
    }
    this.attributes = attributes;
  }

  get parent(): ResolvedElement | undefined {
    return this.parentInternal && !this.parentInternal.isDocument ? this.parentInternal : undefined;
  }
}

function makeAttr(name: string, a: AttrAcc, d: DocAttr | undefined): AttributeInfo {
  let type = resolveType(a.type);
  let vendorValues: Record<string, string> | undefined;
  if (d?.addValues && Object.keys(d.addValues).length) {
    const extra = Object.keys(d.addValues);
    vendorValues = { ...d.addValues };
    const base = type.desc;
    type =
      base.type === 'enum'
        ? { desc: { type: 'enum', values: [...base.values, ...extra.filter((v) => !base.values.includes(v))] } }
        : { desc: { type: 'union', of: [a.type, { type: 'enum', values: extra }] } };
  }
  return {
    name,
    type,
    required: a.required,
    discriminator: a.discriminator,
    ...(d?.doc ? { doc: d.doc } : {}),
    ...(d?.values && Object.keys(d.values).length ? { valueDocs: d.values } : {}),
    ...(d?.default !== undefined ? { default: d.default } : {}),
    ...(d?.unit ? { unit: d.unit } : {}),
    ...(d?.examples ? { examples: d.examples } : {}),
    ...(d?.add ? { vendor: d.add.vendor } : {}),
    ...(vendorValues ? { vendorValues } : {}),
  };
}

function resolveChild(parent: Resolved, step: PathStep): Resolved | undefined {
  const local = localName(step.name);
  let info = parent.children.get(local);
  if (!info && parent.anyChildren) {
    info = parent.children.get('*');
  }
  if (!info) {
    return undefined;
  }

  let keyAttrs = parent.keyAttrsByChild.get(local);
  if (!keyAttrs) {
    const set = new Set<string>();
    for (const id of info.ids) {
      for (const a of switchAttrs(id)) {
        set.add(a);
      }
      if (info.ids.length > 1) {
        for (const a of allAttrNames(id)) {
          set.add(a);
        }
      }
    }
    for (const a of docs().predAttrs.get(local) ?? []) {
      set.add(a);
    }
    keyAttrs = [...set].sort();
    parent.keyAttrsByChild.set(local, keyAttrs);
  }
  const prefix = step.name.includes(':') ? step.name.slice(0, step.name.indexOf(':')) : '';
  let key = `${prefix}:${local}`;
  for (const a of keyAttrs) {
    key += `\u0000${step.attrs[a] ?? '\u0001'}`;
  }
  const cached = parent.childCache.get(key);
  if (cached !== undefined) {
    return cached ?? undefined;
  }

  let ids = info.ids;
  if (ids.length > 1) {
    // namespaced alternatives (qemu:commandline vs bhyve:commandline)
    const byNs = ids.filter((id) => {
      const ns = elementDesc(id).ns;
      if (!prefix) {
        return !ns;
      }
      return ns === KNOWN_PREFIXES[prefix] || (ns !== undefined && ns.includes(`/${prefix}/`));
    });
    if (byNs.length) {
      ids = byNs;
    }
    const fitting = ids.filter((id) => candidateFits(id, step.attrs));
    if (fitting.length) {
      ids = fitting;
    }
    // prefer candidates that declare every attribute the element carries
    const stepAttrs = Object.keys(step.attrs).filter((a) => !a.startsWith('xmlns'));
    const complete = ids.filter((id) => elementDesc(id).anyAttrs || stepAttrs.every((a) => allAttrNames(id).has(a)));
    if (complete.length) {
      ids = complete;
    }
  }
  const acc = newAcc();
  if (ids.length === 1) {
    collect(elementDesc(ids[0] as string), step.attrs, acc);
  } else {
    mergeUnion(
      acc,
      ids.map((id) => {
        const a = newAcc();
        collect(elementDesc(id), step.attrs, a);
        return a;
      })
    );
  }
  const keyValues: Record<string, string> = {};
  for (const a of keyAttrs) {
    const v = step.attrs[a];
    if (v !== undefined) {
      keyValues[a] = v;
    }
  }
  const first = elementDesc(ids[0] as string);
  const res = new Resolved(first.name === '*' ? local : first.name, ids, parent, keyValues, acc, first.ns);
  if (parent.childCache.size < 512) {
    parent.childCache.set(key, res);
  }
  return res;
}

let documentNode: Resolved | undefined;
function documentRoot(): Resolved {
  if (!documentNode) {
    const acc = newAcc();
    const root = elementDesc(schema.root);
    acc.children.set(root.name, { name: root.name, required: true, multiple: false, ids: [schema.root] });
    documentNode = new Resolved('#document', [], undefined, {}, acc, undefined, true);
  }
  return documentNode;
}

/** The root element (<domain>) with the given attributes. */
export function rootElement(attrs: Readonly<Record<string, string>> = {}): ResolvedElement {
  const root = elementDesc(schema.root);
  return resolveChild(documentRoot(), { name: root.name, attrs }) as Resolved;
}

/**
 * The element at the end of a path of element names + attributes, from the
 * document element down. The first step may also be a device (<disk>,
 * <hostdev>...) or another child of <domain>, as in the files given to
 * `virsh attach-device`: it is then resolved under domain/devices (or domain).
 * Returns undefined when some step is not allowed where it is.
 */
export function elementAt(path: readonly PathStep[]): ResolvedElement | undefined {
  const first = path[0];
  if (!first) {
    return undefined;
  }
  let cur = topElement(first);
  for (let i = 1; i < path.length && cur; i++) {
    cur = resolveChild(cur, path[i] as PathStep);
  }
  return cur;
}

function topElement(step: PathStep): Resolved | undefined {
  const doc = documentRoot();
  const direct = resolveChild(doc, step);
  if (direct) {
    return direct;
  }
  const root = rootElement() as Resolved;
  const devices = resolveChild(root, { name: 'devices', attrs: {} });
  return (devices && resolveChild(devices, step)) ?? resolveChild(root, step);
}

/** The child element `step` of an already resolved element (for walking a tree top-down). */
export function childElement(parent: ResolvedElement, step: PathStep): ResolvedElement | undefined {
  return resolveChild(parent as Resolved, step);
}

export function attributesOf(el: ResolvedElement): readonly AttributeInfo[] {
  return [...el.attributes.values()];
}

export function attributeOf(el: ResolvedElement, name: string): AttributeInfo | undefined {
  return el.attributes.get(name);
}

export function childrenOf(el: ResolvedElement): readonly ChildInfo[] {
  return [...el.children.values()].filter((c) => c.name !== '*');
}

/** The vendor that alone accepts this attribute value (e.g. 'openEuler' for error_policy='retry'), if any. */
export function vendorOnlyValue(attr: AttributeInfo, value: string): string | undefined {
  return attr.vendorValues?.[value.trim()];
}

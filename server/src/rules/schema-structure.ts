/**
 * Rule family: schema — the structure of the document against libvirt's RelaxNG schema
 * (schemas/domain.json, read through schema/lookup.ts), corrected by what libvirt itself does:
 * libvirt's behaviour wins over its schema, so an error here is something libvirt refuses.
 *
 * - schema-unknown-element / schema-unknown-attribute (warning): libvirt silently ignores it.
 * - schema-invalid-value (error): libvirt cannot read the value (a word it does not know, a
 *   number that is not one or out of range).
 * - schema-missing-attribute / schema-missing-element (error): libvirt refuses the element.
 * - schema-validate-only (warning): only the schema check refuses it (virt-xml-validate,
 *   `virsh define --validate`): a value breaking one of the schema's patterns, a required
 *   attribute or element libvirt does without, a bad value libvirt ignores.
 *
 * Where the schema and libvirt part ways comes from schema-verdicts.json, written by
 * scripts/schema/probe-libvirt.mjs: every required attribute and child element, every word and
 * number met in a corpus of domains libvirt accepts was taken away or spoilt in turn and the
 * result given to libvirt. A missing piece is an error only when libvirt was seen to refuse it;
 * a bad word or number is an error unless libvirt was seen to accept it.
 *
 * Left to the families that know the domain (never reported here, so nothing is said twice):
 * PCI address numbers (pci-address-range), USB ports (usb-port-syntax), MAC addresses
 * (mac-invalid), disk target names (disk-target-invalid), the domain name (domain-name-invalid),
 * openEuler's retry attributes and values (disk-retry-*).
 *
 * Speed: verdicts depend only on the resolved schema element and the value, and are cached; the
 * walk itself costs a few map lookups per element.
 */
import { parseInteger } from '../model/build';
import type { DomainModel } from '../model/types';
import {
  checkValue,
  childElement,
  describeType,
  elementAt,
  enumValues,
  resolveType,
  schemaSource,
  vendorOnlyValue,
  type AttributeInfo,
  type PathStep,
  type ResolvedElement,
  type ValueType,
} from '../schema/lookup';
import type { Span, XmlAttribute, XmlElement } from '../syntax/tree';
import type { Code } from './codes';
import verdictsJson from './schema-verdicts.json';
import type { Finding, Fix, RuleFamily } from './types';

/** What libvirt did with a spoilt or missing piece, by problem key (see problemKey). */
interface VerdictTable {
  libvirt: string;
  verdicts: Readonly<Record<string, 'accept' | 'reject'>>;
}
const VERDICTS = (verdictsJson as unknown as VerdictTable).verdicts;

// ---------------------------------------------------------------------------
// where other families speak

/** Value types whose attributes another family checks the libvirt way. */
const OWNED_TYPES: ReadonlySet<string> = new Set([
  'usbPort', // usb-port-syntax
  'uniMacAddr', // mac-invalid, mac-multicast
  'diskTargetDev', // disk-target-invalid
]);

/** PCI address parts: libvirt reads them with base 0 (hex, octal, decimal); ranges are pci-address-range's. */
const PCI_NUMBER_TYPES: ReadonlySet<string> = new Set(['pciDomain', 'pciBus', 'pciSlot', 'pciFunc']);

/**
 * Values libvirt reads and acts on although its schema leaves them out, as element@attr=value
 * (each checked with `virsh define`, libvirt 9.0). Values of the form 'none' and 'default' are
 * found by the probe instead.
 */
const ALSO_ACCEPTED: ReadonlySet<string> = new Set([
  'filesystem@type=volume', // <filesystem type='volume'><source pool volume/>: VIR_DOMAIN_FS_TYPE_VOLUME
]);

// ---------------------------------------------------------------------------
// edit distance for did-you-mean

/** Optimal-string-alignment distance (a swap of two neighbours is one edit); stops early above `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (a === b) {
    return 0;
  }
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) {
      return max + 1;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidates nearest to `word` (ties kept), when near enough to be a typo. */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  const lower = word.toLowerCase();
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string[] = [];
  let bestD = limit + 1;
  for (const c of candidates) {
    if (c === word || c === '*') {
      continue;
    }
    // a slip of case counts as one edit whatever its length
    const d = c.toLowerCase() === lower ? 1 : editDistance(word, c, limit);
    if (d < bestD) {
      best = [c];
      bestD = d;
    } else if (d === bestD) {
      best.push(c);
    }
  }
  return bestD <= limit ? best : [];
}

// ---------------------------------------------------------------------------
// problems: what the schema says, before libvirt's verdict decides the code

export type ProblemKind = 'unknown-element' | 'unknown-attribute' | 'bad-value' | 'bad-format' | 'missing-attribute' | 'missing-element';

export interface Problem {
  kind: ProblemKind;
  /** Identifies the schema element and the piece, for the verdict table; undefined for unknown names. */
  key: string | undefined;
  el: XmlElement;
  /** Where it is reported. */
  span: Span;
  message: string;
  fixes: Fix[];
  /** For a bad value: the value as written (trimmed). */
  value?: string;
}

/** A resolved element's identity: the schema descriptions and the discriminator values that chose its content. */
export function signature(r: ResolvedElement): string {
  let s = r.ids.join('|');
  for (const k of Object.keys(r.variant).sort()) {
    s += `[${k}=${r.variant[k]}]`;
  }
  return s;
}

const sigCache = new WeakMap<ResolvedElement, string>();
function sig(r: ResolvedElement): string {
  let s = sigCache.get(r);
  if (s === undefined) {
    sigCache.set(r, (s = signature(r)));
  }
  return s;
}

function schemaName(): string {
  return `libvirt ${schemaSource().libvirt}`;
}

function quoteList(values: readonly string[], max = 12): string {
  const shown = values.slice(0, max).map((v) => `'${v}'`);
  if (values.length > max) {
    shown.push(`… (${values.length} in all)`);
  }
  return shown.join(', ');
}

/** True when every member of the type is an enum. */
function isEnumType(vt: ValueType): boolean {
  const d = vt.desc;
  return d.type === 'enum' || (d.type === 'union' && d.of.every((m) => isEnumType(resolveType(m))));
}

/** The integer member of a type (an int, or a union of an int and hexadecimal forms such as uint8). */
function intMember(vt: ValueType): { min?: bigint; max?: bigint } | undefined {
  const d = vt.desc;
  if (d.type === 'int') {
    return { ...(d.min !== undefined ? { min: BigInt(d.min) } : {}), ...(d.max !== undefined ? { max: BigInt(d.max) } : {}) };
  }
  if (d.type === 'union') {
    for (const m of d.of) {
      const r = intMember(resolveType(m));
      if (r) {
        return r;
      }
    }
  }
  return undefined;
}

function hasStringForm(vt: ValueType): boolean {
  const d = vt.desc;
  return d.type === 'string' || (d.type === 'union' && d.of.some((m) => hasStringForm(resolveType(m))));
}

/** Reads an integer as libvirt's virStrToLong with base 0 does (a leading minus allowed). */
function readInteger(raw: string): bigint | undefined {
  const s = raw.trim();
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s.replace(/^\+/, '');
  let v: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) {
    v = BigInt(body);
  } else if (/^0[0-7]*$/.test(body)) {
    v = BigInt('0o' + (body.slice(1) || '0'));
  } else if (/^[1-9][0-9]*$/.test(body)) {
    v = BigInt(body);
  }
  return v === undefined ? undefined : neg ? -v : v;
}

interface ValueVerdict {
  kind: 'bad-value' | 'bad-format';
  message: string;
  suggestions: string[];
}

/** What is wrong with `value` for type `vt`: null when the schema accepts it. */
function judgeValue(vt: ValueType, value: string, what: string): ValueVerdict | null {
  const v = value.trim();
  const problem = checkValue(vt, v);
  if (!problem) {
    return null;
  }
  const allowed = problem.allowed;
  if (isEnumType(vt)) {
    const values = problem.values ?? enumValues(vt) ?? [];
    const suggestions = nearest(v, values);
    const accepts = values.length === 0 ? allowed : values.length === 1 ? `only '${values[0]}'` : `one of ${quoteList(values)}`;
    return {
      kind: 'bad-value',
      message: `'${value}' is not a valid ${what}: libvirt accepts ${accepts}.${suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''}`,
      suggestions,
    };
  }
  const int = intMember(vt);
  if (int) {
    const decimalOnly = vt.desc.type === 'int' && !hasStringForm(vt);
    const n = decimalOnly ? (/^[+-]?[0-9]+$/.test(v) ? BigInt(v) : undefined) : readInteger(v);
    if (n === undefined) {
      return { kind: 'bad-value', message: `'${value}' is not a valid ${what}: libvirt expects ${allowed}.`, suggestions: [] };
    }
    if ((int.min !== undefined && n < int.min) || (int.max !== undefined && n > int.max)) {
      return { kind: 'bad-value', message: `${value} is out of range for ${what}: libvirt expects ${allowed}.`, suggestions: [] };
    }
    // the number is fine, only its writing breaks the schema's pattern (hex where decimal is expected...)
    return {
      kind: 'bad-format',
      message: `'${value}' is not written the way ${schemaName()}'s schema wants for ${what} (${allowed}): libvirt reads it, but virt-xml-validate and \`virsh define --validate\` reject it.`,
      suggestions: [],
    };
  }
  return {
    kind: 'bad-format',
    message: `'${value}' is not ${allowed}, as ${schemaName()}'s schema wants for ${what}: virt-xml-validate and \`virsh define --validate\` reject it; libvirt itself may accept it.`,
    suggestions: [],
  };
}

const valueCache = new WeakMap<AttributeInfo, Map<string, ValueVerdict | null>>();
const textCache = new WeakMap<ValueType, Map<string, ValueVerdict | null>>();

function cached<K extends object>(
  cache: WeakMap<K, Map<string, ValueVerdict | null>>,
  k: K,
  value: string,
  compute: () => ValueVerdict | null
) {
  let m = cache.get(k);
  if (!m) {
    cache.set(k, (m = new Map<string, ValueVerdict | null>()));
  }
  let r = m.get(value);
  if (r === undefined) {
    r = compute();
    if (m.size < 4096) {
      m.set(value, r);
    }
  }
  return r;
}

/** How an attribute's values are judged: by another family, the PCI way, or against the schema. */
type AttrMode = 'skip' | 'pci' | 'schema';
const modeCache = new WeakMap<AttributeInfo, AttrMode>();

function attrMode(info: AttributeInfo): AttrMode {
  let m = modeCache.get(info);
  if (!m) {
    const name = info.type.name;
    // openEuler's retry attributes: the disk family says what fits the flavor
    m = info.vendor !== undefined || (name && OWNED_TYPES.has(name)) ? 'skip' : name && PCI_NUMBER_TYPES.has(name) ? 'pci' : 'schema';
    modeCache.set(info, m);
  }
  return m;
}

function attrVerdict(el: ResolvedElement, info: AttributeInfo, value: string): ValueVerdict | null {
  switch (attrMode(info)) {
    case 'skip':
      return null;
    case 'pci':
      return parseInteger(value, 0) === undefined
        ? {
            kind: 'bad-value',
            message: `'${value}' is not a number: a PCI ${info.name} is written in hexadecimal such as 0x01 (or in decimal).`,
            suggestions: [],
          }
        : null;
    case 'schema':
      return cached(valueCache, info, value, () =>
        vendorOnlyValue(info, value) !== undefined ? null : judgeValue(info.type, value, `value for '${info.name}' of <${el.name}>`)
      );
  }
}

/** Per resolved element: what must be there, precomputed once. */
interface Requirements {
  attrs: AttributeInfo[];
  children: string[];
}
const requirementCache = new WeakMap<ResolvedElement, Requirements>();

function requirements(r: ResolvedElement): Requirements {
  let req = requirementCache.get(r);
  if (!req) {
    req = {
      attrs: [...r.attributes.values()].filter((a) => a.required),
      children: [...r.children.values()].filter((c) => c.required && c.name !== '*').map((c) => c.name),
    };
    requirementCache.set(r, req);
  }
  return req;
}

function placeholder(info: AttributeInfo): string {
  const values = enumValues(info.type);
  if (values?.length) {
    return values[0]!;
  }
  if (info.examples?.length) {
    return info.examples[0]!;
  }
  const int = intMember(info.type);
  if (int) {
    return String(int.min !== undefined && int.min > 0n ? int.min : 0n);
  }
  return '';
}

export function stepOf(el: XmlElement): PathStep {
  const attrs: Record<string, string> = {};
  for (const a of el.attributes) {
    attrs[a.name] = a.value ?? '';
  }
  return { name: el.name, attrs };
}

/** Namespace declarations and attributes of other vocabularies (xml:lang, xsi:...). */
function foreignAttribute(name: string): boolean {
  return name === 'xmlns' || name.includes(':');
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** The attribute's span with the blanks before it, so removing it leaves no double space. */
function withLeadingSpace(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) {
    start--;
  }
  return { start, end: span.end };
}

/**
 * The schema element of a document's root: <domain>, or a device as `virsh attach-device` takes
 * (resolved under domain/devices). undefined when the root is not libvirt's, such as GlassFish's
 * <domain> with neither a type attribute nor any child libvirt's <domain> has.
 */
export function resolveRoot(root: XmlElement): ResolvedElement | undefined {
  const r = elementAt([stepOf(root)]);
  if (!r) {
    return undefined;
  }
  if (root.name === 'domain' && !root.attributes.some((a) => a.name === 'type') && !root.children.some((c) => r.children.has(c.name))) {
    return undefined;
  }
  return r;
}

/** Visits every element the schema knows, top-down, with its resolved schema element. */
export function walkSchema(root: XmlElement, visit: (el: XmlElement, r: ResolvedElement) => void): void {
  const r = resolveRoot(root);
  if (!r) {
    return;
  }
  const stack: [XmlElement, ResolvedElement][] = [[root, r]];
  while (stack.length > 0) {
    const [el, er] = stack.pop()!;
    visit(el, er);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      const cr = childElement(er, stepOf(c));
      if (cr) {
        stack.push([c, cr]);
      }
    }
  }
}

/**
 * What is known of an element signature (name and attributes, values included) under a parent:
 * its schema element, and whether its attributes were all found right. Elements repeat a lot in a
 * large domain (every NIC has the same <model type='virtio'/>), so most are looked at once.
 */
interface Seen {
  r: ResolvedElement | undefined;
  /** true once the attributes of this signature were checked and found right */
  clean: boolean;
}
/** Signatures seen under one parent for one element name; dropped when they do not repeat (<mac>, <uuid>). */
interface NameMemo {
  sigs: Map<string, Seen> | undefined;
  hits: number;
  misses: number;
}
const memoByParent = new WeakMap<ResolvedElement, Map<string, NameMemo>>();
const MEMO_LIMIT = 4096;

function elementSignature(el: XmlElement): string {
  let s = el.name;
  for (const a of el.attributes) {
    s += `\u0000${a.name}\u0000${a.value ?? '\u0001'}`;
  }
  return s;
}

function seenChild(parent: ResolvedElement, el: XmlElement): Seen {
  let byName = memoByParent.get(parent);
  if (!byName) {
    memoByParent.set(parent, (byName = new Map<string, NameMemo>()));
  }
  let nm = byName.get(el.name);
  if (!nm) {
    byName.set(el.name, (nm = { sigs: new Map(), hits: 0, misses: 0 }));
  }
  if (!nm.sigs) {
    return { r: childElement(parent, stepOf(el)), clean: false };
  }
  const key = elementSignature(el);
  let e = nm.sigs.get(key);
  if (e) {
    nm.hits++;
    return e;
  }
  nm.misses++;
  e = { r: childElement(parent, stepOf(el)), clean: false };
  if (nm.sigs.size >= MEMO_LIMIT || (nm.misses > 64 && nm.misses > 4 * nm.hits)) {
    nm.sigs = undefined; // every one is different: memoizing costs more than it saves
  } else {
    nm.sigs.set(key, e);
  }
  return e;
}

/** Everything the schema finds wrong in the document (before libvirt's verdicts pick the codes). */
export function schemaProblems(root: XmlElement, text: string): Problem[] {
  const out: Problem[] = [];
  const r = resolveRoot(root);
  if (!r) {
    return out;
  }
  const els: XmlElement[] = [root];
  const seen: Seen[] = [{ r, clean: false }];
  while (els.length > 0) {
    const el = els.pop()!;
    const s = seen.pop()!;
    const er = s.r!;
    if (er.unresolved.length > 0 && beyondSchema(el, er)) {
      continue; // content libvirt knows and its schema does not: nothing to say about it
    }
    if (!s.clean) {
      const before = out.length;
      attributeProblems(el, er, text, out);
      missingAttributes(el, er, out);
      s.clean = out.length === before;
    }
    missingChildren(el, er, out);
    textProblems(el, er, out);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      const cs = seenChild(er, c);
      if (cs.r) {
        els.push(c);
        seen.push(cs);
      } else if (!er.anyChildren) {
        out.push(unknownElement(c, er));
      }
    }
  }
  return out;
}

/** An element whose content is chosen by a value libvirt accepts beyond its schema (<filesystem type='volume'>). */
function beyondSchema(el: XmlElement, r: ResolvedElement): boolean {
  return el.attributes.some((a) => r.unresolved.includes(a.name) && ALSO_ACCEPTED.has(`${el.name}@${a.name}=${(a.value ?? '').trim()}`));
}

function valueFixes(v: ValueVerdict, span: Span, quote: string): Fix[] {
  return v.suggestions.slice(0, 3).map((s) => ({
    title: `Change to '${s}'`,
    edits: [{ span, newText: `${quote}${s}${quote}` }],
    preferred: v.suggestions.length === 1,
  }));
}

function attributeProblems(el: XmlElement, r: ResolvedElement, text: string, out: Problem[]): void {
  let candidates: string[] | undefined;
  for (const a of el.attributes) {
    if (foreignAttribute(a.name)) {
      continue;
    }
    const info = r.attributes.get(a.name);
    if (!info) {
      if (!r.anyAttributes) {
        candidates ??= absentAttributes(el, r);
        out.push(unknownAttribute(el, a, candidates, text));
      }
      continue;
    }
    if (a.value === undefined) {
      continue; // a syntax error already
    }
    const v = attrVerdict(r, info, a.value);
    if (v) {
      const span = a.valueSpan ?? a.span;
      const q = text[span.start] === '"' ? '"' : "'";
      if (v.kind === 'bad-value' && ALSO_ACCEPTED.has(`${el.name}@${a.name}=${a.value.trim()}`)) {
        continue;
      }
      out.push({
        kind: v.kind,
        key: `${sig(r)}@${a.name}=`,
        el,
        span,
        message: v.message,
        fixes: valueFixes(v, span, q),
        value: a.value.trim(),
      });
    }
  }
}

function textProblems(el: XmlElement, r: ResolvedElement, out: Problem[]): void {
  if (!r.text || el.children.length > 0 || !el.textSpan) {
    return;
  }
  if (r.name === 'name' && r.parent?.name === 'domain') {
    return; // domain-name-invalid
  }
  const value = el.text.trim();
  const v = cached(textCache, r.text, value, () => judgeValue(r.text!, value, `content of <${r.name}>`));
  if (v) {
    out.push({
      kind: v.kind,
      key: `${sig(r)}#text=`,
      el,
      span: el.textSpan,
      message: v.message,
      fixes: valueFixes(v, el.textSpan, ''),
      value,
    });
  }
}

function missingAttributes(el: XmlElement, r: ResolvedElement, out: Problem[]): void {
  const req = requirements(r);
  for (const info of req.attrs) {
    if (el.attributes.some((a) => a.name === info.name)) {
      continue;
    }
    const value = placeholder(info);
    const last = el.attributes[el.attributes.length - 1];
    const at = last ? last.span.end : el.nameSpan.end;
    const values = enumValues(info.type);
    const what = values ? (values.length === 1 ? `'${values[0]}'` : `one of ${quoteList(values)}`) : describeType(info.type);
    out.push({
      kind: 'missing-attribute',
      key: `${sig(r)}@${info.name}`,
      el,
      span: el.nameSpan,
      message: `<${el.name}> needs the attribute '${info.name}' (${what})`,
      fixes: [
        {
          title: `Add ${info.name}='${value}'`,
          edits: [{ span: { start: at, end: at }, newText: ` ${info.name}='${value}'` }],
          // a guess is not applied by "fix all" unless there is nothing to choose
          preferred: values?.length === 1,
        },
      ],
    });
  }
}

function missingChildren(el: XmlElement, r: ResolvedElement, out: Problem[]): void {
  const req = requirements(r);
  if (req.children.length === 0 || (!el.wellFormed && el.children.length === 0)) {
    return; // nothing required, or still being typed
  }
  for (const name of req.children) {
    if (el.children.some((c) => localName(c.name) === name) || (name === 'name' && r.name === 'domain')) {
      continue; // present, or domain-name-invalid's
    }
    out.push({
      kind: 'missing-element',
      key: `${sig(r)}/${name}`,
      el,
      span: el.nameSpan,
      message: `<${el.name}> needs a <${name}> element`,
      fixes: [],
    });
  }
}

/** The schema's attributes of an element that it does not carry yet: what a misspelt name may have meant. */
function absentAttributes(el: XmlElement, r: ResolvedElement): string[] {
  const present = new Set(el.attributes.map((x) => x.name));
  return [...r.attributes.keys()].filter((n) => !present.has(n));
}

function unknownAttribute(el: XmlElement, a: XmlAttribute, candidates: string[], text: string): Problem {
  const near = nearest(a.name, candidates);
  const fixes: Fix[] = near
    .slice(0, 3)
    .map((n) => ({ title: `Change to '${n}'`, edits: [{ span: a.nameSpan, newText: n }], preferred: near.length === 1 }));
  fixes.push({ title: `Remove attribute '${a.name}'`, edits: [{ span: withLeadingSpace(text, a.span), newText: '' }] });
  return {
    kind: 'unknown-attribute',
    key: undefined,
    el,
    span: a.nameSpan,
    message:
      `<${el.name}> has no attribute '${a.name}' in ${schemaName()}'s schema: libvirt silently ignores it.` +
      (near.length ? ` Did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : ''),
    fixes,
  };
}

function unknownElement(el: XmlElement, parent: ResolvedElement): Problem {
  const near = nearest(el.name, [...parent.children.keys()]);
  const fixes: Fix[] = near.slice(0, 3).map((n) => ({
    title: `Change to <${n}>`,
    edits: [{ span: el.nameSpan, newText: n }, ...(el.closeNameSpan ? [{ span: el.closeNameSpan, newText: n }] : [])],
    preferred: near.length === 1,
  }));
  return {
    kind: 'unknown-element',
    key: undefined,
    el,
    span: el.nameSpan,
    message:
      `<${el.name}> is not an element of <${parent.name}> in ${schemaName()}'s schema: libvirt silently ignores it.` +
      (near.length ? ` Did you mean ${near.map((n) => `<${n}>`).join(' or ')}?` : ''),
    fixes,
  };
}

// ---------------------------------------------------------------------------
// problems -> findings, with libvirt's verdicts

function toFinding(p: Problem): Finding {
  const verdict = p.key === undefined ? undefined : ((p.value !== undefined ? VERDICTS[p.key + p.value] : undefined) ?? VERDICTS[p.key]);
  let code: Code;
  let message = p.message;
  switch (p.kind) {
    case 'unknown-element':
      code = 'schema-unknown-element';
      break;
    case 'unknown-attribute':
      code = 'schema-unknown-attribute';
      break;
    case 'bad-format':
      code = 'schema-validate-only';
      break;
    case 'bad-value':
      if (verdict === 'accept') {
        code = 'schema-validate-only';
        message += ` libvirt ignores such a value instead of refusing it, but virt-xml-validate and \`virsh define --validate\` reject it.`;
      } else {
        code = 'schema-invalid-value';
      }
      break;
    case 'missing-attribute':
    case 'missing-element':
      if (verdict === 'reject') {
        code = p.kind === 'missing-attribute' ? 'schema-missing-attribute' : 'schema-missing-element';
        message +=
          p.kind === 'missing-attribute' ? ': libvirt refuses the element without it.' : ': libvirt refuses the element without one.';
      } else {
        code = 'schema-validate-only';
        message += `, says ${schemaName()}'s schema: virt-xml-validate and \`virsh define --validate\` reject it${verdict === 'accept' ? ', though libvirt itself does without' : ''}.`;
      }
      break;
  }
  return { code, message, span: p.span, ...(p.fixes.length ? { fixes: p.fixes } : {}) };
}

export function checkStructure(model: DomainModel): Finding[] {
  return schemaProblems(model.root, model.doc.text).map(toFinding);
}

export const schemaRules: RuleFamily = {
  id: 'schema',
  check(model) {
    return checkStructure(model);
  },
};

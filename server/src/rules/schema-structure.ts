/**
 * Rule family: schema — the structure of the document against libvirt's RelaxNG schema
 * (schemas/domain.json, read through schema/lookup.ts), corrected by what libvirt itself does:
 * libvirt's behaviour wins over its schema, so an error here is something libvirt refuses.
 *
 * - schema-unknown-element / schema-unknown-attribute (warning): libvirt silently ignores it.
 * - schema-unknown-feature (error): an unknown child of <features> or of its <hyperv>, <kvm>, <xen>
 *   and <capabilities> groups (or of <hyperv><stimer>), which libvirt refuses instead of ignoring.
 * - schema-invalid-value (error): libvirt cannot read the value (a word it does not know, a
 *   number that is not one or out of range).
 * - schema-missing-attribute / schema-missing-element (error): libvirt refuses the element.
 * - schema-validate-only (warning): only the schema check refuses it (virt-xml-validate,
 *   `virsh define --validate`): a value breaking one of the schema's patterns, a required
 *   attribute or element libvirt does without, a bad value libvirt ignores.
 *
 * Attribute values and element text are judged by schema/judge.ts, the one judge of values
 * (hover shows the same verdict). This file walks the document, finds unknown and missing pieces,
 * and turns the judge's verdicts into findings with fixes.
 *
 * Where the schema and libvirt part ways comes from schema/schema-verdicts.json, written by
 * scripts/schema/probe-libvirt.mjs: every required attribute and child element, every word and
 * number met in a corpus of domains libvirt accepts was taken away or spoilt in turn and the
 * result given to libvirt. A missing piece is an error only when libvirt was seen to refuse it;
 * a bad word or number is an error unless libvirt was seen to accept it.
 *
 * Left to the families that know the domain (never reported here, so nothing is said twice):
 * PCI address numbers (pci-address-range), USB ports (usb-port-syntax), MAC addresses
 * (mac-invalid), disk target names (disk-target-invalid), the domain name (domain-name-invalid),
 * openEuler's retry attributes and values (disk-retry-*), qxl's memory attributes on other video
 * models (video-qxl-attribute), rawio and sgio on disks that are not LUNs (disk-option-device).
 *
 * Speed: verdicts depend only on the resolved schema element and the value, and are cached; the
 * walk itself costs a few map lookups per element.
 */
import type { DomainModel } from '../model/types';
import {
  beyondSchema,
  cachedSignature,
  foreignAttribute,
  intMember,
  judgeAttributeValue,
  judgeTextValue,
  libvirtVerdict,
  quoteList,
  schemaName,
  type ValueRejected,
} from '../schema/judge';
import { childElement, describeType, enumValues, type AttributeInfo, type ResolvedElement } from '../schema/lookup';
import { nearest } from '../schema/nearest';
import { resolveRoot, stepOf } from '../schema/walk';
import type { Span, XmlAttribute, XmlElement } from '../syntax/tree';
import type { Code } from './codes';
import type { DeviceMemo, Finding, Fix, RuleFamily } from './types';

// ---------------------------------------------------------------------------
// problems: what the schema says, before libvirt's verdict decides the code

type ProblemKind = 'unknown-element' | 'unknown-attribute' | 'bad-value' | 'bad-format' | 'missing-attribute' | 'missing-element';

interface Problem {
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
  /** For a bad value: the value judge's verdict (schema/judge.ts), libvirt's leniencies included. */
  status?: 'error' | 'validate-only';
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
  if (r) {
    walk(root, { r, clean: false }, text, out, undefined);
  }
  return out;
}

/**
 * The devices of a domain, checked one by one (each device's problems depend on nothing but its
 * own subtree, below the schema's <devices>): `each` is given the element of <devices>' schema
 * and each device, and says what the device's findings are.
 */
type DeviceVisit = { devices: XmlElement; each: (er: ResolvedElement, c: XmlElement) => void };

/** The problems of `start`'s subtree in document order (depth first). */
function walk(start: XmlElement, first: Seen, text: string, out: Problem[], visit: DeviceVisit | undefined): void {
  const els: XmlElement[] = [start];
  const seen: Seen[] = [first];
  while (els.length > 0) {
    const el = els.pop()!;
    const s = seen.pop()!;
    const er = s.r!;
    if (beyondSchema(el, er)) {
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
    if (visit && el === visit.devices) {
      for (const c of el.children) {
        visit.each(er, c);
      }
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      const cs = seenChild(er, c);
      if (cs.r) {
        els.push(c);
        seen.push(cs);
      } else if (!er.anyChildren && !OWNED_ELEMENTS.has(`${el.name}/${c.name}`)) {
        out.push(unknownElement(c, er));
      }
    }
  }
}

function valueFixes(v: ValueRejected, span: Span, quote: string): Fix[] {
  return v.suggestions.slice(0, 3).map((s) => ({
    title: `Change to '${s}'`,
    edits: [{ span, newText: `${quote}${s}${quote}` }],
    preferred: v.suggestions.length === 1,
  }));
}

/**
 * Attributes the schema allows only in some variants (a model, a device type) that libvirt reads
 * in all and refuses itself where they do not belong: another family says so (parent/element@attr).
 */
const OWNED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'video/model@ram', // video-qxl-attribute
  'video/model@vram64',
  'video/model@vgamem',
  'devices/disk@rawio', // disk-option-device
  'devices/disk@sgio',
  'devices/hostdev@sgio', // hostdev-attribute-type
  'devices/hostdev@rawio',
  'devices/hostdev@model',
  'clock/timer@tickpolicy', // timer-attribute-unsupported (the schema has each only on some timers)
  'clock/timer@frequency',
  'clock/timer@mode',
  'clock/timer@track',
]);

/** Elements the schema allows only in some variants that libvirt reads in all: another family judges them (parent/element). */
const OWNED_ELEMENTS: ReadonlySet<string> = new Set([
  'timer/catchup', // timer-attribute-unsupported
]);

function attributeProblems(el: XmlElement, r: ResolvedElement, text: string, out: Problem[]): void {
  let candidates: string[] | undefined;
  for (const a of el.attributes) {
    if (foreignAttribute(a.name)) {
      continue;
    }
    const info = r.attributes.get(a.name);
    if (!info) {
      if (!r.anyAttributes && !OWNED_ATTRIBUTES.has(`${el.parent?.name}/${el.name}@${a.name}`)) {
        candidates ??= absentAttributes(el, r);
        out.push(unknownAttribute(el, a, candidates, text));
      }
      continue;
    }
    if (a.value === undefined) {
      continue; // a syntax error already
    }
    const v = judgeAttributeValue(r, info, a.value, el);
    if (v.status !== 'ok') {
      const span = a.valueSpan ?? a.span;
      const q = text[span.start] === '"' ? '"' : "'";
      out.push(valueProblem(v, el, span, valueFixes(v, span, q)));
    }
  }
}

function valueProblem(v: ValueRejected, el: XmlElement, span: Span, fixes: Fix[]): Problem {
  return { kind: v.kind, key: v.key, el, span, message: v.message, fixes, value: v.value, status: v.status };
}

function textProblems(el: XmlElement, r: ResolvedElement, out: Problem[]): void {
  if (!r.text || el.children.length > 0 || !el.textSpan) {
    return;
  }
  const v = judgeTextValue(r, el.text);
  if (v.status !== 'ok') {
    out.push(valueProblem(v, el, el.textSpan, valueFixes(v, el.textSpan, '')));
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
      key: `${cachedSignature(r)}@${info.name}`,
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
      key: `${cachedSignature(r)}/${name}`,
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

/**
 * Where libvirt reads every child element as a name it must know, and refuses the domain over one
 * it does not ("unexpected feature 'acpii'", "unsupported HyperV Enlightenment feature: relaxedd",
 * "unsupported KVM feature", "unsupported Xen feature", "unsupported Hyper-V stimer feature: foo",
 * "unexpected capability feature 'bogus'": libvirt 9.0), instead of ignoring it.
 */
function strictParent(el: XmlElement): boolean {
  const p = el.parent;
  return (
    (p?.name === 'features' && p.parent?.name === 'domain') ||
    ((p?.name === 'hyperv' || p?.name === 'kvm' || p?.name === 'xen' || p?.name === 'capabilities') && p.parent?.name === 'features') ||
    (p?.name === 'stimer' && p.parent?.name === 'hyperv')
  );
}

function unknownElement(el: XmlElement, parent: ResolvedElement): Problem {
  const near = nearest(el.name, [...parent.children.keys()]);
  const strict = strictParent(el);
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
      `<${el.name}> is not an element of <${parent.name}> in ${schemaName()}'s schema: ` +
      (strict ? `libvirt knows no such feature and refuses the domain.` : `libvirt silently ignores it.`) +
      (near.length ? ` Did you mean ${near.map((n) => `<${n}>`).join(' or ')}?` : ''),
    fixes,
    ...(strict ? { status: 'error' as const } : {}),
  };
}

// ---------------------------------------------------------------------------
// problems -> findings, with libvirt's verdicts

function toFinding(p: Problem): Finding {
  let code: Code;
  let message = p.message;
  switch (p.kind) {
    case 'unknown-element':
      code = p.status === 'error' ? 'schema-unknown-feature' : 'schema-unknown-element';
      break;
    case 'unknown-attribute':
      code = 'schema-unknown-attribute';
      break;
    case 'bad-format':
    case 'bad-value':
      // the value judge (schema/judge.ts) has already taken libvirt's verdict into account
      code = p.status === 'error' ? 'schema-invalid-value' : 'schema-validate-only';
      break;
    case 'missing-attribute':
    case 'missing-element': {
      const verdict = p.key === undefined ? undefined : libvirtVerdict(p.key);
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
  }
  return { code, message, span: p.span, ...(p.fixes.length ? { fixes: p.fixes } : {}) };
}

/**
 * The schema findings of a document. A domain's devices are checked one at a time, and a device
 * whose findings `memo` still holds from an earlier version (rules/types.ts DeviceMemo) is not
 * looked at again.
 */
export function checkStructure(model: DomainModel, memo?: DeviceMemo): Finding[] {
  const text = model.doc.text;
  const r = resolveRoot(model.root);
  if (!r) {
    return [];
  }
  const devices = model.kind === 'domain' ? model.devices[0]?.el.parent : undefined;
  const out: Problem[] = [];
  if (!devices) {
    walk(model.root, { r, clean: false }, text, out, undefined);
    return out.map(toFinding);
  }
  const findings: Finding[] = [];
  const each = (er: ResolvedElement, c: XmlElement): void => {
    let found = memo?.reuse(schemaRules.id, c);
    if (!found) {
      const problems: Problem[] = [];
      const cs = seenChild(er, c);
      if (cs.r) {
        walk(c, cs, text, problems, undefined);
      } else if (!er.anyChildren) {
        problems.push(unknownElement(c, er));
      }
      found = problems.map(toFinding);
      memo?.keep(schemaRules.id, c, found);
    }
    for (const f of found) {
      findings.push(f);
    }
  };
  walk(model.root, { r, clean: false }, text, out, { devices, each });
  return [...out.map(toFinding), ...findings];
}

export const schemaRules: RuleFamily = {
  id: 'schema',
  check(model, ctx) {
    return checkStructure(model, ctx.memo);
  },
};

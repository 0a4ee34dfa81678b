/**
 * analyze(text) -> syntax tree, domain model and findings with their severities.
 * The unit the language server caches per document version and the CLI runs per file.
 */
import type { HostProfile } from './host/profile';
import { carryTallies } from './model/allocate';
import { buildModel, copyModel, withDevice } from './model/build';
import type { DomainModel } from './model/types';
import { CODES, codeInfo, type Code } from './rules/codes';
import { fixesUnbuilt } from './rules/edits';
import { RULE_FAMILIES } from './rules/index';
import { applySuppressions, isAcrossCode, parseSuppressions, unusedSuppressions, type Suppression } from './rules/suppress';
import type { DeviceMemo, Finding, Fix, Flavor, RuleFamily, Severity } from './rules/types';
import { parseXml } from './syntax/parse';
import { changeOf, spliceEdit } from './syntax/splice';
import { child, contains, elementAt, forEachElement, type Span, type XmlDocument, type XmlElement } from './syntax/tree';

export type SeveritySetting = Severity | 'off';

export interface AnalysisOptions {
  /** Resolved flavor; undefined = unknown (retry policy gets an information note). */
  flavor?: Flavor;
  /** Machine type for fragments and domains without <os><type machine>. */
  machine?: string;
  /** Per-code severity overrides. Unknown codes are ignored. */
  severity?: Readonly<Record<string, SeveritySetting>>;
  /** The libvirt release the file is for ("9.0.0"); undefined: the bundled schema's, nothing newer to report. */
  targetVersion?: string;
  /** The host the document is judged against (libvirt.hostAware, --connect, --host-snapshot); host checks are skipped without one. */
  host?: HostProfile;
  /** Extra rule families (schema checks plug in here). */
  extraFamilies?: readonly RuleFamily[];
}

export interface ReportedFinding extends Finding {
  severity: Severity;
}

export interface Analysis {
  doc: XmlDocument;
  /** undefined when the document is not libvirt domain XML (its root is neither <domain> nor a device). */
  model: DomainModel | undefined;
  findings: ReportedFinding[];
  /** Rule families that threw; the server logs these. Never shown as findings. */
  internalErrors: { family: string; error: unknown }[];
  /** The libvirt-lint-disable comments; those naming codes reported over several domains are settled by withAcross(). */
  suppressions: Suppression[];
  /** The severity settings the findings were reported with. */
  severity: Readonly<Record<string, SeveritySetting>>;
  /** What the analysis of a later version may reuse (reanalyze); undefined when nothing. */
  reuse?: Reuse;
}

/** Syntax errors listed one by one; the rest are summed up in one finding. */
const MAX_SYNTAX_FINDINGS = 100;

/** Past this many syntax errors the whole document counts as damaged. */
const MAX_LOCAL_ERRORS = 200;

/** Regions where a syntax error makes the tree unreliable (findings there are held back). */
export function damagedSpans(doc: XmlDocument): Span[] {
  if (doc.errors.length > MAX_LOCAL_ERRORS) {
    return [{ start: 0, end: doc.text.length }];
  }
  const spans: Span[] = [];
  forEachElement(doc.root, (el) => {
    if (!el.wellFormed) {
      spans.push(el.span);
    }
  });
  for (const e of doc.errors) {
    const el = elementAt(doc.root, e.span.start);
    if (el) {
      spans.push(el.span);
    }
  }
  return spans;
}

export function analyze(text: string, opts: AnalysisOptions = {}): Analysis {
  const doc = parseXml(text);
  const model = buildModel(doc, { machine: opts.machine });
  if (!model) {
    return { doc, model, findings: [], internalErrors: [], suppressions: [], severity: opts.severity ?? {} };
  }
  return withFindings(doc, model, opts, new Memo(undefined, undefined));
}

/** What the rules found in a text, before severities and suppressions (attach.ts maps these between documents). */
interface RawAnalysis {
  doc: XmlDocument;
  model: DomainModel | undefined;
  raw: Finding[];
  internalErrors: Analysis['internalErrors'];
}

export function rawAnalysis(text: string, opts: AnalysisOptions = {}): RawAnalysis {
  const doc = parseXml(text);
  const model = buildModel(doc, { machine: opts.machine });
  if (!model) {
    return { doc, model, raw: [], internalErrors: [] };
  }
  return { doc, model, ...rawFindings(doc, model, opts, undefined) };
}

/** Every rule family run over a document's model (device-local results kept in `memo` when given). */
function rawFindings(
  doc: XmlDocument,
  model: DomainModel,
  opts: AnalysisOptions,
  memo: Memo | undefined
): Pick<RawAnalysis, 'raw' | 'internalErrors'> {
  const internalErrors: Analysis['internalErrors'] = [];
  const raw: Finding[] = doc.errors.slice(0, MAX_SYNTAX_FINDINGS).map((e) => ({ code: 'xml-syntax', message: e.message, span: e.span }));
  if (doc.errors.length > MAX_SYNTAX_FINDINGS) {
    const rest = doc.errors.length - MAX_SYNTAX_FINDINGS;
    const last = doc.errors[MAX_SYNTAX_FINDINGS]!;
    raw.push({
      code: 'xml-syntax',
      message: `${rest} more syntax error${rest === 1 ? '' : 's'} after this point are not listed.`,
      span: last.span,
    });
  }
  const damaged = doc.errors.length > 0 ? damagedSpans(doc) : [];
  const families = [...RULE_FAMILIES, ...(opts.extraFamilies ?? [])];
  const memoOf = memo && model.kind === 'domain' ? memo : undefined;
  for (const family of families) {
    let found: Finding[];
    try {
      found = family.check(model, {
        flavor: opts.flavor,
        ...(opts.targetVersion ? { targetVersion: opts.targetVersion } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        ...(memoOf ? { memo: memoOf } : {}),
      });
    } catch (error) {
      internalErrors.push({ family: family.id, error });
      continue;
    }
    for (const f of found) {
      if (damaged.length > 0 && (codeInfo(f.code).absence || damaged.some((d) => contains(d, f.span)))) {
        continue;
      }
      raw.push(f);
    }
  }
  return { raw, internalErrors };
}

/** The findings of a document's model: every rule family run, then suppressions and severities; what the next version can reuse. */
function withFindings(doc: XmlDocument, model: DomainModel, opts: AnalysisOptions, memo: Memo): Analysis {
  const { raw, internalErrors } = rawFindings(doc, model, opts, memo);
  const analysis = finishAnalysis(doc, model, raw, internalErrors, opts.severity ?? {});
  const devices = model.kind === 'domain' ? child(model.root, 'devices') : undefined;
  if (devices && internalErrors.length === 0 && memo.kept <= MEMO_CAP && devices.children.length === model.devices.length) {
    analysis.reuse = { opts, store: memo.next, facts: memo.nextFacts, devices, kids: devices.children, dirty: undefined };
  }
  return analysis;
}

/** The analysis of a document from its raw findings: suppressions, unused suppressions and severities applied. */
export function finishAnalysis(
  doc: XmlDocument,
  model: DomainModel | undefined,
  raw: readonly Finding[],
  internalErrors: Analysis['internalErrors'],
  severity: Readonly<Record<string, SeveritySetting>>
): Analysis {
  if (!model) {
    return { doc, model, findings: [], internalErrors, suppressions: [], severity };
  }
  const suppressions = parseSuppressions(doc);
  const findings = applySuppressions(suppressions, withoutSchemaEchoes(withSeverity(raw, severity), doc.root));
  const unused = unusedSuppressions(doc.text, suppressions, (code) => isAcrossCode(code) || severity[code] === 'off');
  findings.push(...withSeverity(unused, severity));
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { doc, model, findings, internalErrors, suppressions, severity };
}

// ---------------------------------------------------------------------------------------------
// Incremental analysis: an edit inside one device of a domain

/** What an analysis leaves for the next version's (reanalyze). */
interface Reuse {
  opts: AnalysisOptions;
  /** Per rule family, the findings of each device that has any (spans relative to the device's start). */
  store: MemoStore;
  /** Per key, what the families worked out of each device alone (DeviceMemo.fact). */
  facts: FactStore;
  /** The domain's <devices> and its children when analysed. */
  devices: XmlElement;
  kids: readonly XmlElement[];
  /** What the edits spliced into the tree since (spliceAnalysis) have touched, in the current text's offsets. */
  dirty: Span | undefined;
}

/** A device's findings with spans relative to its start; null when they point outside it or cannot move. */
type Kept = Finding[] | null;
type MemoStore = Map<string, Map<XmlElement, Kept>>;
type FactStore = Map<string, Map<XmlElement, unknown>>;

const NONE: readonly Finding[] = Object.freeze([]);

/**
 * At most this many per-device findings are kept for the next version: a pathological document
 * (the fuzz suite's 10 MB domain has ~68,700 findings) is analysed whole at every edit rather
 * than holding a second copy of its findings.
 */
const MEMO_CAP = 20_000;

function moved(sp: Span, d: number): Span {
  return { start: sp.start + d, end: sp.end + d };
}

/** A finding with every span moved by d (fixes that claim a resource cannot be moved: undefined). */
function movedFinding(f: Finding, d: number, within?: Span): Finding | undefined {
  const inside = (sp: Span): boolean => !within || (within.start <= sp.start && sp.end <= within.end);
  if (!inside(f.span)) {
    return undefined;
  }
  const out: Finding = { code: f.code, message: f.message, span: moved(f.span, d) };
  if (f.related) {
    const related: NonNullable<Finding['related']> = [];
    for (const r of f.related) {
      if (r.member !== undefined || !inside(r.span)) {
        return undefined;
      }
      related.push({ message: r.message, span: moved(r.span, d) });
    }
    out.related = related;
  }
  if (fixesUnbuilt(f.fixes)) {
    return undefined; // fixes that claim a resource (claimingFix), not built yet: never kept
  }
  if (f.fixes) {
    const fixes: Fix[] = [];
    for (const x of f.fixes) {
      if (x.claim || !x.edits.every((e) => inside(e.span))) {
        return undefined;
      }
      fixes.push({
        title: x.title,
        edits: x.edits.map((e) => ({ span: moved(e.span, d), newText: e.newText })),
        ...(x.preferred !== undefined ? { preferred: x.preferred } : {}),
      });
    }
    out.fixes = fixes;
  }
  return out;
}

/**
 * The DeviceMemo the rule families see: findings of the previous version's devices (all but the
 * edited one, `dirty`), moved to where the device is now; what the families find is kept for the
 * next version in `next`.
 */
class Memo implements DeviceMemo {
  readonly next: MemoStore = new Map();
  /** Findings kept; past MEMO_CAP nothing more is kept and the analysis leaves nothing to reuse. */
  kept = 0;
  constructor(
    private readonly prev: MemoStore | undefined,
    private readonly dirty: XmlElement | undefined,
    /** The edited device's element in the previous version, when the splice replaced it. */
    private readonly replaced?: XmlElement,
    /** The previous version's facts: taken over (the previous analysis is not used again), the edited device's dropped. */
    private readonly prevFacts?: FactStore
  ) {}

  readonly nextFacts: FactStore = new Map();

  fact<T>(key: string, device: XmlElement, compute: () => T): T {
    let m = this.nextFacts.get(key);
    if (!m) {
      m = this.prevFacts?.get(key);
      if (m) {
        if (this.dirty) {
          m.delete(this.dirty);
        }
        if (this.replaced) {
          m.delete(this.replaced);
        }
      } else {
        m = new Map();
      }
      this.nextFacts.set(key, m);
    }
    if (m.has(device)) {
      return m.get(device) as T;
    }
    const v = compute();
    m.set(device, v);
    return v;
  }

  each<T>(family: string, items: readonly T[], el: (item: T) => XmlElement, check: (item: T) => readonly Finding[]): Finding[] {
    const out: Finding[] = [];
    const store = this.familyStore(family); // present even when empty: the family ran over every device
    const checked = (t: T): void => {
      const found = check(t);
      this.keep(family, el(t), found);
      for (const f of found) {
        out.push(f);
      }
    };
    const before = this.prev?.get(family);
    if (!before) {
      for (const t of items) {
        checked(t);
      }
      return out;
    }
    // The edited device, checked again and placed among the others by where it starts (found by
    // binary search: the items are in document order).
    const fresh: T[] = [];
    const dirty = this.dirty;
    if (dirty) {
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (el(items[mid]!).span.start < dirty.span.start) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo < items.length && el(items[lo]!) === dirty) {
        fresh.push(items[lo]!);
      }
    }
    let k = 0;
    let byEl: Map<XmlElement, T> | undefined;
    for (const [e, kept] of before) {
      if (e === dirty || e === this.replaced) {
        continue;
      }
      const at = e.span.start;
      while (k < fresh.length && el(fresh[k]!).span.start < at) {
        checked(fresh[k++]!);
      }
      if (kept === null) {
        // Findings that cannot be moved: the device is checked again.
        byEl ??= new Map(items.map((t) => [el(t), t]));
        checked(byEl.get(e)!);
        continue;
      }
      store.set(e, kept);
      for (const f of kept) {
        out.push(movedFinding(f, at)!);
      }
    }
    while (k < fresh.length) {
      checked(fresh[k++]!);
    }
    return out;
  }

  reuse(family: string, device: XmlElement): readonly Finding[] | undefined {
    if (!this.prev || device === this.dirty) {
      return undefined;
    }
    const kept = this.prev.get(family)?.get(device);
    if (kept === undefined) {
      return NONE;
    }
    if (kept === null) {
      return undefined;
    }
    this.familyStore(family).set(device, kept);
    const at = device.span.start;
    return kept.map((f) => movedFinding(f, at)!);
  }

  keep(family: string, device: XmlElement, findings: readonly Finding[]): void {
    if (findings.length === 0 || this.kept > MEMO_CAP) {
      return;
    }
    this.kept += findings.length;
    const rel: Finding[] = [];
    for (const f of findings) {
      const m = movedFinding(f, -device.span.start, device.span);
      if (!m) {
        this.familyStore(family).set(device, null);
        return;
      }
      rel.push(m);
    }
    this.familyStore(family).set(device, rel);
  }

  private familyStore(family: string): Map<XmlElement, Kept> {
    let m = this.next.get(family);
    if (!m) {
      this.next.set(family, (m = new Map<XmlElement, Kept>()));
    }
    return m;
  }
}

function sameOptions(a: AnalysisOptions, b: AnalysisOptions): boolean {
  return (
    a.flavor === b.flavor &&
    a.machine === b.machine &&
    a.targetVersion === b.targetVersion &&
    a.host === b.host &&
    a.extraFamilies === b.extraFamilies &&
    JSON.stringify(a.severity ?? {}) === JSON.stringify(b.severity ?? {})
  );
}

/**
 * Brings an analysis's tree up to `text` in place (syntax/splice.ts), noting what changed for
 * reanalyze(); false when the edit is not local (the tree is then unchanged). The analysis's
 * findings no longer match its tree afterwards: only its tree and model are to be used.
 */
export function spliceAnalysis(a: Analysis, text: string): boolean {
  const before = a.doc.text;
  if (before === text) {
    return true;
  }
  const ch = changeOf(before, text);
  if (!spliceEdit(a.doc, text, ch)) {
    return false;
  }
  const r = a.reuse;
  if (r) {
    const old = r.dirty;
    let to = ch.newEnd;
    if (old) {
      const end = old.end <= ch.p ? old.end : old.end >= ch.oldEnd ? old.end + ch.delta : ch.newEnd;
      to = Math.max(to, end);
    }
    r.dirty = { start: Math.min(old ? old.start : ch.p, ch.p), end: to };
  }
  return true;
}

/**
 * The analysis of `text`, a later version of `prev`'s document, computed from `prev` when the
 * edits since lie inside one device of a domain (or between devices): the tree is spliced
 * (prev's tree is taken over), the other devices' model records and per-device findings are
 * reused, and every rule family runs again over the model. undefined when the edit is of
 * another kind (in <os>, the root, a <console>, across elements, a syntax error...): the caller
 * analyses the text whole, and must not use `prev` any more (its tree may have moved on).
 */
export function reanalyze(prev: Analysis, text: string, opts: AnalysisOptions = {}): Analysis | undefined {
  const r = prev.reuse;
  const model = prev.model;
  if (!r || !model || !sameOptions(r.opts, opts) || !spliceAnalysis(prev, text)) {
    return undefined;
  }
  const doc = prev.doc;
  const dirty = r.dirty;
  const devices = r.devices;
  if (doc.errors.length > 0 || doc.root !== model.root || child(model.root, 'devices') !== devices) {
    return undefined;
  }
  if (!dirty) {
    return withFindings(doc, sameDevices(model), opts, new Memo(r.store, devices, undefined, r.facts)); // the same text
  }
  const kids = devices.children;
  const was = r.kids;
  if (
    kids.length !== was.length ||
    !devices.closeNameSpan ||
    dirty.start < devices.startTagEnd ||
    dirty.end > devices.closeNameSpan.start - 2
  ) {
    return undefined;
  }
  // The device holding the edit (-1: the edit is between devices).
  let index = -1;
  for (let j = 0; j < kids.length; j++) {
    const k = kids[j]!;
    if (k.span.end <= dirty.start) {
      continue;
    }
    if (k.span.start >= dirty.end) {
      break;
    }
    if (k.span.start < dirty.start && dirty.end < k.span.end) {
      index = j;
      break;
    }
    return undefined; // across a device's boundary
  }
  for (let j = 0; j < kids.length; j++) {
    if (j !== index && kids[j] !== was[j]) {
      return undefined;
    }
  }
  // A new model object even when no device changed: caches keyed by the model (the fleet
  // check's claims) hold offsets of the previous version; the model layer carries over what it
  // derived from the device records alone (sameDevices).
  let next: DomainModel;
  let edited: XmlElement | undefined;
  if (index >= 0) {
    edited = kids[index]!;
    const name = was[index]!.name;
    if (edited.name !== name || name === 'console') {
      return undefined;
    }
    next = withDevice(model, index, edited);
  } else {
    next = sameDevices(model);
  }
  const replaced = index >= 0 && was[index] !== edited ? was[index] : undefined;
  return withFindings(doc, next, opts, new Memo(r.store, edited ?? devices, replaced, r.facts));
}

/** A new model object with `model`'s device records (what the model layer derived from them carried over). */
function sameDevices(model: DomainModel): DomainModel {
  const next = copyModel(model);
  carryTallies(model, next);
  return next;
}

/**
 * A schema warning (only the schema check objects, or libvirt was seen to ignore it elsewhere) on an
 * element where another family reports an error with libvirt's verdict behind it is dropped: the two
 * would contradict each other ("libvirt may accept it" beside "libvirt refuses the domain").
 * "On the element": within its start tag or its text, not in its child elements.
 */
function withoutSchemaEchoes(findings: ReportedFinding[], root: XmlElement | undefined): ReportedFinding[] {
  const errors = errorIndex(findings);
  if (!errors || !root) {
    return findings;
  }
  return findings.filter((w) => w.severity === 'error' || !w.code.startsWith('schema-') || !echoes(w.span, errors, root));
}

/**
 * Would a schema warning at `span` give way to one of `findings`' errors (withoutSchemaEchoes)? For
 * the contract that lint says what the judge says, except where an error stands in its place.
 */
export function isSchemaEcho(span: Span, findings: readonly ReportedFinding[], root: XmlElement | undefined): boolean {
  const errors = errorIndex(findings);
  return !!root && !!errors && echoes(span, errors, root);
}

/** The errors of other families, by start, with the furthest end so far (a pathological document has tens of thousands). */
interface ErrorIndex {
  starts: number[];
  ends: number[];
  maxEnd: number[];
}

function errorIndex(findings: readonly ReportedFinding[]): ErrorIndex | undefined {
  const errs = findings
    .filter((f) => f.severity === 'error' && !f.code.startsWith('schema-'))
    .map((f) => f.span)
    .sort((a, b) => a.start - b.start);
  if (errs.length === 0) {
    return undefined;
  }
  const maxEnd: number[] = [];
  let m = -1;
  for (const e of errs) {
    m = Math.max(m, e.end);
    maxEnd.push(m);
  }
  return { starts: errs.map((e) => e.start), ends: errs.map((e) => e.end), maxEnd };
}

/** The number of errors starting before `offset`. */
function startingBefore(ix: ErrorIndex, offset: number): number {
  let lo = 0;
  let hi = ix.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ix.starts[mid]! < offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** An error overlapping `span`, or lying within the own area (start tag and text) of the element at it. */
function echoes(span: Span, ix: ErrorIndex, root: XmlElement): boolean {
  const k = startingBefore(ix, span.end);
  if (k > 0 && ix.maxEnd[k - 1]! > span.start) {
    return true;
  }
  const el = elementAt(root, span.start) ?? root;
  const own = { start: el.span.start, end: el.children[0]?.span.start ?? el.span.end };
  for (let i = startingBefore(ix, own.start); i < ix.starts.length && ix.starts[i]! < own.end; i++) {
    if (ix.ends[i]! <= own.end) {
      return true;
    }
  }
  return false;
}

/** Findings with their severity setting; codes set to 'off' and repeats (same code, same span) dropped. */
function withSeverity(raw: readonly Finding[], severity: Readonly<Record<string, SeveritySetting>>): ReportedFinding[] {
  const findings: ReportedFinding[] = [];
  const seen = new Set<string>();
  for (const f of raw) {
    const setting = severity[f.code] ?? CODES[f.code].severity;
    const key = `${f.code}@${f.span.start}-${f.span.end}`;
    if (setting === 'off' || seen.has(key)) {
      continue;
    }
    seen.add(key);
    findings.push({ ...f, severity: setting });
  }
  return findings;
}

/** What withAcross needs of an analysis: plain data, kept after the tree and model are dropped. */
type AcrossInput = Pick<Analysis, 'findings' | 'suppressions' | 'severity'> & { doc: { text: string } };

/**
 * The analysis's findings together with findings over several domains (rules/fleet.ts) for this
 * document: severities and suppressions apply to them as to the others, and the suppressions of
 * such codes that hid nothing are reported now. The analysis itself is not changed.
 */
export function withAcross(analysis: AcrossInput, across: readonly Finding[]): ReportedFinding[] {
  const sups = analysis.suppressions.map((s) => ({ ...s, codes: s.codes.map((c) => ({ ...c, used: false })) }));
  const found = applySuppressions(sups, withSeverity(across, analysis.severity));
  const pending = (code: Code): boolean => !isAcrossCode(code) || analysis.severity[code] === 'off';
  const unused = unusedSuppressions(analysis.doc.text, sups, pending);
  const all = [...analysis.findings, ...found, ...withSeverity(unused, analysis.severity)];
  all.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return all;
}

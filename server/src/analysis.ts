/**
 * analyze(text) -> syntax tree, domain model and findings with their severities.
 * The unit the language server caches per document version and the CLI runs per file.
 */
import type { HostProfile } from './host/profile';
import { buildModel } from './model/build';
import type { DomainModel } from './model/types';
import { CODES, codeInfo, type Code } from './rules/codes';
import { RULE_FAMILIES } from './rules/index';
import { applySuppressions, isAcrossCode, parseSuppressions, unusedSuppressions, type Suppression } from './rules/suppress';
import type { Finding, Flavor, RuleFamily, Severity } from './rules/types';
import { parseXml } from './syntax/parse';
import { contains, elementAt, forEachElement, type Span, type XmlDocument, type XmlElement } from './syntax/tree';

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
  const { doc, model, raw, internalErrors } = rawAnalysis(text, opts);
  return finishAnalysis(doc, model, raw, internalErrors, opts.severity ?? {});
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
  const internalErrors: Analysis['internalErrors'] = [];
  if (!model) {
    return { doc, model, raw: [], internalErrors };
  }
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
  for (const family of families) {
    let found: Finding[];
    try {
      found = family.check(model, {
        flavor: opts.flavor,
        ...(opts.targetVersion ? { targetVersion: opts.targetVersion } : {}),
        ...(opts.host ? { host: opts.host } : {}),
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
  return { doc, model, raw, internalErrors };
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

/**
 * A schema warning (only the schema check objects, or libvirt was seen to ignore it elsewhere) on an
 * element where another family reports an error with libvirt's verdict behind it is dropped: the two
 * would contradict each other ("libvirt may accept it" beside "libvirt refuses the domain").
 * "On the element": within its start tag or its text, not in its child elements.
 */
function withoutSchemaEchoes(findings: ReportedFinding[], root: XmlElement | undefined): ReportedFinding[] {
  const errors = findings.filter((f) => f.severity === 'error' && !f.code.startsWith('schema-'));
  if (errors.length === 0 || !root) {
    return findings;
  }
  return findings.filter((w) => {
    if (w.severity === 'error' || !w.code.startsWith('schema-')) {
      return true;
    }
    const el = elementAt(root, w.span.start) ?? root;
    const own = { start: el.span.start, end: el.children[0]?.span.start ?? el.span.end };
    return !errors.some(
      (e) => (e.span.start < w.span.end && w.span.start < e.span.end) || (e.span.start >= own.start && e.span.end <= own.end)
    );
  });
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

/**
 * An attach-device fragment checked against the domain it is meant for: the fragment's device is
 * put at the end of that domain's <devices> (where `virsh attach-device --config` appends it), the
 * whole is analysed as one domain (machine type, the addresses, targets and controllers already
 * there, the one allocator for what is still free), and what the device brings is reported at the
 * fragment's own positions. Findings the domain had before are not the fragment's; new ones that
 * land elsewhere in the domain (a controller the device now lacks...) are reported on the
 * fragment's root, naming the domain. Pure: the domain's XML comes from the caller (a host's
 * `virsh dumpxml --inactive`, host/source.ts).
 */
import { finishAnalysis, rawAnalysis, type Analysis, type AnalysisOptions } from './analysis';
import { FRAGMENT_ROOTS } from './model/build';
import type { Finding, Fix } from './rules/types';
import { child, type Span } from './syntax/tree';

/** The domain a fragment is attached to: its name (for messages) and its persistent XML. */
export interface AttachTarget {
  name: string;
  xml: string;
  /** Where the domain is, for messages: "the host qemu:///system" (rules/host.ts hostName). */
  where?: string;
}

/** A fragment's text placed into a domain's text, and how offsets of one map to the other. */
interface Placement {
  text: string;
  /** Offset in `text` of the fragment root's first character. */
  at: number;
  /** The fragment root's span in the fragment. */
  root: Span;
  /** Domain offsets at or after `cut` are moved by `shift` in `text`. */
  cut: number;
  shift: number;
}

/** The fragment's root element placed as the last device of the domain; undefined when the domain has no <domain> root. */
function place(fragment: string, root: Span, domain: string): Placement | undefined {
  const dom = rawAnalysis(domain).doc.root;
  if (dom?.name !== 'domain' || !dom.wellFormed || !dom.closeNameSpan) {
    return undefined;
  }
  const device = fragment.slice(root.start, root.end);
  const devices = child(dom, 'devices');
  let before: number;
  let after: number;
  let head = '';
  let tail = '';
  if (devices && !devices.selfClosing && devices.closeNameSpan) {
    before = after = devices.closeNameSpan.start - 2; // at '</devices>'
  } else if (devices?.selfClosing) {
    before = devices.span.start;
    after = devices.span.end;
    head = '<devices>';
    tail = '</devices>';
  } else {
    before = after = dom.closeNameSpan.start - 2; // at '</domain>'
    head = '<devices>';
    tail = '</devices>';
  }
  const text = domain.slice(0, before) + head + device + tail + domain.slice(after);
  return { text, at: before + head.length, root, cut: after, shift: head.length + device.length + tail.length - (after - before) };
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.code === b.code && a.message === b.message && a.span.start === b.span.start && a.span.end === b.span.end;
}

/**
 * The analysis of `text` as attached to `target`: for a fragment (a lone device root), the
 * findings of the device inside that domain, at the fragment's positions; anything else (a whole
 * domain, a fragment with syntax errors, a target that is no domain) is analysed on its own.
 */
export function analyzeAttached(text: string, target: AttachTarget, opts: AnalysisOptions = {}): Analysis & { attachedTo?: string } {
  const severity = opts.severity ?? {};
  const alone = rawAnalysis(text, opts);
  const root = alone.doc.root;
  const own = (): Analysis => finishAnalysis(alone.doc, alone.model, alone.raw, alone.internalErrors, severity);
  if (alone.model?.kind !== 'fragment' || !root || !FRAGMENT_ROOTS.has(root.name) || alone.doc.errors.length > 0) {
    return own();
  }
  const p = place(text, root.span, target.xml);
  if (!p) {
    return own();
  }
  // The domain names its own machine: the fragment's --machine / setting does not apply.
  const domainOpts: AnalysisOptions = { ...opts, machine: undefined };
  const before = rawAnalysis(target.xml, domainOpts);
  const joined = rawAnalysis(p.text, domainOpts);
  const end = p.at + (p.root.end - p.root.start);
  const inDevice = (s: Span): boolean => s.start >= p.at && s.end <= end;
  const toFragment = (s: Span): Span => ({ start: s.start - p.at + p.root.start, end: s.end - p.at + p.root.start });
  const toDomain = (s: Span): Span | undefined =>
    s.end <= p.at ? s : s.start >= p.cut + p.shift ? { start: s.start - p.shift, end: s.end - p.shift } : undefined;
  const domainLabel = `domain '${target.name}'${target.where ? ` of ${target.where}` : ''}`;
  const raw: Finding[] = [];
  for (const f of joined.raw) {
    if (inDevice(f.span)) {
      const span = toFragment(f.span);
      const mapped: Finding = { code: f.code, message: f.message, span };
      if (!alone.raw.some((a) => sameFinding(a, mapped))) {
        mapped.message = `${f.message} (attached to ${domainLabel})`;
      }
      const related = (f.related ?? []).filter((r) => r.member === undefined && inDevice(r.span));
      if (related.length > 0) {
        mapped.related = related.map((r) => ({ message: r.message, span: toFragment(r.span) }));
      }
      const fixes = (f.fixes ?? []).flatMap((x) => mapFix(x, inDevice, toFragment));
      if (fixes.length > 0) {
        mapped.fixes = fixes;
      }
      raw.push(mapped);
      continue;
    }
    const there = toDomain(f.span);
    if (there && before.raw.some((b) => sameFinding(b, { ...f, span: there }))) {
      continue; // the domain had it before
    }
    raw.push({ code: f.code, message: `In ${domainLabel} with this device attached: ${f.message}`, span: root.nameSpan });
  }
  return {
    ...finishAnalysis(alone.doc, alone.model, raw, [...alone.internalErrors, ...joined.internalErrors], severity),
    attachedTo: target.name,
  };
}

/** A fix of the joined document as a fix of the fragment; none when it edits outside the device (the domain is not this file). */
function mapFix(fix: Fix, inside: (s: Span) => boolean, map: (s: Span) => Span): Fix[] {
  if (!fix.edits.every((e) => inside(e.span))) {
    return [];
  }
  // A claim's builder works on the joined document's allocation; the fragment keeps the edits it took.
  return [
    {
      title: fix.title,
      edits: fix.edits.map((e) => ({ span: map(e.span), newText: e.newText })),
      ...(fix.preferred ? { preferred: true } : {}),
    },
  ];
}

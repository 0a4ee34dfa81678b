/**
 * Compares what the engine reports with the expectations written in a fixture: the exact set,
 * so a missing and an unexpected finding both fail, with a readable listing of each.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze, withAcross, type Analysis, type AnalysisOptions, type ReportedFinding } from '../../server/src/analysis';
import { hostDomainClaims } from '../../server/src/host/domains';
import { checkClaims, fleetClaims } from '../../server/src/rules/fleet';
import { applyEdits, fixAllEdits } from '../../server/src/fixes';
import type { HostProfile } from '../../server/src/host/profile';
import { loadSnapshotSync } from '../../server/src/host/source';
import { parseExpectations } from './markers';
import { FIXTURES } from './paths';

const hosts = new Map<string, HostProfile>();

/** A host snapshot of test/fixtures/hosts by folder name, read once. */
export function fixtureHost(name: string): HostProfile {
  let h = hosts.get(name);
  if (!h) {
    h = loadSnapshotSync(path.join(FIXTURES, 'hosts', name));
    hosts.set(name, h);
  }
  return h;
}

function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

export function describeFinding(text: string, f: { code: string; span: { start: number; end: number }; message?: string }): string {
  return `${where(text, f.span.start)} ${f.code} ${JSON.stringify(text.slice(f.span.start, f.span.end))}${f.message ? ` — ${f.message}` : ''}`;
}

/** Runs the engine on a fixture and checks its inline expectations; returns the findings. */
export function checkFixture(text: string, extra: AnalysisOptions = {}): ReportedFinding[] {
  const analysis = analyzeFixture(text, extra);
  const findings = analysis.model && analysis.host ? withHostDomains(analysis, analysis.host) : analysis.findings;
  expectExactly(text, findings);
  return findings;
}

/** The findings of a file checked against a host, conflicts with the domains defined there included (as libvirt-lint reports them). */
function withHostDomains(analysis: Analysis, host: HostProfile): ReportedFinding[] {
  const others = hostDomainClaims(host);
  if (others.length === 0) {
    return analysis.findings;
  }
  const across = checkClaims([{ claims: fleetClaims(analysis.model!) }, ...others.map((o) => ({ claims: o.claims, host: host.label }))]);
  return withAcross(analysis, across[0]!);
}

/** The analysis of a fixture with the options its `<!-- lint: -->` comment sets. */
export function analyzeFixture(text: string, extra: AnalysisOptions = {}): Analysis & { host?: HostProfile } {
  const { options } = parseExpectations(text);
  const flavor = options.flavor === 'unknown' ? undefined : (options.flavor ?? extra.flavor ?? 'upstream');
  const targetVersion = options.targetVersion ?? extra.targetVersion;
  const host = options.host ? fixtureHost(options.host) : extra.host;
  const analysis = analyze(text, {
    ...extra,
    flavor,
    machine: options.machine ?? extra.machine,
    ...(targetVersion ? { targetVersion } : {}),
    ...(host ? { host } : {}),
  });
  return host ? { ...analysis, host } : analysis;
}

/** Fails unless the findings are exactly the ones the fixture's markers expect. */
export function expectExactly(text: string, findings: readonly ReportedFinding[]): void {
  const { expectations } = parseExpectations(text);
  const unmatched = [...findings];
  const missing: string[] = [];
  for (const e of expectations) {
    const i = unmatched.findIndex(
      (f) =>
        f.code === e.code &&
        f.span.start === e.start &&
        f.span.end === e.end &&
        (!e.messageIncludes || f.message.includes(e.messageIncludes))
    );
    if (i >= 0) {
      unmatched.splice(i, 1);
    } else {
      missing.push(
        `${where(text, e.start)} ${e.code} ${JSON.stringify(text.slice(e.start, e.end))}${e.messageIncludes ? ` (message with "${e.messageIncludes}")` : ''}`
      );
    }
  }
  const unexpected = unmatched.map((f) => describeFinding(text, f));
  if (missing.length > 0 || unexpected.length > 0) {
    assert.fail(
      [
        missing.length ? `expected but not reported:\n  ${missing.join('\n  ')}` : '',
        unexpected.length ? `reported but not expected:\n  ${unexpected.join('\n  ')}` : '',
      ]
        .filter(Boolean)
        .join('\n')
    );
  }
}

/** The text after applying every finding's preferred fix (what "fix all" does). */
export function fixAll(text: string, findings: ReportedFinding[]): string {
  return applyEdits(text, fixAllEdits(findings));
}

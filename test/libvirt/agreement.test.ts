/**
 * Agreement with libvirt: every fixture and a seeded set of generated domains goes through the
 * linter (flavor upstream) and through a real libvirt (`virsh define`, QEMU driver; cases that
 * define accepts and where we report a start-time code are also started, and QEMU's refusal
 * counts as a rejection). A case fails
 * on a false alarm (libvirt accepts, we report an error) and on a miss (libvirt rejects for a
 * reason we cover, we report no error of that family). Known gaps are listed in families.ts.
 * Writes the agreement table to docs/agreement.md.
 *
 * Environment: AGREEMENT_SEED (default DEFAULT_SEED), AGREEMENT_JOBS (parallel virsh, default 4),
 * AGREEMENT_DOC (where the table goes; default docs/agreement.md, '-' for nowhere), AGREEMENT_ONLY (a regular
 * expression: only the families it matches, e.g. 'generated: tpm'; writes no doc), AGREEMENT_DRIVER
 * (qemu or test: skip the detection, e.g. to see what the test:///default fallback checks),
 * LX_DOMAIN_PREFIX (how the defined domains' names start; default lvx-agree).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { resolveTargetVersion } from '../../server/src/common/target-version';
import { parseExpectations } from '../support/markers';
import { REPO } from '../support/paths';
import { baseDevices, controller, domainXml, type Machine } from './build-domain';
import { domcapsKeyOfText } from '../../server/src/host/match';
import type { HostProfile } from '../../server/src/host/profile';
import { HostSource } from '../../server/src/host/source';
import { environmentOf, familyOf, KNOWN_GAPS, MESSAGE_FAMILIES, START_CODES, type KnownGap } from './families';
import { DEFAULT_SEED, generateCases, GENERATORS } from './mutations';
import { REGRESSIONS } from './regressions';
import { detectDriver, libvirtVersion, normalizeForLibvirt, Oracle, type Driver, type Verdict } from './oracle';

const CI = process.env.CI === 'true';
const SEED = Number(process.env.AGREEMENT_SEED ?? DEFAULT_SEED);
const JOBS = Math.max(1, Number(process.env.AGREEMENT_JOBS ?? 4));
/** Only the table rows (families) this matches, for working on one family; no doc is written then. */
const ONLY = process.env.AGREEMENT_ONLY ? new RegExp(process.env.AGREEMENT_ONLY) : undefined;
if (ONLY && CI) {
  throw new Error('AGREEMENT_ONLY is for working on one family, not for CI');
}
const DOC = ONLY ? '-' : (process.env.AGREEMENT_DOC ?? path.join(REPO, 'docs', 'agreement.md'));

interface Case {
  id: string;
  /** Table row. */
  family: string;
  source: 'fixture' | 'generated';
  title: string;
  /** The document as written (fixture text, or the generated domain). */
  original: string;
  /** What libvirt gets and what we lint: the same bytes. Undefined: not a domain document. */
  xml?: string;
  uuid?: string;
  skip?: string;
}

type Outcome =
  | 'agree-accept'
  | 'agree-reject'
  | 'agree-reject-other'
  | 'outside-coverage'
  | 'environment'
  | 'unverifiable'
  | 'false-alarm'
  | 'miss'
  | 'wrong-code'
  | 'known-gap';

interface Result {
  verdict: Verdict;
  errorCodes: string[];
  errors: string[];
  outcome: Outcome;
  detail: string;
  gap?: KnownGap;
}

const FAILURES: ReadonlySet<Outcome> = new Set(['false-alarm', 'miss', 'wrong-code']);

// ---------------------------------------------------------------------------------------------
// The corpus.

function xmlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.xml'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

const FRAGMENT_CONTEXT = (machine: Machine): string[] => [
  ...baseDevices(machine),
  controller('usb', 0, machine === 'q35' ? 'qemu-xhci' : 'piix3-uhci'),
  controller('usb', 1, 'ehci'),
  controller('usb', 2, 'nec-xhci'),
  controller('scsi', 0, 'virtio-scsi'),
];

/** A fragment pasted into a small domain of the machine type its markers name (default q35). */
function wrapFragment(text: string, machine: Machine): string {
  const body = text.replace(/<\?xml[^>]*\?>/, '').trim();
  return domainXml({ name: 'fragment', machine, devices: [...FRAGMENT_CONTEXT(machine), body] });
}

function rootName(text: string): string | undefined {
  const noComments = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  return /<([A-Za-z_][\w.-]*)/.exec(noComments)?.[1];
}

function fixtureCases(): Case[] {
  const sets: { dir: string; label: (rel: string) => string; exclude?: (rel: string) => boolean }[] = [
    { dir: 'test/fixtures/rules', label: (rel) => `fixtures: rules/${rel.split(path.sep)[0]}` },
    { dir: 'test/fixtures/seeds', label: () => 'fixtures: seeds', exclude: (rel) => rel.startsWith('openeuler-only') },
    { dir: 'test/fixtures/real-world', label: () => 'fixtures: real-world' },
    { dir: 'examples', label: () => 'examples' },
  ];
  const out: Case[] = [];
  for (const s of sets) {
    const abs = path.join(REPO, s.dir);
    for (const file of xmlFilesUnder(abs)) {
      const rel = path.relative(abs, file);
      if (s.exclude?.(rel)) {
        continue;
      }
      const text = fs.readFileSync(file, 'utf8');
      const id = path.join(s.dir, rel);
      const c: Case = { id, family: s.label(rel), source: 'fixture', title: id, original: text };
      const root = rootName(text);
      if (root === 'domain') {
        c.xml = text;
      } else if (root && analyze(text).model) {
        let machine: Machine = 'q35';
        try {
          machine = parseExpectations(text).options.machine === 'pc' ? 'pc' : 'q35';
        } catch {
          // malformed markers: the unit suite reports those
        }
        c.xml = wrapFragment(text, machine);
        c.title = `${id} (fragment in a ${machine} domain)`;
      } else {
        c.skip = `not domain XML (root <${root ?? '?'}>)`;
      }
      out.push(c);
    }
  }
  return out;
}

function allCases(prefix: string): Case[] {
  const cases: Case[] = [
    ...fixtureCases(),
    ...REGRESSIONS.map((r): Case => ({
      id: r.id,
      family: 'regressions',
      source: 'fixture',
      title: `${r.id}: ${r.title}`,
      original: r.xml,
      xml: r.xml,
    })),
    ...generateCases(SEED).map((g): Case => ({
      id: g.id,
      family: `generated: ${g.family}`,
      source: 'generated',
      title: g.title,
      original: g.xml,
      xml: g.xml,
    })),
  ].filter((c) => !ONLY || ONLY.test(c.family));
  cases.forEach((c, i) => {
    if (c.xml !== undefined) {
      const n = normalizeForLibvirt(c.xml, `${prefix}-${i}`);
      c.xml = n.xml;
      c.uuid = n.uuid;
    }
  });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Judging one case.

const QEMU_ONLY_CODES = new Set(MESSAGE_FAMILIES.filter((f) => f.qemuOnly).flatMap((f) => f.codes));

/** Every case is linted for the libvirt release that judges it (the one installed here, as libvirt-lint's default). */
const TARGET = resolveTargetVersion('auto');
const lintOptions = { flavor: 'upstream' as const, ...(TARGET ? { targetVersion: TARGET } : {}) };

/**
 * The host cases are judged against under the QEMU driver: qemu:///system itself (rules/host.ts),
 * with the domcapabilities the cases need. Its start-time codes are left out of the comparison:
 * the suite judges define, and never starts a case for a host device (it could name one of this
 * host's own devices). tests/libvirt/host.test.ts starts its own safe cases instead.
 */
let HOST: HostProfile | undefined;
const HOST_START_CODES = new Set([
  'host-device-missing',
  'host-pci-passthrough-unsupported',
  'host-iommu-group-split',
  'host-device-in-use',
  'host-sriov-pf-with-vfs',
  'host-memory-above-host',
  'host-cpu-model-unusable',
]);

function judge(c: Case, verdict: Verdict, driver: Driver): Result {
  const a = analyze(c.xml!, { ...lintOptions, ...(driver === 'qemu' && HOST ? { host: HOST } : {}) });
  const errs = a.findings.filter((f) => f.severity === 'error' && !HOST_START_CODES.has(f.code));
  const errorCodes = [...new Set(errs.map((f) => f.code))];
  const errors = errs.map((f) => {
    const line = c.xml!.slice(0, f.span.start).split('\n').length;
    return `${f.code} (line ${line}): ${f.message}`;
  });
  const r: Result = { verdict, errorCodes, errors, outcome: 'agree-accept', detail: '' };
  if (verdict.accepted) {
    if (errs.length === 0) {
      r.outcome = 'agree-accept';
    } else if (driver === 'test' && errorCodes.every((code) => QEMU_ONLY_CODES.has(code))) {
      r.outcome = 'unverifiable';
      r.detail = 'the test driver does not run the QEMU driver checks these codes mirror';
    } else {
      r.outcome = 'false-alarm';
      r.detail = `libvirt accepts; we report ${errors.join('; ')}`;
    }
  } else {
    const env = environmentOf(verdict.message);
    const fam = familyOf(verdict.message);
    if (env) {
      r.outcome = 'environment';
      r.detail = `${env}: ${verdict.message}`;
    } else if (!fam) {
      r.outcome = errs.length === 0 ? 'outside-coverage' : 'agree-reject-other';
      r.detail = `libvirt: ${verdict.message}${errs.length ? `; we report ${errorCodes.join(', ')}` : ''}`;
    } else if (errorCodes.some((code) => fam.codes.includes(code))) {
      r.outcome = 'agree-reject';
      r.detail = `libvirt: ${verdict.message}`;
    } else if (errs.length === 0) {
      r.outcome = 'miss';
      r.detail = `libvirt rejects (${verdict.message}), which ${fam.codes.join(' / ')} covers; we report no error`;
    } else {
      r.outcome = 'wrong-code';
      r.detail = `libvirt rejects (${verdict.message}), which ${fam.codes.join(' / ')} covers; we report ${errorCodes.join(', ')} instead`;
    }
  }
  if (FAILURES.has(r.outcome)) {
    const gap = KNOWN_GAPS.find(
      (g) => g.kind === r.outcome && g.match({ id: c.id, title: c.title, message: verdict.message, codes: errorCodes })
    );
    if (gap) {
      r.gap = gap;
      r.detail = `known gap ${gap.id}: ${r.detail}`;
      r.outcome = 'known-gap';
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// The table.

interface Row {
  family: string;
  cases: number;
  accepts: number;
  rejects: number;
  agree: number;
  falseAlarms: number;
  misses: number;
  knownGaps: number;
  outside: number;
  environment: number;
  skipped: number;
}

const NUMERIC = [
  'cases',
  'accepts',
  'rejects',
  'agree',
  'falseAlarms',
  'misses',
  'knownGaps',
  'outside',
  'environment',
  'skipped',
] as const;

function emptyRow(family: string): Row {
  return {
    family,
    cases: 0,
    accepts: 0,
    rejects: 0,
    agree: 0,
    falseAlarms: 0,
    misses: 0,
    knownGaps: 0,
    outside: 0,
    environment: 0,
    skipped: 0,
  };
}

function tableOf(cases: Case[], results: Map<string, Result>): Row[] {
  const rows = new Map<string, Row>();
  const row = (family: string): Row => {
    let r = rows.get(family);
    if (!r) {
      r = emptyRow(family);
      rows.set(family, r);
    }
    return r;
  };
  for (const c of cases) {
    const r = row(c.family);
    r.cases++;
    const res = results.get(c.id);
    if (!res) {
      r.skipped++;
      continue;
    }
    if (res.verdict.accepted) {
      r.accepts++;
    } else {
      r.rejects++;
    }
    switch (res.outcome) {
      case 'agree-accept':
      case 'agree-reject':
      case 'agree-reject-other':
        r.agree++;
        break;
      case 'false-alarm':
        r.falseAlarms++;
        break;
      case 'miss':
      case 'wrong-code':
        r.misses++;
        break;
      case 'known-gap':
        r.knownGaps++;
        break;
      case 'outside-coverage':
        r.agree++;
        r.outside++;
        break;
      case 'environment':
      case 'unverifiable':
        r.environment++;
        break;
    }
  }
  return [...rows.values()];
}

const AT_START = 'QEMU refuses at start: ';

/** Define-time and start-time rejections, counted apart. */
function rejectionSummary(cases: Case[], results: Map<string, Result>, started: ReadonlySet<string>): string {
  const rs = cases.map((c) => results.get(c.id)).filter((r): r is Result => !!r && r.outcome !== 'environment');
  const atStart = rs.filter((r) => r.verdict.message.startsWith(AT_START)).length;
  const atDefine = rs.filter((r) => !r.verdict.accepted && !r.verdict.message.startsWith(AT_START)).length;
  const pct = (a: number, b: number): string => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  const definedCaught = rs.filter((r) => !r.verdict.accepted && !r.verdict.message.startsWith(AT_START) && r.errorCodes.length > 0).length;
  return (
    `libvirt rejects ${atDefine} at \`virsh define\`; of the ${started.size} that define accepts and for which we report a start-time code ` +
    `(${[...START_CODES].join(', ')}), QEMU refuses ${atStart} at \`virsh start\` (counted as rejections). ` +
    `Recall at define: we report an error on ${definedCaught} of the ${atDefine} define rejections (${pct(definedCaught, atDefine)}); ` +
    `at start: QEMU refused ${atStart} of the ${started.size} guests we said it would (${pct(atStart, started.size)}); define-accepted cases ` +
    'without a start-time code of ours are not started, so starts we do not predict are not counted here.'
  );
}

function renderDoc(cases: Case[], results: Map<string, Result>, driver: Driver, version: string, started: ReadonlySet<string>): string {
  const rows = tableOf(cases, results);
  const total: Row = { ...emptyRow('**total**') };
  for (const r of rows) {
    for (const k of NUMERIC) {
      total[k] += r[k];
    }
  }
  const generated = cases.filter((c) => c.source === 'generated').length;
  const line = (r: Row): string =>
    `| ${r.family} | ${r.cases} | ${r.accepts} | ${r.rejects} | ${r.agree} | ${r.falseAlarms} | ${r.misses} | ${r.knownGaps} | ${r.outside} | ${r.environment + r.skipped} |`;
  const gapCases = cases.filter((c) => results.get(c.id)?.outcome === 'known-gap');
  const outside = new Map<string, number>();
  for (const c of cases) {
    const r = results.get(c.id);
    if (r?.outcome === 'outside-coverage' || r?.outcome === 'agree-reject-other') {
      const msg = r.verdict.message.replace(/'[^']*'/g, "'…'").replace(/\b0x[0-9a-f]+\b|\b\d+\b/g, 'N');
      outside.set(msg, (outside.get(msg) ?? 0) + 1);
    }
  }
  const notChecked = cases.filter((c) => c.skip || ['environment', 'unverifiable'].includes(results.get(c.id)?.outcome ?? ''));
  return [
    '# Agreement with libvirt',
    '',
    '<!-- Generated by `npm run test:libvirt` (test/libvirt/agreement.test.ts). Do not edit by hand. -->',
    '',
    `Every fixture and ${generated} generated domains (seed ${SEED}, mutations aimed at each rule family) went through`,
    `\`libvirt-lint\`'s engine (flavor upstream) and through \`virsh -c ${driver === 'qemu' ? 'qemu:///system' : 'test:///default'} define\``,
    `(${version || 'libvirt'}${driver === 'test' ? '; **test driver only: no QEMU daemon was reachable, so address checks were not verified**' : ''}).`,
    `${cases.length} cases. ${rejectionSummary(cases, results, started)} The table is the same on every run with the same seed and libvirt.`,
    '',
    '- **agree**: libvirt accepts and we report no error, or libvirt rejects and we report an error of the family its message names',
    '  (a rejection for a reason we do not cover, with no error from us, also agrees: *outside coverage*).',
    '- **false alarm**: libvirt accepts, we report an error. **miss**: libvirt rejects for a reason we cover, we report no error of that family.',
    '- **known gap**: a disagreement listed, with its reason, in test/libvirt/families.ts. Warnings never count against us.',
    '',
    '| family | cases | libvirt accepts | libvirt rejects | agree | false alarms | misses | known gaps | outside coverage | not checked |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(line),
    line(total),
    '',
    '## Known gaps',
    '',
    ...(KNOWN_GAPS.length === 0
      ? ['None.']
      : KNOWN_GAPS.map(
          (g) => `- **${g.id}** (${g.kind}, ${gapCases.filter((c) => results.get(c.id)?.gap === g).length} cases): ${g.reason}`
        )),
    '',
    "## Rejections outside the linter's coverage",
    '',
    outside.size === 0 ? 'None.' : 'libvirt rejected these for reasons no rule covers (numbers and quoted names elided):',
    '',
    ...[...outside.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => `- ${n} × ${m}`),
    '',
    '## Not checked',
    '',
    notChecked.length === 0 ? 'None.' : '',
    ...notChecked.map((c) => `- ${c.id}: ${c.skip ?? results.get(c.id)?.detail}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The suite.

describe('agreement with libvirt', () => {
  let driver: Driver | undefined;
  let oracle: Oracle | undefined;
  const prefix = `${process.env.LX_DOMAIN_PREFIX || 'lvx-agree'}-${process.pid}`;
  const cases = allCases(prefix);
  const results = new Map<string, Result>();
  /** Cases started with `virsh start`, and those whose start gave no verdict. */
  const startTried = new Set<string>();
  const unchecked = new Set<string>();

  before(async () => {
    const forced = process.env.AGREEMENT_DRIVER;
    driver = forced === 'qemu' || forced === 'test' ? forced : await detectDriver();
    if (!driver) {
      return;
    }
    if (driver === 'test') {
      process.stderr.write(
        `\n*** libvirt agreement: ${process.env.AGREEMENT_DRIVER === 'test' ? 'AGREEMENT_DRIVER=test' : 'NO QEMU DAEMON (qemu:///system) ANSWERS'}. Falling back to test:///default, which does NOT ***\n` +
          '*** check PCI/USB addresses. Start one with: scripts/setup/libvirt-daemon.sh start                                ***\n\n'
      );
    }
    oracle = new Oracle(driver, JOBS);
    const todo = cases.filter((c) => c.xml !== undefined);
    if (driver === 'qemu') {
      const keys = new Map(
        todo.map((c) => domcapsKeyOfText(c.xml!, undefined)).map((k) => [`${k.virtType}/${k.arch}/${k.machine ?? ''}`, k])
      );
      const got = await new HostSource({ uri: 'qemu:///system' }, { domains: false }).ensureDomcaps([...keys.values()]);
      assert.ok(got.ok, `qemu:///system as a host profile: ${got.ok ? '' : got.error}`);
      HOST = got.profile;
    }
    const verdicts = await oracle.verdicts(todo.map((c) => ({ xml: c.xml!, uuid: c.uuid! })));
    // Where define accepted and we report a start-time code, the guest's fate is decided at
    // start: `virsh start` it (one at a time) and count QEMU's refusal as libvirt's rejection.
    if (driver === 'qemu') {
      for (const [i, c] of todo.entries()) {
        const v = verdicts[i]!;
        if (!v.accepted || !analyze(c.xml!, lintOptions).findings.some((f) => START_CODES.has(f.code))) {
          continue;
        }
        const s = await oracle.startVerdict(c.xml!, c.uuid!);
        startTried.add(c.id);
        verdicts[i] = s ?? { accepted: false, message: 'not checked: the daemon broke twice at virsh start (libvirt 9.0 crash)' };
        if (!s) {
          unchecked.add(c.id);
        }
      }
    }
    todo.forEach((c, i) => {
      const r = judge(c, verdicts[i]!, driver!);
      if (unchecked.has(c.id)) {
        r.outcome = 'environment';
        r.detail = verdicts[i]!.message;
      }
      results.set(c.id, r);
    });
    const version = await libvirtVersion(driver);
    if (DOC !== '-') {
      fs.mkdirSync(path.dirname(DOC), { recursive: true });
      const doc = renderDoc(cases, results, driver, version, startTried);
      fs.writeFileSync(DOC, doc);
      if (DOC === path.join(REPO, 'docs', 'agreement.md')) {
        updateReadmeTable(doc);
      }
    }
    const failures = cases.filter((c) => FAILURES.has(results.get(c.id)?.outcome as Outcome));
    process.stdout.write(
      `# libvirt agreement: ${cases.length} cases via ${driver}, ${failures.length} disagreements; ${rejectionSummary(cases, results, startTried)} Table in ${DOC === '-' ? '(not written)' : path.relative(REPO, DOC)}\n`
    );
  });

  after(() => oracle?.close());

  test('a real libvirt with the QEMU driver answers', (t) => {
    if (!driver) {
      assert.ok(!CI, 'CI=true: virsh is missing or no libvirt answers (run scripts/setup/system-deps.sh libvirt)');
      t.skip('no virsh / libvirt on this machine');
      return;
    }
    assert.ok(
      driver === 'qemu' || !CI,
      'CI=true: qemu:///system does not answer; the test:///default fallback cannot verify address rules'
    );
    if (driver === 'test') {
      t.diagnostic('FALLBACK: test:///default only');
    }
  });

  test(`at least 300 generated cases (seed ${SEED})`, () => {
    const n = cases.filter((c) => c.source === 'generated').length;
    assert.ok(n >= 300 || ONLY, `${n} generated cases`);
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'case ids are unique');
  });

  test('every generator produced cases that libvirt accepts and cases it rejects', (t) => {
    if (driver !== 'qemu') {
      // The test driver accepts every address problem, so some generators only get "accepted".
      assert.ok(!CI, 'CI=true: needs the QEMU driver');
      t.skip(driver ? 'test:///default cannot judge address rules' : 'no libvirt');
      return;
    }
    const lopsided = GENERATORS.map((g) => g.family)
      .filter((fam) => !ONLY || ONLY.test(`generated: ${fam}`))
      .filter((fam) => {
        const rs = cases.filter((c) => c.family === `generated: ${fam}`).map((c) => results.get(c.id)!);
        return !rs.some((r) => r.verdict.accepted) || !rs.some((r) => !r.verdict.accepted);
      });
    assert.deepEqual(lopsided, [], 'generators whose cases are all accepted or all rejected test only half a rule');
  });

  test('every known gap still occurs (remove the ones that are fixed)', (t) => {
    if (!driver || ONLY) {
      t.skip(ONLY ? 'AGREEMENT_ONLY: only some families ran' : 'no libvirt');
      return;
    }
    const unused = KNOWN_GAPS.filter((g) => ![...results.values()].some((r) => r.gap === g)).map((g) => g.id);
    assert.deepEqual(unused, []);
  });

  const byFamily = new Map<string, Case[]>();
  for (const c of cases) {
    byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c]);
  }
  for (const [family, list] of byFamily) {
    describe(family, () => {
      for (const c of list) {
        test(c.source === 'generated' ? `${c.id}: ${c.title}` : c.title, (t) => {
          if (c.skip) {
            t.diagnostic(`not checked: ${c.skip}`);
            return;
          }
          const r = results.get(c.id);
          if (!r) {
            t.skip('no libvirt');
            return;
          }
          if (r.detail) {
            t.diagnostic(`${r.outcome}: ${r.detail}`);
          }
          if (FAILURES.has(r.outcome)) {
            assert.fail(`${r.outcome}: ${r.detail}\n--- document as defined ---\n${c.xml}`);
          }
        });
      }
    });
  }
});

/** The README shows the same table, between its agreement markers: the suite is what writes it. */
function updateReadmeTable(doc: string): void {
  const readmePath = path.join(REPO, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const start = '<!-- agreement-table:start (written by npm run test:libvirt) -->';
  const end = '<!-- agreement-table:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) {
    return;
  }
  const lines = doc.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Every fixture'));
  const to = lines.findIndex((l) => /^[0-9]+ cases\b/.test(l));
  const summary = from >= 0 && to >= from ? lines.slice(from, to + 1).join('\n') : (lines[to] ?? '');
  const table = lines.filter((l) => l.startsWith('|'));
  const gapLines = lines.filter((l) => /^- \*\*[a-z0-9-]+\*\* \(/.test(l));
  const gaps = gapLines.length === 0 ? 'Known gaps: none.' : ['Known gaps:', '', ...gapLines].join('\n');
  const block = [start, '', summary, '', ...table, '', gaps, end].join('\n');
  fs.writeFileSync(readmePath, readme.slice(0, i) + block + readme.slice(j + end.length));
}

/**
 * Hostile input through the engine: the CLI's byte decoder (decodeBytes), analyze() with every
 * flavor, completion and hover at a few offsets, and the fixes. No throw, no rule family failing inside analyze (internalErrors), every
 * span inside the text, fix-all applicable, and a time bound per case.
 *
 * FUZZ_SEED (default 1337) and FUZZ_CASES (default 10000) change the run.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, type AnalysisOptions } from '../../server/src/analysis';
import { decodeBytes } from '../../server/src/common/read-text';
import { complete } from '../../server/src/features/completion';
import { hoverAt } from '../../server/src/features/hover';
import { applyEdits, fixAllEdits } from '../../server/src/fixes';
import type { Finding, TextEdit } from '../../server/src/rules/types';
import { Rng } from '../libvirt/rng';
import { bigDomain, hostileDocs, MUTATOR_NAMES, seedCorpus } from './hostile';
import { runIsolated } from './isolated';

const SEED = Number(process.env.FUZZ_SEED ?? 1337);
const CASES = Number(process.env.FUZZ_CASES ?? 10000);
/** Per-case bound for documents up to ~1 MB; big ones get a bound proportional to their size. */
const BOUND_MS = Number(process.env.FUZZ_BOUND_MS ?? 3000);
/** Limits for the isolated big cases (a child process each). */
const LIMIT_MS = Number(process.env.FUZZ_LIMIT_MS ?? 10000);
const BIG_LIMIT_MS = Number(process.env.FUZZ_BIG_LIMIT_MS ?? 30000);

const OPTIONS: AnalysisOptions[] = [
  { flavor: 'upstream' },
  { flavor: 'openeuler' },
  {},
  { flavor: 'upstream', machine: 'q35' },
  { flavor: 'openeuler', machine: 'pc' },
  { machine: 'virt' },
];

interface Stats {
  cases: number;
  decoded: number;
  skipped: number;
  findings: number;
  slowest: { ms: number; kind: string; bytes: number };
}

/** One case: decode, analyze, fix. Throws (with context) on any broken invariant. */
function runCase(bytes: Buffer, kind: string, opts: AnalysisOptions, stats: Stats): void {
  const t0 = performance.now();
  const decoded = decodeBytes(bytes);
  stats.cases++;
  let text: string;
  if ('skip' in decoded) {
    // The CLI skips it; an editor would still hand the server its text. Analyze that too.
    stats.skipped++;
    assert.equal(typeof decoded.skip, 'string');
    text = bytes.toString('latin1');
  } else {
    stats.decoded++;
    text = decoded.text;
  }
  const a = analyze(text, opts);
  for (const e of a.internalErrors) {
    const err = e.error instanceof Error ? e.error : new Error(String(e.error));
    throw new Error(`rule family ${e.family} threw ${err.name}: ${err.message}\n${err.stack ?? ''}`);
  }
  for (const f of a.findings) {
    assert.ok(
      f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= text.length,
      `${f.code} span ${f.span.start}-${f.span.end} outside 0-${text.length}`
    );
    for (const fix of f.fixes ?? []) {
      for (const e of fix.edits) {
        assert.ok(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= text.length, `${f.code} fix edit outside the text`);
      }
    }
  }
  stats.findings += a.findings.length;
  // What an editor asks on every keystroke: completion and hover at a few places.
  for (const at of [0, text.length, (text.length * 0.37) | 0, (text.length * 0.81) | 0]) {
    complete(a, at, { flavor: opts.flavor, triggerCharacter: at % 2 ? '<' : undefined });
    hoverAt(a, at);
  }
  const edits = fixAllEdits(a.findings);
  const fixed = applyEdits(text, edits);
  assert.equal(typeof fixed, 'string');
  const ms = performance.now() - t0;
  if (ms > stats.slowest.ms) {
    stats.slowest = { ms, kind, bytes: bytes.length };
  }
  const bound = BOUND_MS + (bytes.length / 1e6) * 1000; // +1 s per MB
  assert.ok(ms < bound, `${kind} document of ${bytes.length} bytes took ${ms.toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
}

function fresh(): Stats {
  return { cases: 0, decoded: 0, skipped: 0, findings: 0, slowest: { ms: 0, kind: '', bytes: 0 } };
}

describe(`engine fuzz (seed ${SEED})`, () => {
  const corpus = seedCorpus();
  const total = fresh();

  test(`${CASES} mutated real domains through decodeBytes + analyze + fix-all`, (t) => {
    const rng = new Rng(SEED ^ 0x5a5a);
    const perKind = new Map<string, number>();
    const t0 = performance.now();
    // Failures are grouped by their first line, so one bug does not hide the others.
    const failures = new Map<string, { count: number; example: string }>();
    let index = 0;
    for (const h of hostileDocs(SEED, CASES, corpus)) {
      const opts = rng.pick(OPTIONS);
      try {
        runCase(h.bytes, h.kind, opts, total);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const key = msg
          .split('\n')[0]!
          .replace(/\b\w+ document of \d+ bytes/, 'document')
          .replace(/\d+/g, 'N');
        const f = failures.get(key) ?? { count: 0, example: '' };
        if (f.count === 0) {
          const head = h.bytes
            .subarray(0, 300)
            .toString('utf8')
            .replace(/[^\x20-\x7e\n]/g, '?');
          f.example = `case ${index} (${h.kind}, ${h.bytes.length} bytes, options ${JSON.stringify(opts)}): ${msg}\nfirst bytes:\n${head}`;
        }
        f.count++;
        failures.set(key, f);
      }
      index++;
      const k = h.kind.split('+')[0]!;
      perKind.set(k, (perKind.get(k) ?? 0) + 1);
    }
    const s = (performance.now() - t0) / 1000;
    t.diagnostic(
      `${total.cases} cases in ${s.toFixed(1)} s (${total.decoded} decoded as text, ${total.skipped} refused by the decoder as binary and analysed as latin1), ${total.findings} findings`
    );
    t.diagnostic(`slowest: ${total.slowest.kind}, ${total.slowest.bytes} bytes, ${total.slowest.ms.toFixed(1)} ms`);
    if (failures.size > 0) {
      assert.fail(
        `${[...failures.values()].reduce((n, f) => n + f.count, 0)} of ${index} cases failed, ${failures.size} distinct problems:\n\n` +
          [...failures.values()].map((f) => `${f.count} x ${f.example}`).join('\n\n')
      );
    }
    assert.deepEqual(
      MUTATOR_NAMES.filter((k) => !perKind.has(k)),
      [],
      'every mutator ran'
    );
  });

  /** Big documents run in a child process with a hard limit: a hang fails the test, not the suite. */
  async function isolated(
    t: { diagnostic(s: string): void },
    what: string,
    bytes: Buffer,
    limitMs: number,
    opts: AnalysisOptions = { flavor: 'upstream' }
  ): Promise<void> {
    const r = await runIsolated(bytes, opts, limitMs);
    total.cases++;
    t.diagnostic(
      `${what} (${(bytes.length / 1e6).toFixed(1)} MB): ${r.ms !== undefined ? `${r.ms.toFixed(0)} ms, ${r.findings ?? 0} findings` : r.error}`
    );
    assert.ok(r.ok, `${what}: ${r.error}`);
  }

  test('a 10 MB domain (its devices repeated: thousands of duplicates)', async (t) => {
    await isolated(t, '10 MB', bigDomain(10 * 1024 * 1024, corpus), BIG_LIMIT_MS);
  });

  test('100k-deep nesting, open and closed, inside a domain and alone', async (t) => {
    const depth = 100_000;
    const docs: [string, string][] = [
      ['open', `<domain><devices>${'<disk>'.repeat(depth)}`],
      ['closed', `<domain><devices>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</devices></domain>`],
      ['self-closing tail', `<domain>${'<os>'.repeat(depth)}<type/>${'</os>'.repeat(depth)}</domain>`],
      ['mismatched', `<domain>${'<a>'.repeat(depth)}${'</b>'.repeat(depth)}</domain>`],
      ['bare', '<a>'.repeat(depth)],
      ['comments', `<domain>${'<!--'.repeat(depth)}</domain>`],
    ];
    for (const [kind, text] of docs) {
      await isolated(t, `deep ${kind}`, Buffer.from(text), LIMIT_MS);
    }
  });

  test('10,000 attributes on one element, and 1 MB values', async (t) => {
    const base =
      corpus.map((b) => b.toString('utf8')).find((x) => x.includes('<devices>') && x.includes('<name>')) ??
      '<domain><name>x</name><devices></devices></domain>';
    const at = base.indexOf('<devices') + '<devices'.length;
    const distinct = Array.from({ length: 10_000 }, (_, i) => ` a${i}='${i}'`).join('');
    const repeated = Array.from({ length: 10_000 }, (_, i) => ` a${i % 2 ? 0 : i}='${i}'`).join('');
    await isolated(t, '10k distinct attributes', Buffer.from(base.slice(0, at) + distinct + base.slice(at)), LIMIT_MS);
    await isolated(t, '10k attributes, half repeated', Buffer.from(base.slice(0, at) + repeated + base.slice(at)), LIMIT_MS);
    const nameAt = base.indexOf('<name>');
    const huge = `${base.slice(0, nameAt)}<name>${'n'.repeat(1 << 20)}</name>${base.slice(base.indexOf('</name>') + 7)}`;
    await isolated(t, '1 MB name', Buffer.from(huge), LIMIT_MS);
    await isolated(
      t,
      '1 MB of entities in a value',
      Buffer.from(base.slice(0, at) + ` x='${'&amp;'.repeat(200_000)}'` + base.slice(at)),
      LIMIT_MS,
      {}
    );
  });

  test('fix-all and applyEdits equal their one-by-one definitions on random edits', () => {
    // The definitions the fast paths in server/src/fixes.ts must keep.
    const refFixAll = (findings: Finding[]): TextEdit[] => {
      const taken: TextEdit[] = [];
      for (const f of findings) {
        const fix = f.fixes?.find((x) => x.preferred);
        if (!fix || fix.edits.length === 0) {
          continue;
        }
        const clash = fix.edits.some((e) =>
          taken.some(
            (t) =>
              (e.span.start < t.span.end && t.span.start < e.span.end) || (e.span.start === e.span.end && e.span.start === t.span.start)
          )
        );
        if (!clash) {
          taken.push(...fix.edits);
        }
      }
      return taken;
    };
    const refApply = (text: string, edits: readonly TextEdit[]): string => {
      let out = text;
      for (const e of [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end)) {
        out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
      }
      return out;
    };
    const rng = new Rng(SEED ^ 0xf1f1);
    for (let round = 0; round < 2000; round++) {
      const text = 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, rng.int(0, 36));
      const edit = (): TextEdit => {
        const a = rng.int(0, text.length);
        const b = rng.chance(0.3) ? a : Math.min(text.length, a + rng.int(0, 5));
        return { span: { start: a, end: b }, newText: rng.pick(['', 'X', 'YY', '<z/>']) };
      };
      const findings: Finding[] = Array.from({ length: rng.int(0, 12) }, () => ({
        code: 'xml-syntax',
        message: '',
        span: { start: 0, end: 0 },
        fixes: [{ title: '', preferred: rng.chance(0.8), edits: Array.from({ length: rng.int(1, 3) }, edit) }],
      }));
      const fast = fixAllEdits(findings);
      assert.deepEqual(fast, refFixAll(findings), `fixAllEdits, round ${round}`);
      assert.equal(applyEdits(text, fast), refApply(text, fast), `applyEdits on fix-all edits, round ${round}`);
      const any = Array.from({ length: rng.int(0, 6) }, edit);
      assert.equal(applyEdits(text, any), refApply(text, any), `applyEdits on any edits, round ${round}: ${JSON.stringify(any)}`);
    }
  });

  test('pure binary, empty and tiny inputs', () => {
    const stats = fresh();
    const tiny = [
      '',
      '<',
      '>',
      '<<',
      '</',
      '<domain',
      '<domain>',
      '<domain/>',
      '<?xml?>',
      '<!---->',
      '\u0000',
      '\ufeff',
      '&',
      '<domain><devices><',
      '<domain><name>a/b</name>',
    ];
    for (const s of tiny) {
      runCase(Buffer.from(s), `tiny ${JSON.stringify(s)}`, { flavor: 'upstream' }, stats);
      runCase(Buffer.from(s), `tiny ${JSON.stringify(s)}`, {}, stats);
    }
    const rng = new Rng(SEED);
    for (let i = 0; i < 50; i++) {
      const b = Buffer.alloc(rng.int(1, 70_000));
      for (let j = 0; j < b.length; j++) {
        b[j] = rng.int(0, 255);
      }
      runCase(b, 'binary', { flavor: 'upstream' }, stats);
      // The same bytes with NULs taken out, so the decoder lets them through to the parser.
      runCase(Buffer.from(b.filter((x) => x !== 0)), 'binary without NUL', { flavor: 'openeuler' }, stats);
    }
    total.cases += stats.cases;
  });

  test('at least 10,000 cases ran', () => {
    assert.ok(total.cases >= Math.min(10000, CASES), `${total.cases} cases`);
  });
});

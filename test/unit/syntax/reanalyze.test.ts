/**
 * Incremental analysis (server/src/analysis.ts reanalyze) gives exactly what a full analysis of
 * the new text gives: thousands of seeded random edits, most of them inside one device of a
 * domain, chained over every fixture and example; each incremental result (findings with their
 * codes, spans, messages, severities, related places and fixes) compared with analyze().
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, reanalyze, spliceAnalysis, type Analysis, type AnalysisOptions } from '../../../server/src/analysis';
import { loadSnapshotSync } from '../../../server/src/host/source';
import { child, forEachElement } from '../../../server/src/syntax/tree';
import { seedCorpus } from '../../fuzz/hostile';
import { Rng } from '../../libvirt/rng';
import { REPO } from '../../support/paths';

/** What people type inside a device: characters, values that rules look at, bits of markup. */
const PIECES = [
  'a',
  'x',
  '0',
  '1',
  ' ',
  '\n',
  "'",
  '<',
  '>',
  '/',
  'vd',
  'sd',
  'hd',
  'virtio',
  'sata',
  'scsi',
  'ide',
  'usb',
  'pci',
  'drive',
  '0x1f',
  '0x00',
  ':',
  '01:',
  'retry',
  " bus='0x01'",
  " slot='0x05'",
  " unit='1'",
  "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>",
  "<address type='drive' controller='0' bus='0' target='0' unit='0'/>",
  "<target dev='vda' bus='virtio'/>",
  "<boot order='1'/>",
  "<model type='e1000'/>",
];

/** Values typed inside an attribute value: no quote, '<' or '&'. */
const VALUE_PIECES = ['a', 'x', '0', '1', '5', 'f', ':', '.', 'vd', 'sd', 'virtio', 'sata', 'scsi', 'pci', 'drive', '0x', 'on', 'retry'];

/** A random edit, mostly inside one of the domain's devices: in an attribute value, adding an element, or anything. */
function edit(text: string, rng: Rng, a: Analysis): string {
  const devices = a.model?.kind === 'domain' ? child(a.model.root, 'devices') : undefined;
  const del = rng.chance(0.5) ? rng.int(0, 3) : 0;
  const piece = (pieces: readonly string[]): string => {
    let s = '';
    const k = rng.chance(0.3) ? 0 : rng.int(1, 2);
    for (let i = 0; i < k; i++) {
      s += rng.pick(pieces);
    }
    return s;
  };
  const at = (p: number, d: number, s: string): string => text.slice(0, p) + s + text.slice(Math.min(text.length, p + d));
  if (!devices || devices.children.length === 0 || rng.chance(0.1)) {
    return at(rng.int(0, text.length), del, piece(PIECES));
  }
  const device = rng.pick(devices.children);
  const els = [device];
  forEachElement(device, (e) => {
    if (e !== device) {
      els.push(e);
    }
  });
  const el = rng.pick(els);
  const values = el.attributes.filter((x) => x.valueSpan && x.valueSpan.end - x.valueSpan.start >= 2);
  const r = rng.next();
  if (r < 0.55 && values.length > 0) {
    const v = rng.pick(values).valueSpan!;
    const p = rng.int(v.start + 1, v.end - 1);
    return at(p, Math.min(del, v.end - 1 - p), piece(VALUE_PIECES));
  }
  if (r < 0.75 && el !== device && el.wellFormed) {
    return at(rng.chance(0.5) ? el.span.end : el.span.start, 0, rng.pick(PIECES.filter((x) => x.startsWith('<') && x.length > 2)));
  }
  return at(rng.int(device.span.start + 1, device.span.end - 1), del, piece(PIECES));
}

/** The findings as plain data: a fix that claims a resource shows what it took. */
function plain(a: Analysis): string {
  return JSON.stringify(a.findings, (key, value: unknown) =>
    key === 'claim' && value && typeof value === 'object' ? { taken: (value as { taken: unknown }).taken } : value
  );
}

describe('incremental analysis equals a full analysis', () => {
  test('random edits chained over every fixture and example (seed 12)', (t) => {
    const rng = new Rng(12);
    const corpus = seedCorpus()
      .map((b) => b.toString('utf8'))
      .filter((s) => s.includes('<devices'));
    const variants: AnalysisOptions[] = [
      { flavor: 'upstream' },
      { machine: 'pc' },
      { flavor: 'openeuler', severity: { 'schema-unknown-element': 'off' } },
      // An older target: the target-version family reports (and keeps per device) what came after it.
      { flavor: 'upstream', targetVersion: '6.0.0' },
      // A host: the host family judges each device against its domcapabilities and devices.
      { flavor: 'upstream', host: loadSnapshotSync(path.join(REPO, 'test', 'fixtures', 'hosts', 'sriov-iommu')) },
    ];
    let edits = 0;
    let incremental = 0;
    for (const [n, source] of corpus.entries()) {
      const opts = variants[n % variants.length]!;
      let text = source;
      let a = analyze(text, opts);
      for (let i = 0; i < 6; i++) {
        let next = edit(text, rng, a);
        // Sometimes the tree is first brought forward for completion (freshestOf), then analysed.
        if (rng.chance(0.25) && a.reuse && spliceAnalysis(a, next)) {
          next = edit(next, rng, a);
        }
        edits++;
        const full = analyze(next, opts);
        const b = reanalyze(a, next, opts);
        if (b) {
          incremental++;
          assert.equal(b.doc.text, next);
          assert.equal(plain(b), plain(full), `edit ${edits}: incremental findings differ\nbefore:\n${text}\nafter:\n${next}`);
          a = b;
          text = next;
        } else if (full.doc.errors.length > 0) {
          // Broken markup: start again from the document (edits there are never incremental).
          text = source;
          a = analyze(text, opts);
        } else {
          a = full;
          text = next;
        }
      }
    }
    t.diagnostic(`${incremental} of ${edits} edits analysed incrementally, the others whole`);
    assert.ok(edits > 2000, `${edits} edits`);
    assert.ok(incremental > edits / 3, `${incremental} of ${edits} edits incremental`);
  });
});

/**
 * The coverage map (docs/libvirt-coverage.md): generated from libvirt's error sites
 * (scripts/coverage/libvirt-9.0-domain-errors.json), their classification
 * (scripts/coverage/classification.json) and the proof in test/fixtures/rules/VERDICTS.md.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isCode } from '../../server/src/rules/codes';
import { REPO } from '../support/paths';

const GEN = path.join(REPO, 'scripts', 'coverage', 'gen-coverage-doc.mjs');

interface Row {
  file: string;
  function: string;
  format: string;
  codes?: string[];
  proof?: string;
  reason?: string;
}
interface Entry {
  file: string;
  function: string;
  format: string;
  codes?: string[];
  reason?: string;
}

function generated(): { rows: Row[]; summary: { covered: number; checkable: number } } {
  const r = spawnSync(process.execPath, [GEN, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { rows: Row[]; summary: { covered: number; checkable: number } };
}

const classes = JSON.parse(fs.readFileSync(path.join(REPO, 'scripts', 'coverage', 'classification.json'), 'utf8')) as {
  reasons: Record<string, string>;
  sites: Entry[];
  codes: Entry[];
  rules: { reason: string }[];
};

test('docs/libvirt-coverage.md is current (regenerate: node scripts/coverage/gen-coverage-doc.mjs)', () => {
  const r = spawnSync(process.execPath, [GEN, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('every classification names a site that exists, a known reason and known codes', () => {
  const { rows } = generated();
  for (const e of [...classes.sites, ...classes.codes]) {
    assert.ok(
      rows.some((r) => r.file === e.file && r.function === e.function && r.format === e.format),
      `no site ${e.file} ${e.function} '${e.format}'`
    );
  }
  for (const r of [...classes.sites, ...classes.rules]) {
    assert.ok(r.reason! in classes.reasons, `unknown reason ${r.reason}`);
  }
  const unknown = rows.flatMap((r) => r.codes ?? []).filter((c) => !isCode(c));
  assert.deepEqual([...new Set(unknown)], [], 'codes in the map that do not exist');
});

test('a site we map by hand is proven by a fixture: libvirt raised its message there and we reported the code', () => {
  const { rows } = generated();
  for (const e of classes.codes) {
    const row = rows.find((r) => r.file === e.file && r.function === e.function && r.format === e.format)!;
    assert.ok(row.proof, `${e.function} '${e.format}': no fixture in VERDICTS.md shows it with ${e.codes!.join(' or ')}`);
  }
});

test('covered sites are counted only with a proof or as schema-level', () => {
  const { rows, summary } = generated();
  const covered = rows.filter((r) => r.proof !== undefined || r.reason === 'schema').length;
  assert.equal(summary.covered, covered);
  assert.ok(summary.covered <= summary.checkable);
});

/**
 * Documents that libvirt accepts. Our own corpora (the seeds' examples corrected, test/fixtures/valid,
 * examples/) must produce exactly the findings their markers name (none, for most). Real-world
 * XML written by other tools (test/fixtures/real-world) must produce no error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { checkFixture, describeFinding } from '../support/check';
import { xmlFiles } from '../support/files';
import { FIXTURES, REPO } from '../support/paths';

describe('valid documents produce exactly their marked findings', () => {
  const sets: [string, 'upstream' | 'openeuler'][] = [
    [path.join(FIXTURES, 'valid'), 'upstream'],
    [path.join(FIXTURES, 'seeds'), 'upstream'],
    [path.join(REPO, 'examples'), 'upstream'],
  ];
  for (const [dir, flavor] of sets) {
    for (const file of xmlFiles(dir)) {
      if (path.basename(file) === 'mistakes.xml') {
        continue; // the quick start's deliberate mistakes; covered by the CLI tests
      }
      const rel = path.relative(REPO, file);
      const f = rel.includes('openeuler-only') ? 'openeuler' : flavor;
      test(rel, () => {
        const text = fs.readFileSync(file, 'utf8');
        const findings = checkFixture(text, { flavor: f });
        assert.ok(findings.every((x) => x.severity !== 'error'));
      });
    }
  }
});

describe('real-world XML written by other tools has no errors', () => {
  const dir = path.join(FIXTURES, 'real-world');
  for (const file of xmlFiles(dir)) {
    test(path.basename(file), () => {
      const text = fs.readFileSync(file, 'utf8');
      const a = analyze(text, { flavor: 'upstream' });
      assert.ok(a.model, 'recognised as libvirt XML');
      const errors = a.findings.filter((f) => f.severity === 'error').map((f) => describeFinding(text, f));
      assert.deepEqual(errors, []);
    });
  }
});

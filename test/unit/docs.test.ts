import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { renderCodesDoc } from '../support/codes-doc';
import { REPO } from '../support/paths';

test('docs/codes.md lists the current code table (regenerate: node scripts/gen-codes-doc.mjs)', () => {
  assert.equal(fs.readFileSync(path.join(REPO, 'docs', 'codes.md'), 'utf8'), renderCodesDoc());
});

test('README opens with the two Quick start commands', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const quick = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  assert.match(quick, /npm run quickstart/);
  assert.match(quick, /npm test/);
});

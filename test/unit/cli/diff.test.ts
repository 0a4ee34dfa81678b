/**
 * The unified diff --fix-dry-run prints: hunks with three lines of context, '-' before '+'.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { unifiedDiff } from '../../../server/src/cli/diff';

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

const cases: { name: string; before: string; after: string; diff: string }[] = [
  { name: 'equal texts', before: 'a\n', after: 'a\n', diff: '' },
  { name: 'one line changed', before: 'a\nb\nc\n', after: 'a\nB\nc\n', diff: '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n' },
  { name: 'a line added at the top', before: 'a\n', after: 'x\na\n', diff: '--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n+x\n a\n' },
  {
    name: 'two changes far apart: two hunks',
    before: lines(20),
    after: lines(20).replace('line 2\n', 'two\n').replace('line 18\n', 'eighteen\n'),
    diff:
      '--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n line 1\n-line 2\n+two\n line 3\n line 4\n line 5\n' +
      '@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n+eighteen\n line 19\n line 20\n',
  },
  {
    name: 'no newline at the end',
    before: 'a',
    after: 'b',
    diff: '--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n',
  },
];
for (const c of cases) {
  test(`diff: ${c.name}`, () => assert.equal(unifiedDiff('f', c.before, c.after), c.diff));
}

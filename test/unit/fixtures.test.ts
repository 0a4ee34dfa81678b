/**
 * One test per fixture file under test/fixtures/rules: the findings must be exactly the ones
 * its inline markers expect. Where a sibling NAME.fixed.xml exists, applying every preferred fix
 * must give that text, and the fixed text must have no error left. UPDATE_FIXED=1 rewrites the
 * existing .fixed.xml files from the current fixes (review the diff before committing).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { withAcross } from '../../server/src/analysis';
import { checkFleet } from '../../server/src/rules/fleet';
import { analyzeFixture, checkFixture, describeFinding, expectExactly, fixAll } from '../support/check';
import { xmlFiles } from '../support/files';
import { parseExpectations } from '../support/markers';
import { FIXTURES } from '../support/paths';

describe('rule fixtures', () => {
  const root = path.join(FIXTURES, 'rules');
  for (const file of xmlFiles(root)) {
    if (path.relative(root, file).startsWith(`fleet${path.sep}`)) {
      continue; // checked as sets below
    }
    test(path.relative(root, file), () => {
      const text = fs.readFileSync(file, 'utf8');
      const findings = checkFixture(text);
      const fixedPath = file.replace(/\.xml$/, '.fixed.xml');
      if (process.env.UPDATE_FIXED === '1' && fs.existsSync(fixedPath)) {
        fs.writeFileSync(fixedPath, fixAll(text, findings)); // regenerate on purpose, then review the diff
      }
      if (fs.existsSync(fixedPath)) {
        const expected = fs.readFileSync(fixedPath, 'utf8');
        const actual = fixAll(text, findings);
        assert.equal(actual, expected, `applying every preferred fix to ${path.basename(file)} should give ${path.basename(fixedPath)}`);
        const { options } = parseExpectations(text);
        const flavor = options.flavor === 'unknown' ? undefined : (options.flavor ?? 'upstream');
        const left = analyze(actual, { flavor, machine: options.machine }).findings.filter((f) => f.severity === 'error');
        assert.deepEqual(
          left.map((f) => describeFinding(actual, f)),
          [],
          'no error may remain after the fixes'
        );
      }
    });
  }
});

/**
 * test/fixtures/rules/fleet/CASE/: the files of one folder are linted together, as libvirt-lint
 * does with a folder; each file's markers expect its own findings, conflicts with the others
 * included.
 */
describe('fleet fixtures (conflicts between domains)', () => {
  const root = path.join(FIXTURES, 'rules', 'fleet');
  const cases = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()) : [];
  for (const c of cases.sort()) {
    test(c, () => {
      const files = xmlFiles(path.join(root, c));
      const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
      const analyses = texts.map((t) => analyzeFixture(t));
      const across = checkFleet(analyses.map((a) => ({ model: a.model! })));
      files.forEach((f, i) => {
        const findings = withAcross(analyses[i]!, across[i]!);
        for (const x of findings.flatMap((g) => g.related ?? [])) {
          assert.ok(
            x.member === undefined || (x.member >= 0 && x.member < files.length && x.member !== i),
            'related places name another file'
          );
        }
        try {
          expectExactly(texts[i]!, findings);
        } catch (e) {
          throw new Error(`${path.basename(f)}: ${(e as Error).message}`);
        }
      });
    });
  }
});

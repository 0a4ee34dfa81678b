/**
 * Fix All never makes things worse: on every fixture (rules, valid, seeds, real-world), applying
 * every preferred fix at once and linting again gives no finding that was not there before (per
 * code, never more of one). The compete-* rule fixtures hold several fixes that want the same
 * free slot, index, port, target, unit, chassis or boot order; their .fixed.xml files show
 * each fix taking its own.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, type AnalysisOptions } from '../../../server/src/analysis';
import { applyEdits, fixAllEdits } from '../../../server/src/fixes';
import { xmlFiles } from '../../support/files';
import { parseExpectations } from '../../support/markers';
import { FIXTURES } from '../../support/paths';

function codeCounts(text: string, opts: AnalysisOptions): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of analyze(text, opts).findings) {
    counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  }
  return counts;
}

describe('fix all leaves no new finding', () => {
  for (const sub of ['rules', 'valid', 'seeds', 'real-world']) {
    for (const file of xmlFiles(path.join(FIXTURES, sub))) {
      test(path.relative(FIXTURES, file), () => {
        const text = fs.readFileSync(file, 'utf8');
        const { options } = parseExpectations(text);
        const flavor = options.flavor === 'unknown' ? undefined : (options.flavor ?? 'upstream');
        const opts: AnalysisOptions = { flavor, machine: options.machine };
        const before = analyze(text, opts);
        const fixed = applyEdits(text, fixAllEdits(before.findings));
        const was = codeCounts(text, opts);
        const now = codeCounts(fixed, opts);
        const worse = [...now].filter(([code, n]) => n > (was.get(code) ?? 0)).map(([code, n]) => `${code}: ${was.get(code) ?? 0} -> ${n}`);
        assert.deepEqual(worse, [], `Fix All made these worse:\n${fixed}`);
      });
    }
  }
});

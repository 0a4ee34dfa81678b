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
import { applyEdits, fixAllEdits, fixesUnbuilt } from '../../../server/src/fixes';
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

describe('fixes that claim a resource are built when first read', () => {
  const text = `<domain type='kvm'>
  <name>lazy</name>
  <memory unit='MiB'>512</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='network'><source network='default'/><model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface>
    <interface type='network'><source network='default'/><model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface>
  </devices>
</domain>
`;
  test('not built by the analysis; built once on the first read, as a plain list of one fix', () => {
    const analysis = analyze(text, { flavor: 'upstream' });
    const clash = analysis.findings.find((f) => f.code === 'pci-address-duplicate');
    assert.ok(clash?.fixes, 'the clash has a fix list');
    assert.equal(fixesUnbuilt(clash.fixes), true, 'the analysis did not build it');
    assert.equal(Array.isArray(clash.fixes), true);
    assert.equal(clash.fixes.length, 1);
    assert.equal(fixesUnbuilt(clash.fixes), false, 'reading built it');
    const [fix] = clash.fixes;
    assert.match(fix!.title, /^Move to /);
    assert.ok(fix!.claim, 'it claims the slot it moves to');
    assert.deepEqual([...clash.fixes], [fix], 'spreads like an array');
    assert.equal(clash.fixes[0], fix, 'built once');
    assert.equal(fixAllEdits(analysis.findings).length > 0, true);
  });
});

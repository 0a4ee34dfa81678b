/**
 * onSave mode between saves: which findings stay shown after a change, and where.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { applyEdits } from '../../../server/src/fixes';
import { withoutTouched } from '../../../server/src/lsp/stale';

const BAD = `<domain type='kvm'>
  <name>demo</name>
  <memory unit='GiB'>1</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <controller type='usb' index='0' model='piix3-uhci'/>
    <controller type='usb' index='0' model='ehci'/>
    <interface type='network'>
      <mac address='53:54:00:00:00:01'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
`;

describe('findings carried over a change (onSave mode)', () => {
  const findings = analyze(BAD).findings;
  const codes = (fs: { code: string }[] | undefined): string[] => (fs ?? []).map((f) => f.code).sort();

  test('the fixture has both findings', () => {
    assert.deepEqual(codes(findings), ['controller-index-duplicate', 'mac-multicast']);
  });

  test('a quick fix applied removes its finding; the other moves with the text', () => {
    const dup = findings.find((f) => f.code === 'controller-index-duplicate')!;
    const after = applyEdits(BAD, dup.fixes![0]!.edits);
    const next = withoutTouched(BAD, after, findings)!;
    assert.deepEqual(codes(next), ['mac-multicast']);
    const mac = next[0]!;
    const old = findings.find((f) => f.code === 'mac-multicast')!;
    assert.equal(after.slice(mac.span.start, mac.span.end), BAD.slice(old.span.start, old.span.end));
  });

  test('typing elsewhere keeps both, moved', () => {
    const after = BAD.replace('<name>demo</name>', '<name>demo-longer</name>');
    const next = withoutTouched(BAD, after, findings)!;
    assert.deepEqual(codes(next), codes(findings));
    for (const f of next) {
      const old = findings.find((x) => x.code === f.code)!;
      assert.equal(after.slice(f.span.start, f.span.end), BAD.slice(old.span.start, old.span.end));
    }
  });

  test('typing inside a finding withdraws it', () => {
    const after = BAD.replace('53:54:00', '52:54:00');
    assert.deepEqual(codes(withoutTouched(BAD, after, findings)), ['controller-index-duplicate']);
  });

  test('no change, no answer', () => {
    assert.equal(withoutTouched(BAD, BAD, findings), undefined);
  });
});

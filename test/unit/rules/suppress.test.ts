/**
 * Suppression comments: which findings they hide, which are left, what counts as unused, the
 * quick fix that writes one, and the '--' that XML forbids in comments.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, withAcross } from '../../../server/src/analysis';
import { applyEdits } from '../../../server/src/fixes';
import { parseSuppressions, suppressEdit } from '../../../server/src/rules/suppress';
import { domainXml } from './cases';

const OPEN = `    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'/>`;

const codes = (xml: string): string[] => analyze(xml, { flavor: 'upstream' }).findings.map((f) => f.code);

describe('suppressions', () => {
  const table: { name: string; devices: string; expect: string[] }[] = [
    { name: 'nothing suppressed', devices: OPEN, expect: ['graphics-vnc-open'] },
    { name: 'next line', devices: `    <!-- libvirt-lint-disable-next-line graphics-vnc-open: lab -->\n${OPEN}`, expect: [] },
    {
      name: 'next line only',
      devices: `    <!-- libvirt-lint-disable-next-line graphics-vnc-open -->\n${OPEN}\n${OPEN}`,
      expect: ['graphics-vnc-open'],
    },
    { name: 'rest of file', devices: `    <!-- libvirt-lint-disable graphics-vnc-open -->\n${OPEN}\n${OPEN}`, expect: [] },
    {
      name: 'before the comment is not hidden',
      devices: `${OPEN}\n    <!-- libvirt-lint-disable graphics-vnc-open -->\n${OPEN}`,
      expect: ['graphics-vnc-open'],
    },
    {
      name: 'a list with commas, one unused',
      devices: `    <!-- libvirt-lint-disable-next-line graphics-vnc-open, mac-invalid: why -->\n${OPEN}`,
      expect: ['suppression-unused'],
    },
    {
      name: 'another code is not hidden',
      devices: `    <!-- libvirt-lint-disable-next-line mac-invalid -->\n${OPEN}`,
      expect: ['suppression-unused', 'graphics-vnc-open'],
    },
    {
      name: 'no code at all',
      devices: `    <!-- libvirt-lint-disable-next-line -->\n${OPEN}`,
      expect: ['suppression-unused', 'graphics-vnc-open'],
    },
    { name: 'codes over several domains wait for that pass', devices: `    <!-- libvirt-lint-disable fleet-mac-duplicate -->`, expect: [] },
    {
      name: 'an ordinary comment is no suppression',
      devices: `    <!-- libvirt-lint is run in CI -->\n${OPEN}`,
      expect: ['graphics-vnc-open'],
    },
  ];
  for (const c of table) {
    test(c.name, () => assert.deepEqual(codes(domainXml({}, c.devices)), c.expect));
  }

  test('a suppression of a code set to off is not reported unused', () => {
    const xml = domainXml({}, `    <!-- libvirt-lint-disable-next-line graphics-vnc-open -->\n    <input type='tablet' bus='usb'/>`);
    assert.deepEqual(
      analyze(xml, { flavor: 'upstream', severity: { 'graphics-vnc-open': 'off' } }).findings.map((f) => f.code),
      []
    );
  });

  test('withAcross: a suppression of a code over several domains is used or reported then', () => {
    const xml = domainXml({}, `    <!-- libvirt-lint-disable fleet-mac-duplicate -->\n    <input type='tablet' bus='usb'/>`);
    const a = analyze(xml, { flavor: 'upstream' });
    assert.deepEqual(
      withAcross(a, []).map((f) => f.code),
      ['suppression-unused']
    );
    const at = xml.indexOf('<input');
    assert.deepEqual(
      withAcross(a, [{ code: 'fleet-mac-duplicate', message: 'x', span: { start: at, end: at + 6 } }]).map((f) => f.code),
      []
    );
  });

  test('removing an unused suppression that is alone on its line removes the line', () => {
    const xml = domainXml({}, `    <!-- libvirt-lint-disable-next-line mac-invalid -->\n    <input type='tablet' bus='usb'/>`);
    const f = analyze(xml, { flavor: 'upstream' }).findings.find((x) => x.code === 'suppression-unused')!;
    assert.equal(applyEdits(xml, f.fixes![0]!.edits), domainXml({}, `    <input type='tablet' bus='usb'/>`));
  });

  test('the quick fix writes a comment above the line, indented like it, and then nothing is left', () => {
    const xml = domainXml({}, OPEN);
    const a = analyze(xml, { flavor: 'upstream' });
    const f = a.findings[0]!;
    const fixed = applyEdits(xml, [suppressEdit(a.doc, a.suppressions, f.code, f.span.start)]);
    assert.ok(fixed.includes(`    <!-- libvirt-lint-disable-next-line graphics-vnc-open: reason -->\n${OPEN}`), fixed);
    assert.deepEqual(codes(fixed), []);
  });

  test('the quick fix adds to a disable-next-line comment already above', () => {
    const xml = domainXml({}, `    <!-- libvirt-lint-disable-next-line mac-invalid: why -->\n${OPEN}`);
    const a = analyze(xml, { flavor: 'upstream' });
    const f = a.findings.find((x) => x.code === 'graphics-vnc-open')!;
    const fixed = applyEdits(xml, [suppressEdit(a.doc, a.suppressions, f.code, f.span.start)]);
    assert.ok(fixed.includes('libvirt-lint-disable-next-line mac-invalid, graphics-vnc-open: why'), fixed);
    assert.equal(parseSuppressions(a.doc).length, 1);
  });

  test("'--' inside a comment is a syntax error, as libxml2 (so libvirt) says", () => {
    const xml = domainXml({}, `    <!-- libvirt-lint-disable-next-line graphics-vnc-open -- reason -->\n${OPEN}`);
    assert.ok(codes(xml).includes('xml-syntax'));
  });
});

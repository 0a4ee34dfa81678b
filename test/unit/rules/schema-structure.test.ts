/**
 * The structural family (rules/schema-structure.ts) beyond what the fixtures under
 * test/fixtures/rules/schema show: did-you-mean distances, documents that are not libvirt's,
 * fragments, the verdict table, and no structural error on documents libvirt accepts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { buildModel } from '../../../server/src/model/build';
import { checkStructure, schemaProblems } from '../../../server/src/rules/schema-structure';
import { editDistance, nearest } from '../../../server/src/schema/nearest';
import verdicts from '../../../server/src/schema/schema-verdicts.json';
import { parseXml } from '../../../server/src/syntax/parse';
import { describeFinding } from '../../support/check';
import { xmlFiles } from '../../support/files';
import { FIXTURES, REPO } from '../../support/paths';

function structure(text: string) {
  const model = buildModel(parseXml(text));
  assert.ok(model, 'recognised as libvirt XML');
  return checkStructure(model).map((f) => ({
    code: f.code,
    text: text.slice(f.span.start, f.span.end),
    message: f.message,
    fixes: f.fixes,
  }));
}

describe('did-you-mean', () => {
  test('edit distance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('cahce', 'cache'), 1);
    assert.equal(editDistance('virtoi', 'virtio'), 1);
    assert.equal(editDistance('drivr', 'driver'), 1);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('interface', 'x', 3), 4, 'stops early above the limit');
  });

  test('suggests only near names, keeps ties, and counts a slip of case as one edit', () => {
    assert.deepEqual(nearest('Model', ['model', 'type']), ['model']);
    assert.deepEqual(nearest('of', ['on', 'off']), ['on', 'off']);
    assert.deepEqual(nearest('colour', ['type', 'trustGuestRxFilters']), []);
    assert.deepEqual(nearest('qemu-xhcii', ['qemu-xhci', 'nec-xhci', 'ehci']), ['qemu-xhci']);
  });
});

describe('structural checks', () => {
  test("a <domain> that is not libvirt's (GlassFish) gets nothing", () => {
    const text = `<domain log-root="\${com.sun.aas.instanceRoot}/logs" version="10.0"><system-applications/><applications/></domain>`;
    assert.deepEqual(schemaProblems(parseXml(text).root!, text), []);
    assert.deepEqual(analyze(text).findings, []);
  });

  test('a device fragment is checked as a child of domain/devices', () => {
    const got = structure(`<interface type='network'><source network='default'/><modle type='virtio'></modle></interface>`);
    assert.deepEqual(
      got.map((f) => [f.code, f.text]),
      [['schema-unknown-element', 'modle']]
    );
    assert.match(got[0]!.message, /Did you mean <model>\?/);
    const rename = got[0]!.fixes![0]!;
    assert.equal(rename.edits.length, 2, 'the start and the end tag are renamed together');
  });

  test('a memory device fragment is the device, not domain/memory', () => {
    assert.deepEqual(structure(`<memory model='dimm'><target><size unit='MiB'>512</size><node>0</node></target></memory>`), []);
  });

  test('a missing attribute comes with an insertion of a placeholder, applied by fix-all only when there is nothing to choose', () => {
    const got = structure(`<input bus='usb'/>`);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.code, 'schema-missing-attribute');
    const fix = got[0]!.fixes![0]!;
    assert.equal(fix.title, "Add type='tablet'");
    assert.equal(fix.edits[0]!.newText, " type='tablet'");
    assert.ok(!fix.preferred);
  });

  test('namespaced content, xmlns declarations and foreign metadata are not reported', () => {
    const text = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
      <name>n</name><memory>1024</memory><os><type>hvm</type></os>
      <metadata><app:x xmlns:app='urn:x' anything='goes'><app:y/></app:x></metadata>
      <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>
    </domain>`;
    assert.deepEqual(structure(text), []);
  });

  test("PCI address numbers: unreadable is an error here, out of range is pci-address-range's", () => {
    const text = (bus: string, fn: string) =>
      `<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='${bus}' slot='0x01' function='${fn}'/></source></hostdev>`;
    assert.deepEqual(structure(text('0x04', '0x01')), [], "function='0x01' is how libvirt writes it");
    assert.deepEqual(
      structure(text('0xzz', '0x0')).map((f) => f.code),
      ['schema-invalid-value']
    );
    assert.deepEqual(structure(text('0x04', '0x9')), [], 'the range belongs to the pci family');
  });

  test('a bad value libvirt ignores is only a warning (managed on hostdev)', () => {
    const got = structure(
      `<hostdev mode='subsystem' type='pci' managed='ja'><source><address domain='0' bus='4' slot='16' function='1'/></source></hostdev>`
    );
    assert.deepEqual(
      got.map((f) => f.code),
      ['schema-validate-only']
    );
  });
});

describe('the verdict table', () => {
  test('records which libvirt answered, and keys are problem keys', () => {
    assert.match(verdicts.libvirt, /^\d+\.\d+\.\d+$/);
    const entries = Object.entries(verdicts.verdicts as Record<string, string>);
    assert.ok(entries.length > 100, 'the probe found something');
    for (const [k, v] of entries) {
      assert.ok(v === 'accept' || v === 'reject', k);
      assert.match(k, /(@[\w:.-]+(=.*)?|\/[\w:.-]+|#text=.*)$/, k);
    }
  });
});

describe('no structural error on documents libvirt accepts', () => {
  const dirs = [path.join(FIXTURES, 'real-world'), path.join(FIXTURES, 'seeds'), path.join(FIXTURES, 'valid'), path.join(REPO, 'examples')];
  for (const dir of dirs) {
    for (const file of xmlFiles(dir)) {
      if (path.basename(file) === 'mistakes.xml') {
        continue; // the quick start's deliberate mistakes
      }
      const rel = path.relative(REPO, file);
      test(rel, () => {
        const text = fs.readFileSync(file, 'utf8');
        const flavor = rel.includes('openeuler-only') ? 'openeuler' : 'upstream';
        const errors = analyze(text, { flavor }).findings.filter((f) => f.code.startsWith('schema-') && f.severity === 'error');
        assert.deepEqual(
          errors.map((f) => describeFinding(text, f)),
          []
        );
      });
    }
  }
});

describe('a large domain', () => {
  test('2,000 NICs with PCI addresses: nothing structural to say', () => {
    const nics: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const bus = 1 + Math.floor(i / 31);
      const slot = 1 + (i % 31);
      nics.push(
        `<interface type='network'><mac address='52:54:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}'/>` +
          `<source network='default'/><model type='virtio'/>` +
          `<address type='pci' domain='0x0000' bus='0x${bus.toString(16).padStart(2, '0')}' slot='0x${slot.toString(16).padStart(2, '0')}' function='0x0'/></interface>`
      );
    }
    const text = `<domain type='kvm'><name>big</name><memory unit='GiB'>8</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${nics.join('')}</devices></domain>`;
    assert.deepEqual(structure(text), []);
  });
});

/**
 * New files in the client: when a document counts as "rootless" (starting points offered, the root
 * tag closed before detection recognises the file), and the manifest parts that make a libvirt
 * file look and behave like XML (icon, linked editing, two-space indentation, format quotes).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { rootless } from '../../../client/src/detect';
import { REPO } from '../../support/paths';

describe('rootless documents', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['\n\n', true],
    ['<', true],
    ['<dom', true],
    ["<domain type='kvm'", true],
    ['<?xml version="1.0"?>\n<!-- a new VM -->\n<', true],
    ["<domain type='kvm'>", false],
    ['<disk/>', false],
    ['<project><modelVersion>4.0.0</modelVersion></project>', false],
    ['<!-- <domain> in a comment -->', true],
  ];
  for (const [text, want] of cases) {
    test(JSON.stringify(text), () => assert.equal(rootless(text), want));
  }
});

describe('manifest: an XML editor', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: {
      languages: { id: string; icon?: { light: string; dark: string } }[];
      configurationDefaults: Record<string, Record<string, unknown>>;
      configuration: { properties: Record<string, { default?: unknown; enum?: string[] }> };
    };
  };
  test('the language has a light and a dark icon, shipped in the package', () => {
    const icon = pkg.contributes.languages.find((l) => l.id === 'libvirt-xml')!.icon!;
    const ignore = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8');
    for (const p of [icon.light, icon.dark]) {
      const file = path.join(REPO, p);
      assert.match(fs.readFileSync(file, 'utf8'), /^<svg /, p);
      assert.ok(ignore.includes('!images/libvirt-xml-*.svg'), 'allowed into the .vsix');
    }
  });
  test('linked editing on, two spaces as libvirt writes', () => {
    const d = pkg.contributes.configurationDefaults['[libvirt-xml]']!;
    assert.equal(d['editor.linkedEditing'], true);
    assert.equal(d['editor.tabSize'], 2);
    assert.equal(d['editor.insertSpaces'], true);
  });
  test('libvirt.format.quotes', () => {
    const s = pkg.contributes.configuration.properties['libvirt.format.quotes']!;
    assert.equal(s.default, 'single');
    assert.deepEqual(s.enum, ['single', 'double', 'preserve']);
  });
});

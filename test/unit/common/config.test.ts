/**
 * .libvirt-lint.json read from text (common/config.ts): what is taken, what is reported and
 * where, and the ignore globs.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globToRegExp, isIgnored, parseConfig } from '../../../server/src/common/config';

describe('config file', () => {
  test('every setting taken', () => {
    const c = parseConfig(
      '/p/.libvirt-lint.json',
      '{"severity":{"mac-invalid":"warning"},"flavor":"openeuler","machine":"q35","ignore":["gen/**"],"targetVersion":"9.0.0","hostSnapshot":"snap/h1.json"}'
    );
    assert.deepEqual(c.problems, []);
    assert.deepEqual(
      { severity: c.severity, flavor: c.flavor, machine: c.machine, ignore: c.ignore, tv: c.targetVersion, hs: c.hostSnapshot },
      {
        severity: { 'mac-invalid': 'warning' },
        flavor: 'openeuler',
        machine: 'q35',
        ignore: ['gen/**'],
        tv: '9.0.0',
        hs: '/p/snap/h1.json',
      }
    );
  });

  const problems: { text: string; at: string; message: RegExp }[] = [
    { text: '', at: '1:1', message: /not valid JSON: unexpected end/ },
    { text: '[]', at: '1:1', message: /one JSON object/ },
    { text: '{\n  "flavor": "upstream"\n  "machine": "q35"\n}', at: '3:3', message: /expected ',' or '}'/ },
    { text: '{"severity": []}', at: '1:14', message: /"severity" must be an object/ },
    { text: '{"severity": {"mac-invalid": 1}}', at: '1:30', message: /the level of 'mac-invalid'/ },
    { text: '{"targetVersion": "nine"}', at: '1:19', message: /libvirt version/ },
    { text: '{"ignore": "gen"}', at: '1:12', message: /array of globs/ },
    { text: '{"ignore": ["ok", ""]}', at: '1:19', message: /non-empty string/ },
    { text: '{"machine": "q35", "x": 1}', at: '1:20', message: /unknown setting "x"/ },
  ];
  for (const p of problems) {
    test(`reported at ${p.at}: ${p.message.source}`, () => {
      const c = parseConfig('/p/c.json', p.text);
      assert.equal(c.problems.length, 1, JSON.stringify(c.problems));
      const [x] = c.problems;
      assert.equal(`${x!.line + 1}:${x!.character + 1}`, p.at);
      assert.match(x!.message, p.message);
    });
  }

  test('the good parts of a file with mistakes still apply', () => {
    const c = parseConfig('/p/c.json', '{"severity": {"nope": "off", "mac-invalid": "off"}, "flavor": "x", "machine": "q35"}');
    assert.equal(c.problems.length, 2);
    assert.deepEqual(c.severity, { 'mac-invalid': 'off' });
    assert.equal(c.machine, 'q35');
    assert.equal(c.flavor, undefined);
  });

  const globs: [string, string, boolean][] = [
    ['*.tmpl.xml', 'a.tmpl.xml', true],
    ['*.tmpl.xml', 'deep/er/a.tmpl.xml', true],
    ['*.tmpl.xml', 'a.xml', false],
    ['gen/**', 'gen/a.xml', true],
    ['gen/**', 'gen/x/y.xml', true],
    ['gen/**', 'src/gen/a.xml', false],
    ['gen/', 'gen/a.xml', true],
    ['**/old/*.xml', 'x/old/a.xml', true],
    ['**/old/*.xml', 'old/a.xml', true],
    ['a?.xml', 'ab.xml', true],
    ['a?.xml', 'a/.xml', false],
    ['vms/web.xml', 'vms/web.xml', true],
    ['vms/web.xml', 'vms/web1xml', false],
  ];
  for (const [glob, file, match] of globs) {
    test(`glob ${glob} ${match ? 'matches' : 'does not match'} ${file}`, () => assert.equal(globToRegExp(glob).test(file), match));
  }

  test('globs are relative to the config file, and files outside it are never ignored', () => {
    const c = parseConfig('/p/q/.libvirt-lint.json', '{"ignore": ["gen/**"]}');
    assert.equal(isIgnored(c, '/p/q/gen/a.xml'), true);
    assert.equal(isIgnored(c, '/p/gen/a.xml'), false);
  });
});

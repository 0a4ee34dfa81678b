/**
 * The table of finding codes against the fixtures: every code is described, and every code is
 * expected by at least one caret marker under test/fixtures/rules (so each one has a fixture that
 * shows it firing). Markers may only name codes that exist, and every rule family directory has a
 * near miss: a fixture where libvirt accepts the construct and we report no error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ALL_CODES, CODES, isCode } from '../../server/src/rules/codes';
import { xmlFiles } from '../support/files';
import { parseExpectations } from '../support/markers';
import { FIXTURES } from '../support/paths';

const RULES = path.join(FIXTURES, 'rules');

function markersByFile(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of xmlFiles(RULES)) {
    out.set(
      path.relative(RULES, file),
      parseExpectations(fs.readFileSync(file, 'utf8')).expectations.map((e) => e.code)
    );
  }
  return out;
}

describe('finding codes', () => {
  const markers = markersByFile();

  test('every code has a one-line summary', () => {
    for (const code of ALL_CODES) {
      const summary: string = CODES[code].summary;
      assert.ok(summary.trim().length > 10, `${code} has a summary`);
      assert.ok(!summary.includes('\n'), `${code}: the summary is one line`);
      assert.match(summary, /[.)]$/, `${code}: the summary is a sentence`);
    }
  });

  test('codes are lowercase words joined by dashes', () => {
    for (const code of ALL_CODES) {
      assert.match(code, /^[a-z0-9]+(-[a-z0-9]+)+$/, code);
    }
  });

  test('every code is expected by a fixture marker under test/fixtures/rules', () => {
    const expected = new Set([...markers.values()].flat());
    const missing = ALL_CODES.filter((c) => !expected.has(c));
    assert.deepEqual(missing, [], `codes no fixture expects: ${missing.join(', ')}`);
  });

  test('fixture markers name existing codes only', () => {
    const unknown = [...markers].flatMap(([file, codes]) => codes.filter((c) => !isCode(c)).map((c) => `${file}: ${c}`));
    assert.deepEqual(unknown, []);
  });

  test('every rule family has a near miss (a fixture expecting no error)', () => {
    const families = new Map<string, boolean>();
    for (const [file, codes] of markers) {
      const family = file.split(path.sep)[0]!;
      const clean = codes.every((c) => isCode(c) && CODES[c].severity !== 'error');
      families.set(family, (families.get(family) ?? false) || clean);
    }
    const without = [...families].filter(([, hasNearMiss]) => !hasNearMiss).map(([f]) => f);
    assert.deepEqual(without, [], `families without a near miss: ${without.join(', ')}`);
  });
});

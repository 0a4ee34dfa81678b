/**
 * Starting points for a new file: each lints clean (no error, no warning) for every flavor, as
 * inserted; the domains are the machines they say they are; completion offers them first.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { complete } from '../../../server/src/features/completion';
import { starterTemplates } from '../../../server/src/features/starters';
import { snippetText } from '../../../server/src/features/templates';

const random = (): number => 0.42;

describe('starters', () => {
  for (const t of starterTemplates(random)) {
    test(`${t.id} lints clean for every flavor`, () => {
      const text = snippetText(t.snippet) + '\n';
      for (const flavor of [undefined, 'upstream', 'openeuler'] as const) {
        const a = analyze(text, { flavor });
        assert.deepEqual(a.doc.errors, []);
        assert.equal(a.model?.kind, t.id.startsWith('domain-') ? 'domain' : 'fragment');
        const bad = a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
        assert.deepEqual(
          bad.map((f) => `${f.code}: ${f.message}`),
          [],
          `${t.id} (${flavor ?? 'unknown flavor'})`
        );
      }
    });
  }

  test('the domains are q35, pc and aarch64 virt', () => {
    const machines = starterTemplates(random)
      .filter((t) => t.id.startsWith('domain-'))
      .map((t) => {
        const m = analyze(snippetText(t.snippet)).model!;
        return `${m.machine.arch}/${m.machine.name}`;
      });
    assert.deepEqual(machines, ['x86_64/q35', 'x86_64/pc', 'aarch64/virt']);
  });

  test("after '<' in an empty file the starting points come first and replace the '<'", () => {
    const items = complete(analyze('<'), 1, { random }).sort((a, b) => a.sortText.localeCompare(b.sortText));
    assert.deepEqual(
      items.slice(0, 3).map((c) => c.templateId),
      ['domain-q35', 'domain-pc', 'domain-aarch64-virt']
    );
    assert.deepEqual(items[0]!.span, { start: 0, end: 1 });
    assert.ok(snippetText(items[0]!.insert).startsWith("<domain type='kvm'>"));
  });

  test('nothing of them once the file has a root element', () => {
    const text = `<domain type='kvm'>\n  \n</domain>\n`;
    const items = complete(analyze(text), text.indexOf('\n  ') + 3, { random });
    assert.ok(!items.some((c) => c.templateId?.startsWith('domain-')));
  });
});

/**
 * Splicing an edit into a parsed document (server/src/syntax/splice.ts) gives exactly the tree a
 * full parse of the new text gives: thousands of seeded random edits (typing, deleting, pasting
 * markup) chained over every fixture and example, each spliced result compared with parseXml.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseXml } from '../../../server/src/syntax/parse';
import { spliceEdit } from '../../../server/src/syntax/splice';
import { seedCorpus } from '../../fuzz/hostile';
import { Rng } from '../../libvirt/rng';
import { treeDifference } from '../../support/tree-diff';

const PIECES = [
  'a',
  'x',
  '0',
  ' ',
  '\n',
  '    ',
  '<',
  '>',
  '/',
  '/>',
  '</',
  '=',
  "'",
  '"',
  '&',
  '&amp;',
  '<!--',
  '-->',
  '\r\n',
  "<address type='pci' slot='0x05'/>",
  "<disk type='file'>\n      <target dev='vdb'/>\n    </disk>",
  '</disk>',
  '<disk>',
  " bus='0x01'",
  '0x1f',
  'pci',
];

/** What typing mostly is: a character or two added or removed. */
const TYPED = ['a', 'x', '0', '1', ' ', '\n', "'", '<', '>', '/'];

/** A random edit near a random place: a deletion, an insertion or both. */
function edit(text: string, rng: Rng, pieces = PIECES): string {
  // Mostly inside the document's markup, where people type.
  const at = rng.int(0, text.length);
  const del = rng.chance(0.5) ? rng.int(0, pieces === TYPED ? 1 : 6) : 0;
  let ins = '';
  const k = rng.chance(0.3) ? 0 : rng.int(1, 3);
  for (let i = 0; i < k; i++) {
    ins += rng.pick(pieces);
  }
  return text.slice(0, at) + ins + text.slice(Math.min(text.length, at + del));
}

describe('splicing an edit equals parsing the new text', () => {
  for (const [what, pieces, share] of [
    ['random edits with markup', PIECES, 5],
    ['typing (a character added or removed)', TYPED, 3],
  ] as const) {
    test(`${what}, chained over every fixture and example (seed 12)`, (t) => {
      const rng = new Rng(12);
      const corpus = seedCorpus().map((b) => b.toString('utf8'));
      let edits = 0;
      let spliced = 0;
      for (let round = 0; round < 3; round++) {
        for (const source of corpus) {
          let text = source;
          let doc = parseXml(text);
          for (let i = 0; i < 8; i++) {
            const next = edit(text, rng, pieces);
            edits++;
            if (spliceEdit(doc, next)) {
              spliced++;
              const diff = treeDifference(doc, parseXml(next));
              assert.equal(diff, undefined, `edit ${edits}: ${diff}\nbefore:\n${text}\nafter:\n${next}`);
              assert.equal(doc.text, next);
            } else {
              doc = parseXml(next);
            }
            text = next;
          }
        }
      }
      t.diagnostic(`${spliced} of ${edits} edits spliced, the others parsed whole`);
      assert.ok(edits > 5000, `${edits} edits`);
      // Most edits are local; the rest fall back to a full parse (and are not compared).
      assert.ok(spliced > edits / share, `${spliced} of ${edits} edits spliced`);
    });
  }
});

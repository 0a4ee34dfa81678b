/**
 * The one-pass parse of plain documents (server/src/syntax/plain.ts): taken where it should be,
 * given up where the general parser must read the document, and the same tree as the old parser
 * (test/support/reference-parse.ts) wherever it is taken. parse-equal.test.ts compares parseXml as
 * a whole over every fixture, the hostile documents and random strings.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parsePlain } from '../../../server/src/syntax/plain';
import { xmlFiles } from '../../support/files';
import { FIXTURES, REPO } from '../../support/paths';
import { referenceParseXml } from '../../support/reference-parse';
import { treeDifference } from '../../support/tree-diff';

const plain = (text: string) => parsePlain(text, [], []);

const TAKEN: [string, string][] = [
  ['a small domain', "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <disk type='file'/>\n  </devices>\n</domain>\n"],
  ['an XML declaration first', '<?xml version=\'1.0\' encoding="UTF-8"?>\n<domain><name>x</name></domain>'],
  ['comments before, inside and after', '<!-- head --><domain><!-- a - b --><name>x</name></domain>\n<!-- tail -->\n'],
  ['spaces around = and inside tags', '<domain  type = \'kvm\'\n\tid="1" ><name >x</name ></domain>'],
  ['attributes with no space between them', "<a b='1'c='2'/>"],
  ['text around children, trimmed span', '<a>  lead <b/> mid\n <c></c> tail  </a>'],
  ['tabs and blank lines', '<a>\t\n\t<b/>\n\n</a>\n\n'],
  ['non-ASCII text and values', "<a t='é — ü'>naïve ☃</a>"],
  ['a value with > and the other quote', `<a v='x > "y"' w="it's"/>`],
  ['a byte-order mark before the root', '\uFEFF<a/>'],
  ['names with : . - _ digits', "<q:a-b.c_1 x:y-2='v'/>"],
  ['a value longer than the shared words', `<a v='${'x'.repeat(100)}'/>`],
  ['deep nesting', '<a>' + '<b>'.repeat(500) + '</b>'.repeat(500) + '</a>'],
  ['comments among children and inside them', '<a> x <!--c1--> <b><!--in-->t</b> y <!--c2--><c/><!--c3--> </a>'],
  ['a comment as the only thing between two children', '<a><b/><!--c--><c/></a>'],
  ['deep nesting with comments at every level', '<a>' + '<b><!--c-->'.repeat(300) + '</b>'.repeat(300) + '</a>'],
  [
    'texts shared by elements laid out alike',
    '<a>\n  <d>\n    <s/>\n  </d>\n  <d>\n    <s/>\n  </d>\n  <d>\n    <s/><!--x-->\n  </d>\n</a>',
  ],
  ['an element with a text longer than the shared ones', '<a>' + '<b/>\n  '.repeat(100) + '</a>'],
];

const GIVEN_UP: [string, string][] = [
  ['an entity reference', '<a>&lt;</a>'],
  ['a character reference in a value', "<a v='&#65;'/>"],
  ['CRLF line ends', '<a>\r\n<b/>\r\n</a>'],
  ['CDATA', '<a><![CDATA[x]]></a>'],
  ['a DOCTYPE', '<!DOCTYPE a><a/>'],
  ['a processing instruction', '<a><?pi x?></a>'],
  ['a non-ASCII name', '<é/>'],
  ['a repeated attribute', "<a b='1' b='2'/>"],
  ['a close tag of another element', '<a><b></a></b>'],
  ['a close tag with a typo', '<disk></disc>'],
  ['an element never closed', '<a><b></a>'],
  ['a second root', '<a/><b/>'],
  ['text outside the root', 'x<a/>'],
  ['a start tag without >', "<a b='1'"],
  ['an unterminated value', "<a b='1/>"],
  ['< in a value', "<a b='<'/>"],
  ['an attribute without a value', '<a b/>'],
  ["'--' inside a comment", '<!-- a -- b --><a/>'],
  ['a comment ending in ---> ', '<!-- a ---><a/>'],
  ['an unterminated comment', '<a/><!-- x'],
  ['a space after </', '<a></ a>'],
  ['nothing but blanks', '  \n'],
  ['an XML declaration with a bare word', '<?xml version ?><a/>'],
];

describe('plain documents in one pass', () => {
  for (const [what, text] of TAKEN) {
    test(`taken, same tree as the old parser: ${what}`, () => {
      const doc = plain(text);
      assert.ok(doc, 'the one-pass parse gave up');
      assert.equal(treeDifference(doc, referenceParseXml(text)), undefined);
    });
  }
  for (const [what, text] of GIVEN_UP) {
    test(`given up: ${what}`, () => {
      assert.equal(plain(text), undefined);
    });
  }
  test('taken on most fixtures and examples (what the equality tests then cover)', () => {
    let taken = 0;
    let all = 0;
    for (const dir of [FIXTURES, path.join(REPO, 'examples')]) {
      for (const file of xmlFiles(dir)) {
        const text = fs.readFileSync(file, 'utf8');
        all++;
        const doc = plain(text);
        if (doc) {
          taken++;
          assert.equal(treeDifference(doc, referenceParseXml(text)), undefined, path.relative(dir, file));
        }
      }
    }
    assert.ok(taken > all / 2, `taken on ${taken} of ${all} files`);
  });
});

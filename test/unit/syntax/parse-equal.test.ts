/**
 * The hand-written tokenizer (server/src/syntax/lex.ts) against the parser it replaced
 * (test/support/reference-parse.ts, tokens from @xml-tools/parser's chevrotain lexer): the same
 * tree, the same spans, the same errors with the same messages, over every fixture and example,
 * the fuzz suite's hostile documents and random strings of XML's special characters. The tokens
 * themselves are compared too, so a difference shows where it starts.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tokensDictionary, xmlLexer } from '@xml-tools/parser/lib/lexer';
import { tokenize } from '../../../server/src/syntax/lex';
import { parseXml } from '../../../server/src/syntax/parse';
import { hostileDocs, seedCorpus } from '../../fuzz/hostile';
import { Rng } from '../../libvirt/rng';
import { referenceParseXml } from '../../support/reference-parse';
import { treeDifference } from '../../support/tree-diff';

/** Token kinds in lex.ts's order (its `Tok` enum). */
const KINDS = [
  'Comment',
  'CData',
  'DocType',
  'EntityRef',
  'CharRef',
  'SEA_WS',
  'XMLDeclOpen',
  'SLASH_OPEN',
  'PROCESSING_INSTRUCTION',
  'OPEN',
  'TEXT',
  'INVALID_SLASH_OPEN',
  'INVALID_OPEN_INSIDE',
  'CLOSE',
  'SPECIAL_CLOSE',
  'SLASH_CLOSE',
  'SLASH',
  'EQUALS',
  'STRING',
  'Name',
];

/** The first difference between the two tokenizers, or undefined. */
function tokenDifference(text: string): string | undefined {
  assert.ok(Object.keys(tokensDictionary).length > 0);
  const ref = xmlLexer.tokenize(text);
  const mine = tokenize(text);
  const n = Math.max(ref.tokens.length, mine.count);
  for (let i = 0; i < n; i++) {
    const r = ref.tokens[i];
    const got = i < mine.count ? `${KINDS[mine.kind[i]!]} ${mine.start[i]}-${mine.end[i]}` : 'none';
    const want = r ? `${r.tokenType.name} ${r.startOffset}-${r.startOffset + r.image.length}` : 'none';
    if (got !== want) {
      return `token ${i}: ${got}, the @xml-tools lexer has ${want}`;
    }
  }
  const re = JSON.stringify(ref.errors.map((e) => [e.offset, e.length]));
  const me = JSON.stringify(mine.errors.map((e) => [e.offset, e.length]));
  return re === me ? undefined : `lexer errors ${me}, the @xml-tools lexer has ${re}`;
}

function check(text: string, what: string): void {
  const tokens = tokenDifference(text);
  assert.equal(tokens, undefined, `${what}: ${tokens}`);
  const tree = treeDifference(parseXml(text), referenceParseXml(text));
  assert.equal(tree, undefined, `${what}: ${tree}`);
}

/** Random strings over the characters that matter to the tokenizer. */
const ALPHABET = [
  '<',
  '>',
  '/',
  '?',
  '!',
  '=',
  '"',
  "'",
  '&',
  ';',
  '#',
  'x',
  'a',
  'B',
  '1',
  '-',
  '.',
  ':',
  '_',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '[',
  ']',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<!DOCTYPE',
  '<?xml ',
  '<?pi ',
  '?>',
  '&amp;',
  '&#x26;',
  '&#38;',
  '&#x2',
  '</a>',
  '<a>',
  '<b x="1">',
  '\u00B7',
  '\u0301',
  '\u2070-\u218F',
  '\u2070',
  '\u2028',
  '\u2029',
  'é',
  '💥',
  '\u0000',
];

describe('the hand-written tokenizer parses exactly as the @xml-tools lexer did', () => {
  const corpus = seedCorpus();

  test(`every fixture and example (${corpus.length} files), as UTF-8 and as Latin-1`, () => {
    for (const bytes of corpus) {
      check(bytes.toString('utf8'), 'a fixture');
      check(bytes.toString('latin1'), 'a fixture as latin1');
    }
  });

  test("the fuzz suite's hostile documents (seed 12, 1,500 cases)", () => {
    let n = 0;
    for (const h of hostileDocs(12, 1500, corpus)) {
      if (h.bytes.length > 3_000_000) {
        continue; // the 10 MB file: the reference lexer alone takes seconds
      }
      check(h.bytes.toString('utf8'), `hostile case ${n} (${h.kind})`);
      n++;
    }
    assert.ok(n > 1000);
  });

  test('20,000 random strings of markup characters (seed 12)', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 20000; i++) {
      const len = rng.int(0, 40);
      let s = '';
      for (let k = 0; k < len; k++) {
        s += rng.pick(ALPHABET);
      }
      check(s, `random string ${JSON.stringify(s)}`);
    }
  });
});

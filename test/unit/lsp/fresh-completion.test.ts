/**
 * Completion and hover on a version the server has not analysed yet (a big domain just edited,
 * asked at once): the stdio server answers from the previous tree with the edit spliced in
 * (lsp/start.ts freshestOf, syntax/splice.ts) and the previous model. The answers must be the
 * ones a full analysis of the new text gives.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, CompletionList, Hover } from 'vscode-languageserver/node';
import { bigDomain } from '../../../bench/domains';
import { analyze } from '../../../server/src/analysis';
import { complete } from '../../../server/src/features/completion';
import { hoverAt } from '../../../server/src/features/hover';
import { positionAt } from '../../support/cursor';
import { startStdioServer, type StdioServer } from '../../support/stdio-server';

const labels = (items: { label: string }[]): string[] => items.map((i) => i.label).sort();

describe('completion and hover on a just-changed big document (stdio server)', () => {
  let server: StdioServer;
  const uri = 'file:///fresh/big.xml';
  const base = bigDomain(2000);
  const blank = base.lastIndexOf('  </devices>');
  let text = base.slice(0, blank) + '    \n' + base.slice(blank);
  let version = 1;

  before(async () => {
    server = await startStdioServer({ flavor: 'upstream' }, { settings: { flavor: 'upstream' } });
    await server.open(uri, text, version);
    await server.diagnostics(uri, version, 120000);
  });

  after(() => {
    server.stop();
  });

  /** Replaces [start, end) and tells the server, without waiting for anything. */
  async function change(start: number, end: number, insert: string): Promise<void> {
    const range = { start: positionAt(text, start), end: positionAt(text, end) };
    text = text.slice(0, start) + insert + text.slice(end);
    version++;
    await server.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text: insert }],
    });
  }

  async function completion(offset: number, triggerCharacter?: string): Promise<CompletionItem[]> {
    const r = await server.conn.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
      textDocument: { uri },
      position: positionAt(text, offset),
      context: triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 },
    });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  const expected = (offset: number, triggerCharacter?: string): string[] =>
    labels(complete(analyze(text, { flavor: 'upstream' }), offset, { flavor: 'upstream', triggerCharacter }));

  test("typing '<' on a new line in <devices>: the element names and templates a full analysis offers", async () => {
    await change(blank + 4, blank + 4, '<');
    const got = await completion(blank + 5, '<');
    assert.ok(got.length > 10, `${got.length} items`);
    assert.deepEqual(labels(got), expected(blank + 5, '<'));
  });

  test('a PCI slot value retyped in an existing hostdev: the free slots a full analysis offers', async () => {
    const at = text.indexOf("slot='0x00'", text.indexOf('<hostdev', text.length / 2));
    assert.ok(at > 0);
    const value = at + "slot='".length;
    await change(value + 2, value + 4, ''); // slot='0x|'
    const got = await completion(value + 2);
    assert.ok(got.length > 0, 'slot values offered');
    assert.deepEqual(labels(got), expected(value + 2));
    await change(value + 2, value + 2, '1'); // slot='0x1|'
    assert.deepEqual(labels(await completion(value + 3)), expected(value + 3));
  });

  test('hover on an attribute after an edit above it: the hover a full analysis gives', async () => {
    const first = text.indexOf('<hostdev');
    await change(first, first, '    <watchdog model="i6300esb"/>\n');
    const at = text.indexOf("managed='yes'", text.indexOf('<hostdev', text.length / 2)) + 2;
    const r = await server.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, at) });
    const want = hoverAt(analyze(text, { flavor: 'upstream' }), at);
    assert.ok(want, 'a hover there');
    assert.ok(r, 'the server hovers there');
    assert.equal((r.contents as { value: string }).value, want.markdown);
  });

  test("the diagnostics of the last version still come, and they are a full analysis's", async () => {
    const d = await server.diagnostics(uri, version, 120000);
    const want = analyze(text, { flavor: 'upstream' }).findings.length;
    assert.equal(d.diagnostics.length, want);
  });
});

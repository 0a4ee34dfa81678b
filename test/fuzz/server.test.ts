/**
 * Hostile input through the real stdio server (`node dist/server.js --stdio`), spoken to over
 * JSON-RPC like an editor: hostile documents opened, edited and closed in batches, a 10 MB
 * document, 100k-deep nesting, then protocol abuse. After every batch the server must answer a
 * hover, a code action and (when advertised) a completion request within a bound, never with an
 * internal error, and never log an error while handling well-formed traffic.
 *
 * FUZZ_SEED, FUZZ_SERVER_DOCS (default 400) change the run. Needs `npm run build` (dist/server.js).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ResponseError } from 'vscode-languageserver/node';
import { decodeBytes } from '../../server/src/common/read-text';
import { Rng } from '../libvirt/rng';
import { bigDomain, hostileDocs, seedCorpus } from './hostile';
import { SERVER_JS, StdioClient } from './stdio-client';

const SEED = Number(process.env.FUZZ_SEED ?? 1337);
const DOCS = Number(process.env.FUZZ_SERVER_DOCS ?? 400);
const BATCH = 10;
/** Every request and every round of diagnostics for a normal document must come within this. */
const BOUND_MS = Number(process.env.FUZZ_SERVER_BOUND_MS ?? 5000);
const BIG_BOUND_MS = 60000;

const METHOD_NOT_FOUND = -32601;
const INTERNAL_ERROR = -32603;

/** The text an editor would hold for these bytes. */
function asText(bytes: Buffer): string {
  const d = decodeBytes(bytes);
  return 'skip' in d ? bytes.toString('latin1') : d.text;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/** Answers within the bound; an error answer is fine unless it is an internal error (a handler threw). */
async function answers(c: StdioClient, method: string, params: unknown, bound = BOUND_MS, allowInternal = false): Promise<unknown> {
  try {
    return await c.request(method, params, bound);
  } catch (e) {
    if (e instanceof ResponseError) {
      if (e.code === INTERNAL_ERROR && !allowInternal) {
        assert.fail(`${method} failed inside the server: ${e.message}`);
      }
      return e;
    }
    throw e;
  }
}

describe(`stdio server fuzz (seed ${SEED})`, () => {
  let c: StdioClient;
  const rng = new Rng(SEED ^ 0x1234);
  let completion = false;

  before(async () => {
    assert.ok(fs.existsSync(SERVER_JS), `${SERVER_JS} is missing: run npm run build`);
    c = new StdioClient();
    const init = await c.initialize(15000);
    completion = !!init.capabilities.completionProvider;
  });

  after(() => {
    if (c?.alive) {
      c.proc.kill('SIGKILL');
    }
  });

  /** hover + code action + completion on a document, all answered within the bound. */
  async function probe(uri: string, text: string): Promise<void> {
    const at = positionAt(text, rng.int(0, text.length));
    await answers(c, 'textDocument/hover', { textDocument: { uri }, position: at });
    await answers(c, 'textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: at },
      context: { diagnostics: [] },
    });
    if (completion) {
      await answers(c, 'textDocument/completion', { textDocument: { uri }, position: at });
    }
    assert.ok(c.alive, `server exited: ${JSON.stringify(c.exit)}\n${c.stderr}`);
  }

  function errorLogs(): string[] {
    return c.logs.filter((l) => l.type === 1).map((l) => l.message);
  }

  test(`${DOCS} hostile documents opened, edited 3 times and closed, in batches of ${BATCH}`, async (t) => {
    const corpus = seedCorpus();
    const docs = [...hostileDocs(SEED + 1, DOCS, corpus)];
    let worst = { ms: 0, what: '' };
    const t0 = performance.now();
    for (let b = 0; b < docs.length; b += BATCH) {
      const batch = docs
        .slice(b, b + BATCH)
        .map((h, k) => ({ uri: `file:///fuzz/doc-${b + k}.xml`, text: asText(h.bytes), kind: h.kind, version: 1 }));
      for (const d of batch) {
        const s = performance.now();
        await c.open(d.uri, d.text, 1, rng.pick(['libvirt-xml', 'xml']));
        await c.diagnostics(d.uri, 1, d.text.length > 1e6 ? BIG_BOUND_MS : BOUND_MS);
        const ms = performance.now() - s;
        if (ms > worst.ms) {
          worst = { ms, what: `open ${d.kind} (${d.text.length} chars)` };
        }
      }
      for (const d of batch) {
        for (let e = 0; e < 3; e++) {
          const change = randomChange(d.text);
          d.text = change.after;
          d.version++;
          const s = performance.now();
          await c.notify('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [change.change] });
          await c.diagnostics(d.uri, d.version, d.text.length > 1e6 ? BIG_BOUND_MS : BOUND_MS);
          const ms = performance.now() - s;
          if (ms > worst.ms) {
            worst = { ms, what: `change ${d.kind} (${d.text.length} chars)` };
          }
        }
      }
      await probe(batch[0]!.uri, batch[0]!.text);
      for (const d of batch) {
        await c.notify('textDocument/didClose', { textDocument: { uri: d.uri } });
      }
    }
    t.diagnostic(
      `${docs.length} documents, ${docs.length * 4} diagnostics rounds in ${((performance.now() - t0) / 1000).toFixed(1)} s; slowest: ${worst.what} ${worst.ms.toFixed(0)} ms`
    );
    assert.deepEqual(errorLogs(), [], 'the server logged errors while handling hostile documents');
  });

  /** A random edit as an incremental change, with the text after it. */
  function randomChange(text: string): { change: unknown; after: string } {
    const a = rng.int(0, text.length);
    const bEnd = Math.min(text.length, a + rng.int(0, 200));
    const insert = rng.pick([
      '',
      '<',
      '>',
      '</devices>',
      "<address type='pci' bus='0x00' slot='0x00'/>",
      '"',
      '\n',
      '\r\n',
      '💥',
      '\u0000',
      'x'.repeat(rng.int(1, 5000)),
    ]);
    if (rng.chance(0.1)) {
      return { change: { text: insert }, after: insert }; // full replacement
    }
    return {
      change: { range: { start: positionAt(text, a), end: positionAt(text, bEnd) }, text: insert },
      after: text.slice(0, a) + insert + text.slice(bEnd),
    };
  }

  test('a 10 MB document, 100k-deep nesting and a 1 MB single line: diagnostics come, the server keeps answering', async (t) => {
    // A server of its own: if it hangs here, the other tests still get a working one.
    const first = c;
    c = new StdioClient();
    await c.initialize(15000);
    t.after(() => {
      if (c.alive) {
        c.proc.kill('SIGKILL');
      }
      c = first;
    });
    const corpus = seedCorpus();
    const cases: [string, string][] = [
      ['10 MB domain', bigDomain(10 * 1024 * 1024, corpus).toString('utf8')],
      ['100k-deep nesting', `<domain><devices>${'<disk>'.repeat(100_000)}</devices></domain>`],
      ['1 MB single line', `<domain><name>${'n'.repeat(1 << 20)}</name></domain>`],
    ];
    for (const [what, text] of cases) {
      const uri = `file:///fuzz/big-${what.replace(/\W+/g, '-')}.xml`;
      const s = performance.now();
      await c.open(uri, text);
      await c.diagnostics(uri, 1, BIG_BOUND_MS);
      const openMs = performance.now() - s;
      // A keystroke at the end of the big document.
      const end = positionAt(text, text.length);
      const s2 = performance.now();
      await c.notify('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: end, end }, text: ' ' }],
      });
      await c.diagnostics(uri, 2, BIG_BOUND_MS);
      const changeMs = performance.now() - s2;
      await probe(uri, text);
      await c.notify('textDocument/didClose', { textDocument: { uri } });
      t.diagnostic(`${what}: open ${openMs.toFixed(0)} ms, change ${changeMs.toFixed(0)} ms, rss ${c.rssKiB() ?? '?'} KiB`);
    }
    assert.deepEqual(errorLogs(), []);
  });

  describe('protocol abuse', () => {
    const uri = 'file:///fuzz/abuse.xml';
    before(async () => {
      if (c.alive) {
        await c.stop(BOUND_MS).catch(() => undefined);
      }
      c = new StdioClient();
      const init = await c.initialize(15000);
      completion = !!init.capabilities.completionProvider;
    });
    const dup =
      "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <controller type='pci' index='1' model='pci-bridge'/>\n    <controller type='pci' index='1' model='pci-bridge'/>\n  </devices>\n</domain>\n";

    test('requests for documents that were never opened', async () => {
      const ghost = 'file:///fuzz/never-opened.xml';
      for (const method of [
        'textDocument/hover',
        'textDocument/completion',
        'textDocument/codeAction',
        'textDocument/documentSymbol',
        'textDocument/definition',
      ]) {
        const r = await answers(c, method, {
          textDocument: { uri: ghost },
          position: { line: 0, character: 0 },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [] },
        });
        if (r instanceof ResponseError) {
          assert.equal(r.code, METHOD_NOT_FOUND, `${method}: ${r.message}`);
        }
      }
    });

    test('a change and a close for a document that was never opened', async () => {
      const ghost = 'file:///fuzz/ghost.xml';
      await c.notify('textDocument/didChange', { textDocument: { uri: ghost, version: 2 }, contentChanges: [{ text: dup }] });
      await c.notify('textDocument/didChange', {
        textDocument: { uri: ghost, version: 3 },
        contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 9, character: 3 } }, text: 'x' }],
      });
      await c.notify('textDocument/didClose', { textDocument: { uri: ghost } });
      await c.notify('textDocument/didSave', { textDocument: { uri: ghost } });
      await probe('file:///fuzz/ghost.xml', dup);
    });

    test('out-of-order versions end with diagnostics for the last text sent', async () => {
      await c.open(uri, '<domain><name>x</name></domain>', 5);
      await c.diagnostics(uri, 5, BOUND_MS);
      await c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: '<domain>' }] });
      await c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: '<domain><name>y</name>' }] });
      await c.notify('textDocument/didChange', { textDocument: { uri, version: 1 }, contentChanges: [{ text: dup }] });
      const d = await c.diagnostics(uri, 1, BOUND_MS);
      // Whatever order the versions came in, the last change wins.
      const last = await waitFor(() => {
        const p = c.latest.get(uri)?.params;
        return p && p.version === 1 && p.diagnostics.some((x) => x.code === 'controller-index-duplicate') ? p : undefined;
      });
      assert.ok(last, `diagnostics for the last text: ${JSON.stringify(d.diagnostics.map((x) => x.code))}`);
      await probe(uri, dup);
    });

    test('opening the same document twice, closing it twice', async () => {
      await c.open(uri, dup, 7);
      await c.open(uri, '<domain/>', 8);
      await c.notify('textDocument/didClose', { textDocument: { uri } });
      await c.notify('textDocument/didClose', { textDocument: { uri } });
      await c.open(uri, dup, 1);
      await c.diagnostics(uri, 1, BOUND_MS);
      await probe(uri, dup);
    });

    test('malformed parameters: notifications are survived, requests are answered', async () => {
      const bad: [string, unknown][] = [
        ['textDocument/didOpen', {}],
        ['textDocument/didOpen', { textDocument: null }],
        ['textDocument/didOpen', { textDocument: { uri: 5, text: 42, version: 'x' } }],
        ['textDocument/didOpen', { textDocument: { uri: 'file:///fuzz/bad-open.xml', languageId: 'xml', version: 1, text: null } }],
        ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: null }],
        [
          'textDocument/didChange',
          {
            textDocument: { uri, version: 3 },
            contentChanges: [{ range: { start: { line: -1, character: -5 }, end: { line: 1e9, character: 0 } }, text: 'x' }],
          },
        ],
        [
          'textDocument/didChange',
          {
            textDocument: { uri, version: 4 },
            contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 1, character: 0 } }, text: '<' }],
          },
        ],
        ['textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: 5 }] }],
        ['textDocument/didChange', { textDocument: { uri, version: 6 }, contentChanges: [{ range: null, text: '<domain/>' }] }],
        ['textDocument/didChange', {}],
        ['textDocument/didClose', { textDocument: {} }],
        ['workspace/didChangeConfiguration', { settings: { libvirt: 42 } }],
        ['workspace/didChangeConfiguration', { settings: { libvirt: { flavor: 7, machine: [], severity: 'x', lintMode: {} } } }],
        ['workspace/didChangeConfiguration', null],
        ['$/cancelRequest', { id: 987654 }],
        ['$/setTrace', { value: 'verbose' }],
        ['x/unknownNotification', { a: 1 }],
      ];
      for (const [method, params] of bad) {
        await c.notify(method, params);
      }
      const requests: [string, unknown][] = [
        ['textDocument/hover', {}],
        ['textDocument/hover', { textDocument: { uri: 5 }, position: 'x' }],
        ['textDocument/hover', { textDocument: { uri }, position: { line: 1e9, character: -1 } }],
        ['textDocument/codeAction', { textDocument: { uri }, range: null, context: null }],
        [
          'textDocument/codeAction',
          {
            textDocument: { uri },
            range: { start: { line: 9, character: 0 }, end: { line: 0, character: 0 } },
            context: { diagnostics: [], only: 5 },
          },
        ],
        ['textDocument/completion', { textDocument: { uri }, position: { line: 99999, character: 99999 } }],
        ['textDocument/completion', null],
        ['initialize', { processId: null, rootUri: null, capabilities: {} }],
        ['x/unknownRequest', { a: 1 }],
      ];
      for (const [method, params] of requests) {
        const r = await answers(c, method, params, BOUND_MS, true);
        if (method === 'x/unknownRequest') {
          assert.ok(r instanceof ResponseError && r.code === METHOD_NOT_FOUND, 'unknown methods get MethodNotFound');
        }
      }
      // Still alive and still linting.
      await c.notify('textDocument/didChange', { textDocument: { uri, version: 50 }, contentChanges: [{ text: dup }] });
      const d = await c.diagnostics(uri, 50, BOUND_MS);
      assert.ok(
        d.diagnostics.some((x) => x.code === 'controller-index-duplicate'),
        'diagnostics after the abuse'
      );
      await probe(uri, dup);
    });

    test('a well-framed message whose body is not JSON', async () => {
      const body = Buffer.from('{"jsonrpc": "2.0", "method": ');
      c.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
      const junk = Buffer.from('\u0000\u00ff not json at all');
      c.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${junk.length}\r\n\r\n`), junk]));
      await new Promise((r) => setTimeout(r, 200));
      if (!c.alive) {
        assert.fail(`the server exited on a malformed message body: ${JSON.stringify(c.exit)}\n${c.stderr.slice(-2000)}`);
      }
      await probe(uri, dup);
    });

    test('shutdown is answered and exit ends the process with status 0', async () => {
      const code = await c.stop(BOUND_MS);
      assert.equal(code, 0, c.stderr.slice(-2000));
    });
  });

  test('exit without shutdown ends a second server with status 1, as the protocol says', async () => {
    const c2 = new StdioClient();
    await c2.initialize(15000);
    await c2.notify('exit', null);
    const deadline = Date.now() + BOUND_MS;
    while (c2.alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (c2.alive) {
      c2.proc.kill('SIGKILL');
      assert.fail('the server did not exit');
    }
    assert.equal(c2.exit!.code, 1);
    c2.conn.dispose();
  });
});

async function waitFor<T>(fn: () => T | undefined, timeoutMs = BOUND_MS): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined || Date.now() > deadline) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

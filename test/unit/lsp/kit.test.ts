/**
 * The language server and the CI kit: .libvirt-lint.json for files on disk (settings the user
 * changed win), its mistakes shown on the config file, the "Suppress CODE on this line" quick fix,
 * and conflicts between open documents (libvirt.lint.conflicts: openFiles).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { startTestClient, type TestClient } from '../../support/lsp-client';

const dom = (name: string, mac: string): string => `<domain type='kvm'>
  <name>${name}</name>
  <memory unit='GiB'>1</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='network'>
      <mac address='${mac}'/>
      <source network='default'/>
    </interface>
    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'/>
  </devices>
</domain>
`;

const codes = (p: PublishDiagnosticsParams): string[] => p.diagnostics.map((d) => String(d.code));

describe('language server: config file, suppressions, conflicts between open files', () => {
  let dir: string;
  let c: TestClient;
  const uriOf = (rel: string): string => URI.file(path.join(dir, rel)).toString();
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lsp-kit-'));
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.mkdirSync(path.join(dir, 'gen'));
    fs.writeFileSync(path.join(dir, '.libvirt-lint.json'), '{ "ignore": ["gen/**"], "severity": { "graphics-vnc-open": "error" } }');
    fs.writeFileSync(path.join(dir, 'lab', '.libvirt-lint.json'), '{\n  "severity": { "graphics-vnc-open": "off", "nope": "off" }\n}\n');
    c = await startTestClient({ lint: { conflicts: 'openFiles' }, diagnostics: { severity: { 'mac-multicast': 'warning' } } });
  });
  after(() => {
    c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the nearest .libvirt-lint.json applies; its mistakes are shown on it', async () => {
    await c.open(uriOf('top.xml'), dom('top', '52:54:00:00:00:01'));
    const top = await c.diagnostics(uriOf('top.xml'), 1);
    assert.deepEqual(codes(top), ['graphics-vnc-open']);
    assert.equal(top.diagnostics[0]!.severity, 1);
    await c.open(uriOf('lab/vm.xml'), dom('vm', '53:54:00:00:00:02'));
    const lab = await c.diagnostics(uriOf('lab/vm.xml'), 1);
    assert.deepEqual(codes(lab), ['mac-multicast']);
    assert.equal(lab.diagnostics[0]!.severity, 2, 'the setting wins over the default');
    const cfg = await c.diagnostics(uriOf('lab/.libvirt-lint.json'));
    assert.equal(cfg.diagnostics.length, 1);
    assert.match(cfg.diagnostics[0]!.message as string, /unknown code 'nope'/);
    assert.deepEqual(cfg.diagnostics[0]!.range.start, { line: 1, character: 44 });
  });

  test('a file the config ignores gets no diagnostics', async () => {
    await c.open(uriOf('gen/x.xml'), dom('gen', '53:54:00:00:00:03'));
    assert.deepEqual(codes(await c.diagnostics(uriOf('gen/x.xml'), 1)), []);
  });

  test('"Suppress CODE on this line" writes a comment above, and the finding goes', async () => {
    const uri = uriOf('top.xml');
    const actions = await c.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 10, character: 60 }, end: { line: 10, character: 60 } },
      context: { diagnostics: [] },
    });
    const a = actions.find((x) => x.title === 'Suppress graphics-vnc-open on this line');
    assert.ok(a, actions.map((x) => x.title).join(', '));
    const edits: TextEdit[] = a.edit!.changes![uri]!;
    const text = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, dom('top', '52:54:00:00:00:01')), edits);
    assert.ok(text.includes("    <!-- libvirt-lint-disable-next-line graphics-vnc-open: reason -->\n    <graphics type='vnc'"), text);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    assert.deepEqual(codes(await c.diagnostics(uri, 2)), []);
  });

  test('two open domains with one MAC: each points at the other; closing one clears the other', async () => {
    const a = uriOf('a.xml');
    const b = uriOf('b.xml');
    await c.open(a, dom('a', '52:54:00:ab:cd:ef'));
    await c.diagnostics(a, 1);
    const again = c.diagnostics(a, 1);
    await c.open(b, dom('b', '52:54:00:ab:cd:ef'));
    const pb = await c.diagnostics(b, 1);
    const mac = pb.diagnostics.find((d) => d.code === 'fleet-mac-duplicate');
    assert.ok(mac, codes(pb).join(' '));
    assert.equal(mac.relatedInformation?.[0]?.location.uri, a);
    const pa = await again;
    assert.ok(codes(pa).includes('fleet-mac-duplicate'), 'the first file learns of the conflict too');
    const cleared = c.diagnostics(a, 1);
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: b } });
    assert.ok(!codes(await cleared).includes('fleet-mac-duplicate'));
  });
});

describe('language server: conflicts with the workspace files that are not open (libvirt.lint.conflicts: workspace)', () => {
  let dir: string;
  let c: TestClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lsp-ws-'));
    fs.mkdirSync(path.join(dir, 'vms'));
    fs.mkdirSync(path.join(dir, 'gen'));
    fs.writeFileSync(path.join(dir, '.libvirt-lint.json'), '{ "ignore": ["gen/**"] }');
    fs.writeFileSync(path.join(dir, 'vms', 'web.xml'), dom('web', '52:54:00:12:34:56'));
    fs.writeFileSync(path.join(dir, 'gen', 'copy.xml'), dom('copy', '52:54:00:12:34:56'));
    fs.writeFileSync(path.join(dir, 'vms', 'pom.xml'), '<project/>');
    c = await startTestClient({ lint: { conflicts: 'workspace' } }, undefined, [dir]);
  });
  after(() => {
    c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The diagnostics published for uri, waiting until `ok` holds for them. */
  const until = async (uri: string, ok: (codes: string[]) => boolean): Promise<PublishDiagnosticsParams> => {
    for (let i = 0; i < 20; i++) {
      const p = await c.diagnostics(uri);
      if (ok(codes(p))) {
        return p;
      }
    }
    throw new Error(`no matching diagnostics for ${uri}`);
  };

  test('an open domain with the MAC of a closed workspace file is told so, pointing at that file; ignored files do not count', async () => {
    const mine = URI.file(path.join(dir, 'db.xml')).toString();
    await c.open(mine, dom('db', '52:54:00:12:34:56'));
    const p = await until(mine, (cs) => cs.includes('fleet-mac-duplicate'));
    const mac = p.diagnostics.filter((d) => d.code === 'fleet-mac-duplicate');
    assert.equal(mac.length, 1, JSON.stringify(mac));
    const related = mac[0]!.relatedInformation?.map((r) => r.location.uri);
    assert.deepEqual(related, [URI.file(path.join(dir, 'vms', 'web.xml')).toString()]);
  });

  test('the closed file changes on disk (the watcher says so): the conflict goes', async () => {
    const mine = URI.file(path.join(dir, 'db.xml')).toString();
    const web = path.join(dir, 'vms', 'web.xml');
    fs.writeFileSync(web, dom('web', '52:54:00:12:34:57'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(web).toString(), type: 2 }] });
    await until(mine, (cs) => !cs.includes('fleet-mac-duplicate'));
  });
});

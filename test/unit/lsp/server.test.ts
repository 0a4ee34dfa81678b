/**
 * The language server through a real LSP client over streams: capabilities, diagnostics with
 * code/source/range, incremental changes, quick fixes, fix-all, settings, lint modes, robustness.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startTestClient, type TestClient } from '../../support/lsp-client';

const BAD = `<domain type='kvm'>
  <name>demo</name>
  <memory unit='GiB'>1</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <controller type='usb' index='0' model='piix3-uhci'/>
    <controller type='usb' index='0' model='ehci'/>
    <interface type='network'>
      <mac address='53:54:00:00:00:01'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
`;

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x:', 'x', 0, text), edits);
}

describe('language server over streams', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient();
  });
  after(() => c.close());

  test('advertises incremental sync and code actions incl. source.fixAll.libvirt', () => {
    const caps = c.init.capabilities;
    assert.deepEqual((caps.textDocumentSync as { change: number }).change, 2);
    assert.ok(JSON.stringify(caps.codeActionProvider).includes('source.fixAll.libvirt'));
  });

  test('publishes diagnostics with code, source and exact range on open', async () => {
    await c.open('file:///bad.xml', BAD);
    const p = await c.diagnostics('file:///bad.xml', 1);
    const codes = p.diagnostics.map((d: Diagnostic) => d.code).sort();
    assert.deepEqual(codes, ['controller-index-duplicate', 'mac-multicast']);
    const dup = p.diagnostics.find((d) => d.code === 'controller-index-duplicate')!;
    assert.equal(dup.source, 'libvirt');
    assert.equal(dup.severity, 1);
    assert.deepEqual(dup.range, { start: { line: 7, character: 33 }, end: { line: 7, character: 36 } });
    assert.equal(dup.relatedInformation?.[0]?.location.range.start.line, 6);
  });

  test('quick fix for a diagnostic, and applying it clears the diagnostic', async () => {
    const actions = await c.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: 'file:///bad.xml' },
      range: { start: { line: 9, character: 20 }, end: { line: 9, character: 20 } },
      context: { diagnostics: [] },
    });
    const fix = actions.find((a) => a.kind === 'quickfix' && a.title.includes('52:54:00:00:00:01'));
    assert.ok(fix, `got ${actions.map((a) => a.title).join(', ')}`);
    const edits = fix.edit!.changes!['file:///bad.xml']!;
    const fixed = apply(BAD, edits);
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///bad.xml', version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    const p = await c.diagnostics('file:///bad.xml', 2);
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ['controller-index-duplicate']
    );
    assert.ok(fixed.includes("'52:54:00:00:00:01'"));
  });

  test('source.fixAll.libvirt fixes everything it can', async () => {
    const uri = 'file:///fixall.xml';
    await c.open(uri, BAD);
    await c.diagnostics(uri, 1);
    const actions = await c.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.kind, 'source.fixAll.libvirt');
    const fixed = apply(BAD, actions[0]!.edit!.changes![uri]!);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual((await c.diagnostics(uri, 2)).diagnostics, []);
  });

  test('incremental edits: typing a broken tag reports syntax only near it, and recovers', async () => {
    const uri = 'file:///typing.xml';
    const text = BAD.replace("model='ehci'", "model='ehci' index2='x'").replace("index='0' model='ehci'", "index='1' model='ehci'");
    await c.open(uri, text);
    await c.diagnostics(uri, 1);
    // Remove the '/>' of the ehci controller, as while typing.
    const line = 6;
    const lineText = text.split('\n')[line]!;
    const at = lineText.indexOf('/>');
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character: at }, end: { line, character: at + 2 } }, text: '' }],
    });
    const p = await c.diagnostics(uri, 2);
    const syntax = p.diagnostics.filter((d) => d.code === 'xml-syntax');
    assert.ok(syntax.length >= 1);
    assert.ok(
      syntax.every((d) => d.range.start.line === line),
      JSON.stringify(syntax)
    );
    assert.ok(
      p.diagnostics.some((d) => d.code === 'mac-multicast'),
      'findings elsewhere stay'
    );
  });

  test('requests for unknown documents answer empty instead of failing', async () => {
    const actions = await c.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///nope.xml' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
  });

  test('other XML gets no diagnostics', async () => {
    await c.open('file:///pom.xml', '<project><modelVersion>4.0.0</modelVersion></project>');
    assert.deepEqual((await c.diagnostics('file:///pom.xml', 1)).diagnostics, []);
    // GlassFish/Payara's domain.xml has a <domain> root too, without libvirt's type attribute.
    await c.open('file:///glassfish/domain.xml', '<domain log-root="${com.sun.aas.instanceRoot}/logs"><applications/></domain>');
    assert.deepEqual((await c.diagnostics('file:///glassfish/domain.xml', 1)).diagnostics, []);
  });
});

describe('settings', () => {
  test('severity overrides and lint mode onSave come from workspace configuration', async () => {
    const c = await startTestClient(undefined, {
      lint: { mode: 'onSave' },
      diagnostics: { severity: { 'mac-multicast': 'off', 'controller-index-duplicate': 'warning' } },
    });
    try {
      const uri = 'file:///s.xml';
      await c.open(uri, BAD);
      const p = await c.diagnostics(uri, 1);
      assert.deepEqual(
        p.diagnostics.map((d) => [d.code, d.severity]),
        [['controller-index-duplicate', 2]]
      );
      // onSave: a change is not checked until the document is saved; but the finding whose
      // text it changed is withdrawn at once (it may be fixed; the save tells).
      await c.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: BAD.replace("index='0' model='ehci'", "index='1' model='ehci'") }],
      });
      assert.deepEqual((await c.diagnostics(uri, 2)).diagnostics, []);
      await c.conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
      assert.deepEqual((await c.diagnostics(uri, 2)).diagnostics, []);
      // A settings change re-checks saved text only: version 3 is unsaved and stays unchecked.
      await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: BAD }] });
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await assert.rejects(c.diagnostics(uri, 3, 300));
    } finally {
      c.close();
    }
  });

  test('initializationOptions.settings work for clients without workspace/configuration', async () => {
    const c = await startTestClient({ flavor: 'openeuler', machine: 'q35' });
    try {
      const uri = 'file:///retry.xml';
      await c.open(
        uri,
        `<disk type='file' device='disk'><driver name='qemu' error_policy='retry' retry_interval='abc'/><source file='/x'/><target dev='vda' bus='virtio'/></disk>`
      );
      const p = await c.diagnostics(uri, 1);
      assert.deepEqual(
        p.diagnostics.map((d) => d.code),
        ['disk-retry-value']
      );
    } finally {
      c.close();
    }
  });
});

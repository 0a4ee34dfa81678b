/**
 * Activation without configuration: libvirt domains and device fragments from any path become
 * "libvirt-xml"; other XML stays "xml"; the user's choice of language is respected.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAll, current, diagnostics, LANGUAGE_ID, open, readFile, Settings, sleep, waitFor, waitForCode, wsPath } from './helpers';

suite('activation', () => {
  const settings = new Settings();
  suiteSetup(async () => {
    await api();
  });
  teardown(async () => {
    await settings.restore();
    await closeAll();
  });

  test('the extension runs in this VS Code', () => {
    assert.match(vscode.version, /^1\.\d+/);
    assert.ok(vscode.extensions.getExtension('libvirt-xml.libvirt-xml')?.isActive);
  });

  test('a domain XML in the workspace becomes libvirt-xml and gets diagnostics', async () => {
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    assert.equal(editor.document.languageId, LANGUAGE_ID);
    await waitForCode(editor.document.uri, 'controller-index-duplicate');
  });

  test('a domain XML from outside the workspace (any path) is recognised too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-any-path-'));
    const file = path.join(dir, 'guest.xml');
    fs.writeFileSync(file, readFile(wsPath('vms/bad-controllers.xml')));
    try {
      const editor = await open(file);
      await waitForCode(editor.document.uri, 'controller-index-duplicate');
    } finally {
      await closeAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an attach-device fragment becomes libvirt-xml and gets diagnostics', async () => {
    const editor = await open(wsPath('fragments/disk-partition.xml'));
    const d = await waitForCode(editor.document.uri, 'disk-target-invalid');
    assert.equal(editor.document.getText(d.range), "'vdb1'");
  });

  test('unrelated XML is left alone (Maven pom, GlassFish domain.xml)', async () => {
    for (const rel of ['other/pom.xml', 'other/glassfish-domain.xml']) {
      const editor = await open(wsPath(rel), 'xml');
      await sleep(1500); // detection is immediate; give it time to be wrong
      const doc = current(editor.document.uri)!;
      assert.equal(doc.languageId, 'xml', rel);
      assert.deepEqual(diagnostics(doc.uri), [], rel);
    }
  });

  test('a new XML document is recognised once its root element is typed', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'xml', content: '' });
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), "<domain type='kvm'>\n  <name>typed</name>\n</domain>\n"));
    await waitFor('the untitled document to become libvirt-xml', () => current(doc.uri)?.languageId === LANGUAGE_ID);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('"Treat This File as Plain XML" switches back and stays; "Treat as libvirt XML" returns', async () => {
    const editor = await open(wsPath('vms/clean.xml'));
    await vscode.commands.executeCommand('libvirt.usePlainXml');
    await waitFor('plain XML', () => current(editor.document.uri)?.languageId === 'xml');
    await sleep(1000);
    assert.equal(current(editor.document.uri)?.languageId, 'xml', 'detection switched it back');
    await vscode.commands.executeCommand('libvirt.useLibvirtXml');
    await waitFor('libvirt XML again', () => current(editor.document.uri)?.languageId === LANGUAGE_ID);
  });

  test('changing the language by hand is respected', async () => {
    const editor = await open(wsPath('vms/onsave.xml'));
    await vscode.languages.setTextDocumentLanguage(editor.document, 'xml');
    await sleep(1000);
    assert.equal(current(editor.document.uri)?.languageId, 'xml');
    await vscode.commands.executeCommand('libvirt.useLibvirtXml');
    await waitFor('libvirt XML again', () => current(editor.document.uri)?.languageId === LANGUAGE_ID);
  });

  test('languageDetection = keepXml: the file stays XML (for other XML extensions) and still gets diagnostics', async () => {
    await settings.set('libvirt', 'languageDetection', 'keepXml');
    await sleep(500); // the client restarts with the xml document selector
    await (await api()).ready();
    const editor = await open(wsPath('vms/fixall.xml'), 'xml');
    await waitForCode(editor.document.uri, 'controller-index-duplicate', 20_000);
    assert.equal(current(editor.document.uri)?.languageId, 'xml');
  });
});

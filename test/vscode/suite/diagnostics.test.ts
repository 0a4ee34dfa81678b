/**
 * Diagnostics and fixes in the editor: a problem appears at its place and goes after the quick
 * fix; source.fixAll.libvirt in editor.codeActionsOnSave; lint-on-save; severity overrides.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import {
  api,
  closeAll,
  codeOf,
  current,
  diagnostics,
  LANGUAGE_ID,
  open,
  readFile,
  Settings,
  sleep,
  waitFor,
  waitForCode,
  wsPath,
} from './helpers';

suite('diagnostics and fixes', () => {
  const settings = new Settings();
  suiteSetup(async () => {
    await api();
  });
  teardown(async () => {
    await settings.restore();
    await closeAll();
  });

  test('a bad file shows the problem at its place; the quick fix makes it go', async () => {
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    const uri = editor.document.uri;
    const d = await waitForCode(uri, 'controller-index-duplicate');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, 11);
    assert.equal(editor.document.getText(d.range), "'2'");

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value
    );
    const fix = actions.find((a) => /^Use free index/.test(a.title));
    assert.ok(fix?.edit, `quick fixes offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor('the diagnostic to go', () => !diagnostics(uri).some((x) => codeOf(x) === 'controller-index-duplicate'));
    assert.match(current(uri)!.lineAt(11).text, /index='3'/);
  });

  test('editor.codeActionsOnSave source.fixAll.libvirt fixes the file when it is saved', async () => {
    await settings.set('editor', 'codeActionsOnSave', { 'source.fixAll.libvirt': 'explicit' }, LANGUAGE_ID);
    const file = wsPath('vms/fixall.xml');
    const editor = await open(file);
    const uri = editor.document.uri;
    await waitForCode(uri, 'controller-index-duplicate');
    // A change, so that there is something to save.
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), '  <!-- saved with fix-all -->\n'));
    await vscode.commands.executeCommand('workbench.action.files.save');
    await waitFor(
      'the saved file to be fixed',
      () => !/index='2' model='pcie-root-port'\/>\s*<controller type='pci' index='2'/.test(readFile(file)) && !current(uri)?.isDirty
    );
    await waitFor('no duplicate index left', () => !diagnostics(uri).some((x) => codeOf(x) === 'controller-index-duplicate'));
    assert.match(readFile(file), /saved with fix-all/);
  });

  test('lint.mode = onSave: diagnostics change only when the file is saved', async () => {
    // VS Code for the Web (code-server) defaults files.autoSave to afterDelay (1 s); desktop to off.
    await settings.set('files', 'autoSave', 'off');
    await settings.set('libvirt', 'lint.mode', 'onSave');
    const file = wsPath('vms/onsave.xml');
    const editor = await open(file);
    const uri = editor.document.uri;
    await sleep(1000);
    assert.deepEqual(diagnostics(uri), []);
    const line = editor.document.lineAt(9); // <controller type='pci' index='1' model='pcie-root-port'/>
    assert.match(line.text, /index='1'/);
    await editor.edit((e) => e.insert(line.range.end, "\n    <controller type='pci' index='1' model='pcie-root-port'/>"));
    await sleep(2000);
    assert.deepEqual(
      diagnostics(uri).map((d) => codeOf(d)),
      [],
      'a diagnostic appeared before the save'
    );
    await vscode.commands.executeCommand('workbench.action.files.save');
    await waitForCode(uri, 'controller-index-duplicate');
    // Editing elsewhere without saving leaves the diagnostic until the next save...
    const name = editor.document.lineAt(1);
    await editor.edit((e) => e.insert(name.range.end, '\n  <title>unsaved</title>'));
    await sleep(1500);
    assert.ok(
      diagnostics(uri).some((d) => codeOf(d) === 'controller-index-duplicate' && d.range.start.line === 11),
      'the diagnostic went, or stayed behind its text, before the save'
    );
    // ...but removing the text it is about withdraws it at once (as a quick fix does).
    await editor.edit((e) => e.delete(new vscode.Range(editor.document.lineAt(10).range.end, editor.document.lineAt(11).range.end)));
    await waitFor('the touched diagnostic to go before the save', () => diagnostics(uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.save');
    await sleep(1000);
    assert.deepEqual(diagnostics(uri), []);
  });

  test('lint.mode = off: no diagnostics', async () => {
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    await waitForCode(editor.document.uri, 'controller-index-duplicate');
    await settings.set('libvirt', 'lint.mode', 'off');
    await waitFor('diagnostics to be cleared', () => diagnostics(editor.document.uri).length === 0);
  });

  test("libvirt.diagnostics.severity overrides a code's level", async () => {
    await settings.set('libvirt', 'diagnostics.severity', { 'controller-index-duplicate': 'warning' });
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    await waitFor('the duplicate index as a warning', () =>
      diagnostics(editor.document.uri).find(
        (d) => codeOf(d) === 'controller-index-duplicate' && d.severity === vscode.DiagnosticSeverity.Warning
      )
    );
  });
});

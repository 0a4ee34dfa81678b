/**
 * Typing in a libvirt-xml document: close tags are typed for the user.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAll, open, waitFor, wsPath } from './helpers';

suite('editing', () => {
  suiteSetup(async () => {
    await api();
  });
  teardown(closeAll);

  test("'>' at the end of a start tag types its close tag, the cursor stays inside", async () => {
    const editor = await open(wsPath('vms/clean.xml'));
    const line = 9;
    editor.selection = new vscode.Selection(editor.document.lineAt(line).range.end, editor.document.lineAt(line).range.end);
    await editor.edit((e) => e.insert(editor.selection.active, "\n    <hub type='usb'"));
    await vscode.commands.executeCommand('type', { text: '>' });
    await waitFor('the close tag', () => editor.document.lineAt(line + 1).text === "    <hub type='usb'></hub>");
    assert.equal(editor.selection.active.character, "    <hub type='usb'>".length);
  });

  test("'</' types the name of the element it closes", async () => {
    const editor = await open(wsPath('vms/clean.xml'));
    const line = 9;
    await editor.edit((e) =>
      e.insert(
        editor.document.lineAt(line).range.end,
        "\n    <rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    "
      )
    );
    const end = editor.document.lineAt(line + 3).range.end;
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('type', { text: '<' });
    await vscode.commands.executeCommand('type', { text: '/' });
    await waitFor('the element name', () => editor.document.lineAt(line + 3).text === '    </rng>');
  });
});

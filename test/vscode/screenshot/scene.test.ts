/**
 * Not a test: the scene for docs/screenshot.png (`node scripts/vscode/run-in-code-server.mjs
 * --screenshot docs/screenshot.png`). Opens a domain with mistakes, the Problems panel, and the
 * hover over the duplicate controller index; then tells the driver to take the picture.
 */
import * as fs from 'node:fs';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { api, open, sleep, waitFor, waitForCode, wsPath } from '../suite/helpers';

suite('screenshot', () => {
  test('a domain with problems and a hover', async function () {
    this.timeout(120_000);
    await api();
    const editor = await open(wsPath('demo/pcie-guest.xml'));
    const d = await waitForCode(editor.document.uri, 'controller-index-duplicate');
    await waitFor('all four findings', () => vscode.languages.getDiagnostics(editor.document.uri).length >= 4);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    const at = new vscode.Position(d.range.start.line, d.range.start.character + 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(new vscode.Position(0, 0), new vscode.Position(30, 0)), vscode.TextEditorRevealType.AtTop);
    await sleep(1500);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1500);
    const ready = process.env.LIBVIRT_XML_SCREENSHOT_READY;
    const taken = process.env.LIBVIRT_XML_SCREENSHOT_SIGNAL;
    if (ready && taken) {
      fs.writeFileSync(ready, 'ready');
      await waitFor('the screenshot', () => fs.existsSync(taken), 60_000);
    }
  });
});

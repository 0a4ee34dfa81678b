/**
 * Inlay hints in the editor: the address libvirt will give a device without one, and the
 * "Pin this address" code action writing it. vms/hints.xml is a pc domain whose NIC libvirt 9.0
 * puts at 00:03.0 (behind the video it adds at 00:02.0; checked with virsh define + dumpxml).
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAll, current, open, waitFor, wsPath } from './helpers';

const NIC_ADDRESS = "<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>";

function labelOf(h: vscode.InlayHint): string {
  return typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
}

async function hintsOf(doc: vscode.TextDocument): Promise<vscode.InlayHint[]> {
  const all = new vscode.Range(0, 0, doc.lineCount, 0);
  return (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, all)) ?? [];
}

suite('inlay hints', () => {
  suiteSetup(async () => {
    await api();
  });
  teardown(closeAll);

  test('a NIC without an address shows the address libvirt will assign; Pin this address writes it', async () => {
    const editor = await open(wsPath('vms/hints.xml'));
    const uri = editor.document.uri;
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes("<interface type='network'>"));
    assert.ok(line > 0);
    const endOfStartTag = editor.document.lineAt(line).text.indexOf('>') + 1;

    const nic = await waitFor('the hint on the NIC', async () =>
      (await hintsOf(current(uri)!)).find((h) => h.position.line === line && labelOf(h) === 'pci 0000:00:03.0')
    );
    assert.equal(nic.position.character, endOfStartTag);
    const hints = await hintsOf(current(uri)!);
    const added = hints.find((h) => /added by libvirt/.test(labelOf(h)));
    assert.ok(added, `hints: ${hints.map(labelOf).join(', ')}`);
    assert.equal(labelOf(added), '+3 added by libvirt'); // USB controller, video, balloon

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(line, endOfStartTag - 2, line, endOfStartTag - 2),
      vscode.CodeActionKind.RefactorRewrite.value
    );
    const pin = actions.find((a) => a.title === 'Pin this address (pci 0000:00:03.0)');
    assert.ok(pin?.edit, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(pin.edit));

    const doc = current(uri)!;
    assert.equal(doc.lineAt(line + 3).text, `      ${NIC_ADDRESS}`);
    assert.equal(doc.lineAt(line + 4).text, '    </interface>');
    await waitFor(
      'the NIC hint to go once the address is written',
      async () => !(await hintsOf(current(uri)!)).some((h) => h.position.line === line)
    );
  });
});

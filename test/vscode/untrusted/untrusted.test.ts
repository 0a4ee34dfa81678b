/**
 * In a workspace VS Code does not trust (restricted mode): diagnostics and fixes work, the virsh
 * commands do not run (a workspace could point libvirt.virsh.path at any program), and the
 * language server reads no host (libvirt.hostAware 'connection' runs no virsh here).
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { CommandResult } from '../../../client/src/commands';
import { answering, api, open, waitFor, waitForCode, wsPath } from '../suite/helpers';

suite('untrusted workspace', () => {
  suiteSetup(async () => {
    await api();
  });

  test('the workspace is not trusted, and the extension still runs (limited support)', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(vscode.extensions.getExtension('libvirt-xml.libvirt-xml')?.isActive);
  });

  test('diagnostics appear', async () => {
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    await waitForCode(editor.document.uri, 'controller-index-duplicate');
  });

  test('define, attach, detach and validate refuse to run, and ask nothing', async () => {
    const { prompter, asked } = answering({ saveFirst: 'Save and Define', confirmHypervisor: 'Define' });
    (await api()).setPrompter(prompter);
    await open(wsPath('vms/define-me.xml'));
    for (const id of ['libvirt.defineDomain', 'libvirt.validate', 'libvirt.attachDevice', 'libvirt.detachDevice']) {
      const r = await vscode.commands.executeCommand<CommandResult>(id, undefined, {
        domain: 'test',
        mode: 'config',
        connectionUri: 'test:///default',
      });
      assert.equal(r.status, 'unavailable', id);
      assert.match(r.message, /untrusted workspaces/, id);
    }
    assert.deepEqual(asked, []);
  });

  test('the libvirt view lists no domains and the live-domain commands run nothing', async () => {
    const live = (await api()).live;
    const [conn] = await live.getChildren();
    assert.ok(conn);
    const kids = await live.getChildren(conn);
    assert.deepEqual(
      kids.map((k) => k.kind),
      ['message']
    );
    for (const [id, args] of [
      ['libvirt.openDomain', ['test:///default', 'test']],
      ['libvirt.startDomain', ['test:///default', 'test']],
      ['libvirt.undefineDomain', ['test:///default', 'test']],
      ['libvirt.compareWithDefined', [vscode.Uri.file(wsPath('vms/define-me.xml'))]],
    ] as const) {
      const r = await vscode.commands.executeCommand<CommandResult>(id, ...args);
      assert.equal(r.status, 'unavailable', id);
    }
  });

  test('no host: the status bar says the workspace is not trusted, no virsh is run for it', async () => {
    const a = await api();
    await open(wsPath('vms/bad-controllers.xml'));
    const s = await waitFor('the host status', () => a.hostStatus.current().status);
    assert.equal(s.state, 'off');
    assert.match(s.detail, /not trusted/);
    assert.equal(a.hostStatus.current().text, '$(circle-slash) libvirt: no host');
  });
});

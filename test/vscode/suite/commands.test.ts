/**
 * The virsh commands in the editor: define against test:///default with the unsaved-changes
 * question answered; the hypervisor confirmation; libvirt's error shown at its place; a missing
 * virsh; validate; and define/attach/detach against a real libvirtd (qemu:///system) when one
 * answers.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { CommandResult } from '../../../client/src/commands';
import {
  answering,
  api,
  closeAll,
  diagnostics,
  HAVE_VIRSH,
  open,
  qemuSystemAnswers,
  readFile,
  Settings,
  virshOk,
  waitFor,
  wsPath,
} from './helpers';

async function run(command: string, uri?: vscode.Uri, args?: object): Promise<CommandResult> {
  return vscode.commands.executeCommand<CommandResult>(command, uri, args);
}

suite('virsh commands', function () {
  const settings = new Settings();
  suiteSetup(async function () {
    if (!HAVE_VIRSH) {
      this.skip();
    }
    await api();
  });
  teardown(async () => {
    (await api()).setPrompter(undefined);
    await settings.restore();
    await closeAll();
  });

  test('Define on test:///default: unsaved changes are saved first when the user says so', async () => {
    await settings.set('libvirt', 'connectionUri', 'test:///default');
    const file = wsPath('vms/define-me.xml');
    const editor = await open(file);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), '  <!-- edited before define -->\n'));
    assert.ok(editor.document.isDirty);
    const { prompter, asked } = answering({ saveFirst: 'Save and Define' });
    (await api()).setPrompter(prompter);

    const r = await run('libvirt.defineDomain');
    assert.equal(r.status, 'ok', r.message);
    assert.match(r.message, /Domain 'vscode-it-define' defined on test:\/\/\/default/);
    assert.deepEqual(
      asked.map((a) => a.id),
      ['saveFirst'],
      'test:/// needs no hypervisor confirmation'
    );
    assert.ok(!editor.document.isDirty);
    assert.match(readFile(file), /edited before define/);
  });

  test('Define: declining the save sends nothing and keeps the edits', async () => {
    await settings.set('libvirt', 'connectionUri', 'test:///default');
    const editor = await open(wsPath('vms/clean.xml'));
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), '  <!-- not saved -->\n'));
    const { prompter, asked } = answering({});
    (await api()).setPrompter(prompter);
    const r = await run('libvirt.defineDomain');
    assert.equal(r.status, 'cancelled');
    assert.deepEqual(
      asked.map((a) => a.id),
      ['saveFirst']
    );
    assert.ok(editor.document.isDirty, 'the edits are still there');
    assert.doesNotMatch(readFile(wsPath('vms/clean.xml')), /not saved/);
  });

  test('Define on a real hypervisor asks first; "no" sends nothing', async () => {
    await settings.set('libvirt', 'connectionUri', 'qemu:///system');
    await open(wsPath('vms/define-me.xml'));
    const { prompter, asked } = answering({});
    (await api()).setPrompter(prompter);
    const r = await run('libvirt.defineDomain');
    assert.equal(r.status, 'cancelled');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.id, 'confirmHypervisor');
    assert.match(asked[0]!.message, /Define domain 'vscode-it-define' on qemu:\/\/\/system\?/);
  });

  test("libvirt's error is shown at its place in the file, and goes on the next edit", async () => {
    await settings.set('libvirt', 'connectionUri', 'test:///default');
    const editor = await open(wsPath('vms/rejected.xml'));
    // Our checks see the error too: Define asks before sending (issue 13, item 4).
    await waitFor('our diagnostics', () => diagnostics(editor.document.uri, 'libvirt').length > 0);
    const { prompter, asked } = answering({ defineWithErrors: 'Define Anyway' });
    (await api()).setPrompter(prompter);
    const r = await run('libvirt.defineDomain');
    assert.deepEqual(
      asked.map((a) => a.id),
      ['defineWithErrors']
    );
    assert.equal(r.status, 'failed');
    assert.match(r.message, /Invalid PCI address function=0x9, must be <= 7/);
    const uri = editor.document.uri;
    const d = await waitFor('the virsh diagnostic', () => diagnostics(uri, 'virsh')[0]);
    assert.equal(editor.document.getText(d.range), '0x9');
    assert.match(d.message, /^libvirt: XML error: Invalid PCI address function=0x9/);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), ' '));
    await waitFor('the virsh diagnostic to go after an edit', () => diagnostics(uri, 'virsh').length === 0);
  });

  test('a missing virsh is reported with what to do', async () => {
    await settings.set('libvirt', 'connectionUri', 'test:///default');
    await settings.set('libvirt', 'virsh.path', '/nonexistent/bin/virsh');
    await open(wsPath('vms/clean.xml'));
    const r = await run('libvirt.defineDomain');
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.kind, 'missing-binary');
    assert.match(r.message, /libvirt\.virsh\.path/);
  });

  test('Define refuses a device fragment and says what to use', async () => {
    await open(wsPath('fragments/disk-extra.xml'));
    const r = await run('libvirt.defineDomain');
    assert.equal(r.status, 'unavailable');
    assert.match(r.message, /Attach Device/);
  });

  test('Validate with libvirt: a fragment and a domain, no save needed', async () => {
    const frag = await open(wsPath('fragments/disk-extra.xml'));
    let r = await run('libvirt.validate');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.steps?.at(-1)?.ok, true);
    await frag.edit((e) => e.replace(frag.document.lineAt(3).range, "  <target dev='xyz' bus='virtio'/>"));
    r = await run('libvirt.validate');
    assert.equal(r.status, 'failed');
    const d = await waitFor('a diagnostic at the target', () =>
      diagnostics(frag.document.uri, 'virsh').find((x) => /Unknown disk name 'xyz'/.test(x.message))
    );
    assert.equal(frag.document.getText(d.range), 'xyz');
  });

  test('Validate: libvirt accepts, our checks find an error: the verdict is not "libvirt accepts"', async () => {
    const editor = await open(wsPath('live/host-error.xml'));
    await waitFor('our error', () => diagnostics(editor.document.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const r = await run('libvirt.validate');
    assert.equal(r.status, 'failed', r.message);
    assert.equal(r.steps?.at(-1)?.ok, true, 'libvirt itself accepts it');
    assert.doesNotMatch(r.message, /^libvirt accepts/);
    assert.match(
      r.message,
      /^1 error by our checks in host-error\.xml: line 14: Chassis 1 is already used.*test:\/\/\/default does not check/
    );
  });

  suite('against a real libvirtd (qemu:///system)', function () {
    const DOMAIN = 'vscode-it-define';
    suiteSetup(function () {
      if (!qemuSystemAnswers()) {
        this.skip();
      }
      virshOk(['-c', 'qemu:///system', 'undefine', DOMAIN]);
    });
    suiteTeardown(() => {
      if (HAVE_VIRSH) {
        virshOk(['-c', 'qemu:///system', 'undefine', DOMAIN]);
      }
    });

    test('Define with the confirmation answered, then Attach and Detach --config through the quick picks', async () => {
      await settings.set('libvirt', 'connectionUri', 'qemu:///system');
      await open(wsPath('vms/define-me.xml'));
      let { prompter, asked } = answering({ confirmHypervisor: 'Define' });
      (await api()).setPrompter(prompter);
      let r = await run('libvirt.defineDomain');
      assert.equal(r.status, 'ok', r.message);
      assert.deepEqual(
        asked.map((a) => a.id),
        ['confirmHypervisor']
      );
      assert.ok(virshOk(['-c', 'qemu:///system', 'dominfo', DOMAIN]).ok);

      await open(wsPath('fragments/disk-extra.xml'));
      ({ prompter, asked } = answering({ pickDomain: DOMAIN, pickMode: '--config', confirmHypervisor: 'Attach' }));
      (await api()).setPrompter(prompter);
      r = await run('libvirt.attachDevice');
      assert.equal(r.status, 'ok', r.message);
      assert.deepEqual(
        asked.map((a) => a.id),
        ['pickDomain', 'pickMode', 'confirmHypervisor']
      );
      assert.ok(asked[0]!.choices.includes(DOMAIN), `domains offered: ${asked[0]!.choices.join(', ')}`);
      assert.match(virshOk(['-c', 'qemu:///system', 'dumpxml', '--inactive', DOMAIN]).out, /vscode-it-extra\.img/);

      // Attaching it again: libvirt refuses, and the diagnostic lands on the target.
      r = await run('libvirt.attachDevice', undefined, { domain: DOMAIN, mode: 'config' });
      assert.equal(r.status, 'failed');
      assert.match(r.message, /target vdb already exists/);
      assert.match(r.message, new RegExp(`for domain '${DOMAIN}' \\(--config\\)`), 'the error names the domain the fragment was sent to');

      ({ prompter, asked } = answering({ pickDomain: DOMAIN, pickMode: '--config', confirmHypervisor: 'Detach' }));
      (await api()).setPrompter(prompter);
      r = await run('libvirt.detachDevice');
      assert.equal(r.status, 'ok', r.message);
      assert.doesNotMatch(virshOk(['-c', 'qemu:///system', 'dumpxml', '--inactive', DOMAIN]).out, /vscode-it-extra\.img/);
    });
  });
});

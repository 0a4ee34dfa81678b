/**
 * Live domains in the real VS Code against the real libvirt (qemu:///system), issue 13 item 5:
 * the libvirt view lists the domain; Open XML from the view, edit, save, and `virsh dumpxml`
 * shows the change; a change behind the editor's back is never overwritten without the user's
 * choice; a file with an unknown attribute and a 0000:00:00.0 address is defined and both are
 * reported as dropped, at their place. Test domains are lxtest-live-*, defined and undefined under
 * flock /tmp/libvirt-daemon.lock, and removed even when a test fails.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { CommandResult } from '../../../client/src/commands';
import { answering, api, closeAll, current, diagnostics, open, qemuSystemAnswers, Settings, waitFor, wsPath } from './helpers';

const QEMU = 'qemu:///system';
const EDIT = 'lxtest-live-edit';
const DROPPED = 'lxtest-live-dropped';

function virshLocked(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('flock', ['/tmp/libvirt-daemon.lock', 'virsh', '-c', QEMU, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function dumpxml(name: string): string {
  const r = spawnSync('virsh', ['-c', QEMU, 'dumpxml', '--inactive', name], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function defineText(text: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lxtest-live-'));
  try {
    const file = path.join(dir, 'd.xml');
    fs.writeFileSync(file, text);
    const r = virshLocked(['define', file]);
    assert.ok(r.ok, r.out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const EDIT_XML = `<domain type='qemu'>
  <name>${EDIT}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
</domain>
`;

suite('live domains on qemu:///system (libvirt view, libvirt-domain: documents, classified diff)', function () {
  const settings = new Settings();
  suiteSetup(async function () {
    if (!qemuSystemAnswers()) {
      this.skip();
    }
    await api();
    for (const n of [EDIT, DROPPED]) {
      virshLocked(['undefine', n]);
    }
    defineText(EDIT_XML);
  });
  teardown(async () => {
    (await api()).setPrompter(undefined);
    await settings.restore();
    await closeAll();
  });
  suiteTeardown(() => {
    for (const n of [EDIT, DROPPED]) {
      virshLocked(['undefine', n]);
    }
  });

  async function domainNode(name: string): Promise<unknown> {
    const live = (await api()).live;
    const [conn] = await live.getChildren();
    assert.ok(conn && conn.kind === 'connection' && conn.uri === QEMU, JSON.stringify(conn));
    const kids = await live.getChildren(conn);
    const node = kids.find((k) => k.kind === 'domain' && k.info.name === name);
    assert.ok(node, `${name} in the view: ${JSON.stringify(kids)}`);
    return node;
  }

  test('the view lists the configured connection and the domain with its state', async () => {
    await settings.set('libvirt', 'connections', [{ uri: QEMU, name: 'this host' }]);
    const live = (await api()).live;
    const [conn] = await live.getChildren();
    assert.equal(live.getTreeItem(conn!).label, 'this host');
    const node = (await domainNode(EDIT)) as Parameters<typeof live.getTreeItem>[0];
    const item = live.getTreeItem(node);
    assert.equal(item.description, 'shut off');
    assert.equal(item.contextValue, 'libvirtDomain.stopped');
  });

  test('Open XML from the view, edit, save: dumpxml shows the change', async () => {
    await settings.set('libvirt', 'connections', [{ uri: QEMU }]);
    const node = await domainNode(EDIT);
    const { prompter, asked } = answering({ confirmHypervisor: 'Define' });
    (await api()).setPrompter(prompter);
    const r = await vscode.commands.executeCommand<CommandResult & { uri: vscode.Uri }>('libvirt.openDomain', node);
    assert.equal(r.status, 'ok', r.message);
    const editor = await waitFor('the domain editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === r.uri.toString())
    );
    assert.equal(editor.document.languageId, 'libvirt-xml');
    assert.match(editor.document.getText(), /<uuid>/, 'the inactive XML as libvirt stores it');
    await waitFor('our checks ran on the libvirt-domain: document', () => vscode.languages.getDiagnostics(r.uri) !== undefined);
    const text = editor.document.getText();
    const at = text.indexOf('<vcpu');
    const end = text.indexOf('</vcpu>', at) + '</vcpu>'.length;
    await editor.edit((e) =>
      e.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(end)), "<vcpu placement='static'>2</vcpu>")
    );
    assert.ok(await current(r.uri)!.save(), 'saved');
    assert.deepEqual(
      asked.map((a) => a.id),
      ['confirmHypervisor']
    );
    assert.match(dumpxml(EDIT), /<vcpu placement='static'>2<\/vcpu>/);
    assert.ok(!current(r.uri)!.isDirty);
  });

  test("a change behind the editor's back is not overwritten without the user's choice", async () => {
    const r = await vscode.commands.executeCommand<CommandResult & { uri: vscode.Uri }>('libvirt.openDomain', QEMU, EDIT);
    assert.equal(r.status, 'ok', r.message);
    const editor = await waitFor('the domain editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === r.uri.toString())
    );
    const nameEnd = editor.document.getText().indexOf('</name>') + '</name>'.length;
    await editor.edit((e) => e.insert(editor.document.positionAt(nameEnd), '\n  <title>edited in the editor</title>'));

    // Someone else changes the domain meanwhile.
    defineText(dumpxml(EDIT).replace('</name>', '</name>\n  <description>changed behind the back</description>'));

    let { prompter, asked } = answering({ confirmHypervisor: 'Define' });
    (await api()).setPrompter(prompter);
    assert.equal(await current(r.uri)!.save(), false, 'the save is refused');
    assert.deepEqual(
      asked.map((a) => a.id),
      ['domainChanged']
    );
    assert.match(asked[0]!.message, /was changed since you opened it\. Nothing was overwritten/);
    assert.ok(current(r.uri)!.isDirty, 'the edit stays in the editor');
    let stored = dumpxml(EDIT);
    assert.match(stored, /changed behind the back/);
    assert.doesNotMatch(stored, /edited in the editor/);

    // The user chooses to overwrite.
    ({ prompter, asked } = answering({ domainChanged: 'Overwrite', confirmHypervisor: 'Define' }));
    (await api()).setPrompter(prompter);
    assert.equal(await current(r.uri)!.save(), true);
    assert.deepEqual(
      asked.map((a) => a.id),
      ['domainChanged', 'confirmHypervisor']
    );
    stored = dumpxml(EDIT);
    assert.match(stored, /edited in the editor/);
    assert.doesNotMatch(stored, /changed behind the back/);
  });

  test("libvirt's error on save keeps the edit in the editor and is shown at its place", async () => {
    const r = await vscode.commands.executeCommand<CommandResult & { uri: vscode.Uri }>('libvirt.openDomain', QEMU, EDIT);
    const editor = await waitFor('the domain editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === r.uri.toString())
    );
    const at = editor.document.getText().indexOf('</devices>');
    await editor.edit((e) =>
      e.insert(
        editor.document.positionAt(at),
        "  <interface type='network'>\n      <source network='default'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x9'/>\n    </interface>\n  "
      )
    );
    const { prompter } = answering({ confirmHypervisor: 'Define', defineWithErrors: 'Define Anyway' });
    (await api()).setPrompter(prompter);
    assert.equal(await current(r.uri)!.save(), false, 'libvirt refuses, the save fails');
    assert.ok(current(r.uri)!.isDirty, 'the edit stays');
    const d = await waitFor('the virsh diagnostic', () => diagnostics(r.uri, 'virsh')[0]);
    assert.equal(current(r.uri)!.getText(d.range), '0x9');
    assert.doesNotMatch(dumpxml(EDIT), /function='0x9'/);
  });

  test('Compare with Defined Domain: the file against dumpxml --inactive, classified', async () => {
    const editor = await open(wsPath('live/lxtest-live-dropped.xml'));
    const text = editor.document.getText().replace('lxtest-live-dropped', EDIT);
    await editor.edit((e) =>
      e.replace(new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)), text)
    );
    const r = await vscode.commands.executeCommand<CommandResult & { diff?: { entries: { kind: string; path: string }[] } }>(
      'libvirt.compareWithDefined',
      undefined,
      { connectionUri: QEMU }
    );
    assert.equal(r.status, 'ok', r.message);
    assert.ok(
      r.diff?.entries.some((e) => e.kind === 'dropped' && e.path.endsWith('/interface[52:54:00:7e:57:02]')),
      JSON.stringify(r.diff)
    );
    assert.ok(r.diff?.entries.some((e) => e.kind === 'added' && e.path === 'domain/uuid'));
  });

  test('Define a file with an unknown attribute and a 0000:00:00.0 address: both reported as dropped, at their place', async () => {
    await settings.set('libvirt', 'connectionUri', QEMU);
    const editor = await open(wsPath('live/lxtest-live-dropped.xml'));
    const { prompter } = answering({ confirmHypervisor: 'Define', defineWithErrors: 'Define Anyway' });
    (await api()).setPrompter(prompter);
    const r = await vscode.commands.executeCommand<CommandResult>('libvirt.defineDomain');
    assert.equal(r.status, 'ok', r.message);
    const dropped = r.diff?.entries.filter((e) => e.kind === 'dropped') ?? [];
    assert.deepEqual(
      dropped.map((e) => e.path),
      ['domain/devices/interface[52:54:00:7e:57:02]/@frobnicate', 'domain/devices/interface[52:54:00:7e:57:02]/address'],
      JSON.stringify(r.diff)
    );
    assert.ok(
      r.diff!.entries.some((e) => e.kind === 'added' && e.assigned && e.pin),
      'assigned addresses, pinnable'
    );
    const warnings = await waitFor('the dropped warnings', () => {
      const d = diagnostics(editor.document.uri, 'libvirt define').filter((x) => x.severity === vscode.DiagnosticSeverity.Warning);
      return d.length === 2 ? d : undefined;
    });
    assert.equal(editor.document.getText(warnings[0]!.range), "frobnicate='yes'");
    assert.match(editor.document.getText(warnings[1]!.range), /^<address type='pci' domain='0x0000' bus='0x00' slot='0x00'/);
    assert.match(warnings[0]!.message, /^Dropped by libvirt/);

    // "Pin these": offered next to the warnings; the assigned addresses go into the file.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      warnings[0]!.range
    );
    assert.ok(
      actions.some((a) => /^Pin what libvirt assigned/.test(a.title)),
      actions.map((a) => a.title).join(', ')
    );
    const pinned = await vscode.commands.executeCommand<CommandResult>('libvirt.pinAssigned', editor.document.uri);
    assert.equal(pinned.status, 'ok', pinned.message);
    assert.match(editor.document.getText(), /<controller type='usb' index='0'/);
    assert.match(
      editor.document.getText(),
      /<mac address='52:54:00:7e:57:02'\/>[\s\S]*<address type='pci' domain='0x0000' bus='0x00' slot='0x0[1-9a-f]'/
    );
  });

  test('Undefine from the view asks first; "no" keeps the domain, "Undefine" removes it', async () => {
    await settings.set('libvirt', 'connections', [{ uri: QEMU }]);
    const node = await domainNode(DROPPED);
    let { prompter, asked } = answering({});
    (await api()).setPrompter(prompter);
    let r = await vscode.commands.executeCommand<CommandResult>('libvirt.undefineDomain', node);
    assert.equal(r.status, 'cancelled');
    assert.deepEqual(
      asked.map((a) => a.id),
      ['confirmDomainAction']
    );
    assert.match(dumpxml(DROPPED), /<name>lxtest-live-dropped<\/name>/);
    ({ prompter, asked } = answering({ confirmDomainAction: 'Undefine' }));
    (await api()).setPrompter(prompter);
    r = await vscode.commands.executeCommand<CommandResult>('libvirt.undefineDomain', node);
    assert.equal(r.status, 'ok', r.message);
    const live = (await api()).live;
    const [conn] = await live.getChildren();
    assert.ok(!(await live.getChildren(conn)).some((k) => k.kind === 'domain' && k.info.name === DROPPED), 'gone from the view');
  });
});

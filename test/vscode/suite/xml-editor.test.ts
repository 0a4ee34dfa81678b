/**
 * The XML editor a libvirt user expects, in a real VS Code: Format Document, linked editing of
 * tag names, matching-tag highlight, rename of a tag, folding, expand selection, links, and a new
 * XML file (starting points offered, root tag closed before the file is recognised). Files here
 * are written by the tests or copied from test/vscode/workspace/editor.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { api, closeAll, codeOf, current, diagnostics, EXTENSION_ID, open, Settings, sleep, waitFor, wsPath } from './helpers';

const TIDY = `<domain type='kvm'>
  <name>vscode-it-messy</name>
  <memory unit='MiB'>512</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source>
        <vendor id='0x1234'/>
        <product id='0x5678'/>
      </source>
      <address type='usb' bus='0' port='1'/>
    </hostdev>
  </devices>
</domain>
`;

/** Position of the n-th occurrence of `needle`, plus `delta` characters. */
function at(doc: vscode.TextDocument, needle: string, delta = 0, nth = 0): vscode.Position {
  const text = doc.getText();
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
  }
  assert.ok(i >= 0, needle);
  return doc.positionAt(i + delta);
}

/** A file in the workspace copy with this text, opened as the language wanted. */
async function fresh(rel: string, text: string, language?: string): Promise<vscode.TextEditor> {
  const file = wsPath(rel);
  fs.writeFileSync(file, text);
  return open(file, language);
}

suite('xml editor', () => {
  const settings = new Settings();
  suiteSetup(async () => {
    await api();
  });
  teardown(async () => {
    await closeAll();
    await settings.restore();
  });

  test('Format Document lays the file out as virsh dumpxml does, the second time changes nothing', async () => {
    const editor = await fresh('editor/messy-format.xml', fs.readFileSync(wsPath('editor/messy.xml'), 'utf8'));
    await vscode.commands.executeCommand('editor.action.formatDocument');
    await waitFor(
      'the text to change',
      () => editor.document.getText() !== fs.readFileSync(wsPath('editor/messy.xml'), 'utf8'),
      10_000
    ).catch(() => undefined);
    // indented as the editor indents this file (VS Code detected its indentation when opening it)
    const unit = editor.options.insertSpaces === false ? '\t' : ' '.repeat(Number(editor.options.tabSize));
    assert.equal(
      editor.document.getText(),
      TIDY.replace(/^((?: {2})+)/gm, (m) => unit.repeat(m.length / 2))
    );
    // with two spaces, libvirt's layout exactly
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, {
      tabSize: 2,
      insertSpaces: true,
    });
    const we = new vscode.WorkspaceEdit();
    we.set(editor.document.uri, edits);
    assert.ok(await vscode.workspace.applyEdit(we));
    assert.equal(editor.document.getText(), TIDY);
    const again = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, {
      tabSize: 2,
      insertSpaces: true,
    });
    assert.deepEqual(again ?? [], []);
  });

  test('linked editing: typing in a start tag name renames the end tag', async () => {
    const editor = await fresh('editor/linked.xml', TIDY);
    const doc = editor.document;
    const p = at(doc, '<hostdev', 8); // after the name
    editor.selection = new vscode.Selection(p, p);
    // the linked ranges are fetched after the cursor moves; type once they are there
    await waitFor(
      'linked editing to rename </hostdev>',
      async () => {
        if (!doc.getText().includes('<hostdevx ')) {
          await sleep(300);
          await vscode.commands.executeCommand('type', { text: 'x' });
        }
        return doc.getText().includes('</hostdevx>');
      },
      10_000
    );
    assert.equal((doc.getText().match(/hostdevx/g) ?? []).length, 2);
  });

  test('highlight: the cursor on a tag name marks it and its partner, nothing else', async () => {
    const editor = await fresh('editor/highlight.xml', TIDY);
    const doc = editor.document;
    const hs = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>(
      'vscode.executeDocumentHighlights',
      doc.uri,
      at(doc, '<source>', 2)
    );
    assert.deepEqual(
      hs.map((h) => [h.range.start.line, doc.getText(h.range)]),
      [
        [9, 'source'],
        [12, 'source'],
      ]
    );
  });

  test('rename (F2) on a tag name renames the start and end tag', async () => {
    const editor = await fresh('editor/rename.xml', TIDY);
    const doc = editor.document;
    const prep = await vscode.commands.executeCommand<{ range: vscode.Range; placeholder: string }>(
      'vscode.prepareRename',
      doc.uri,
      at(doc, '<hostdev', 2)
    );
    assert.equal(prep.placeholder, 'hostdev');
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      doc.uri,
      at(doc, '</hostdev>', 3),
      'redirdev'
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.match(doc.getText(), /<redirdev mode='subsystem'[\s\S]*<\/redirdev>/);
    assert.ok(!doc.getText().includes('hostdev'));
  });

  test('folding by element, and expand selection from a value outwards', async () => {
    const editor = await fresh('editor/fold.xml', TIDY);
    const doc = editor.document;
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
    assert.deepEqual(folds.map((f) => `${f.start}-${f.end}`).sort(), ['0-15', '3-4', '6-14', '8-13', '9-11'].sort(), JSON.stringify(folds));
    const [sel] = await vscode.commands.executeCommand<vscode.SelectionRange[]>('vscode.executeSelectionRangeProvider', doc.uri, [
      at(doc, "port='1'", 6),
    ]);
    const chain: string[] = [];
    for (let s: vscode.SelectionRange | undefined = sel; s; s = s.parent) {
      chain.push(doc.getText(s.range).split('\n')[0]!);
    }
    // VS Code merges its own ranges (words, lines) into ours: ours come in this order
    const ours = [
      '1',
      "'1'",
      "port='1'",
      "<address type='usb' bus='0' port='1'/>",
      "<hostdev mode='subsystem' type='usb' managed='yes'>",
      '<devices>',
    ];
    let k = 0;
    for (const c of chain) {
      if (c === ours[k]) {
        k++;
      }
    }
    assert.equal(k, ours.length, JSON.stringify(chain));
    await vscode.commands.executeCommand('editor.fold', { selectionLines: [6] });
    await waitFor('<devices> folded', () => editor.visibleRanges.every((r) => !r.contains(new vscode.Position(8, 0))));
  });

  test('links: a disk image path that exists opens, a missing one says so', async () => {
    const image = wsPath('editor/disk.qcow2');
    fs.writeFileSync(image, '');
    const text = TIDY.replace(
      '  </devices>',
      `    <disk type='file' device='disk'>\n      <source file='${image}'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n    <disk type='file' device='disk'>\n      <source file='/nonexistent/b.qcow2'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n  </devices>`
    );
    const editor = await fresh('editor/links.xml', text);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', editor.document.uri);
    assert.equal(links.length, 2);
    assert.equal(links[0]!.target?.fsPath, image);
    assert.equal(links[1]!.target, undefined);
    assert.match(links[1]!.tooltip ?? '', /does not exist on this machine/);
  });

  test("a new XML file: '<' offers whole domains; the q35 one becomes libvirt XML and lints clean", async () => {
    const editor = await fresh('editor/new-vm.xml', '', 'xml');
    const doc = editor.document;
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '<'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 1),
      '<'
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const l of [
      'New domain: x86_64, q35 (PCIe)',
      'New domain: x86_64, pc (i440fx)',
      'New domain: aarch64, virt (UEFI)',
      'Disk to attach (qcow2 file, virtio)',
    ]) {
      assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
    }
    const q35 = list.items.find((i) => i.label === 'New domain: x86_64, q35 (PCIe)')!;
    const range = q35.range instanceof vscode.Range ? q35.range : q35.range!.replacing;
    await editor.insertSnippet(q35.insertText as vscode.SnippetString, range);
    await waitFor('the new file to become libvirt-xml', () => current(doc.uri)?.languageId === 'libvirt-xml');
    await sleep(1500);
    const d = diagnostics(doc.uri).filter((x) => x.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(
      d.map((x) => `${codeOf(x)}: ${x.message}`),
      []
    );
  });

  test('a new XML file: the root tag is closed as it is typed, before the file is recognised', async () => {
    await settings.set('libvirt', 'autoCloseTags', true);
    const editor = await fresh('editor/new-root.xml', '', 'xml');
    const doc = editor.document;
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), "<domain type='kvm'"));
    const end = doc.positionAt(doc.getText().length);
    editor.selection = new vscode.Selection(end, end);
    assert.equal(doc.languageId, 'xml');
    await vscode.commands.executeCommand('type', { text: '>' });
    const now = (): vscode.TextDocument => current(doc.uri) ?? doc;
    await waitFor('the close tag', () => now().getText() === "<domain type='kvm'></domain>");
    await waitFor('the file to become libvirt-xml', () => now().languageId === 'libvirt-xml');
  });

  test('onSave mode: a quick fix applied removes its diagnostic at once, unsaved', async () => {
    await settings.set('files', 'autoSave', 'off');
    await settings.set('libvirt', 'lint.mode', 'onSave');
    const editor = await open(wsPath('vms/bad-controllers.xml'));
    const uri = editor.document.uri;
    const d = await waitFor('the duplicate index', () => diagnostics(uri).find((x) => codeOf(x) === 'controller-index-duplicate'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const fix = actions.find((a) => /^Use free index/.test(a.title) && a.edit);
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    await waitFor(
      'the diagnostic to go without a save',
      () => !diagnostics(uri).some((x) => codeOf(x) === 'controller-index-duplicate'),
      5000
    );
    assert.ok(editor.document.isDirty, 'not saved');
  });

  test('real-world files from the repository (virt-install output, libvirt dumps): format, fold, highlight, rename a tag', async () => {
    const repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    for (const name of ['virt-install-q35-virtio.xml', 'libvirt-dumpxml-win11-uefi-tpm.xml', 'virt-install-pc-legacy-devices.xml']) {
      const editor = await open(path.join(repo, 'test', 'fixtures', 'real-world', name));
      const doc = editor.document;
      await sleep(500);
      const before = diagnostics(doc.uri).map(codeOf).sort();
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, {
        tabSize: 2,
        insertSpaces: true,
      });
      if (name.startsWith('libvirt-dumpxml-')) {
        assert.deepEqual(edits ?? [], [], `${name}: what virsh wrote is formatted`);
      } else {
        assert.ok(edits && edits.length > 0, `${name}: double quotes become single`);
        const we = new vscode.WorkspaceEdit();
        we.set(doc.uri, edits);
        assert.ok(await vscode.workspace.applyEdit(we));
        assert.ok(!/="/.test(doc.getText().replace(/<metadata>[\s\S]*<\/metadata>/, '')), `${name}: single quotes outside <metadata>`);
        await sleep(1000);
        assert.deepEqual(diagnostics(doc.uri).map(codeOf).sort(), before, `${name}: the same findings`);
      }
      const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
      assert.ok(folds.length >= 5, name);
      const hs = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>(
        'vscode.executeDocumentHighlights',
        doc.uri,
        at(doc, '<devices>', 3)
      );
      assert.deepEqual(
        hs.map((h) => doc.getText(h.range)),
        ['devices', 'devices'],
        name
      );
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
        'vscode.executeDocumentRenameProvider',
        doc.uri,
        at(doc, '<features>', 3),
        'features2'
      );
      assert.equal(edit.get(doc.uri).length, 2, name);
      await closeAll();
    }
  });
});

/**
 * Completion (and the hostdev hover) in a real VS Code: the PCI hostdev template, inserted into
 * a seed domain through VS Code's own snippet engine, lands at a free slot and leaves no
 * diagnostics; the model completion of <controller type='usb'> lists the USB models; hovering
 * a hostdev attribute shows the project's documentation for it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { attributeOf, elementAt } from '../../../server/src/schema/lookup';
import { api, closeAll, diagnostics, open, Settings, waitFor } from './helpers';

/** The repository root: this file runs compiled from out/test/vscode/suite. */
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const SEED = path.join(REPO, 'test', 'fixtures', 'seeds', 'domain-openeuler-pci-passthrough-hostdev.xml');

const USB_MODELS = ['piix3-uhci', 'ehci', 'ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3', 'nec-xhci', 'qemu-xhci'];

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

suite('completion in VS Code', () => {
  let dir: string;
  suiteSetup(async () => {
    await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-completion-'));
  });
  teardown(async () => {
    await closeAll();
  });
  suiteTeardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the PCI hostdev template goes into a seed domain at a free slot, with no diagnostics', async () => {
    // Judged without a host: the seed's and the template's host PCI addresses are the guide's, not
    // this machine's, and against qemu:///system the host checks rightly say the devices are missing.
    const settings = new Settings();
    await settings.set('libvirt', 'hostAware', 'off');
    try {
      await hostdevTemplate();
    } finally {
      await settings.restore();
    }
  });

  async function hostdevTemplate(): Promise<void> {
    const seed = fs.readFileSync(SEED, 'utf8');
    const close = seed.lastIndexOf('</devices>');
    const lineStart = seed.lastIndexOf('\n', close) + 1;
    const file = path.join(dir, 'hostdev-template.xml');
    // An empty line with the '<' that starts a tag: a syntax error until the template replaces it.
    fs.writeFileSync(file, seed.slice(0, lineStart) + '    <\n' + seed.slice(lineStart));
    const editor = await open(file);
    const doc = editor.document;
    const uri = doc.uri;
    await waitFor('the syntax error of the lone <', () => diagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const line = doc.positionAt(lineStart).line;
    const position = new vscode.Position(line, 5);

    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, '<');
    const item = list.items.find((i) => /PCI passthrough/.test(labelOf(i)));
    assert.ok(item, `offered: ${list.items.map(labelOf).join(', ')}`);
    assert.ok(item.insertText instanceof vscode.SnippetString, 'a snippet');
    const range = item.range instanceof vscode.Range ? item.range : item.range?.replacing;
    assert.ok(range, 'the item says what it replaces');
    // As VS Code applies an accepted suggestion: the text is already indented (insertTextMode asIs).
    assert.equal(item.keepWhitespace, true);
    assert.ok(await editor.insertSnippet(item.insertText, range, { undoStopBefore: true, undoStopAfter: true, keepWhitespace: true }));

    const text = doc.getText();
    const guest = [...text.matchAll(/<address type='pci' domain='0x0000' bus='(0x[0-9a-f]+)' slot='(0x[0-9a-f]+)' function='0x0'\/>/g)].map(
      (m) => `${m[1]}:${m[2]}`
    );
    assert.deepEqual(guest, ['0x00:0x03', '0x00:0x04'], 'the seed uses 00:03.0; the new device takes the next free slot');
    assert.match(doc.lineAt(line).text, /^ {4}<hostdev mode='subsystem' type='pci' managed='yes'>$/);
    await waitFor('the diagnostics to clear', () => diagnostics(uri).length === 0 || undefined);
  }

  test("<controller type='usb' model='|'> lists the USB models", async () => {
    const file = path.join(dir, 'usb-model.xml');
    fs.writeFileSync(
      file,
      "<domain type='kvm'>\n  <name>usb-models</name>\n  <memory unit='MiB'>512</memory>\n  <devices>\n    <controller type='usb' index='0' model=''/>\n  </devices>\n</domain>\n"
    );
    const editor = await open(file);
    const lineText = editor.document.lineAt(4).text;
    const position = new vscode.Position(4, lineText.indexOf("model=''") + 7);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      position,
      "'"
    );
    const labels = list.items.map(labelOf);
    for (const m of USB_MODELS) {
      assert.ok(labels.includes(m), `${m} missing from ${labels.join(', ')}`);
    }
    assert.ok(!labels.includes('pcie-root-port'));
  });

  test('hovering a hostdev attribute shows our documentation', async () => {
    const expected = attributeOf(
      elementAt([{ name: 'hostdev', attrs: { mode: 'subsystem', type: 'pci', managed: 'yes' } }])!,
      'managed'
    )?.doc;
    assert.ok(expected, 'docs.json documents hostdev/@managed');
    const file = path.join(dir, 'hover.xml');
    fs.copyFileSync(SEED, file);
    const editor = await open(file);
    const lines = editor.document.getText().split('\n');
    const line = lines.findIndex((l) => l.includes('<hostdev '));
    const position = new vscode.Position(line, lines[line]!.indexOf('managed') + 2);
    const text = await waitFor('a hover on managed', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
      const t = hoverText(hovers);
      return t.length > 0 ? t : undefined;
    });
    const words = (s: string): string => s.replace(/[`*_\\]/g, '').replace(/\s+/g, ' ');
    assert.ok(words(text).includes(words(expected).slice(0, 60)), `hover:\n${text}\nexpected to include:\n${expected}`);
  });
});

/**
 * The editor features through the real stdio server (dist/server.js): formatting (document,
 * range, refusal), folding, expand selection, linked editing, highlight, tag rename, document
 * links, new-file completion (synced and not), and onSave mode after a quick fix.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  DocumentHighlight,
  DocumentLink,
  FoldingRange,
  LinkedEditingRanges,
  Range,
  SelectionRange,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { positionAt } from '../../support/cursor';
import { FIXTURES } from '../../support/paths';
import { startStdioServer, type StdioServer } from '../../support/stdio-server';

const MESSY = `<domain type="kvm"><name>t</name>
<memory unit="GiB">1</memory>
    <os><type arch="x86_64" machine="q35">hvm</type></os>
<devices>
      <controller type="usb" index="0" model="qemu-xhci"></controller>
  <hostdev mode="subsystem" type="usb" managed="yes"><source><vendor id="0x1234"/><product id="0x5678"/></source>
<address type="usb" bus="0" port="1"/></hostdev>
</devices></domain>`;

const TIDY = `<domain type='kvm'>
  <name>t</name>
  <memory unit='GiB'>1</memory>
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

const apply = (text: string, edits: TextEdit[]): string => TextDocument.applyEdits(TextDocument.create('x:', 'x', 0, text), edits);
const pos = (text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } => {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
  }
  assert.ok(i >= 0, needle);
  return positionAt(text, i + delta);
};
const textOf = (text: string, r: Range): string => {
  const d = TextDocument.create('x:', 'x', 0, text);
  return text.slice(d.offsetAt(r.start), d.offsetAt(r.end));
};

describe('editor features through the stdio server', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer();
    await s.open('file:///messy.xml', MESSY);
    await s.open('file:///tidy.xml', TIDY);
    await s.diagnostics('file:///tidy.xml', 1);
  });
  after(() => s.stop());

  test('advertises the editing capabilities', () => {
    const c = s.init.capabilities;
    for (const k of [
      'documentFormattingProvider',
      'documentRangeFormattingProvider',
      'foldingRangeProvider',
      'selectionRangeProvider',
      'linkedEditingRangeProvider',
      'documentHighlightProvider',
      'documentLinkProvider',
    ] as const) {
      assert.ok(c[k], k);
    }
  });

  test("Format Document gives virsh's layout, and nothing more the second time", async () => {
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///messy.xml' },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(apply(MESSY, edits), TIDY);
    const again = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///tidy.xml' },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(again, []);
  });

  test("the editor's indentation is used", async () => {
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///tidy.xml' },
      options: { tabSize: 4, insertSpaces: false },
    });
    assert.match(apply(TIDY, edits), /\n\t<devices>\n\t\t<controller /);
  });

  test('Format Selection formats the device selected only', async () => {
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: 'file:///messy.xml' },
      range: { start: pos(MESSY, '<hostdev', 1), end: pos(MESSY, '<hostdev', 4) },
      options: { tabSize: 2, insertSpaces: true },
    });
    const out = apply(MESSY, edits);
    assert.ok(out.includes(`\n    <hostdev mode='subsystem' type='usb' managed='yes'>\n      <source>\n`));
    assert.ok(out.includes(`<controller type="usb" index="0" model="qemu-xhci"></controller>`), 'the controller is untouched');
  });

  test('a document with syntax errors is not formatted, and the user is told why', async () => {
    const broken = `<domain type='kvm'>\n  <devices>\n</domain>\n`;
    await s.open('file:///broken.xml', broken);
    const before = s.messages.length;
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///broken.xml' },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits, []);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(
      s.messages.slice(before).join('\n'),
      /Not formatted: the document has 1 syntax error.*<devices> is never closed.*\(line 2\)/
    );
  });

  test('folding by element (close tag visible) and no fold for one-line elements', async () => {
    const folds = await s.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: 'file:///tidy.xml' } });
    const lines = TIDY.split('\n');
    assert.deepEqual(
      folds.map((f) => `${lines[f.startLine]!.trim().split(' ')[0]}..${f.endLine}`),
      ['<domain..15', '<os>..4', '<devices>..14', '<hostdev..13', '<source>..11']
    );
  });

  test('expand selection: value, quoted, attribute, tag, element, parents', async () => {
    const [r] = await s.conn.sendRequest<SelectionRange[]>('textDocument/selectionRange', {
      textDocument: { uri: 'file:///tidy.xml' },
      positions: [pos(TIDY, "port='1'", 6)],
    });
    const chain: string[] = [];
    for (let cur: SelectionRange | undefined = r; cur; cur = cur.parent) {
      chain.push(textOf(TIDY, cur.range).split('\n')[0]!);
    }
    assert.deepEqual(chain, [
      '1',
      "'1'",
      "port='1'",
      "<address type='usb' bus='0' port='1'/>",
      "<hostdev mode='subsystem' type='usb' managed='yes'>",
      '<devices>',
      "<domain type='kvm'>",
    ]);
  });

  test('linked editing: both tag names, with a word pattern', async () => {
    const r = await s.conn.sendRequest<LinkedEditingRanges | null>('textDocument/linkedEditingRange', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, '<hostdev', 3),
    });
    assert.ok(r);
    assert.deepEqual(
      r.ranges.map((x) => textOf(TIDY, x)),
      ['hostdev', 'hostdev']
    );
    assert.equal(r.ranges[1]!.start.line, 14);
    assert.ok(r.wordPattern);
  });

  test('highlight: the matching tag; a controller index and its addresses', async () => {
    const tag = await s.conn.sendRequest<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, '</source>', 3),
    });
    assert.deepEqual(
      tag.map((h) => h.range.start.line),
      [9, 12]
    );
    const index = await s.conn.sendRequest<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, "index='0'", 7),
    });
    assert.deepEqual(
      index.map((h) => h.range.start.line),
      [7, 13]
    );
  });

  test('rename on a tag name renames start and end tag, not an index', async () => {
    const at = pos(TIDY, '<controller', 2);
    const prep = await s.conn.sendRequest<{ range: Range; placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, '<source>', 3),
    });
    assert.equal(prep.placeholder, 'source');
    const edit = await s.conn.sendRequest<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, '</source>', 4),
      newName: 'origin',
    });
    const out = apply(TIDY, edit.changes!['file:///tidy.xml']!);
    assert.ok(out.includes('      <origin>\n') && out.includes('      </origin>\n'));
    const onController = await s.conn.sendRequest<{ placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: at,
    });
    assert.equal(onController.placeholder, 'controller');
    const onIndex = await s.conn.sendRequest<{ placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: 'file:///tidy.xml' },
      position: pos(TIDY, "index='0'", 7),
    });
    assert.equal(onIndex.placeholder, '0', 'the index value still renames the index');
  });

  test('links: an existing disk image opens; a missing one says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-links-'));
    try {
      const image = path.join(dir, 'a.qcow2');
      fs.writeFileSync(image, '');
      const text = `<domain type='kvm'>\n  <os>\n    <kernel>${dir}/missing-vmlinuz</kernel>\n  </os>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='${image}'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>\n`;
      await s.open('file:///links.xml', text);
      const links = await s.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: 'file:///links.xml' } });
      assert.equal(links.length, 2);
      const [kernel, disk] = links as [DocumentLink, DocumentLink];
      assert.equal(textOf(text, kernel.range), `${dir}/missing-vmlinuz`);
      assert.equal(kernel.target, undefined);
      assert.match(kernel.tooltip!, /does not exist on this machine/);
      assert.equal(textOf(text, disk.range), image);
      assert.equal(disk.target, `file://${image}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a new, empty document offers whole domains first, and fragments', async () => {
    await s.open('file:///new.xml', '');
    const r = await s.conn.sendRequest<CompletionList>('textDocument/completion', {
      textDocument: { uri: 'file:///new.xml' },
      position: { line: 0, character: 0 },
      context: { triggerKind: 1 },
    });
    const first = [...r.items].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    assert.deepEqual(first.slice(0, 3), [
      'New domain: x86_64, q35 (PCIe)',
      'New domain: x86_64, pc (i440fx)',
      'New domain: aarch64, virt (UEFI)',
    ]);
    for (const l of [
      'Disk to attach (qcow2 file, virtio)',
      'Network interface to attach (virtio)',
      'PCI passthrough (hostdev)',
      'USB passthrough (hostdev)',
    ]) {
      assert.ok(first.includes(l), l);
    }
  });

  test('libvirt/completeNewFile: the same for a file the client does not sync yet', async () => {
    const r = await s.conn.sendRequest<CompletionList>('libvirt/completeNewFile', {
      textDocument: { uri: 'file:///unsynced.xml' },
      position: { line: 1, character: 1 },
      context: { triggerKind: 2, triggerCharacter: '<' },
      text: '\n<',
    });
    const q35 = r.items.find((i: CompletionItem) => i.label === 'New domain: x86_64, q35 (PCIe)');
    assert.ok(q35);
    const edit = q35.textEdit as TextEdit;
    assert.deepEqual(edit.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
    assert.match(edit.newText, /^<domain type='kvm'>\n {2}<name>\$\{1:vm1\}<\/name>/);
  });
});

describe('onSave mode through the stdio server', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer({ lint: { mode: 'onSave' } });
  });
  after(() => s.stop());

  test('a quick fix applied removes its finding at once; the other stays where its text went', async () => {
    const uri = 'file:///onsave.xml';
    const text = `<domain type='kvm'>\n  <name>s</name>\n  <memory unit='GiB'>1</memory>\n  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n  <devices>\n    <controller type='usb' index='0' model='piix3-uhci'/>\n    <controller type='usb' index='0' model='ehci'/>\n    <interface type='network'>\n      <mac address='53:54:00:00:00:01'/>\n      <source network='default'/>\n    </interface>\n  </devices>\n</domain>\n`;
    await s.open(uri, text);
    const first = await s.diagnostics(uri, 1);
    assert.deepEqual(first.diagnostics.map((d) => d.code).sort(), ['controller-index-duplicate', 'mac-multicast']);
    const dup = first.diagnostics.find((d) => d.code === 'controller-index-duplicate')!;
    const actions = await s.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: dup.range,
      context: { diagnostics: [dup] },
    });
    const fix = actions.find((a) => a.diagnostics?.[0]?.code === 'controller-index-duplicate' && a.edit)!;
    const edits = fix.edit!.changes![uri]!;
    // the editor applies the fix as incremental changes, and does not save
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    const second = await s.diagnostics(uri, 2);
    assert.deepEqual(
      second.diagnostics.map((d) => d.code),
      ['mac-multicast']
    );
    const mac = first.diagnostics.find((d) => d.code === 'mac-multicast')!;
    assert.deepEqual(second.diagnostics[0]!.range, mac.range);
  });
});

describe('libvirt.format.quotes through the stdio server', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer({ format: { quotes: 'double' } });
  });
  after(() => s.stop());

  test('double quotes when the settings say so', async () => {
    await s.open('file:///quotes.xml', TIDY);
    await s.diagnostics('file:///quotes.xml', 1);
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: 'file:///quotes.xml' },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(apply(TIDY, edits), TIDY.replace(/'/g, '"'));
  });
});

describe('real-world files through the stdio server', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer();
  });
  after(() => s.stop());

  const dir = path.join(FIXTURES, 'real-world');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort();
  test('there are real-world files', () => assert.ok(files.length >= 40));
  test('Format Document keeps the diagnostics; what virsh dumpxml wrote needs no change; folding and tag highlight answer', async () => {
    for (const [i, f] of files.entries()) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const uri = `file:///real-world/${i}/${f}`;
      await s.open(uri, text);
      const before = (await s.diagnostics(uri, 1)).diagnostics.map((d) => d.code).sort();
      const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      if (f.startsWith('libvirt-dumpxml-')) {
        assert.deepEqual(edits, [], f);
      }
      const formatted = apply(text, edits);
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: formatted }] });
      const after = (await s.diagnostics(uri, 2)).diagnostics.map((d) => d.code).sort();
      assert.deepEqual(after, before, f);
      const folds = await s.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
      assert.ok(folds.length >= 5, f);
      const hs = await s.conn.sendRequest<DocumentHighlight[]>('textDocument/documentHighlight', {
        textDocument: { uri },
        position: pos(formatted, '<devices>', 2),
      });
      assert.deepEqual(
        hs.map((h) => textOf(formatted, h.range)),
        ['devices', 'devices'],
        f
      );
    }
  });
});

describe('other XML served alongside (keepXml)', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer();
  });
  after(() => s.stop());

  test('a Maven pom opened as xml gets no formatting, folding or highlight from us', async () => {
    const uri = 'file:///pom.xml';
    const text = '<project>\n<modelVersion>4.0.0</modelVersion>\n</project>\n';
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text } });
    await s.diagnostics(uri, 1);
    const options = { tabSize: 2, insertSpaces: true };
    assert.equal(await s.conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options }), null);
    assert.equal(await s.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), null);
    assert.equal(
      await s.conn.sendRequest('textDocument/documentHighlight', { textDocument: { uri }, position: { line: 0, character: 2 } }),
      null
    );
  });

  test('a libvirt domain opened as xml is formatted', async () => {
    const uri = 'file:///keep.xml';
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: MESSY } });
    await s.diagnostics(uri, 1);
    const edits = await s.conn.sendRequest<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(apply(MESSY, edits), TIDY);
  });
});

/**
 * Go to definition, find references and rename between addresses and controllers, at cursor
 * markers: `$0` is the cursor, `$1`, `$2`... the places the answer must hit (each marker at the
 * start of a value or name). Then the same through the in-process LSP client.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ResponseError, type Location, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../server/src/analysis';
import { definitionAt, prepareRenameAt, referencesAt, renameAt } from '../../../server/src/features/navigation';
import { applyEdits } from '../../../server/src/fixes';
import { cursor, positionAt } from '../../support/cursor';
import { startTestClient, type TestClient } from '../../support/lsp-client';

function q35(devices: string): string {
  return `<domain type='kvm'>\n  <name>t</name>\n  <memory unit='MiB'>1024</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

/** A q35 topology; markers are added by replacing parts of it. */
const DEVICES = `
    <controller type='pci' index='1' model='pcie-root-port'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
    </controller>
    <controller type='pci' index='2' model='pcie-root-port'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/>
    </controller>
    <controller type='pci' index='3' model='pcie-to-pci-bridge'>
      <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
    </controller>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <controller type='usb' index='1' model='ich9-ehci1'/>
    <controller type='usb' index='1' model='ich9-uhci1'/>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <interface type='network'>
      <source network='default'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <address type='pci' domain='0x0000' bus='3' slot='0x01' function='0x0'/>
    </interface>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source><vendor id='0x1234'/><product id='0xbeef'/></source>
      <address type='usb' bus='1' port='1'/>
    </hostdev>
    <input type='tablet' bus='usb'>
      <address type='usb' port='2'/>
    </input>
    <disk type='file' device='disk'>
      <source file='/a.img'/>
      <target dev='sda' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <disk type='file' device='disk'>
      <source file='/b.img'/>
      <target dev='sdb' bus='scsi'/>
    </disk>`;

/** Replaces each [from, to] once, in order: how markers get into DEVICES. */
function mark(...pairs: [string, string][]): string {
  let s = DEVICES;
  for (const [from, to] of pairs) {
    assert.ok(s.includes(from), `no ${from}`);
    s = s.replace(from, to);
  }
  return q35(s);
}

function marks(c: ReturnType<typeof cursor>): number[] {
  return [...c.marks.entries()]
    .filter(([n]) => n > 0)
    .sort((a, b) => a[1] - b[1])
    .map(([, o]) => o);
}

describe('go to definition', () => {
  const defs = (src: string) => {
    const c = cursor(src);
    const model = analyze(c.text).model;
    return { c, starts: definitionAt(model, c.offset).map((t) => t.selection.start), text: c.text };
  };

  test("a PCI address's bus -> the PCI controller with that index", () => {
    const { c, starts } = defs(
      mark(
        ["index='1' model='pcie-root-port'", "index='$11' model='pcie-root-port'"],
        ["bus='0x01' slot='0x00'", "bus='0x0$01' slot='0x00'"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test('also from the <address> name and from a decimal bus', () => {
    const a = defs(
      mark(["index='3'", "index='$13'"], ["<address type='pci' domain='0x0000' bus='3'", "<addr$0ess type='pci' domain='0x0000' bus='3'"])
    );
    assert.deepEqual(a.starts, marks(a.c));
  });

  test("a controller's own address -> the controller it plugs into", () => {
    const { c, starts } = defs(
      mark(
        ["index='2' model='pcie-root-port'", "index='$12' model='pcie-root-port'"],
        ["bus='0x02' slot='0x00'", "bus='$00x02' slot='0x00'"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test("a USB address's bus -> every USB controller with that index (EHCI and its companion)", () => {
    const { c, starts } = defs(
      mark(
        ["index='1' model='ich9-ehci1'", "index='$11' model='ich9-ehci1'"],
        ["index='1' model='ich9-uhci1'", "index='$21' model='ich9-uhci1'"],
        ["bus='1' port='1'", "bus='$01' port='1'"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test('a USB address without a bus -> USB controller 0', () => {
    const { c, starts } = defs(
      mark(
        ["<controller type='usb' index='0'", "<controller type='usb' index='$10'"],
        ["<address type='usb' port='2'/>", "<address ty$0pe='usb' port='2'/>"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test("a drive address's controller -> the controller of the disk's bus type", () => {
    const { c, starts } = defs(
      mark(
        ["<controller type='scsi' index='0'", "<controller type='scsi' index='$10'"],
        ["controller='0' bus='0'", "controller='$00' bus='0'"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test('nothing from elsewhere, or when no controller is written', () => {
    assert.deepEqual(defs(mark(["slot='0x01' function", "slot='0x0$01' function"])).starts, []);
    assert.deepEqual(
      defs(q35(`    <interface type='network'><source network='default'/><address type='pci' bus='0x0$07' slot='0x00'/></interface>`))
        .starts,
      []
    );
  });
});

describe('find references', () => {
  const refs = (src: string, includeDeclaration = true) => {
    const c = cursor(src);
    return { c, starts: referencesAt(analyze(c.text).model, c.offset, includeDeclaration).map((s) => s.start) };
  };

  test('from a PCI controller: every address on its bus, and its own index', () => {
    const { c, starts } = refs(
      mark(
        ["index='2' model='pcie-root-port'", "index='$0$12' model='pcie-root-port'"],
        ["bus='0x02' slot='0x00'", "bus='$20x02' slot='0x00'"]
      )
    );
    assert.deepEqual(starts, marks(c));
  });

  test('from the root bus: every address on bus 0', () => {
    const src = q35(`    <controller type='pci' index='0' model='pcie-root'/>${DEVICES}`).replace(
      "<controller type='pci' index='0'",
      "<contr$0oller type='pci' index='$10'"
    );
    const c = cursor(
      src
        .replace("bus='0x00' slot='0x02' function='0x0'", "bus='$20x00' slot='0x02' function='0x0'")
        .replace("bus='0x00' slot='0x02' function='0x1'", "bus='$30x00' slot='0x02' function='0x1'")
    );
    assert.deepEqual(
      referencesAt(analyze(c.text).model, c.offset, true).map((s) => s.start),
      marks(c)
    );
  });

  test('from an address: the same set (without the declaration when not asked)', () => {
    const { c, starts } = refs(mark(["bus='0x01' slot='0x00'", "bus='$1$00x01' slot='0x00'"]), false);
    assert.deepEqual(starts, marks(c));
  });

  test('USB companions share the references of their index; an address without bus points at index 0', () => {
    const usb1 = refs(
      mark(["index='1' model='ich9-uhci1'", "index='$01' model='ich9-uhci1'"], ["bus='1' port='1'", "bus='$11' port='1'"]),
      false
    );
    assert.deepEqual(usb1.starts, marks(usb1.c));
    const usb0 = refs(
      mark(
        ["<controller type='usb' index='0'", "<controller type='usb' index='$00'"],
        ["<address type='usb' port='2'/>", "<$1address type='usb' port='2'/>"]
      ),
      false
    );
    assert.equal(usb0.starts.length, 1);
    assert.equal(usb0.c.text.slice(usb0.starts[0], usb0.starts[0]! + 7), 'address');
  });

  test('a SCSI controller: explicit drive addresses and disks that reach it by their target name', () => {
    const { c, starts } = refs(
      mark(
        ["<controller type='scsi' index='0'", "<controller type='sc$0si' index='0'"],
        ["controller='0' bus='0'", "controller='$10' bus='0'"],
        ["dev='sdb'", "dev='$2sdb'"]
      ),
      false
    );
    assert.deepEqual(starts, marks(c));
  });
});

describe('rename a controller index', () => {
  const rename = (src: string, newName: string) => {
    const c = cursor(src);
    const model = analyze(c.text).model;
    return { c, model, r: renameAt(model, c.offset, newName) };
  };

  test('renumbers the controller and every address on it, keeping each address in its own notation', () => {
    const { c, r } = rename(mark(["index='3' model='pcie-to-pci-bridge'", "index='$03' model='pcie-to-pci-bridge'"]), '7');
    assert.ok(r && 'edits' in r, JSON.stringify(r));
    const out = applyEdits(c.text, r.edits);
    assert.ok(out.includes("index='7' model='pcie-to-pci-bridge'"));
    assert.ok(out.includes("bus='7' slot='0x01'"), 'a decimal bus stays decimal');
    const hex = rename(mark(["index='1' model='pcie-root-port'", "index='$01' model='pcie-root-port'"]), '0x0a');
    assert.ok(hex.r && 'edits' in hex.r);
    const out2 = applyEdits(hex.c.text, hex.r.edits);
    assert.ok(out2.includes("index='10' model='pcie-root-port'"), 'an index is written in decimal');
    assert.ok(out2.includes("bus='0x0a' slot='0x00'"), 'a hex bus stays hex, with its width');
    assert.equal(analyze(out2).findings.filter((f) => f.severity === 'error').length, 0);
  });

  test('from an address: the same rename', () => {
    const { c, r } = rename(mark(["bus='0x01' slot='0x00'", "bus='0x0$01' slot='0x00'"]), '9');
    assert.ok(r && 'edits' in r);
    const out = applyEdits(c.text, r.edits);
    assert.ok(
      out.includes("index='9' model='pcie-root-port'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'")
    );
    assert.ok(out.includes("bus='0x09' slot='0x00'"));
  });

  test('USB: the master and its companions move together; an address without bus gets one', () => {
    const both = rename(mark(["index='1' model='ich9-ehci1'", "index='$01' model='ich9-ehci1'"]), '4');
    assert.ok(both.r && 'edits' in both.r);
    const out = applyEdits(both.c.text, both.r.edits);
    assert.ok(
      out.includes("index='4' model='ich9-ehci1'") && out.includes("index='4' model='ich9-uhci1'") && out.includes("bus='4' port='1'")
    );
    const zero = rename(mark(["<controller type='usb' index='0'", "<controller type='usb' index='$00'"]), '5');
    assert.ok(zero.r && 'edits' in zero.r);
    assert.ok(applyEdits(zero.c.text, zero.r.edits).includes("<address type='usb' bus='5' port='2'/>"));
  });

  test('prepareRename: the value under the cursor, or the index when on the element', () => {
    const onIndex = cursor(mark(["index='2' model='pcie-root-port'", "index='$02' model='pcie-root-port'"]));
    const p = prepareRenameAt(analyze(onIndex.text).model, onIndex.offset);
    assert.ok(p && 'span' in p);
    assert.equal(p.placeholder, '2');
    const onBus = cursor(mark(["bus='0x01' slot='0x00'", "bus='0x$001' slot='0x00'"]));
    const q = prepareRenameAt(analyze(onBus.text).model, onBus.offset);
    assert.ok(q && 'span' in q);
    assert.equal(q.placeholder, '0x01');
    const onName = cursor(mark(["<controller type='scsi'", "<contr$0oller type='scsi'"]));
    const n = prepareRenameAt(analyze(onName.text).model, onName.offset);
    assert.ok(n && 'span' in n);
    assert.equal(onName.text.slice(n.span.start, n.span.end), '0');
    const elsewhere = cursor(mark(["model='virtio-scsi'", "model='virtio-sc$0si'"]));
    assert.equal(prepareRenameAt(analyze(elsewhere.text).model, elsewhere.offset), undefined);
  });

  test('refused, with the reason: a used index, the PCI root, not a number, disks that reach the controller by name', () => {
    const err = (src: string, name: string) => {
      const { r } = rename(src, name);
      assert.ok(r && 'error' in r, `expected a refusal, got ${JSON.stringify(r)}`);
      return r.error;
    };
    assert.match(
      err(mark(["index='3' model='pcie-to-pci-bridge'", "index='$03' model='pcie-to-pci-bridge'"]), '1'),
      /Index 1 is already used by <controller type='pci' index='1' model='pcie-root-port'>/
    );
    assert.match(err(q35(`    <controller type='pci' index='$00' model='pcie-root'/>`), '4'), /PCI root \(index 0\) cannot be renumbered/);
    assert.match(
      err(mark(["index='3' model='pcie-to-pci-bridge'", "index='$03' model='pcie-to-pci-bridge'"]), 'four'),
      /'four' is not a controller index/
    );
    assert.match(err(mark(["index='3' model='pcie-to-pci-bridge'", "index='$03' model='pcie-to-pci-bridge'"]), '256'), /go up to 255/);
    assert.match(
      err(mark(["<controller type='scsi' index='0'", "<controller type='scsi' index='$00'"]), '2'),
      /Disk 'sdb' reaches this controller through its target name/
    );
  });
});

describe('navigation through the language server', () => {
  let c: TestClient;
  const uri = 'file:///nav.xml';
  let src: ReturnType<typeof cursor>;
  before(async () => {
    c = await startTestClient();
    src = cursor(
      mark(
        ["index='1' model='pcie-root-port'", "index='$11' model='pcie-root-port'"],
        ["bus='0x01' slot='0x00'", "bus='0x0$01' slot='0x00'"]
      )
    );
    await c.open(uri, src.text);
  });
  after(() => c.close());

  const pos = (o: number) => positionAt(src.text, o);

  test('advertises definition, references, rename with prepare, and document symbols', () => {
    const caps = c.init.capabilities;
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.equal(caps.documentSymbolProvider, true);
  });

  test('definition: the controller, located at its index', async () => {
    const locs = await c.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position: pos(src.offset) });
    assert.equal(locs.length, 1);
    assert.equal(locs[0]!.uri, uri);
    assert.deepEqual(locs[0]!.range.start, pos(src.marks.get(1)!));
  });

  test('references: the index and the bus values', async () => {
    const locs = await c.conn.sendRequest<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: pos(src.marks.get(1)!),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(
      locs.map((l) => l.range.start),
      [pos(src.marks.get(1)!), pos(src.offset - 3)]
    );
  });

  test('prepareRename and rename: a workspace edit that renumbers everything', async () => {
    const prep = await c.conn.sendRequest<{ range: unknown; placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri },
      position: pos(src.marks.get(1)!),
    });
    assert.equal(prep.placeholder, '1');
    const edit = await c.conn.sendRequest<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri },
      position: pos(src.marks.get(1)!),
      newName: '6',
    });
    const edits = edit.changes![uri] as TextEdit[];
    const out = TextDocument.applyEdits(TextDocument.create(uri, 'libvirt-xml', 1, src.text), edits);
    assert.ok(out.includes("index='6' model='pcie-root-port'"));
    assert.ok(out.includes("bus='0x06' slot='0x00'"));
  });

  test('a refused rename is an error response carrying the reason', async () => {
    await assert.rejects(
      c.conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: pos(src.marks.get(1)!), newName: '2' }),
      (e: unknown) => e instanceof ResponseError && /Index 2 is already used/.test(e.message)
    );
  });

  test('nothing for unknown documents or positions without a reference', async () => {
    assert.equal(
      await c.conn.sendRequest('textDocument/definition', {
        textDocument: { uri: 'file:///none.xml' },
        position: { line: 0, character: 0 },
      }),
      null
    );
    assert.equal(await c.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 1, character: 4 } }), null);
    assert.deepEqual(
      await c.conn.sendRequest('textDocument/references', {
        textDocument: { uri },
        position: { line: 1, character: 4 },
        context: { includeDeclaration: true },
      }),
      []
    );
    // in the text of <name>: nothing to rename (on the tag name itself, the tag is renamed: test/unit/lsp/editing.test.ts)
    assert.equal(
      await c.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: { line: 1, character: 8 } }),
      null
    );
  });
});

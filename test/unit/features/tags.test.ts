/**
 * Tag editing from the tree, at cursor markers ($0 the cursor; $1, $2... where the answer must
 * start): linked tag names, highlight, tag rename, expand selection, folds; and the host paths
 * a document links to.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { pathLinks } from '../../../server/src/features/links';
import { folds, highlightsAt, linkedTagNames, prepareTagRename, renameTag, selectionChain } from '../../../server/src/features/tags';
import { applyEdits } from '../../../server/src/fixes';
import { parseXml } from '../../../server/src/syntax/parse';
import { cursor } from '../../support/cursor';

const DOMAIN = `<domain type='kvm'>
  <name>t</name>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <controller type='scsi' index='0' model='virtio-scsi'>
    </controller>
    <hostdev mode='subsystem' type='usb'>
      <source><vendor id='0x1'/><product id='0x2'/></source>
      <address type='usb' bus='0' port='1'/>
    </hostdev>
  </devices>
</domain>
`;

/** The marked text with `$0` put at the n-th occurrence of `needle` plus `delta`. */
function at(needle: string, delta = 0, nth = 0, text = DOMAIN): { text: string; offset: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
  }
  assert.ok(i >= 0, needle);
  return { text, offset: i + delta };
}

const slice = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('linked tag names', () => {
  const cases: [string, { text: string; offset: number }, string[] | undefined][] = [
    ['start tag name', at("<controller type='scsi'", 3), ['controller', 'controller']],
    ['end tag name', at('</controller>', 2), ['controller', 'controller']],
    ['right after the name', at('<hostdev', 8), ['hostdev', 'hostdev']],
    ['a self-closing tag has no partner', at("<controller type='usb'", 3), undefined],
    ['an attribute is not a tag name', at("mode='subsystem'", 1), undefined],
  ];
  for (const [name, c, want] of cases) {
    test(name, () => {
      const spans = linkedTagNames(parseXml(c.text), c.offset);
      assert.deepEqual(
        spans?.map((s) => slice(c.text, s)),
        want
      );
      if (spans) {
        assert.ok(spans[1]!.start > spans[0]!.start);
      }
    });
  }
  test('typing a name: the close tag follows', () => {
    const src = cursor(`<domain>\n  <dis$0k>\n  </disk>\n</domain>`);
    const spans = linkedTagNames(parseXml(src.text), src.offset)!;
    assert.deepEqual(
      spans.map((s) => slice(src.text, s)),
      ['disk', 'disk']
    );
  });
});

describe('document highlight', () => {
  test('a tag name highlights itself and its partner only', () => {
    const c = at('<hostdev', 2);
    const a = analyze(c.text);
    assert.deepEqual(
      highlightsAt(a.doc, a.model, c.offset).map((s) => slice(c.text, s)),
      ['hostdev', 'hostdev']
    );
  });
  test('a controller index highlights the index and every address naming it', () => {
    const c = at("index='0' model='qemu-xhci'", 7);
    const a = analyze(c.text);
    const spans = highlightsAt(a.doc, a.model, c.offset);
    assert.equal(spans.length, 2);
    assert.deepEqual(
      spans.map((s) => c.text.slice(s.start - 6, s.end)),
      ["ndex='0", " bus='0"]
    );
  });
});

describe('tag rename', () => {
  test('prepare on a tag name gives the name, not an index', () => {
    const c = at("<controller type='scsi'", 4);
    const r = prepareTagRename(parseXml(c.text), c.offset);
    assert.ok(r && 'span' in r);
    assert.equal(slice(c.text, r.span), 'controller');
    assert.equal(r.placeholder, 'controller');
  });
  test('renames the start and the end tag', () => {
    const c = at('</hostdev>', 3);
    const r = renameTag(parseXml(c.text), c.offset, 'redirdev');
    assert.ok(r && 'edits' in r);
    const out = applyEdits(c.text, r.edits);
    assert.match(out, /<redirdev mode='subsystem' type='usb'>[\s\S]*<\/redirdev>/);
    assert.ok(!out.includes('hostdev'));
  });
  test('refuses a name that is not one', () => {
    const c = at('<hostdev', 2);
    assert.deepEqual(renameTag(parseXml(c.text), c.offset, 'a b'), { error: "'a b' is not an element name." });
  });
  test('nothing away from tag names (an index rename may apply there)', () => {
    const c = at("index='0'", 7);
    assert.equal(prepareTagRename(parseXml(c.text), c.offset), undefined);
  });
});

describe('expand selection', () => {
  test('value, quoted value, attribute, start tag, element, parents', () => {
    const c = at("bus='0'", 5);
    const chain = selectionChain(parseXml(c.text), c.offset).map((s) => slice(c.text, s));
    // a self-closing element is its start tag: one step
    assert.deepEqual(chain.slice(0, 4), ['0', "'0'", "bus='0'", "<address type='usb' bus='0' port='1'/>"]);
    assert.ok(chain[4]!.startsWith('<hostdev'));
    assert.ok(chain[5]!.startsWith('<devices>'));
    assert.ok(chain[chain.length - 1]!.startsWith('<domain'));
    for (let i = 1; i < chain.length; i++) {
      assert.ok(chain[i]!.includes(chain[i - 1]!), 'each range holds the previous one');
    }
  });
  test('from a tag name, and from text', () => {
    const c = at('<type arch', 2);
    assert.deepEqual(
      selectionChain(parseXml(c.text), c.offset)
        .map((s) => slice(c.text, s))
        .slice(0, 2),
      ['type', "<type arch='x86_64' machine='q35'>"]
    );
    const t = at('hvm', 1);
    assert.deepEqual(
      selectionChain(parseXml(t.text), t.offset)
        .map((s) => slice(t.text, s))
        .slice(0, 2),
      ['hvm', "<type arch='x86_64' machine='q35'>hvm</type>"]
    );
  });
});

describe('folds', () => {
  test('elements up to their close tag, and comments', () => {
    const text = `<domain>\n  <!-- a\n  b -->\n  <devices>\n    <disk/>\n  </devices>\n</domain>\n`;
    const f = folds(parseXml(text));
    assert.deepEqual(
      f.map((x) => [x.kind, slice(text, x.span).split('\n')[0]]),
      [
        ['element', '<domain>'],
        ['element', '<devices>'],
        ['comment', '<!-- a'],
      ]
    );
    assert.ok(slice(text, f[1]!.span).endsWith('<disk/>\n  '), 'the close tag stays out');
  });
});

describe('document links', () => {
  test('disk images, firmware, NVRAM, kernel and initrd paths; absolute only', () => {
    const text = `<domain type='kvm'>
  <os>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/t.fd</nvram>
    <kernel>/boot/vmlinuz</kernel>
    <initrd>relative/initrd.img</initrd>
  </os>
  <devices>
    <disk type='file'><source file='/var/lib/libvirt/images/t.qcow2'/></disk>
    <disk type='block'><source dev='/dev/sda'/></disk>
  </devices>
</domain>`;
    const links = pathLinks(parseXml(text));
    assert.deepEqual(
      links.map((l) => [l.what, l.path, slice(text, l.span)]),
      [
        ['firmware', '/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/OVMF/OVMF_CODE.fd'],
        ['NVRAM store', '/var/lib/libvirt/qemu/nvram/t.fd', '/var/lib/libvirt/qemu/nvram/t.fd'],
        ['NVRAM template', '/usr/share/OVMF/OVMF_VARS.fd', '/usr/share/OVMF/OVMF_VARS.fd'],
        ['kernel', '/boot/vmlinuz', '/boot/vmlinuz'],
        ['disk image', '/var/lib/libvirt/images/t.qcow2', '/var/lib/libvirt/images/t.qcow2'],
      ]
    );
  });
});

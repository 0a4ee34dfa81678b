/**
 * The pure half of the error mapping: the tag scanner, virsh's stderr, xmllint's lines. (The
 * messages themselves come from the real virsh in virsh.test.ts and virsh-qemu.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { libvirtMessages, lineSpan, locateLibvirtError, parseXmllintErrors, scanTags } from '../../../client/src/libvirt-errors';
import { wrapFragment } from '../../../client/src/virsh';
import { marked } from './support';

describe('scanning tags', () => {
  test('attributes with both quote styles, parents, text, comments and CDATA skipped', () => {
    const text = "<a x='1' y=\"2\"><!-- <b z='no'/> --><b z='3'>t</b><![CDATA[<c/>]]><c/></a>";
    const tags = scanTags(text);
    assert.deepEqual(
      tags.map((t) => [t.name, t.parent?.name, t.attrs.map((a) => `${a.name}=${a.value}`).join(',')]),
      [
        ['a', undefined, 'x=1,y=2'],
        ['b', 'a', 'z=3'],
        ['c', 'a', ''],
      ]
    );
    const b = tags[1]!;
    assert.equal(text.slice(b.attrs[0]!.valueStart, b.attrs[0]!.valueEnd), '3');
    assert.equal(b.text?.value, 't');
  });

  test('broken markup does not stop the scan', () => {
    const tags = scanTags("<domain type='kvm'>\n  <name>x\n  <devices>\n    <disk type='file'\n    <target dev='vda'/>\n</domain>");
    assert.deepEqual(
      tags.map((t) => t.name),
      ['domain', 'name', 'devices', 'disk', 'target']
    );
    assert.equal(tags.find((t) => t.name === 'target')!.attrs[0]!.value, 'vda');
  });
});

describe('locating messages', () => {
  test('a PCI address in a message matches hex and decimal spellings, domain and function defaults', () => {
    const { text, spans } = marked(
      "<devices>\n«<address type='pci' bus='0' slot='3'/>»\n<address type='pci' bus='0' slot='4'/>\n«<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>»\n<address type='drive' bus='0' unit='3'/>\n</devices>"
    );
    assert.deepEqual(
      locateLibvirtError('XML error: Attempted double use of PCI Address 0000:00:03.0', text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('numbers are read as libvirt reads each attribute: a leading 0 is octal in a PCI address, decimal in an index', () => {
    const { text, spans } = marked(
      "<devices>\n«<address type='pci' bus='0' slot='010'/>»\n<address type='pci' bus='0' slot='10'/>\n</devices>"
    );
    assert.deepEqual(
      locateLibvirtError('XML error: Attempted double use of PCI Address 0000:00:08.0', text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
    const idx = marked("<devices>\n<controller type='scsi' index='«010»'/>\n<controller type='scsi' index='8'/>\n</devices>");
    assert.deepEqual(
      locateLibvirtError("XML error: Multiple 'scsi' controllers with index '10'", idx.text).map((s) => idx.text.slice(s.start, s.end)),
      idx.spans.map((s) => s.text)
    );
  });

  test('hostdev source addresses (no type attribute) are found for "device not found" messages', () => {
    const { text, spans } = marked(
      "<hostdev mode='subsystem' type='pci'>\n  <source>\n    «<address domain='0x0000' bus='0x00' slot='0x19' function='0x0'/>»\n  </source>\n</hostdev>"
    );
    assert.deepEqual(
      locateLibvirtError('device not found: host pci device 0000:00:19.0 not found', text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('a message that names nothing in the file gives no place', () => {
    assert.deepEqual(locateLibvirtError('internal error: something else entirely', '<domain/>'), []);
    assert.deepEqual(locateLibvirtError("XML error: Multiple 'scsi' controllers with index '7'", "<controller type='pci' index='7'/>"), []);
  });

  test('a line from libxml2 becomes that line without its indentation', () => {
    const text = '<domain>\n   <memory>1</memry>  \n</domain>';
    const [s] = locateLibvirtError('XML error: (domain_definition):2: Opening and ending tag mismatch: memory line 2 and memry', text);
    assert.equal(text.slice(s!.start, s!.end), '<memory>1</memry>');
    assert.equal(lineSpan(text, 9), undefined);
  });
});

describe("virsh's stderr and xmllint's output", () => {
  test('messages without the "error: " prefixes and the "Failed to ..." preamble; continuation lines kept', () => {
    const stderr = [
      'error: Failed to define domain from /tmp/x.xml',
      'error: XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng',
      'Extra element devices in interleave',
      'Element domain failed to validate content',
      '',
    ].join('\n');
    assert.deepEqual(libvirtMessages(stderr), [
      'XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng\nExtra element devices in interleave\nElement domain failed to validate content',
    ]);
  });

  test('xmllint Relax-NG lines as virt-xml-validate prints them', () => {
    const out =
      'Relax-NG validity error : Extra element devices in interleave\n/tmp/d.xml:6: element devices: Relax-NG validity error : Element domain failed to validate content\n/tmp/d.xml fails to validate\n';
    assert.deepEqual(parseXmllintErrors(out), [{ line: 6, message: 'Element domain failed to validate content' }]);
  });

  test('a fragment wrapped into a domain keeps its line numbers after the offset; a declaration is blanked', () => {
    const frag = "<?xml version='1.0'?>\n<disk type='file'>\n</disk>\n";
    const { content, lineOffset } = wrapFragment(frag);
    const lines = content.split('\n');
    assert.equal(lines[lineOffset + 1], "<disk type='file'>");
    assert.equal(lines[lineOffset], '');
    assert.doesNotMatch(content, /<\?xml/);
  });
});

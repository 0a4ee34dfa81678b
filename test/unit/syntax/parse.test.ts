/**
 * The tolerant XML parser: spans are half-open [start, end) offsets into the text and always cut
 * out exactly what they name; line endings, a BOM, entities, CDATA and comments do not shift them;
 * broken input recovers locally; and nothing is recursive, so very deep or very large input parses.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { decodeEntities, parseXml } from '../../../server/src/syntax/parse';
import { forEachElement, type Span, type XmlDocument, type XmlElement } from '../../../server/src/syntax/tree';
import { FIXTURES } from '../../support/paths';

const slice = (text: string, s: Span): string => text.slice(s.start, s.end);

function all(doc: XmlDocument): XmlElement[] {
  const out: XmlElement[] = [];
  forEachElement(doc.root, (el) => out.push(el));
  return out;
}

/** The invariants every well-formed element and attribute keeps. */
function checkSpans(doc: XmlDocument): number {
  const t = doc.text;
  let n = 0;
  for (const el of all(doc)) {
    n++;
    assert.ok(el.span.start < el.span.end && el.span.end <= t.length, `<${el.name}> span inside the text`);
    assert.equal(slice(t, el.nameSpan), el.name, 'nameSpan cuts out the name');
    assert.equal(t[el.span.start], '<');
    assert.equal(el.nameSpan.start, el.span.start + 1);
    assert.ok(t.slice(0, el.startTagEnd).endsWith(el.selfClosing ? '/>' : '>'), `<${el.name}> start tag ends at startTagEnd`);
    if (el.selfClosing) {
      assert.equal(el.span.end, el.startTagEnd);
    } else {
      assert.ok(el.closeNameSpan, `<${el.name}> has a close tag`);
      assert.equal(slice(t, el.closeNameSpan), el.name, 'closeNameSpan cuts out the name');
      assert.ok(slice(t, el.span).endsWith('>'), 'the element ends with its close tag');
      assert.match(slice(t, { start: el.closeNameSpan.start - 2, end: el.span.end }), new RegExp(`^</${el.name}\\s*>$`));
    }
    for (const a of el.attributes) {
      assert.equal(slice(t, a.nameSpan), a.name, 'attribute nameSpan');
      assert.ok(a.valueSpan, `${a.name} has a value`);
      const raw = slice(t, a.valueSpan);
      assert.match(raw, /^(['"])[^]*\1$/, 'valueSpan includes both quotes');
      assert.equal(a.value, decodeEntities(raw.slice(1, -1)), 'value is the decoded text between the quotes');
      assert.equal(a.span.start, a.nameSpan.start);
      assert.equal(a.span.end, a.valueSpan.end);
      assert.ok(el.nameSpan.end <= a.span.start && a.span.end <= el.startTagEnd, 'attribute inside the start tag');
    }
    for (const c of el.children) {
      assert.equal(c.parent, el);
      assert.ok(el.span.start < c.span.start && c.span.end <= el.span.end, `<${c.name}> inside <${el.name}>`);
    }
    if (el.textSpan) {
      assert.equal(slice(t, el.textSpan), slice(t, el.textSpan).trim(), 'textSpan is trimmed');
      assert.ok(slice(t, el.textSpan).length > 0);
    }
  }
  return n;
}

const SAMPLE = fs.readFileSync(path.join(FIXTURES, 'valid', 'q35-complete.xml'), 'utf8');

describe('parser: spans', () => {
  test('every element, attribute and value of a real domain', () => {
    const doc = parseXml(SAMPLE);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.root?.name, 'domain');
    assert.ok(checkSpans(doc) > 100);
  });

  test('text spans and decoded text', () => {
    const text = '<domain>\n  <name>  web &amp; db  </name>\n  <vcpu>2</vcpu>\n</domain>';
    const doc = parseXml(text);
    const name = doc.root!.children[0]!;
    assert.equal(name.text, '  web & db  ');
    assert.equal(slice(text, name.textSpan!), 'web &amp; db');
    checkSpans(doc);
  });

  test('CRLF line endings change nothing but the offsets', () => {
    const crlf = SAMPLE.replace(/\n/g, '\r\n');
    const a = parseXml(SAMPLE);
    const b = parseXml(crlf);
    assert.deepEqual(b.errors, []);
    checkSpans(b);
    const names = (d: XmlDocument) => all(d).map((e) => `${e.name}:${e.attributes.map((x) => `${x.name}=${x.value}`).join(',')}`);
    assert.deepEqual(names(b), names(a));
    for (const el of all(b)) {
      for (const at of el.attributes) {
        assert.ok(!at.value?.includes('\r'));
      }
    }
  });

  test('a byte order mark before the declaration', () => {
    const text = '\uFEFF' + SAMPLE;
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.root?.name, 'domain');
    assert.equal(doc.root.span.start, parseXml(SAMPLE).root!.span.start + 1);
    checkSpans(doc);
  });

  test('entities and character references', () => {
    const text = `<domain><title a='&lt;&amp;&gt;&apos;&quot;&#65;&#x42;' b="it's">x &#x263A; &lt;y&gt;</title></domain>`;
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    const title = doc.root!.children[0]!;
    assert.equal(title.attributes[0]!.value, `<&>'"AB`);
    assert.equal(title.attributes[1]!.value, "it's");
    assert.equal(title.text, 'x \u263A <y>');
    checkSpans(doc);
  });

  test('an unknown entity is reported where it is', () => {
    const text = '<domain><name>a &nbsp; b</name></domain>';
    const doc = parseXml(text);
    assert.equal(doc.errors.length, 1);
    assert.equal(slice(text, doc.errors[0]!.span), '&nbsp;');
  });

  test('CDATA is text, markup inside it is not parsed', () => {
    const text = '<domain><description><![CDATA[<devices> & </domain>]]></description><devices/></domain>';
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    const d = doc.root!.children[0]!;
    assert.equal(d.text, '<devices> & </domain>');
    assert.deepEqual(
      doc.root!.children.map((c) => c.name),
      ['description', 'devices']
    );
    checkSpans(doc);
  });

  test('comments are recorded and their markup ignored', () => {
    const text = '<!-- head --><domain><!-- <devices><disk/></devices> --><name>x</name></domain><!-- tail -->';
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(
      doc.comments.map((c) => slice(text, c)),
      ['<!-- head -->', '<!-- <devices><disk/></devices> -->', '<!-- tail -->']
    );
    assert.deepEqual(
      all(doc).map((e) => e.name),
      ['domain', 'name']
    );
  });

  test('declaration, processing instruction and doctype are skipped', () => {
    const text = "<?xml version='1.0'?>\n<?xml-stylesheet href='a'?>\n<!DOCTYPE domain>\n<domain/>";
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.root?.name, 'domain');
    assert.equal(doc.root.span.start, text.indexOf('<domain'));
  });

  test('empty and blank documents have no root and no error', () => {
    for (const text of ['', '   \n\t ']) {
      const doc = parseXml(text);
      assert.equal(doc.root, undefined);
      assert.deepEqual(doc.errors, []);
    }
  });
});

describe('parser: recovery', () => {
  const names = (el: XmlElement | undefined): string[] => (el ? el.children.map((c) => c.name) : []);
  const err = (doc: XmlDocument): string[] => doc.errors.map((e) => `${slice(doc.text, e.span)}: ${e.message}`);

  test('a mistyped close tag closes its element', () => {
    const text = '<domain><devices><disk><target/></disc><interface/></devices></domain>';
    const doc = parseXml(text);
    assert.equal(doc.errors.length, 1);
    assert.equal(slice(text, doc.errors[0]!.span), 'disc');
    assert.deepEqual(names(doc.root!.children[0]), ['disk', 'interface']);
    assert.equal(doc.root!.children[0]!.children[0]!.wellFormed, false);
  });

  test("a start tag without '>' keeps its children; its siblings stay siblings", () => {
    const text = [
      '<domain>',
      '  <devices>',
      "    <interface type='network'",
      "      <source network='default'/>",
      '    </interface>',
      "    <disk type='file'>",
      "      <target dev='vda'/>",
      '    </disk>',
      '  </devices>',
      '</domain>',
    ].join('\n');
    const doc = parseXml(text);
    assert.equal(doc.errors.length, 1, err(doc).join('; '));
    assert.equal(slice(text, doc.errors[0]!.span), 'interface');
    const devices = doc.root!.children[0]!;
    assert.deepEqual(names(devices), ['interface', 'disk']);
    assert.deepEqual(names(devices.children[0]), ['source']);
    assert.equal(devices.children[0]!.attributes[0]!.value, 'network');
  });

  test('an element never closed hands its sibling-indented children back', () => {
    const text = ['<domain>', '  <devices>', '    <interface>', '      <source/>', '    <disk/>', '  </devices>', '</domain>'].join('\n');
    const doc = parseXml(text);
    assert.deepEqual(err(doc), ['interface: <interface> is never closed.']);
    const devices = doc.root!.children[0]!;
    assert.deepEqual(names(devices), ['interface', 'disk']);
    assert.deepEqual(names(devices.children[0]), ['source']);
    assert.ok(devices.children[0]!.span.end <= devices.children[1]!.span.start, 'the broken element ends before its sibling');
  });

  test('a stray close tag is reported and ignored', () => {
    const text = '<domain><name>x</name></target><vcpu>1</vcpu></domain>';
    const doc = parseXml(text);
    assert.deepEqual(err(doc), ['target: </target> closes no open element.']);
    assert.deepEqual(names(doc.root), ['name', 'vcpu']);
  });

  test('a repeated attribute is reported at the repetition; the first one counts', () => {
    const text = "<domain><controller index='1' type='pci' index='2'/></domain>";
    const doc = parseXml(text);
    assert.equal(doc.errors.length, 1);
    assert.equal(doc.errors[0]!.span.start, text.lastIndexOf('index'));
    assert.equal(doc.root!.children[0]!.attributes.find((a) => a.name === 'index')!.value, '1');
  });

  test('attributes without a value or without quotes', () => {
    const text = '<domain><disk readonly type=file device="disk"/></domain>';
    const doc = parseXml(text);
    assert.ok(doc.errors.length >= 2, err(doc).join('; '));
    assert.ok(doc.errors.some((e) => e.message.includes("'readonly'")));
    assert.ok(doc.errors.some((e) => e.message.includes("'type'")));
    const disk = doc.root!.children[0]!;
    assert.equal(disk.attributes.find((a) => a.name === 'device')?.value, 'disk');
  });

  test('text after the root and a second root', () => {
    const text = '<domain/>\n  oops\n<domain/>';
    const doc = parseXml(text);
    assert.deepEqual(err(doc), [
      'oops: Text outside the root element.',
      'domain: A document has one root element; <domain> is a second one.',
    ]);
    assert.equal(doc.root!.span.start, 0);
  });

  test('text with no element at all', () => {
    const doc = parseXml('hello');
    assert.equal(doc.root, undefined);
    assert.ok(doc.errors.length >= 1);
  });

  test('the end of the file in the middle of a tag', () => {
    for (const text of ['<domain><devices><disk type=', '<domain><devices><disk type="fi', '<domain><devices></dev', '<domain><!-- open']) {
      const doc = parseXml(text);
      assert.ok(doc.errors.length > 0, text);
      for (const e of doc.errors) {
        assert.ok(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= text.length, `error span inside the text for ${text}`);
      }
    }
  });

  test('every prefix of a real document parses without throwing, with spans inside the text', () => {
    const text = SAMPLE.slice(0, 4000);
    for (let i = 0; i <= text.length; i += 7) {
      const doc = parseXml(text.slice(0, i));
      forEachElement(doc.root, (el) => {
        assert.ok(el.span.start <= el.span.end && el.span.end <= i);
      });
    }
  });
});

describe('parser: size', () => {
  test('100,000 nested elements, closed: no stack overflow', () => {
    const depth = 100_000;
    const text = '<domain>' + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</domain>';
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    let d = 0;
    let el: XmlElement | undefined = doc.root;
    while (el && el.children.length > 0) {
      el = el.children[0];
      d++;
    }
    assert.equal(d, depth);
    let count = 0;
    forEachElement(doc.root, () => count++);
    assert.equal(count, depth + 1);
    analyze(text); // the whole engine, not only the parser
  });

  test('100,000 nested elements never closed, and 100,000 stray close tags', () => {
    const open = parseXml('<domain>' + '<devices>'.repeat(100_000));
    assert.ok(open.errors.length > 0);
    const stray = parseXml('<domain>' + '</x>'.repeat(100_000) + '</domain>');
    assert.equal(stray.errors.length, 100_000);
    analyze('<domain><devices>' + '<disk>'.repeat(100_000));
  });

  test('a 10 MB domain', () => {
    const device = (i: number): string =>
      `    <interface type='network'>\n      <mac address='52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255)
        .toString(16)
        .padStart(
          2,
          '0'
        )}:${(i & 255).toString(16).padStart(2, '0')}'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>\n`;
    const parts = ["<domain type='kvm'>\n  <name>big</name>\n  <memory>1048576</memory>\n  <devices>\n"];
    let size = parts[0]!.length;
    let i = 0;
    while (size < 10 * 1024 * 1024) {
      const d = device(i++);
      parts.push(d);
      size += d.length;
    }
    parts.push('  </devices>\n</domain>\n');
    const text = parts.join('');
    assert.ok(text.length >= 10 * 1024 * 1024);
    const doc = parseXml(text);
    assert.deepEqual(doc.errors, []);
    const devices = doc.root!.children.find((c) => c.name === 'devices')!;
    assert.equal(devices.children.length, i);
    const last = devices.children[devices.children.length - 1]!;
    assert.equal(slice(text, last.span).slice(-12), '</interface>');
    assert.equal(last.children[0]!.attributes[0]!.value, device(i - 1).match(/address='([^']+)'/)![1]);
    const a = analyze(text, { flavor: 'upstream' });
    assert.ok(a.model);
    assert.equal(a.model.interfaces.length, i);
  });
});

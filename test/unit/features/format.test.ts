/**
 * Formatting: table-driven cases for the layout, then every file under test/fixtures formatted
 * and checked: idempotent, the same tree modulo layout whitespace, the same findings (codes and
 * counts), and a refusal for files with syntax errors.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { formatDocument, formatRange, formatText, type FormatOptions } from '../../../server/src/features/format';
import { applyEdits } from '../../../server/src/fixes';
import { parseXml } from '../../../server/src/syntax/parse';
import type { XmlDocument, XmlElement } from '../../../server/src/syntax/tree';
import { xmlFiles } from '../../support/files';
import { FIXTURES } from '../../support/paths';

function fmt(text: string, opts?: Partial<FormatOptions>): string {
  const r = formatText(parseXml(text), { indent: '  ', quotes: 'single', ...opts });
  if ('error' in r) {
    throw new Error(r.error);
  }
  return r.text;
}

const CASES: { name: string; input: string; output: string; opts?: Partial<FormatOptions> }[] = [
  {
    name: 'indents one element per line, attributes on one line, single quotes',
    input: `<domain type="kvm"><name>x</name><devices><disk type="file"\n   device="disk"><target dev="vda"\n bus="virtio"></target></disk></devices></domain>`,
    output: `<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>\n`,
  },
  {
    name: 'text content, entities and CDATA are kept exactly',
    input: `<domain>\n<name> a&amp;b </name>\n      <description>line 1\n   line 2</description><os><cmdline><![CDATA[console=ttyS0  x]]></cmdline></os></domain>`,
    output: `<domain>\n  <name> a&amp;b </name>\n  <description>line 1\n   line 2</description>\n  <os>\n    <cmdline><![CDATA[console=ttyS0  x]]></cmdline>\n  </os>\n</domain>\n`,
  },
  {
    name: 'mixed content and xml:space=preserve are kept exactly',
    input: `<domain><metadata><p>a <b>bold</b>  c</p><q xml:space="preserve">\n <r/>\n</q></metadata></domain>`,
    output: `<domain>\n  <metadata>\n    <p>a <b>bold</b>  c</p>\n    <q xml:space="preserve">\n <r/>\n</q>\n  </metadata>\n</domain>\n`,
  },
  {
    name: "inside <metadata> quotes stay as written (libvirt writes other applications' XML back that way)",
    input: `<domain type="kvm"><metadata><a:x xmlns:a="urn:a"><a:y b="c"/></a:x></metadata></domain>`,
    output: `<domain type='kvm'>\n  <metadata>\n    <a:x xmlns:a="urn:a">\n      <a:y b="c"/>\n    </a:x>\n  </metadata>\n</domain>\n`,
  },
  {
    name: 'comments keep their text; a trailing comment stays on its line; one blank line at most',
    input: `<?xml version="1.0"?>\n<!-- top -->\n<domain>\n<vcpu>1</vcpu>   <!-- trailing -->\n\n\n\n<!-- multi\n   line -->\n<?pi x?>\n</domain>\n<!-- end -->`,
    output: `<?xml version="1.0"?>\n<!-- top -->\n<domain>\n  <vcpu>1</vcpu> <!-- trailing -->\n\n  <!-- multi\n   line -->\n  <?pi x?>\n</domain>\n<!-- end -->\n`,
  },
  {
    name: 'an empty element becomes <x/>; whitespace-only text is kept',
    input: `<domain><features><acpi></acpi></features><name> </name></domain>`,
    output: `<domain>\n  <features>\n    <acpi/>\n  </features>\n  <name> </name>\n</domain>\n`,
  },
  {
    name: 'a value holding the wanted quote keeps its own',
    input: `<domain><title a="it's" b='say "x"'/></domain>`,
    output: `<domain>\n  <title a="it's" b='say "x"'/>\n</domain>\n`,
  },
  {
    name: 'indent and quotes from the options',
    input: `<domain type='kvm'><vcpu>1</vcpu></domain>`,
    output: `<domain type="kvm">\n\t<vcpu>1</vcpu>\n</domain>\n`,
    opts: { indent: '\t', quotes: 'double' },
  },
  {
    name: 'quotes as written',
    input: `<domain type='kvm'><os a="b"/></domain>`,
    output: `<domain type='kvm'>\n   <os a="b"/>\n</domain>\n`,
    opts: { indent: '   ', quotes: 'preserve' },
  },
  {
    name: 'CRLF line endings are kept',
    input: `<domain>\r\n<vcpu>1</vcpu>\r\n</domain>\r\n`,
    output: `<domain>\r\n  <vcpu>1</vcpu>\r\n</domain>\r\n`,
  },
];

describe('format: layout', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const out = fmt(c.input, c.opts);
      assert.equal(out, c.output);
      assert.equal(fmt(out, c.opts), out, 'idempotent');
    });
  }

  test('refuses a document with syntax errors, naming the first', () => {
    const r = formatDocument(parseXml(`<domain>\n  <devices>\n</domain>`), { indent: '  ', quotes: 'single' });
    assert.ok('error' in r);
    assert.match(r.error, /syntax error.*<devices> is never closed/);
  });

  test('an empty document is left alone', () => {
    assert.deepEqual(formatDocument(parseXml('')), { edits: [] });
  });
});

describe('format: range', () => {
  const text = `<domain>\n  <devices>\n      <disk type="file">\n  <target dev="vda"/></disk>\n <disk type="file"/>\n  </devices>\n<vcpu>1</vcpu>\n</domain>\n`;
  const doc = parseXml(text);
  const apply = (start: number, end: number): string => {
    const r = formatRange(doc, { start, end });
    assert.ok('edits' in r);
    return applyEdits(text, r.edits);
  };

  test('a selection inside <devices> formats the devices it touches and nothing else', () => {
    const at = text.indexOf('<disk');
    const out = apply(at, at + 3);
    assert.equal(
      out,
      `<domain>\n  <devices>\n    <disk type='file'>\n      <target dev='vda'/>\n    </disk>\n <disk type="file"/>\n  </devices>\n<vcpu>1</vcpu>\n</domain>\n`
    );
  });

  test('a selection over both disks formats both', () => {
    const out = apply(text.indexOf('<disk'), text.lastIndexOf('/>'));
    assert.match(out, /\n {4}<\/disk>\n {4}<disk type='file'\/>\n {2}<\/devices>\n<vcpu>/);
  });

  test('a selection in text kept exactly changes nothing', () => {
    const t = `<domain>\n<description> a\n <b/> </description>\n</domain>\n`;
    const r = formatRange(parseXml(t), { start: t.indexOf('<b'), end: t.indexOf('<b') + 1 });
    assert.deepEqual(r, { edits: [] });
  });
});

// ---------------------------------------------------------------------------
// every fixture

/** The tree as a string: names, attributes, comments, and text (trimmed where elements hold children). */
function shape(doc: XmlDocument): string {
  const out: string[] = [];
  const walk = (el: XmlElement, depth: number): void => {
    const attrs = el.attributes.map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(' ');
    // Whitespace around a comment that is an element's only content is layout (the formatter indents the comment).
    const commented = el.text.trim() === '' && doc.comments.some((c) => c.start > el.span.start && c.end < el.span.end);
    const text = el.children.length > 0 || commented ? el.text.trim().replace(/\s+/g, ' ') : el.text;
    out.push(`${' '.repeat(depth)}${el.name} ${attrs} ${JSON.stringify(text)}`);
    el.children.forEach((c) => walk(c, depth + 1));
  };
  if (doc.root) {
    walk(doc.root, 0);
  }
  out.push(...doc.comments.map((c) => doc.text.slice(c.start, c.end)));
  return out.join('\n');
}

function findingCounts(text: string): string {
  const lint = /<!--\s*lint:\s*([^>]*?)\s*-->/.exec(text)?.[1] ?? '';
  const opts: Record<string, string> = {};
  for (const kv of lint.split(/\s+/)) {
    const [k, v] = kv.split('=');
    if (k && v) {
      opts[k] = v;
    }
  }
  const a = analyze(text, { flavor: opts.flavor as 'upstream' | 'openeuler' | undefined, machine: opts.machine });
  const counts = new Map<string, number>();
  for (const f of a.findings) {
    counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).join(' ');
}

describe('format: every fixture', () => {
  const files = xmlFiles(FIXTURES);
  test('there are fixtures', () => assert.ok(files.length > 100, `${files.length} files`));
  let formatted = 0;
  let refused = 0;
  for (const file of files) {
    const name = path.relative(FIXTURES, file);
    test(name, () => {
      const text = fs.readFileSync(file, 'utf8');
      const doc = parseXml(text);
      const r = formatText(doc);
      if (doc.errors.length > 0) {
        assert.ok('error' in r, 'a document with syntax errors is refused');
        refused++;
        return;
      }
      assert.ok('text' in r);
      formatted++;
      const again = formatText(parseXml(r.text));
      assert.ok('text' in again);
      assert.equal(again.text, r.text, 'idempotent');
      const after = parseXml(r.text);
      assert.deepEqual(after.errors, []);
      assert.equal(shape(after), shape(doc), 'same tree');
      assert.equal(findingCounts(r.text), findingCounts(text), 'same findings');
    });
  }
  test("what virsh dumpxml printed is already formatted (libvirt's own layout)", () => {
    const dumps = files.filter((f) => path.basename(f).startsWith('libvirt-dumpxml-'));
    assert.ok(dumps.length >= 20);
    for (const f of dumps) {
      const text = fs.readFileSync(f, 'utf8');
      assert.deepEqual(formatDocument(parseXml(text)), { edits: [] }, path.basename(f));
    }
  });
  test('both kinds were seen', () => {
    assert.ok(formatted > 100 && refused > 0, `formatted ${formatted}, refused ${refused}`);
  });
});

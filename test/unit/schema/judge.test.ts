/**
 * One judge of values (server/src/schema/judge.ts): lint (the schema rule's findings), hover and
 * the judge itself must say the same of every attribute value and element text in every fixture
 * file, and of the values libvirt accepts beyond its schema.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, damagedSpans, isSchemaEcho, type Analysis } from '../../../server/src/analysis';
import { hoverAt } from '../../../server/src/features/hover';
import { judgeAttributeIn, judgeTextIn, type ValueStatus } from '../../../server/src/schema/judge';
import { contains, forEachElement, type Span } from '../../../server/src/syntax/tree';
import { parseExpectations } from '../../support/markers';
import { FIXTURES } from '../../support/paths';

/** Every .xml file under test/fixtures, the .fixed.xml ones included. */
function allFixtures(): string[] {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.xml'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const VALUE_CODES: Readonly<Record<string, ValueStatus>> = {
  'schema-invalid-value': 'error',
  'schema-validate-only': 'validate-only',
};

/** What lint says at exactly this span. */
function lintSays(analysis: Analysis, span: Span): ValueStatus {
  const f = analysis.findings.find((x) => x.code in VALUE_CODES && x.span.start === span.start && x.span.end === span.end);
  return f ? VALUE_CODES[f.code]! : 'ok';
}

/** What hover says when the cursor is on this span. */
function hoverSays(analysis: Analysis, span: Span): ValueStatus | 'no hover' {
  const h = hoverAt(analysis, span.start + Math.floor((span.end - span.start) / 2));
  if (!h || h.span.start !== span.start || h.span.end !== span.end) {
    return 'no hover';
  }
  if (/is not a valid value/.test(h.markdown)) {
    return 'error';
  }
  return /only the schema check refuses it/.test(h.markdown) ? 'validate-only' : 'ok';
}

interface Tally {
  attributes: number;
  texts: number;
  rejected: number;
}

/** Lint, hover and judge on every value of one document: the disagreements, as lines. */
function disagreements(text: string, tally: Tally): string[] {
  const { options } = parseExpectations(text);
  const flavor = options.flavor === 'unknown' ? undefined : (options.flavor ?? 'upstream');
  const analysis = analyze(text, { flavor, machine: options.machine });
  if (!analysis.model) {
    return [];
  }
  const broken = analysis.doc.errors.length > 0 ? damagedSpans(analysis.doc) : [];
  const out: string[] = [];
  const compare = (what: string, span: Span, judged: ValueStatus): void => {
    if (broken.some((d) => contains(d, span))) {
      return; // analyze() reports nothing here
    }
    // a schema warning gives way to another family's error on the same element (analysis.ts)
    const lint = judged === 'validate-only' && isSchemaEcho(span, analysis.findings, analysis.doc.root) ? judged : lintSays(analysis, span);
    const hover = hoverSays(analysis, span);
    if (judged !== 'ok') {
      tally.rejected++;
    }
    if (lint !== judged || hover !== judged) {
      out.push(`${what}: judge ${judged}, lint ${lint}, hover ${hover}`);
    }
  };
  forEachElement(analysis.doc.root, (el) => {
    for (const a of el.attributes) {
      if (a.value === undefined || !a.valueSpan) {
        continue;
      }
      tally.attributes++;
      const j = judgeAttributeIn(el, a);
      // nothing to judge (an attribute or element the schema does not know): lint and hover say no more
      compare(`<${el.name} ${a.name}='${a.value}'>`, a.valueSpan, j?.status ?? 'ok');
    }
    if (el.children.length === 0 && el.textSpan && el.textSpan.end > el.textSpan.start) {
      const j = judgeTextIn(el);
      if (j) {
        tally.texts++;
        compare(`<${el.name}>${el.text}</${el.name}>`, el.textSpan, j.status);
      }
    }
  });
  return out;
}

describe('one judge of values: lint, hover and the judge agree on every fixture', () => {
  const tally: Tally = { attributes: 0, texts: 0, rejected: 0 };
  const files = allFixtures();
  test('there are fixtures to walk', () => {
    assert.ok(files.length > 100, `${files.length} fixture files`);
    for (const part of ['rules', 'valid', 'real-world', 'seeds']) {
      assert.ok(
        files.some((f) => path.relative(FIXTURES, f).startsWith(part + path.sep)),
        `fixtures under ${part}/`
      );
    }
  });
  for (const file of files) {
    test(path.relative(FIXTURES, file), () => {
      assert.deepEqual(disagreements(fs.readFileSync(file, 'utf8'), tally), []);
    });
  }
  test('the walk met values of every kind', () => {
    // run after the files above (node:test runs a suite's tests in order)
    assert.ok(tally.attributes > 1000, `${tally.attributes} attribute values`);
    assert.ok(tally.texts > 100, `${tally.texts} element texts`);
    assert.ok(tally.rejected > 10, `${tally.rejected} values judged wrong`);
  });
});

function q35(devices: string): string {
  return `<domain type='kvm'>\n  <name>t</name>\n  <memory unit='MiB'>1024</memory>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

/** Lint, hover and judge on one inline document, with the statuses met (for the cases below). */
function judgeAll(text: string): void {
  const tally: Tally = { attributes: 0, texts: 0, rejected: 0 };
  assert.deepEqual(disagreements(text, tally), []);
}

describe('one judge of values: cases', () => {
  const volume = q35(`    <filesystem type='volume' accessmode='passthrough'>
      <source pool='default' volume='share'/>
      <target dir='share'/>
    </filesystem>`);

  test("<filesystem type='volume'>: libvirt accepts it beyond its schema, so no one calls it invalid", () => {
    const analysis = analyze(volume, { flavor: 'upstream' });
    const el = analysis.doc.root!.children.find((c) => c.name === 'devices')!.children.find((c) => c.name === 'filesystem')!;
    const type = el.attributes.find((a) => a.name === 'type')!;
    assert.equal(judgeAttributeIn(el, type)?.status, 'ok');
    assert.equal(lintSays(analysis, type.valueSpan!), 'ok');
    const h = hoverAt(analysis, type.valueSpan!.start + 2);
    assert.ok(h, 'a hover');
    assert.doesNotMatch(h.markdown, /not a valid value|refuses/);
    assert.match(h.markdown, /\*\*`type='volume'`\*\*/);
    // and nothing inside it is judged against the schema either
    const source = el.children.find((c) => c.name === 'source')!;
    for (const a of source.attributes) {
      assert.equal(judgeAttributeIn(source, a)?.status ?? 'ok', 'ok', a.name);
    }
    judgeAll(volume);
  });

  test('a misspelt filesystem type is still an error, for all three', () => {
    const text = volume.replace("type='volume'", "type='volum'");
    const analysis = analyze(text, { flavor: 'upstream' });
    const el = analysis.doc.root!.children.find((c) => c.name === 'devices')!.children.find((c) => c.name === 'filesystem')!;
    const type = el.attributes.find((a) => a.name === 'type')!;
    const j = judgeAttributeIn(el, type);
    assert.equal(j?.status, 'error');
    assert.equal(lintSays(analysis, type.valueSpan!), 'error');
    assert.equal(hoverSays(analysis, type.valueSpan!), 'error');
  });

  const cases: { name: string; xml: string; at: string; want: ValueStatus }[] = [
    {
      name: 'a word libvirt does not know',
      xml: `    <controller type='usb' index='0' model='qemu-xhcii'/>`,
      at: 'qemu-xhcii',
      want: 'error',
    },
    {
      name: 'a PCI slot in decimal or octal: libvirt reads it with base 0',
      xml: `    <controller type='usb' index='0' model='qemu-xhci'><address type='pci' domain='0' bus='0' slot='010' function='0'/></controller>`,
      at: '010',
      want: 'ok',
    },
    {
      name: 'a PCI slot that is no number',
      xml: `    <controller type='usb' index='0' model='qemu-xhci'><address type='pci' domain='0' bus='0' slot='x2' function='0'/></controller>`,
      at: 'x2',
      want: 'error',
    },
    {
      name: 'a MAC address: mac-invalid judges it, not the schema',
      xml: `    <interface type='network'><mac address='53:54:00:11:22:33'/><source network='default'/></interface>`,
      at: '53:54:00:11:22:33',
      want: 'ok',
    },
    {
      name: 'a relative path: libvirt takes it, the schema wants an absolute one',
      xml: `    <disk type='file' device='disk'><source file='images/a.qcow2'/><target dev='vda' bus='virtio'/></disk>`,
      at: 'images/a.qcow2',
      want: 'validate-only',
    },
    {
      name: 'a bad word libvirt was seen to ignore',
      xml: `    <hostdev mode='subsystem' type='pci' managed='maybe'><source><address domain='0' bus='4' slot='16' function='1'/></source></hostdev>`,
      at: 'maybe',
      want: 'validate-only',
    },
    { name: 'a number libvirt cannot read', xml: `    <controller type='usb' index='0x1' model='qemu-xhci'/>`, at: '0x1', want: 'error' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = q35(c.xml);
      const analysis = analyze(text, { flavor: 'upstream' });
      let found = false;
      forEachElement(analysis.doc.root, (el) => {
        for (const a of el.attributes) {
          if (a.value === c.at && a.valueSpan) {
            found = true;
            assert.equal(judgeAttributeIn(el, a)?.status ?? 'ok', c.want, 'judge');
            assert.equal(lintSays(analysis, a.valueSpan), c.want, 'lint');
            assert.equal(hoverSays(analysis, a.valueSpan), c.want, 'hover');
          }
        }
      });
      assert.ok(found, `the value ${c.at}`);
      judgeAll(text);
    });
  }
});

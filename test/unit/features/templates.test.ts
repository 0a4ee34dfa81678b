/**
 * Device templates: every template, inserted through completion into every seed domain (and
 * into an empty fragment file) with its placeholders at their defaults, leaves the document
 * with no error or warning it did not have before; the values it inserts are free ones.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, type AnalysisOptions } from '../../../server/src/analysis';
import { complete, type CompletionCandidate } from '../../../server/src/features/completion';
import { deviceTemplates, reindent, snippetText, snip, ph } from '../../../server/src/features/templates';
import type { Flavor } from '../../../server/src/rules/types';
import { FIXTURES } from '../../support/paths';

const SEEDS = path.join(FIXTURES, 'seeds');
const seedDomains = [
  ...fs.readdirSync(SEEDS).filter((f) => /^domain-.*\.xml$/.test(f)),
  ...fs
    .readdirSync(path.join(SEEDS, 'openeuler-only'))
    .filter((f) => /^domain-.*\.xml$/.test(f))
    .map((f) => `openeuler-only/${f}`),
];

const ALL_TEMPLATES = [
  'pcie-topology',
  'pcie-root-port',
  'hostdev-pci',
  'interface-sriov',
  'usb-controllers',
  'hostdev-usb',
  'disk-virtio-scsi',
  'serial-console-pty',
];

/** The seed with an empty line opened before </devices> (or a <devices> added), cursor after '<'. */
function withCursor(text: string): { text: string; offset: number } {
  const close = text.lastIndexOf('</devices>');
  if (close >= 0) {
    const lineStart = text.lastIndexOf('\n', close) + 1;
    const insert = '    <\n';
    return { text: text.slice(0, lineStart) + insert + text.slice(lineStart), offset: lineStart + 5 };
  }
  const end = text.lastIndexOf('</domain>');
  const lineStart = text.lastIndexOf('\n', end) + 1;
  const insert = '  <devices>\n    <\n  </devices>\n';
  return { text: text.slice(0, lineStart) + insert + text.slice(lineStart), offset: lineStart + '  <devices>\n    <'.length };
}

function apply(text: string, c: CompletionCandidate): string {
  return text.slice(0, c.span.start) + snippetText(c.insert) + text.slice(c.span.end);
}

/** Errors and warnings (a template should not even earn a warning; information notes are fine). */
function errorKeys(text: string, opts: AnalysisOptions): string[] {
  return analyze(text, opts)
    .findings.filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => `${f.code}: ${f.message}`)
    .sort();
}

function newErrors(before: string[], after: string[]): string[] {
  const left = [...before];
  const out: string[] = [];
  for (const e of after) {
    const i = left.indexOf(e);
    if (i >= 0) {
      left.splice(i, 1);
    } else {
      out.push(e);
    }
  }
  return out;
}

const rnd = (): (() => number) => {
  let s = 7;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
};

describe('device templates inserted into the seed domains', () => {
  for (const flavor of [undefined, 'upstream', 'openeuler'] as (Flavor | undefined)[]) {
    for (const seed of seedDomains) {
      test(`${seed} (flavor ${flavor ?? 'unknown'})`, () => {
        const original = fs.readFileSync(path.join(SEEDS, seed), 'utf8');
        const at = withCursor(original);
        const opts: AnalysisOptions = { flavor };
        const analysis = analyze(at.text, opts);
        const templates = complete(analysis, at.offset, { flavor, random: rnd() }).filter((c) => c.kind === 'template');
        assert.ok(templates.length >= 5, `only ${templates.length} templates offered`);
        const family = analysis.model?.machine.family;
        const expected = family === 'i440fx' ? ALL_TEMPLATES.filter((t) => !t.startsWith('pcie-')) : ALL_TEMPLATES;
        assert.deepEqual(templates.map((t) => t.templateId).sort(), [...expected].sort());
        // The baseline: the seed with the empty line (the lone '<' removed again).
        const base = at.text.slice(0, at.offset - 1) + at.text.slice(at.offset);
        const before = errorKeys(base, opts);
        for (const t of templates) {
          const after = apply(at.text, t);
          const added = newErrors(before, errorKeys(after, opts));
          assert.deepEqual(added, [], `template ${t.templateId} in ${seed}:\n${snippetText(t.insert)}`);
          const syntax = analyze(after, opts).findings.filter((f) => f.code === 'xml-syntax');
          assert.deepEqual(syntax, [], `template ${t.templateId} left broken XML`);
        }
      });
    }
  }

  test('two templates of the same kind inserted one after the other still add no error', () => {
    const original = fs.readFileSync(path.join(SEEDS, 'domain-openeuler-pcie-simplified.xml'), 'utf8');
    let text = original;
    for (const id of ALL_TEMPLATES) {
      for (let round = 0; round < 2; round++) {
        const at = withCursor(text);
        const t = complete(analyze(at.text), at.offset, { random: rnd() }).find((c) => c.templateId === id);
        assert.ok(t, `${id} not offered`);
        const before = errorKeys(text, {});
        text = apply(at.text, t);
        assert.deepEqual(newErrors(before, errorKeys(text, {})), [], `${id}, round ${round + 1}:\n${text}`);
      }
    }
  });
});

describe('templates at the top of an empty file', () => {
  test('whole domains and one-device templates only, each a valid domain or fragment', () => {
    const items = complete(analyze(''), 0, { random: rnd() }).filter((c) => c.kind === 'template');
    assert.deepEqual(items.map((t) => t.templateId).sort(), [
      'disk-virtio-scsi',
      'domain-aarch64-virt',
      'domain-pc',
      'domain-q35',
      'fragment-disk',
      'fragment-nic',
      'fragment-usb-controller',
      'hostdev-pci',
      'hostdev-usb',
      'interface-sriov',
      'pcie-root-port',
      'serial-console-pty',
    ]);
    for (const t of items) {
      const text = snippetText(t.insert) + '\n';
      const a = analyze(text);
      assert.equal(a.model?.kind, t.templateId!.startsWith('domain-') ? 'domain' : 'fragment', t.templateId);
      assert.deepEqual(
        a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning'),
        [],
        `${t.templateId}:\n${text}`
      );
    }
  });

  test("typing '<' in an empty file offers the templates with the '<' included", () => {
    const items = complete(analyze('<'), 1, { random: rnd() });
    const hostdev = items.find((c) => c.templateId === 'hostdev-pci');
    assert.ok(hostdev);
    assert.deepEqual(hostdev.span, { start: 0, end: 1 });
    assert.ok(snippetText(hostdev.insert).startsWith('<hostdev '));
    assert.ok(hostdev.filterText?.startsWith('<'));
    assert.ok(items.some((c) => c.label === 'domain'));
  });
});

describe('template contents', () => {
  const q35 = (devices: string): string =>
    `<domain type='kvm'>\n  <name>t</name>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n${devices}    <\n  </devices>\n</domain>\n`;
  const templatesIn = (text: string, flavor?: Flavor) =>
    complete(analyze(text, { flavor }), text.indexOf('    <\n  </devices>') + 5, { flavor, random: () => 0.25 }).filter(
      (c) => c.kind === 'template'
    );
  const byId = (text: string, id: string, flavor?: Flavor): string => {
    const t = templatesIn(text, flavor).find((c) => c.templateId === id);
    assert.ok(t, `${id} not offered`);
    return snippetText(t.insert);
  };

  test('PCI hostdev goes into an empty root port on q35, with a host address no other hostdev uses', () => {
    const text = q35(
      "    <controller type='pci' index='1' model='pcie-root-port'/>\n    <controller type='pci' index='2' model='pcie-root-port'/>\n" +
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n      </source>\n" +
        "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n    </hostdev>\n"
    );
    const out = byId(text, 'hostdev-pci');
    assert.match(out, /<address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'\/>/);
    assert.match(out, /<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'\/>/);
    assert.match(out, /<driver name='vfio'\/>/);
  });

  test('on i440fx the PCI hostdev takes the first free slot of bus 0 from 0x03', () => {
    const text = q35(
      "    <interface type='network'>\n      <source network='default'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </interface>\n"
    ).replace("machine='q35'", "machine='pc'");
    assert.match(byId(text, 'hostdev-pci'), /bus='0x00' slot='0x04' function='0x0'\/>/);
    assert.ok(!templatesIn(text).some((t) => t.templateId?.startsWith('pcie-')), 'no PCIe templates on i440fx');
  });

  test('the USB trio takes free indexes after the controller libvirt adds at index 0', () => {
    const out = byId(q35("    <controller type='usb' index='1' model='ehci'/>\n"), 'usb-controllers');
    assert.match(out, /index='2' model='piix3-uhci'/);
    assert.match(out, /index='3' model='ehci'/);
    assert.match(out, /index='4' model='qemu-xhci'/);
  });

  test('USB hostdev plugs into a free port of a controller with room', () => {
    const text = q35(
      "    <controller type='usb' index='0' model='piix3-uhci'/>\n    <input type='tablet' bus='usb'>\n      <address type='usb' bus='0' port='1'/>\n    </input>\n    <input type='mouse' bus='usb'>\n      <address type='usb' bus='0' port='2'/>\n    </input>\n    <controller type='usb' index='1' model='ehci'/>\n"
    );
    assert.match(byId(text, 'hostdev-usb'), /<address type='usb' bus='1' port='1'\/>/);
  });

  test('SR-IOV interface: random unicast, locally administered MAC with the QEMU prefix', () => {
    const out = byId(q35(''), 'interface-sriov');
    const mac = /<mac address='([0-9a-f:]+)'\/>/.exec(out)?.[1];
    assert.ok(mac, out);
    assert.match(mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.match(out, /<interface type='hostdev' managed='yes'>/);
  });

  test('virtio-scsi disk: retry policy unless the flavor is upstream; a controller is added when there is none', () => {
    const unknown = byId(q35(''), 'disk-virtio-scsi');
    assert.match(unknown, /error_policy='retry' rerror_policy='retry' retry_interval='2000' retry_timeout='10000'/);
    assert.match(unknown, /<controller type='scsi' index='0' model='virtio-scsi'\/>/);
    assert.match(byId(q35(''), 'disk-virtio-scsi', 'openeuler'), /error_policy='retry'/);
    const upstream = byId(q35(''), 'disk-virtio-scsi', 'upstream');
    assert.doesNotMatch(upstream, /retry/);
    assert.match(upstream, /error_policy='stop'/);
    const withDisk = byId(
      q35(
        "    <controller type='scsi' index='0' model='virtio-scsi'/>\n    <disk type='file' device='disk'>\n      <source file='/a.img'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>\n"
      ),
      'disk-virtio-scsi'
    );
    assert.doesNotMatch(withDisk, /<controller/);
    assert.match(withDisk, /<target dev='sdb' bus='scsi'\/>/);
    assert.match(withDisk, /controller='0' bus='0' target='0' unit='1'/);
  });

  test('serial port: next free port; the console only when the domain has none', () => {
    const first = byId(q35(''), 'serial-console-pty');
    assert.match(first, /<target port='0'\/>/);
    assert.match(first, /<console type='pty'>/);
    const second = byId(
      q35("    <serial type='pty'/>\n    <console type='pty'>\n      <target type='serial'/>\n    </console>\n"),
      'serial-console-pty'
    );
    assert.match(second, /<target port='1'\/>/);
    assert.doesNotMatch(second, /<console/);
  });

  test('full root port: free index, chassis and a free slot on the root', () => {
    const out = byId(
      q35("    <controller type='pci' index='1' model='pcie-root-port'>\n      <target chassis='2'/>\n    </controller>\n"),
      'pcie-root-port'
    );
    assert.match(out, /index='3' model='pcie-root-port'/);
    assert.match(out, /<target chassis='3' port='0x18'\/>/);
    assert.match(out, /<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'\/>/);
    assert.match(out, /<model name='pcie-root-port'\/>/);
  });

  test('templates are indented to the line of the cursor, with the indent unit of the file', () => {
    const text = "<domain type='kvm'>\n\t<name>t</name>\n\t<devices>\n\t\t<\n\t</devices>\n</domain>\n";
    const t = complete(analyze(text), text.indexOf('<\n\t</devices>') + 1, { random: () => 0.5 }).find(
      (c) => c.templateId === 'hostdev-pci'
    );
    assert.ok(t);
    const lines = snippetText(t.insert).split('\n');
    assert.equal(lines[0], "<hostdev mode='subsystem' type='pci' managed='yes'>");
    assert.equal(lines[1], "\t\t\t<driver name='vfio'/>");
    assert.equal(lines[3], "\t\t\t\t<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>");
    assert.equal(lines[lines.length - 1], '\t\t</hostdev>');
  });
});

describe('snippets as data', () => {
  test('snip, placeholders, defaults and re-indentation', () => {
    const s = snip`<a b='${ph(1, 'x')}'>\n  <c d='${ph(2, '', ['p', 'q'])}'/>\n</a>`;
    assert.equal(snippetText(s), "<a b='x'>\n  <c d='p'/>\n</a>");
    assert.equal(snippetText(reindent(s, '    ', '\t')), "<a b='x'>\n    \t<c d='p'/>\n    </a>");
  });

  test('every template is computed for an empty model too', () => {
    const ts = deviceTemplates({ model: undefined, flavor: undefined, random: () => 0.5, topLevel: false });
    assert.deepEqual(ts.map((t) => t.id).sort(), [...ALL_TEMPLATES].sort());
    for (const t of ts) {
      assert.ok(t.description.length > 40 && t.label.length > 0 && t.detail.length > 0, t.id);
    }
  });
});

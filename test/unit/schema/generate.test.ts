import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CaseDesc, ChildDesc, DomainSchema, ElementDesc, IntType } from '../../../server/src/schema/types';

/** The repository root: the nearest directory above this file that holds the generator. */
function repoRoot(): string {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'scripts', 'schema', 'generate.mjs'))) {
      return d;
    }
  }
  return process.cwd();
}
const ROOT = repoRoot();
const FIXTURE = join(ROOT, 'test', 'unit', 'schema', 'fixtures', 'mini');

interface GeneratorModule {
  generate: (dir: string, opts: { version?: string; commit?: string; origin?: string }) => DomainSchema;
}
interface RegexModule {
  xsdToJsRegex: (pattern: string) => string;
}

// The generator is plain ESM (scripts/schema/*.mjs); load it at run time.
async function load<T>(file: string): Promise<T> {
  const url = pathToFileURL(join(ROOT, 'scripts', 'schema', file)).href;
  return (await import(url)) as T;
}

function el(doc: DomainSchema, id: string): ElementDesc {
  const e = doc.elements[id];
  assert.ok(e, `no element ${id}`);
  return e;
}
function child(e: ElementDesc | CaseDesc, name: string): ChildDesc {
  const c = e.children?.find((x) => x.name === name);
  assert.ok(c, `no child ${name}`);
  return c;
}

test('XML Schema regexes become anchored JavaScript regexes', async () => {
  const { xsdToJsRegex } = await load<RegexModule>('xsd-regex.mjs');
  const re = (p: string): RegExp => new RegExp(xsdToJsRegex(p), 'u');
  assert.ok(re('(0x)?[0-7]').test('0x7'));
  assert.ok(!re('(0x)?[0-7]').test('0x8'));
  assert.ok(!re('(0x)?[0-7]').test('x0x7'), 'implicitly anchored');
  assert.ok(!re('a|b').test('ab'), 'anchoring wraps alternatives');
  assert.ok(re('$[ ]*x').test('$ x'), '$ is an ordinary character');
  assert.ok(re('[a-zA-Z0-9_\\+\\-]+').test('a+b-c'));
  assert.ok(re('\\-?[0-9]+').test('-5'), '\\- outside a class');
  assert.ok(re('\\i\\c*').test('x.y-z'));
  assert.ok(!re('\\i\\c*').test('1x'));
  assert.ok(re('[^/\\n]+').test('name'));
  assert.ok(!re('[^/\\n]+').test('a/b'));
  assert.ok(re('[\u0020-\u007E]{0,8}').test('ABC xyz'));
  assert.throws(() => xsdToJsRegex('[a-z-[aeiou]]'), /subtraction/);
});

test('the generator reads includes, combine, choices, data types and any-name elements', async () => {
  const { generate } = await load<GeneratorModule>('generate.mjs');
  const doc = generate(FIXTURE, { version: '0.0.1', commit: 'abc', origin: 'fixture' });
  assert.equal(doc.format, 1);
  assert.deepEqual([doc.source.libvirt, doc.source.commit, doc.source.origin], ['0.0.1', 'abc', 'fixture']);
  assert.deepEqual(doc.source.files, ['common.rng', 'domain.rng']);
  assert.equal(doc.root, 'domain');
  const domain = el(doc, 'domain');
  assert.deepEqual(domain.attrs?.['type'], { type: { type: 'enum', values: ['kvm', 'qemu'] }, required: true });
  assert.deepEqual(
    domain.children?.map((c) => c.name),
    ['name', 'memory', 'dev', 'metadata', 'cmd'],
    'notAllowed <private> is dropped'
  );
  assert.equal(child(domain, 'dev').multiple, true);
  assert.equal(child(domain, 'name').required, true);
  assert.equal(child(domain, 'cmd').ns, 'urn:example:cmd');
  // text content typed through named types
  assert.equal(el(doc, 'domain/name').text, 'objectName');
  assert.deepEqual(doc.types['objectName'], { type: 'string', pattern: '^(?:[^/\\n]+)$' });
  const mem = el(doc, 'domain/memory');
  assert.equal((mem.text as IntType).type, 'int');
  assert.equal((mem.text as IntType).max, '18446744073709551615');
  assert.ok(mem.attrs?.['unit']);
  // a choice discriminated by an attribute becomes a switch; 'file' is the default case
  const dev = el(doc, 'dev');
  const sw = dev.switches?.[0];
  assert.ok(sw);
  assert.equal(sw.attr, 'type');
  assert.deepEqual(
    sw.cases.map((c) => c.when),
    [['file'], ['block']]
  );
  const [fileCase, blockCase] = sw.cases as [CaseDesc, CaseDesc];
  assert.equal(fileCase.absent, true);
  assert.equal(blockCase.absent, undefined);
  const fileSource = el(doc, child(fileCase, 'source').ref);
  const blockSource = el(doc, child(blockCase, 'source').ref);
  assert.ok(fileSource.attrs?.['file'] && !fileSource.attrs['dev']);
  assert.ok(blockSource.attrs?.['dev'] && !blockSource.attrs['file']);
  assert.ok(fileSource.attrs['extra'], 'combine="choice" replaced the notAllowed placeholder');
  // the discriminator is also offered at element level with every value
  assert.deepEqual(dev.attrs?.['type']?.type, { type: 'enum', values: ['file', 'block'] });
  // a choice of elements without a discriminator is merged; both optional
  assert.ok(!child(dev, 'alpha').required && !child(dev, 'beta').required);
  // address switch and integer facets
  const addr = el(doc, 'address');
  const cases = addr.switches?.[0]?.cases ?? [];
  const drive = cases.find((c) => c.when[0] === 'drive');
  assert.deepEqual(drive?.attrs?.['unit']?.type, { type: 'int', min: 0, max: 5, xsd: 'unsignedInt' });
  assert.equal(cases[0]?.attrs?.['slot']?.type, 'pciSlot');
  // any-name elements, recursive
  const any = el(doc, 'anything');
  assert.equal(any.name, '*');
  assert.equal(any.anyName, true);
  assert.equal(any.anyAttrs, true);
  assert.ok(any.children?.some((c) => c.ref === 'anything'));
});

const SYSTEM_SCHEMAS = '/usr/share/libvirt/schemas';

test(
  'the generator runs on the installed libvirt schemas and is deterministic',
  { skip: !existsSync(join(SYSTEM_SCHEMAS, 'domain.rng')) },
  async () => {
    const { generate } = await load<GeneratorModule>('generate.mjs');
    const a = JSON.stringify(generate(SYSTEM_SCHEMAS, {}));
    const b = JSON.stringify(generate(SYSTEM_SCHEMAS, {}));
    assert.equal(a, b);
    const doc = JSON.parse(a) as DomainSchema;
    assert.ok(Object.keys(doc.elements).length > 300);
    for (const id of ['domain', 'disk', 'controller', 'hostdev', 'address', 'interface']) {
      assert.ok(doc.elements[id], id);
    }
    assert.notEqual(doc.source.libvirt, 'unknown');
  }
);

test('the committed schemas/domain.json is compact and says where it came from', () => {
  const file = join(ROOT, 'schemas', 'domain.json');
  assert.ok(statSync(file).size < 1.5 * 1024 * 1024);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as DomainSchema;
  assert.match(doc.source.libvirt, /^\d+\.\d+\.\d+$/);
  assert.ok('commit' in doc.source);
  assert.ok(doc.source.origin);
});

/**
 * libvirt-lint as users run it: the bundled dist/cli.js in a child process, its exit codes and
 * its three output formats.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../../support/paths';

const CLI = path.join(REPO, 'dist', 'cli.js');

function lint(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, LIBVIRT_SCHEMA_DIR: '/nonexistent' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `<domain type='kvm'>
  <name>good</name>
  <memory unit='GiB'>1</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <controller type='usb' index='0' model='piix3-uhci'/>
  </devices>
</domain>
`;
const BAD = GOOD.replace(
  "<controller type='usb' index='0' model='piix3-uhci'/>",
  "<controller type='usb' index='0' model='piix3-uhci'/>\n    <controller type='usb' index='0' model='ehci'/>"
).replace('<name>good</name>', '<name>bad</name>'); // its own name: files linted together with one name conflict
const RETRY = `<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2' error_policy='retry' retry_interval='1000'/>
  <source file='/var/lib/libvirt/images/a.qcow2'/>
  <target dev='vda' bus='virtio'/>
</disk>
`;

describe('libvirt-lint', () => {
  test('the quick start: linted together, the bundled examples have findings in mistakes.xml only', () => {
    const r = lint('--format', 'json', '--flavor', 'upstream', path.join(REPO, 'examples'));
    const results = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; severity: string }[] }[];
    const withFindings = results.filter((x) => x.diagnostics.length > 0).map((x) => path.basename(x.file));
    assert.deepEqual(withFindings, ['mistakes.xml']);
    assert.equal(r.code, 1);
  });

  let dir: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-'));
    fs.writeFileSync(path.join(dir, 'good.xml'), GOOD);
    fs.writeFileSync(path.join(dir, 'bad.xml'), BAD);
    fs.writeFileSync(path.join(dir, 'retry.xml'), RETRY);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'bad-too.xml'), BAD.replace('<name>bad</name>', '<name>a/b</name>'));
    fs.writeFileSync(path.join(dir, 'sub', 'pom.xml'), '<project/>');
    fs.writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'not xml');
    fs.writeFileSync(path.join(dir, 'binary.xml'), Buffer.from([0x3c, 0x00, 0xff, 0x10, 0x00]));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('exit 0 and a summary for a clean file', () => {
    const r = lint('--no-color', path.join(dir, 'good.xml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings/);
  });

  test('exit 1 with compiler-style lines and the source line for errors', () => {
    const r = lint('--no-color', path.join(dir, 'bad.xml'));
    assert.equal(r.code, 1);
    const file = path.join(dir, 'bad.xml');
    assert.ok(r.stdout.includes(`${file}:8:34: error controller-index-duplicate: `), r.stdout);
    assert.ok(r.stdout.includes("    <controller type='usb' index='0' model='ehci'/>"));
    assert.ok(r.stdout.includes(`${' '.repeat(2 + 33)}^^^`));
  });

  test('folders: *.xml found recursively, other XML skipped quietly', () => {
    const r = lint('--no-color', '--format', 'json', path.join(dir, 'sub'));
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { file: string }[];
    assert.deepEqual(
      out.map((f) => path.basename(f.file)),
      ['bad-too.xml']
    );
    assert.equal(r.stderr, '');
  });

  test('json: files with 0-based LSP ranges', () => {
    const r = lint('--format=json', path.join(dir, 'bad.xml'), path.join(dir, 'good.xml'));
    const out = JSON.parse(r.stdout) as {
      file: string;
      diagnostics: { code: string; severity: string; message: string; range: unknown }[];
    }[];
    assert.equal(out.length, 2);
    const d = out.find((f) => f.file.endsWith('bad.xml'))!.diagnostics;
    assert.deepEqual(d[0]!.range, { start: { line: 7, character: 33 }, end: { line: 7, character: 36 } });
    assert.equal(d[0]!.code, 'controller-index-duplicate');
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(out.find((f) => f.file.endsWith('good.xml'))!.diagnostics, []);
  });

  test('sarif 2.1.0 with rules and 1-based regions', () => {
    const r = lint('--format', 'sarif', path.join(dir, 'bad.xml'));
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: { ruleId: string; level: string; locations: { physicalLocation: { region: unknown } }[] }[];
      }[];
    };
    assert.equal(log.version, '2.1.0');
    assert.ok(log.runs[0]!.tool.driver.rules.some((x) => x.id === 'pci-address-zero'));
    const res = log.runs[0]!.results[0]!;
    assert.equal(res.ruleId, 'controller-index-duplicate');
    assert.equal(res.level, 'error');
    assert.deepEqual(res.locations[0]!.physicalLocation.region, { startLine: 8, startColumn: 34, endLine: 8, endColumn: 37 });
  });

  test('exit 2 on usage errors', () => {
    assert.equal(lint('--format', 'xml', 'x.xml').code, 2);
    assert.equal(lint('--bogus').code, 2);
    assert.equal(lint().code, 2);
    const r = lint('--severity', 'no-such-code=off', 'x.xml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--severity/);
  });

  test('exit 2 on an I/O problem, and the other files are still checked', () => {
    const r = lint('--no-color', path.join(dir, 'missing.xml'), path.join(dir, 'bad.xml'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing\.xml: no such file or folder/);
    assert.match(r.stdout, /controller-index-duplicate/);
  });

  test('a binary file named on the command line is skipped with a reason', () => {
    const r = lint(path.join(dir, 'binary.xml'));
    assert.equal(r.code, 0);
    assert.match(r.stderr, /binary\.xml: skipped, binary file/);
  });

  test('--flavor decides about openEuler retry attributes', () => {
    const up = lint('--format=json', '--flavor', 'upstream', path.join(dir, 'retry.xml'));
    assert.equal(up.code, 1);
    assert.ok(up.stdout.includes('disk-retry-unsupported'));
    const oe = lint('--format=json', '--flavor', 'openeuler', path.join(dir, 'retry.xml'));
    assert.equal(oe.code, 0, oe.stdout);
    const auto = lint('--format=json', path.join(dir, 'retry.xml')); // no schema to look at: unknown flavor
    assert.equal(auto.code, 0);
    assert.ok(auto.stdout.includes('disk-retry-flavor-unknown'));
  });

  test('--severity changes or silences a code', () => {
    const r = lint('--format=json', '--severity', 'controller-index-duplicate=warning', path.join(dir, 'bad.xml'));
    assert.equal(r.code, 0);
    assert.ok(r.stdout.includes('"severity": "warning"'));
    const off = lint('--format=json', '--severity=controller-index-duplicate=off', path.join(dir, 'bad.xml'));
    assert.ok(!off.stdout.includes('controller-index-duplicate'));
  });

  test('--machine applies to fragments', () => {
    const frag = path.join(dir, 'frag.xml');
    fs.writeFileSync(
      frag,
      "<interface type='network'><source network='default'/><address type='pci' bus='0x00' slot='0x1f' function='0x0'/></interface>\n"
    );
    assert.equal(lint(frag).code, 0);
    const q35 = lint('--format=json', '--machine', 'q35', frag);
    assert.equal(q35.code, 1);
    assert.ok(q35.stdout.includes('pci-address-reserved'));
  });

  test('--list-codes prints the code table', () => {
    const r = lint('--list-codes');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^controller-index-duplicate\s+error\s+/m);
  });
});

describe('--target-version', () => {
  const file = path.join(REPO, 'test', 'fixtures', 'rules', 'target-version', 'refused.xml');

  test('9.0.0: what libvirt 9.0 refuses is an error at its place', () => {
    const r = lint('--no-color', '--target-version', '9.0.0', file);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /refused\.xml:12:6: error target-version-refused: libvirt 9\.0\.0 refuses <ps2>/);
  });

  test('bundled: nothing is newer than the bundled schema', () => {
    const r = lint('--no-color', '--target-version', 'bundled', '--format', 'json', file);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /target-version-/);
  });

  test('a bad value is a usage error', () => {
    const r = lint('--target-version', 'latest', file);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--target-version must be a libvirt version such as 9\.0\.0, auto or bundled, not 'latest'/);
  });
});

/**
 * libvirt-lint's CI kit, on the bundled dist/cli.js: the config file, suppressions, --fix and
 * --fix-dry-run, conflicts between files, and fleet mode over real virsh (test:/// node files,
 * and qemu:///system with throwaway lxtest-cikit- domains).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, REPO } from '../../support/paths';
import { ensureQemuDaemon, NO_VIRSH } from '../virsh/support';

const CLI = path.join(REPO, 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lint(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, '--no-color', ...args], {
    cwd,
    encoding: 'utf8',
    // the JSON over every rule fixture is past spawnSync's 1 MiB default
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LIBVIRT_SCHEMA_DIR: '/nonexistent' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI without blocking the event loop (the async tests). */
function lintAsync(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, '--no-color', ...args], { cwd, env: { ...process.env, LIBVIRT_SCHEMA_DIR: '/nonexistent' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function domain(name: string, devices: string, uuid = ''): string {
  return `<domain type='kvm'>
  <name>${name}</name>${uuid ? `\n  <uuid>${uuid}</uuid>` : ''}
  <memory unit='GiB'>1</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
${devices}
  </devices>
</domain>
`;
}

const OPEN_VNC = `    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'/>`;
const DUP_INDEX = `    <controller type='usb' index='0' model='piix3-uhci'/>
    <!-- the second controller takes index 0 again -->
    <controller type='usb' index='0' model='ich9-ehci1'/>`;

type Json = { file: string; diagnostics: { code: string; severity: string; related?: { file: string }[] }[] }[];
const codesOf = (r: Run): string[] =>
  (JSON.parse(r.stdout) as Json).flatMap((f) => f.diagnostics.map((d) => `${path.basename(f.file)} ${d.code}`));

let tmp: string;
before(() => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-kit-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('config file', () => {
  test('the nearest .libvirt-lint.json wins; --config overrides; the command line beats both', () => {
    const dir = project('nearest', {
      '.libvirt-lint.json': '{ "severity": { "graphics-vnc-open": "error" } }',
      'a.xml': domain('a', OPEN_VNC),
      'lab/.libvirt-lint.json': '{ "severity": { "graphics-vnc-open": "off" } }',
      'lab/b.xml': domain('b', OPEN_VNC),
      'other.json': '{}',
    });
    const r = lint(dir, '--format=json', '.');
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(codesOf(r), ['a.xml graphics-vnc-open']);
    assert.equal((JSON.parse(r.stdout) as Json)[0]!.diagnostics[0]!.severity, 'error');
    const forced = lint(dir, '--format=json', '--config', 'other.json', '.');
    assert.deepEqual(codesOf(forced), ['a.xml graphics-vnc-open', 'b.xml graphics-vnc-open']);
    assert.equal(forced.code, 0);
    const cli = lint(dir, '--format=json', '--severity', 'graphics-vnc-open=off', '.');
    assert.deepEqual(codesOf(cli), []);
  });

  test('flavor and machine come from the config', () => {
    // 00:1f.0 is the ICH9 LPC bridge on q35, free on pc.
    const frag = `<interface type='network'>\n  <source network='default'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x0'/>\n</interface>\n`;
    const dir = project('flavor', {
      'q35/.libvirt-lint.json': '{ "machine": "q35", "flavor": "upstream" }',
      'q35/port.xml': frag,
      'pc/port.xml': frag,
    });
    assert.equal(lint(dir, 'q35').code, 1);
    assert.equal(lint(dir, 'q35', '--machine', 'pc').code, 0);
    assert.equal(lint(dir, 'pc', '--machine', 'q35').code, 1);
    assert.equal(lint(dir, 'pc').code, 0);
  });

  test('ignore globs leave files out of folders; a named ignored file is skipped with a note', () => {
    const dir = project('ignore', {
      '.libvirt-lint.json': '{ "ignore": ["generated/**", "*.tmpl.xml"] }',
      'keep.xml': domain('keep', DUP_INDEX),
      'generated/x.xml': domain('gen', DUP_INDEX),
      'deep/y.tmpl.xml': domain('tmpl', DUP_INDEX),
    });
    const r = lint(dir, '--format=json', '.');
    assert.deepEqual(
      (JSON.parse(r.stdout) as Json).map((f) => f.file),
      ['keep.xml']
    );
    const named = lint(dir, 'generated/x.xml');
    assert.match(named.stderr, /generated\/x\.xml: skipped, ignored by .*\.libvirt-lint\.json/);
    assert.equal(named.code, 0);
  });

  test('mistakes in the config are reported at their place, the rest applies, exit status 2', () => {
    const dir = project('broken', {
      '.libvirt-lint.json': `{
  "severity": { "graphics-vnc-open": "off", "no-such-code": "error", "mac-invalid": "loud" },
  "flavor": "fedora",
  "targetVersion": "9.0.0",
  "hostSnapshot": 3,
  "colour": true
}
`,
      'a.xml': domain('a', `${OPEN_VNC}\n${DUP_INDEX}`),
    });
    const r = lint(dir, '--format=json', 'a.xml');
    assert.equal(r.code, 2);
    assert.deepEqual(codesOf(r), ['a.xml controller-index-duplicate']);
    const cfg = path.join(dir, '.libvirt-lint.json');
    for (const where of [
      `${cfg}:2:45: unknown code 'no-such-code'`,
      `${cfg}:2:85: the level of 'mac-invalid'`,
      `${cfg}:3:13: "flavor" must be auto, upstream or openeuler`,
      `${cfg}:5:19: "hostSnapshot" must be a non-empty string`,
      `${cfg}:6:3: unknown setting "colour"`,
    ]) {
      assert.ok(r.stderr.includes(where), `${where}\n in:\n${r.stderr}`);
    }
  });

  test('a config that is not JSON: its place, and linting goes on with defaults', () => {
    const dir = project('notjson', { '.libvirt-lint.json': '{\n  "flavor": "upstream",\n}\n', 'a.xml': domain('a', OPEN_VNC) });
    const r = lint(dir, 'a.xml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.libvirt-lint\.json:3:1: not valid JSON/);
    assert.match(r.stdout, /graphics-vnc-open/);
  });
});

describe('suppressions from the command line', () => {
  test('hidden findings do not count; an unused suppression is a note', () => {
    const dir = project('suppress', {
      'a.xml': domain(
        'a',
        `    <!-- libvirt-lint-disable-next-line controller-index-duplicate: migrated as is -->\n${DUP_INDEX.split('\n').slice(2).join('\n')}\n    <!-- libvirt-lint-disable mac-invalid -->`
      ).replace('<devices>\n    <!--', "<devices>\n    <controller type='usb' index='0' model='piix3-uhci'/>\n    <!--"),
    });
    const r = lint(dir, '--format=json', 'a.xml');
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(codesOf(r), ['a.xml suppression-unused']);
  });
});

describe('--fix', () => {
  test('writes the fixes, keeps comments and layout, exit status of the fixed file', () => {
    const text = domain('fixme', DUP_INDEX);
    const dir = project('fix', { 'a.xml': text });
    const r = lint(dir, '--fix', 'a.xml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const fixed = fs.readFileSync(path.join(dir, 'a.xml'), 'utf8');
    assert.equal(fixed, text.replace("index='0' model='ich9-ehci1'", "index='1' model='ich9-ehci1'"));
    assert.match(r.stderr, /fixed 1 edit in 1 file; 0 findings left/);
  });

  test('--fix-dry-run prints a diff that patch applies, and writes nothing', () => {
    const text = domain('dry', DUP_INDEX);
    const dir = project('dry', { 'a.xml': text });
    const r = lint(dir, '--fix-dry-run', 'a.xml');
    assert.equal(r.code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'a.xml'), 'utf8'), text);
    assert.match(r.stdout, /^--- a\/a\.xml\n\+\+\+ b\/a\.xml\n@@ -6,6 \+6,6 @@\n/);
    assert.ok(
      r.stdout.includes(
        "-    <controller type='usb' index='0' model='ich9-ehci1'/>\n+    <controller type='usb' index='1' model='ich9-ehci1'/>\n"
      )
    );
    const p = spawnSync('patch', ['-p1', '-s'], { cwd: dir, input: r.stdout, encoding: 'utf8' });
    if (p.error === undefined) {
      assert.equal(p.status, 0, p.stderr);
      assert.equal(
        fs.readFileSync(path.join(dir, 'a.xml'), 'utf8'),
        text.replace("index='0' model='ich9-ehci1'", "index='1' model='ich9-ehci1'")
      );
    }
  });

  test('fixes that compete for free resources take different ones (one allocation)', () => {
    const nics = [1, 2, 3]
      .map(
        () =>
          `    <interface type='network'>\n      <source network='default'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>\n    </interface>`
      )
      .join('\n');
    const dir = project('compete', { 'a.xml': domain('compete', nics) });
    lint(dir, '--fix', 'a.xml');
    const slots = [...fs.readFileSync(path.join(dir, 'a.xml'), 'utf8').matchAll(/slot='(0x[0-9a-f]+)'/g)].map((m) => m[1]);
    assert.equal(slots.length, 3);
    assert.equal(new Set(slots).size, 3, `three different slots: ${slots.join(' ')}`);
    assert.ok(!slots.includes('0x00'));
  });

  test('over every rule fixture: no error with a safe fix is left, and no file gets an error it did not have', () => {
    const dir = path.join(tmp, 'all-fixtures');
    fs.cpSync(path.join(FIXTURES, 'rules'), dir, { recursive: true, filter: (src) => !src.endsWith('.fixed.xml') });
    const before = lint(dir, '--format=json', '--flavor=upstream', '.');
    const r = lint(dir, '--fix', '--format=json', '--flavor=upstream', '.');
    const count = (run: Run): Map<string, number> => {
      const m = new Map<string, number>();
      for (const f of JSON.parse(run.stdout) as Json) {
        for (const d of f.diagnostics.filter((x) => x.severity === 'error')) {
          const k = `${f.file} ${d.code}`;
          m.set(k, (m.get(k) ?? 0) + 1);
        }
      }
      return m;
    };
    const was = count(before);
    const now = count(r);
    const grown = [...now].filter(([k, n]) => n > (was.get(k) ?? 0)).map(([k]) => k);
    assert.deepEqual(grown, [], 'errors --fix added');
    const again = lint(dir, '--fix-dry-run', '--flavor=upstream', '.');
    assert.equal(again.stdout, '', 'a second --fix finds nothing left to fix');
    assert.ok([...now.values()].reduce((a, b) => a + b, 0) < [...was.values()].reduce((a, b) => a + b, 0));
  });
});

describe('worker threads', () => {
  test('a big set gives the same output on worker threads as on one thread, --fix included', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 230; i++) {
      files[`d${String(i).padStart(3, '0')}.xml`] = domain(`vm-${i % 200}`, i % 3 === 0 ? DUP_INDEX : OPEN_VNC);
    }
    const dir = project('workers', files);
    const one = lint(dir, '--format=json', '--jobs=1', '.');
    const many = lint(dir, '--format=json', '--jobs=2', '.');
    assert.equal(one.code, 1);
    assert.equal(many.code, one.code);
    assert.equal(many.stdout, one.stdout);
    assert.ok(codesOf(one).includes('d200.xml fleet-name-duplicate'));
    const dry = lint(dir, '--fix-dry-run', '--jobs=2', '.');
    assert.equal(dry.stdout, lint(dir, '--fix-dry-run', '--jobs=1', '.').stdout);
    assert.equal((dry.stdout.match(/^\+\+\+ /gm) ?? []).length, 77);
  });
});

describe('conflicts between files', () => {
  test('a folder: each finding in JSON and SARIF names the other file', () => {
    const dir = path.join(FIXTURES, 'rules', 'fleet', 'conflicts');
    const r = lint(REPO, '--format=json', path.relative(REPO, dir));
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Json;
    const web = out.find((f) => f.file.endsWith('web.xml'))!;
    const name = web.diagnostics.find((d) => d.code === 'fleet-name-duplicate')!;
    assert.deepEqual(
      name.related!.map((x) => path.basename(x.file)),
      ['web-copy.xml']
    );
    const sarif = JSON.parse(lint(REPO, '--format=sarif', path.relative(REPO, dir)).stdout) as {
      runs: { results: { ruleId: string; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const res = sarif.runs[0]!.results.filter((x) => x.ruleId.startsWith('fleet-'));
    assert.ok(res.length >= 10);
    assert.ok(res.every((x) => x.relatedLocations && x.relatedLocations[0]!.physicalLocation.artifactLocation.uri.endsWith('.xml')));
  });

  test('the near miss folder has no conflict', () => {
    const r = lint(REPO, path.join('test', 'fixtures', 'rules', 'fleet', 'near-miss'));
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /3 files checked: 0 errors, 0 warnings/);
  });
});

describe('fleet mode (real virsh)', { skip: NO_VIRSH }, () => {
  const node = (doms: { name: string; uuid: string; mac: string }[]): string =>
    `<node>\n${doms
      .map(
        (d) =>
          `<domain type='test'><name>${d.name}</name><uuid>${d.uuid}</uuid><memory>65536</memory><os><type>hvm</type></os><devices><interface type='network'><mac address='${d.mac}'/><source network='default'/></interface></devices></domain>`
      )
      .join('\n')}\n</node>\n`;

  test('--all-domains on two test:/// hosts: every domain as URI#name, a MAC conflict across hosts, a dead host reported without stopping the others', async () => {
    const h1 = path.join(tmp, 'host1.xml');
    const h2 = path.join(tmp, 'host2.xml');
    fs.writeFileSync(h1, node([{ name: 'web', uuid: '0b0e7a52-86f4-4d43-8f4a-2e1e6f0c0001', mac: '52:54:00:00:00:01' }]));
    fs.writeFileSync(h2, node([{ name: 'web', uuid: '0b0e7a52-86f4-4d43-8f4a-2e1e6f0c0002', mac: '52:54:00:00:00:01' }]));
    const r = await lintAsync(
      tmp,
      '--format=json',
      '--connect',
      `test://${h1}`,
      '--connect',
      `test://${h2}`,
      '--connect',
      `test://${tmp}/missing.xml`,
      '--all-domains'
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /missing\.xml: cannot list domains: /);
    const out = JSON.parse(r.stdout) as Json;
    assert.deepEqual(
      out.map((f) => f.file),
      [`test://${h1}#web`, `test://${h2}#web`]
    );
    // One name on two hosts is fine; one MAC is not.
    assert.deepEqual(
      out.map((f) => f.diagnostics.filter((d) => d.code.startsWith('fleet-')).map((d) => `${d.code} ${d.related![0]!.file}`)),
      [[`fleet-mac-duplicate test://${h2}#web`], [`fleet-mac-duplicate test://${h1}#web`]]
    );
  });

  test('files checked against a host: a file with a host domain name conflicts, the file the domain came from does not', async () => {
    const h = path.join(tmp, 'host3.xml');
    fs.writeFileSync(h, node([{ name: 'db', uuid: '0b0e7a52-86f4-4d43-8f4a-2e1e6f0c0003', mac: '52:54:00:00:00:03' }]));
    const dir = project('against-host', {
      'db.xml': domain('db', '', '0b0e7a52-86f4-4d43-8f4a-2e1e6f0c0003'),
      'db-new.xml': domain('db', '', '0b0e7a52-86f4-4d43-8f4a-2e1e6f0c0009'),
    });
    const r = await lintAsync(dir, '--format=json', '--connect', `test://${h}`, '.');
    const out = JSON.parse(r.stdout) as Json;
    assert.deepEqual(
      out.map((f) => `${f.file}: ${f.diagnostics.map((d) => d.code).join(' ')}`),
      ['db-new.xml: fleet-name-duplicate', 'db.xml: fleet-name-duplicate']
    );
    assert.deepEqual(
      out[0]!.diagnostics[0]!.related!.map((x) => x.file),
      ['db.xml', `test://${h}#db`]
    );
  });

  test("domain names are passed to virsh's own parser quoted: a quote or a ';' in a name stays in the name", async () => {
    const h = path.join(tmp, 'host-names.xml');
    const doms = ["it's; echo hi", 'plain', ...Array.from({ length: 60 }, (_, i) => `vm-${i}`)];
    fs.writeFileSync(
      h,
      `<node>\n${doms.map((n) => `<domain type='test'><name>${n.replace(/'/g, '&apos;')}</name><memory>65536</memory><os><type>hvm</type></os></domain>`).join('\n')}\n</node>\n`
    );
    const r = await lintAsync(tmp, '--format=json', '--connect', `test://${h}`, '--all-domains');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Json).map((f) => f.file).sort(), doms.map((n) => `test://${h}#${n}`).sort());
  });

  test('a missing virsh is named as such', async () => {
    const r = await lintAsync(tmp, '--virsh', '/nonexistent/virsh', '--connect', 'test:///default', '--all-domains');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/nonexistent\/virsh not found: install libvirt-clients/);
  });
});

describe('fleet mode on qemu:///system (real libvirtd)', () => {
  const skip = ensureQemuDaemon();
  const PREFIX = `lxtest-cikit-${process.pid}-`;
  const virsh = (...args: string[]) => spawnSync('virsh', ['-q', '-c', 'qemu:///system', ...args], { encoding: 'utf8' });
  const cleanup = (): void => {
    for (const name of virsh('list', '--all', '--name')
      .stdout.split('\n')
      .map((l) => l.trim())) {
      if (name.startsWith(PREFIX)) {
        virsh('undefine', name);
      }
    }
  };
  after(() => {
    if (!skip) {
      cleanup();
    }
  });

  test('--connect qemu:///system --all-domains lints every domain defined there, ours with their MAC conflict', { skip }, async () => {
    const xml = (name: string, uuid: string): string => `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='user'><mac address='52:54:00:c1:7c:01'/><model type='virtio'/></interface>
  </devices>
</domain>
`;
    try {
      for (const [n, u] of [
        ['a', '7e57c1d0-0000-4000-8000-000000000001'],
        ['b', '7e57c1d0-0000-4000-8000-000000000002'],
      ] as const) {
        const file = path.join(tmp, `qemu-${n}.xml`);
        fs.writeFileSync(file, xml(PREFIX + n, u));
        const d = virsh('define', file);
        assert.equal(d.status, 0, `libvirt accepts two domains with one MAC: ${d.stderr}`);
      }
      const names = (): string[] =>
        virsh('list', '--all', '--name')
          .stdout.split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((n) => `qemu:///system#${n}`);
      // Other test runs may define and remove their domains meanwhile: those defined before and
      // after must be there, and nothing that was never defined.
      const before = names();
      const r = await lintAsync(tmp, '--format=json', '--connect', 'qemu:///system', '--all-domains');
      const after = names();
      assert.ok(r.code === 0 || r.code === 1 || /cannot read its XML/.test(r.stderr), r.stderr);
      const out = JSON.parse(r.stdout) as Json;
      const got = out.map((f) => f.file);
      assert.deepEqual(
        before.filter((n) => after.includes(n) && !got.includes(n)),
        [],
        'domains defined all along but not linted'
      );
      assert.deepEqual(
        got.filter((n) => !before.includes(n) && !after.includes(n)),
        [],
        'linted but never listed'
      );
      const ours = out.filter((f) => f.file.startsWith(`qemu:///system#${PREFIX}`));
      assert.deepEqual(
        ours.map((f) => f.diagnostics.filter((d) => d.code.startsWith('fleet-')).map((d) => d.code)),
        [['fleet-mac-duplicate'], ['fleet-mac-duplicate']]
      );
    } finally {
      cleanup();
    }
  });
});

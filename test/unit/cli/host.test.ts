/**
 * libvirt-lint and hosts: `snapshot-host` against the real qemu:///system, `--host-snapshot` with
 * the fixture snapshots (conflicts with the snapshot's own domains named by domain), a snapshot
 * folder that is not there, several --connect hosts with files, and the prefetch hint.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { domcapsKeyOfText } from '../../../server/src/host/match';
import { loadSnapshot } from '../../../server/src/host/source';
import { FIXTURES, REPO } from '../../support/paths';
import { ensureQemuDaemon } from '../virsh/support';

const CLI = path.join(REPO, 'dist', 'cli.js');
const HOSTS = path.join(FIXTURES, 'hosts');
const RULES = path.join(FIXTURES, 'rules', 'host');

function lint(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, LIBVIRT_SCHEMA_DIR: '/nonexistent' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('libvirt-lint with a host', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-cli-host-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('--host-snapshot: a file is judged by the saved host, and conflicts name the domain defined there', () => {
    const r = lint(
      '--format',
      'json',
      '--host-snapshot',
      path.join(HOSTS, 'sriov-iommu'),
      path.join(RULES, 'conflicts-with-host-domains.xml')
    );
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string }[] }[];
    const codes = out[0]!.diagnostics.map((f) => f.code).sort();
    assert.deepEqual(codes, ['fleet-disk-shared', 'fleet-hostdev-shared', 'fleet-mac-duplicate']);
    assert.ok(r.stdout.includes('qemu+ssh://sriov-node.example/system#db1'), r.stdout);
    const ok = lint('--host-snapshot', path.join(HOSTS, 'sriov-iommu'), path.join(RULES, 'ok-iommu-group-whole.xml'));
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  test('the same file: an error against one host, clean against another that has what it needs', () => {
    const file = path.join(tmp, 'arm.xml');
    fs.writeFileSync(file, fs.readFileSync(path.join(RULES, 'arch-unsupported.xml'), 'utf8').replace(/<!--.*-->\n/g, ''));
    const here = lint('--host-snapshot', path.join(HOSTS, 'this-host-like'), file);
    assert.equal(here.code, 1);
    assert.match(
      here.stdout,
      /error host-arch-unsupported: The host qemu:\/\/\/system \(snapshot this-host-like\) has no emulator for arch 'aarch64'/
    );
    const arm = lint('--host-snapshot', path.join(HOSTS, 'aarch64-kvm'), file);
    assert.equal(arm.code, 0, arm.stdout);
    const none = lint(file);
    assert.equal(none.code, 0, 'no host: host checks are skipped, not guessed');
  });

  test('a snapshot folder that is not there is a problem (exit 2), the files are still checked', () => {
    const r = lint('--host-snapshot', path.join(tmp, 'none'), path.join(RULES, 'arch-unsupported.xml'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such folder; files checked without a host/);
    assert.match(r.stdout, /1 file checked/);
  });

  test('usage: --host-snapshot with --connect, and without files', () => {
    assert.equal(lint('--host-snapshot', tmp, '--connect', 'test:///default', 'x.xml').code, 2);
    assert.equal(lint('--host-snapshot', tmp).code, 2);
    assert.equal(lint('snapshot-host', tmp).code, 2);
  });

  test('the prefetch hint reads arch, virt type and machine from the start tags', () => {
    assert.deepEqual(domcapsKeyOfText("<domain type='qemu'><os><type arch='aarch64' machine='virt'>hvm</type></os></domain>", undefined), {
      arch: 'aarch64',
      virtType: 'qemu',
      machine: 'virt',
    });
    assert.deepEqual(domcapsKeyOfText('<disk/>', 'q35'), { arch: 'x86_64', virtType: 'kvm', machine: 'q35' });
    assert.deepEqual(domcapsKeyOfText('<!-- <domain type=\'xen\'> --><domain type="kvm"><os><type>hvm</type></os></domain>', undefined), {
      arch: 'x86_64',
      virtType: 'kvm',
    });
  });
});

describe('libvirt-lint snapshot-host (qemu:///system)', { skip: ensureQemuDaemon() }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-cli-snap-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('writes a snapshot of this host that --host-snapshot reads; a non-empty folder is refused', async () => {
    const dir = path.join(tmp, 'here');
    const r = lint('snapshot-host', '--connect', 'qemu:///system', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*: libvirt \d+\.\d+\.\d+, QEMU .* domcapabilities, \d+ node devices/);
    const h = await loadSnapshot(dir);
    assert.equal(h.source.kind === 'snapshot' && h.source.uri, 'qemu:///system');
    assert.ok(h.domcaps.some((d) => d.isDefault && d.arch === 'x86_64' && d.domainType === 'kvm'));
    assert.ok(h.domcaps.some((d) => d.machine?.startsWith('pc-q35-')));
    assert.ok(h.pci.length > 0);
    const again = lint('snapshot-host', '--connect', 'qemu:///system', dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not empty/);
    const checked = lint('--host-snapshot', dir, path.join(RULES, 'machine-unsupported.xml'));
    assert.match(checked.stdout, /host-machine-unsupported/);
  });

  test('a host that cannot be reached: exit 2 with virsh’s reason', () => {
    const r = lint('snapshot-host', '--connect', `test://${tmp}/none.xml`, path.join(tmp, 'never'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /snapshot of test:\/\/.*none\.xml/);
  });
});

/**
 * Host checks against the real host: `libvirt-lint --connect qemu:///system FILE` on a domain for
 * an arch this host lacks, one for a machine type its QEMU lacks, and one with a <hostdev> for a
 * PCI device that is not there; each must be an error at the attribute, and libvirt itself must
 * refuse the same file (define for the first two, start for the hostdev), so the error is libvirt's
 * verdict and not ours. The hostdev address (0000:0a:00.0) is on no bus of this host: starting it
 * can never take one of the host's own devices. Domains are named lxtest-hoste-* and undefined in
 * any case. This host has no IOMMU groups (/sys/kernel/iommu_groups is empty), so the split-group
 * case is tested only with the sriov-iommu snapshot (test/fixtures/rules/host).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { ATTACH_CASES, ATTACH_DOMAIN } from '../support/attach-cases';
import { FIXTURES, REPO } from '../support/paths';
import { detectDriver } from './oracle';

const CI = process.env.CI === 'true';
const CLI = path.join(REPO, 'dist', 'cli.js');
const URI = 'qemu:///system';
const PREFIX = `${process.env.LX_DOMAIN_PREFIX || 'lxtest-hoste'}-${process.pid}`;

function virsh(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('virsh', ['-q', '-c', URI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

function domain(name: string, o: { arch?: string; machine?: string; devices?: string }): string {
  return `<domain type='kvm'>
  <name>${PREFIX}-${name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='${o.arch ?? 'x86_64'}' machine='${o.machine ?? 'pc'}'>hvm</type>
  </os>
  <devices>
${o.devices ?? ''}
  </devices>
</domain>
`;
}

const CASES = [
  {
    name: 'arch',
    xml: domain('arch', { arch: 'aarch64', machine: 'virt' }),
    code: 'host-arch-unsupported',
    at: "'aarch64'",
    libvirt: 'define',
  },
  {
    name: 'machine',
    xml: domain('machine', { machine: 'pc-q35-99.0' }),
    code: 'host-machine-unsupported',
    at: "'pc-q35-99.0'",
    libvirt: 'define',
  },
  {
    name: 'hostdev',
    xml: domain('hostdev', {
      devices: `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/>
      </source>
    </hostdev>`,
    }),
    code: 'host-device-missing',
    at: "domain='0x0000' bus='0x0a' slot='0x00' function='0x0'",
    libvirt: 'start',
  },
] as const;

describe('host checks against qemu:///system', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-hoste-'));
  after(() => {
    for (const c of CASES) {
      virsh('destroy', `${PREFIX}-${c.name}`);
      virsh('undefine', `${PREFIX}-${c.name}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const c of CASES) {
    test(`${c.name}: an error at the attribute, and libvirt refuses it at ${c.libvirt}`, async (t) => {
      if ((await detectDriver()) !== 'qemu') {
        assert.ok(!CI, 'CI=true: qemu:///system does not answer');
        t.skip('needs qemu:///system');
        return;
      }
      const file = path.join(tmp, `${c.name}.xml`);
      fs.writeFileSync(file, c.xml);
      const r = spawnSync(process.execPath, [CLI, '--format', 'json', '--connect', URI, file], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 1, r.stderr);
      const out = JSON.parse(r.stdout) as {
        diagnostics: {
          code: string;
          severity: string;
          range: { start: { line: number; character: number }; end: { line: number; character: number } };
        }[];
      }[];
      const f = out[0]!.diagnostics.find((d) => d.code === c.code);
      assert.ok(f, `${c.code} in ${JSON.stringify(out[0]!.diagnostics.map((d) => d.code))}`);
      assert.equal(f.severity, 'error');
      const line = c.xml.split('\n')[f.range.start.line]!;
      assert.equal(line.slice(f.range.start.character, f.range.end.character), c.at);

      // libvirt's own verdict on the same file.
      const def = virsh('define', file);
      try {
        if (c.libvirt === 'define') {
          assert.ok(!def.ok, `libvirt defined it: ${def.out}`);
        } else {
          assert.ok(def.ok, def.out);
          const start = virsh('start', `${PREFIX}-${c.name}`);
          assert.ok(!start.ok, 'libvirt started a guest with a PCI device this host does not have');
          assert.ok(
            virsh('version').ok,
            'libvirtd died after the start was refused: not a verdict (scripts/setup/libvirt-daemon.sh start)'
          );
        }
      } finally {
        virsh('destroy', `${PREFIX}-${c.name}`);
        virsh('undefine', `${PREFIX}-${c.name}`);
      }
    });
  }
});

/**
 * --attach-to against the real host: the q35 domain of the q35-guest snapshot is defined here
 * (as lxtest-hoste-*-attach), each fragment of test/fixtures/attach is attached to it with
 * `virsh attach-device --config` and libvirt's verdict compared with the case's; then
 * `libvirt-lint --connect qemu:///system --attach-to` must report the case's codes. The domain
 * is redefined from its first XML after each fragment, and undefined in any case.
 */
describe('attach-device fragments against a domain on qemu:///system', () => {
  const name = `${PREFIX}-attach`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-hoste-attach-'));
  const base = path.join(tmp, 'domain.xml');
  const xml = fs
    .readFileSync(path.join(FIXTURES, 'hosts', 'q35-guest', 'domains', `${ATTACH_DOMAIN}.xml`), 'utf8')
    .replace(`<name>${ATTACH_DOMAIN}</name>`, `<name>${name}</name>`)
    .replace(/<uuid>.*<\/uuid>/, `<uuid>${randomUUID()}</uuid>`);
  fs.writeFileSync(base, xml);
  after(() => {
    virsh('destroy', name);
    virsh('undefine', name);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const c of ATTACH_CASES) {
    test(`${c.file}: libvirt ${c.refused ? `refuses it at ${c.refused.at}` : 'attaches it'}, libvirt-lint says ${c.codes.join(', ') || 'nothing'}`, async (t) => {
      if ((await detectDriver()) !== 'qemu') {
        assert.ok(!CI, 'CI=true: qemu:///system does not answer');
        t.skip('needs qemu:///system');
        return;
      }
      const file = path.join(FIXTURES, 'attach', c.file);
      const def = virsh('define', base);
      assert.ok(def.ok, def.out);
      try {
        const attached = virsh('attach-device', name, file, '--config');
        if (c.refused?.at === 'attach') {
          assert.ok(!attached.ok, `libvirt attached it: ${attached.out}`);
          assert.match(attached.out, c.refused.message);
        } else {
          assert.ok(attached.ok, attached.out);
        }
        if (c.refused?.at === 'start') {
          const start = virsh('start', name);
          assert.ok(!start.ok, 'libvirt started the guest');
          assert.match(start.out, c.refused.message);
        }
      } finally {
        virsh('destroy', name);
        virsh('define', base);
      }
      // The domain is as it was: libvirt-lint reads it and judges the fragment inside it.
      const r = spawnSync(process.execPath, [CLI, '--format', 'json', '--connect', URI, '--attach-to', name, file], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      const out = JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; message: string }[] }[];
      const found = out[0]!.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(found.map((d) => d.code).sort(), [...c.codes].sort(), r.stderr);
      for (const d of found) {
        assert.match(d.message, new RegExp(`attached to domain '${name}' of the host qemu:///system`));
      }
    });
  }
});

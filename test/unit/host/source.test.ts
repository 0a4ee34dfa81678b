/**
 * host/source.ts: snapshot folders (the fixtures, a missing folder, a partial one), and the live
 * host through real virsh on qemu:///system: read, written as a snapshot and read back the same,
 * domcapabilities added on demand, a host that cannot be reached and one that does not answer in
 * time as error values.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  HostSource,
  type HostResult,
  type HostSourceOptions,
  type LiveHostOptions,
  loadSnapshot,
  readLiveHost,
  writeSnapshot,
} from '../../../server/src/host/source';
import { VirshError } from '../../../server/src/host/virsh';
import { FIXTURES } from '../../support/paths';
import { ensureQemuDaemon, NO_VIRSH } from '../virsh/support';

const HOSTS = path.join(FIXTURES, 'hosts');

describe('host/source.ts: snapshot folders', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-host-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the sriov-iommu fixture: versions, devices, domains with their XML', async () => {
    const h = await loadSnapshot(path.join(HOSTS, 'sriov-iommu'));
    assert.equal(h.label, `snapshot ${path.join(HOSTS, 'sriov-iommu')} (of qemu+ssh://sriov-node.example/system)`);
    assert.equal(h.libvirtVersion, '10.0.0');
    assert.deepEqual(h.hypervisor, { name: 'QEMU', version: '8.2.2' });
    assert.equal(h.pci.length, 9);
    assert.equal(h.usb.length, 1);
    assert.equal(h.net.length, 4);
    assert.deepEqual(
      h.domains?.map((d) => [d.name, d.state, d.xml?.includes('<hostdev') ?? false]),
      [
        ['db1', 'running', true],
        ['gpu-vm', 'shut off', true],
      ]
    );
    assert.deepEqual(
      h.domcaps.map((d) => [d.machine, d.isDefault === true]),
      [
        ['pc-q35-8.2', false],
        ['pc-i440fx-8.2', true],
      ]
    );
  });

  test('aarch64-kvm: the arch default is the virt machine', async () => {
    const h = await loadSnapshot(path.join(HOSTS, 'aarch64-kvm'));
    assert.equal(h.capabilities?.arch, 'aarch64');
    assert.equal(h.domcaps[0]?.machine, 'virt-7.2');
    assert.equal(h.domcaps[0]?.isDefault, true);
  });

  test('a missing folder and an empty one are errors that say so; a partial one is fine', async () => {
    await assert.rejects(loadSnapshot(path.join(tmp, 'none')), /no such folder/);
    fs.mkdirSync(path.join(tmp, 'empty'));
    await assert.rejects(loadSnapshot(path.join(tmp, 'empty')), /none of capabilities\.xml/);
    fs.mkdirSync(path.join(tmp, 'partial', 'nodedev'), { recursive: true });
    fs.copyFileSync(path.join(HOSTS, 'sriov-iommu', 'nodedev', 'usb_1_3.xml'), path.join(tmp, 'partial', 'nodedev', 'usb_1_3.xml'));
    const h = await loadSnapshot(path.join(tmp, 'partial'));
    assert.equal(h.capabilities, undefined);
    assert.equal(h.domains, undefined, 'domains not read is not the same as none defined');
    assert.equal(h.usb.length, 1);
  });

  test('HostSource over a snapshot caches; a bad folder is an error value', async () => {
    const s = new HostSource({ snapshot: path.join(HOSTS, 'aarch64-kvm') });
    assert.equal(s.current(), undefined);
    const a = await s.get();
    const b = await s.ensureDomcaps([{ arch: 'aarch64', virtType: 'kvm', machine: 'virt-6.2' }]);
    assert.ok(a.ok && b.ok && a.profile === b.profile && s.current() === a.profile);
    const bad = await new HostSource({ snapshot: path.join(tmp, 'none') }).get();
    assert.ok(!bad.ok && /no such folder/.test(bad.error));
  });
});

describe('host/source.ts: a live host (qemu:///system)', { skip: NO_VIRSH || ensureQemuDaemon() }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-host-live-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const uri = 'qemu:///system';

  test('reads this host, writes a snapshot, and the snapshot reads back the same', async () => {
    const opts: LiveHostOptions = { domcaps: [{ arch: 'x86_64', virtType: 'kvm' }] };
    const live = await readLiveHost(uri, opts);
    assert.equal(live.capabilities?.arch, 'x86_64');
    assert.ok(live.libvirtVersion && live.hypervisor?.name === 'QEMU');
    assert.ok(
      live.pci.some((d) => d.driver === 'virtio-pci'),
      'this host’s own virtio devices'
    );
    assert.ok(live.domains !== undefined);
    assert.equal(live.domcaps[0]?.isDefault, true);
    await writeSnapshot(live, path.join(tmp, 'snap'));
    const back = await loadSnapshot(path.join(tmp, 'snap'));
    const strip = (p: typeof live): unknown => ({ ...p, label: '', source: '', raw: undefined });
    assert.deepEqual(strip(back), strip(live));
    assert.equal(back.source.kind === 'snapshot' && back.source.uri, uri);
  });

  test('ensureDomcaps reads what is missing once; a machine the host lacks is asked once', async () => {
    const opts: HostSourceOptions = { timeoutMs: 20_000 };
    const s = new HostSource({ uri }, opts);
    const first: HostResult = await s.ensureDomcaps([
      { arch: 'x86_64', virtType: 'kvm', machine: 'q35' },
      { arch: 'x86_64', virtType: 'kvm', machine: 'pc-q35-7.2' },
      { arch: 'x86_64', virtType: 'kvm', machine: 'no-such-machine' },
    ]);
    assert.ok(first.ok);
    assert.deepEqual(
      first.profile.domcaps.map((d) => d.machine),
      ['pc-q35-7.2']
    );
    const again = await s.ensureDomcaps([{ arch: 'x86_64', virtType: 'kvm', machine: 'no-such-machine' }]);
    assert.ok(again.ok && again.profile === first.profile, 'nothing read again');
  });

  test('a host that cannot be reached, and one that does not answer in time, are clear errors', async () => {
    const r = await new HostSource({ uri: 'test:///no/such/file.xml' }).get();
    assert.ok(!r.ok && /file\.xml/.test(r.error), !r.ok ? r.error : '');
    const t0 = Date.now();
    await assert.rejects(
      readLiveHost(uri, { timeoutMs: 1 }),
      (e: unknown) => e instanceof VirshError && /gave no answer within/.test(e.message)
    );
    assert.ok(Date.now() - t0 < 5000);
  });
});

/**
 * client/src/domains.ts against the REAL virsh on test:///default (its domain "test" is running)
 * and, when the daemon answers, a throwaway lxtest-live-* domain on qemu:///system.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { defineFromText, domainUuid, inactiveXml, listDomainStates, sameDefinition, undefineDomain } from '../../../client/src/domains';
import type { VirshOptions } from '../../../client/src/virsh';
import { ensureQemuDaemon, lockedVirshPath, NO_VIRSH } from './support';

const TEST: VirshOptions = { uri: 'test:///default', timeoutMs: 30_000 };

describe('live domains through virsh', () => {
  test('test:///default: list with state, inactive XML, UUID', { skip: NO_VIRSH }, async () => {
    const list = await listDomainStates(TEST);
    assert.deepEqual(list, [{ name: 'test', state: 'running', id: 1 }]);
    const xml = await inactiveXml('test', TEST);
    assert.match(xml, /^<domain type='test'>/);
    assert.doesNotMatch(xml.split('\n')[0]!, /id=/, 'inactive: no live id');
    assert.match(await domainUuid('test', TEST), /^[0-9a-f-]{36}$/);
    assert.ok(sameDefinition(xml, `${xml.replace(/\n/g, '  \r\n')}\n`));
    assert.ok(!sameDefinition(xml, xml.replace('<vcpu', '<vcpu ')));
  });

  const skipQemu = ensureQemuDaemon();
  test('qemu:///system: define from text, list, undefine', { skip: skipQemu }, async () => {
    const name = `lxtest-live-domains-${process.pid}`;
    // The time includes waiting for the lock, which other suites may hold for minutes.
    const q: VirshOptions = { uri: 'qemu:///system', timeoutMs: 600_000, virshPath: lockedVirshPath() };
    const lock = (args: string[]): void => void spawnSync('flock', ['/tmp/libvirt-daemon.lock', 'virsh', '-c', 'qemu:///system', ...args]);
    try {
      const text = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>`;
      assert.equal(await defineFromText(text, q), name);
      assert.ok((await listDomainStates(q)).some((d) => d.name === name && d.state === 'shut off' && d.id === undefined));
      await undefineDomain(name, q);
      assert.ok(!(await listDomainStates(q)).some((d) => d.name === name));
    } finally {
      lock(['undefine', name]);
    }
  });
});

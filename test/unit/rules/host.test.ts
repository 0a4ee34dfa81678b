/**
 * rules/host.ts beyond the fixtures (test/fixtures/rules/host, one host each): the same files are
 * clean against a host that has what they need, nothing is said without a host or where the
 * profile lacks the part a check needs, and fragments are judged by the host's default machine.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import type { HostProfile } from '../../../server/src/host/profile';
import { fixtureHost } from '../../support/check';
import { FIXTURES } from '../../support/paths';

const RULES = path.join(FIXTURES, 'rules', 'host');
const hostCodes = (text: string, host: HostProfile | undefined): string[] =>
  analyze(text, { flavor: 'upstream', ...(host ? { host } : {}) })
    .findings.filter((f) => f.code.startsWith('host-'))
    .map((f) => f.code);
const fixture = (name: string): string => fs.readFileSync(path.join(RULES, name), 'utf8');

describe('rules/host.ts', () => {
  test('files refused by this host are clean against a host that has what they need', () => {
    // aarch64 guest: the aarch64 host runs it (virt there is virt-7.2).
    assert.deepEqual(hostCodes(fixture('arch-unsupported.xml'), fixtureHost('aarch64-kvm')), []);
    // pc-q35-9.1 is not on QEMU 8.2 either, but pc-q35-8.2 is.
    const q35 = fixture('machine-unsupported.xml').replaceAll('pc-q35-9.1', 'pc-q35-8.2');
    assert.deepEqual(hostCodes(q35, fixtureHost('this-host-like')), ['host-machine-unsupported']);
    assert.deepEqual(hostCodes(q35, fixtureHost('sriov-iommu')), []);
    // 300 vCPUs: too many for pc here, fine for q35 on QEMU 8.2 (1024).
    const vcpus = fixture('vcpu-above-max.xml').replace("machine='pc-i440fx-7.2'", "machine='q35'");
    assert.deepEqual(hostCodes(vcpus, fixtureHost('this-host-like')), ['host-vcpu-above-max']);
    assert.deepEqual(hostCodes(vcpus, fixtureHost('sriov-iommu')), []);
    // 64 GiB: more than this host's 23.5 GiB, less than the 64 GiB host... exactly as much is fine.
    assert.deepEqual(hostCodes(fixture('memory-above-host.xml'), fixtureHost('sriov-iommu')), []);
    // The USB receiver and a VF that exist on the SR-IOV host (IOMMU there, devices present).
    const devs = fixture('hostdev-missing.xml')
      .replace("bus='0x0a' slot='0x00' function='0x0'", "bus='0x03' slot='0x10' function='0x2'")
      .replace(/<interface type='hostdev'[\s\S]*?<\/interface>/, '');
    assert.deepEqual(hostCodes(devs, fixtureHost('this-host-like')), [
      'host-pci-passthrough-unsupported',
      'host-device-missing',
      'host-device-missing',
    ]);
    assert.deepEqual(hostCodes(devs, fixtureHost('sriov-iommu')), []);
  });

  test('without a host nothing is said', () => {
    for (const f of fs.readdirSync(RULES)) {
      assert.deepEqual(hostCodes(fixture(f), undefined), [], f);
    }
  });

  test('a profile without the part a check needs skips that check', () => {
    const full = fixtureHost('this-host-like');
    const bare: HostProfile = {
      ...full,
      capabilities: undefined,
      domcaps: [],
      pci: [],
      usb: [],
      net: [],
      raw: { domcaps: {}, nodedev: {} },
    };
    for (const f of [
      'arch-unsupported.xml',
      'machine-unsupported.xml',
      'vcpu-above-max.xml',
      'device-unsupported.xml',
      'hostdev-missing.xml',
    ]) {
      assert.deepEqual(hostCodes(fixture(f), bare), [], f);
    }
    // Node devices read, capabilities not: a PCI device that is not there is still reported, the IOMMU is not judged.
    const devicesOnly: HostProfile = { ...full, capabilities: undefined };
    assert.deepEqual(hostCodes(fixture('hostdev-missing.xml'), devicesOnly), [
      'host-device-missing',
      'host-device-missing',
      'host-device-missing',
    ]);
  });

  test('hosts of other drivers are not judged (the test driver takes any arch and virt type)', () => {
    const full = fixtureHost('this-host-like');
    const testDriver: HostProfile = { ...full, hypervisor: { name: 'TEST', version: '0.0.2' } };
    assert.deepEqual(hostCodes(fixture('arch-unsupported.xml'), testDriver), []);
    const onlyTest: HostProfile = {
      ...full,
      hypervisor: undefined,
      capabilities: {
        ...full.capabilities!,
        guests: full.capabilities!.guests.map((g) => ({ ...g, domains: [{ type: 'test', machines: [] }] })),
      },
    };
    assert.deepEqual(hostCodes(fixture('virt-type-unsupported.xml'), onlyTest), []);
  });

  test('a domain that writes no arch gets one the host offers: no arch finding', () => {
    const noArch = fixture('arch-unsupported.xml').replace(/ arch='aarch64' machine='virt'/, '');
    assert.deepEqual(hostCodes(noArch, fixtureHost('aarch64-kvm')), []);
    assert.deepEqual(hostCodes(noArch, fixtureHost('this-host-like')), []);
  });

  test('an attach-device fragment is judged by the default machine of the host', () => {
    const frag = "<video>\n  <model type='vbox'/>\n</video>\n";
    assert.deepEqual(hostCodes(frag, fixtureHost('this-host-like')), ['host-device-unsupported']);
    assert.deepEqual(hostCodes("<video>\n  <model type='qxl'/>\n</video>\n", fixtureHost('this-host-like')), []);
    assert.deepEqual(hostCodes("<video>\n  <model type='qxl'/>\n</video>\n", fixtureHost('aarch64-kvm')), []);
  });

  test('messages name the host and what it offers', () => {
    const f = analyze(fixture('machine-unsupported.xml'), { host: fixtureHost('this-host-like') }).findings.find(
      (x) => x.code === 'host-machine-unsupported'
    )!;
    assert.match(
      f.message,
      /^No machine type 'pc-q35-9\.1' for x86_64 on the host qemu:\/\/\/system \(snapshot this-host-like\): this host's QEMU 7\.2\.22 offers pc-q35-7\.2 at most/
    );
  });
});

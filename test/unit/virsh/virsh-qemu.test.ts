/**
 * The virsh module against a REAL libvirt daemon with the QEMU driver (qemu:///system): define,
 * attach --config, detach --config on a throwaway domain, and the QEMU driver's address errors
 * (which the test driver never reports) mapped to the places they name.
 * libvirtd is started with scripts/setup/libvirt-daemon.sh when we are root and it is not running.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateLibvirtError } from '../../../client/src/libvirt-errors';
import { attachDevice, defineDomain, detachDevice, listDomains, virsh, VirshError, type VirshOptions } from '../../../client/src/virsh';
import { ensureQemuDaemon, marked, writeTemp } from './support';

const QEMU: VirshOptions = { uri: 'qemu:///system', timeoutMs: 60_000 };
const NAME = `libvirt-xml-unit-${process.pid}`;

const DOMAIN = `<domain type='qemu'>
  <name>${NAME}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' index='0' model='piix3-uhci'/>
  </devices>
</domain>
`;

const skip = ensureQemuDaemon();
let dir: string;

async function rejection(p: Promise<unknown>): Promise<VirshError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VirshError, `expected a VirshError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

function dumpxml(): string {
  return spawnSync('virsh', ['-c', QEMU.uri, 'dumpxml', '--inactive', NAME], { encoding: 'utf8' }).stdout;
}

describe('virsh on qemu:///system (real libvirtd)', { skip }, () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virsh-qemu-test-'));
    const d = await defineDomain(writeTemp(dir, 'domain.xml', DOMAIN), QEMU);
    assert.equal(d.name, NAME);
  });
  after(() => {
    spawnSync('virsh', ['-c', QEMU.uri, 'undefine', NAME], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the defined domain is in the quick pick list', async () => {
    assert.ok((await listDomains(QEMU)).includes(NAME));
  });

  test('attach --config, then detach --config, with libvirt keeping the change in between', async () => {
    const disk = writeTemp(
      dir,
      'disk.xml',
      "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/unit.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n"
    );
    await attachDevice(NAME, disk, 'config', QEMU);
    assert.match(dumpxml(), /<target dev='vdb' bus='virtio'\/>/);
    await detachDevice(NAME, disk, 'config', QEMU);
    assert.doesNotMatch(dumpxml(), /dev='vdb'/);
  });

  test('attaching the same target twice: the error points at the target', async () => {
    const { text, spans } = marked(
      "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/unit2.img'/>\n  <target dev='«vdc»' bus='virtio'/>\n</disk>\n"
    );
    const file = writeTemp(dir, 'disk2.xml', text);
    await attachDevice(NAME, file, 'persistent', QEMU); // shut off: --persistent changes the config
    try {
      const e = await rejection(attachDevice(NAME, file, 'config', QEMU));
      assert.equal(e.kind, 'libvirt');
      assert.match(e.message, /target vdc already exists/);
      assert.deepEqual(
        locateLibvirtError(e.libvirt[0]!, text).map((s) => text.slice(s.start, s.end)),
        spans.map((s) => s.text)
      );
    } finally {
      await detachDevice(NAME, file, 'config', QEMU);
    }
  });

  test('detaching a device the domain does not have: the error points at it', async () => {
    const { text, spans } = marked(
      "<disk type='file' device='disk'>\n  <source file='/x.img'/>\n  <target dev='«vdz»' bus='virtio'/>\n</disk>\n"
    );
    const e = await rejection(detachDevice(NAME, writeTemp(dir, 'disk3.xml', text), 'config', QEMU));
    assert.match(e.message, /no target device vdz/);
    assert.deepEqual(
      locateLibvirtError(e.libvirt[0]!, text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('--live on a guest that is shut off is refused plainly', async () => {
    const e = await rejection(
      attachDevice(
        NAME,
        writeTemp(dir, 'disk4.xml', "<disk type='file' device='disk'><source file='/x.img'/><target dev='vdd' bus='virtio'/></disk>"),
        'live',
        QEMU
      )
    );
    assert.equal(e.kind, 'libvirt');
    assert.match(e.message, /domain is not running/);
  });

  test('a PCI address already in use (00:01.0 is the PIIX3 on i440fx): the error points at the address', async () => {
    const { text, spans } = marked(
      "<interface type='network'>\n  <source network='default'/>\n  «<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>»\n</interface>\n"
    );
    const e = await rejection(attachDevice(NAME, writeTemp(dir, 'nic.xml', text), 'config', QEMU));
    assert.match(e.message, /Attempted double use of PCI Address 0000:00:01.0/);
    assert.deepEqual(
      locateLibvirtError(e.libvirt[0]!, text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('a USB port the controller does not have: the error points at the port', async () => {
    const { text, spans } = marked("<input type='tablet' bus='usb'>\n  <address type='usb' bus='0' port='«3»'/>\n</input>\n");
    const e = await rejection(attachDevice(NAME, writeTemp(dir, 'usb.xml', text), 'config', QEMU));
    assert.match(e.message, /requested USB port 3 not present on USB bus 0/);
    assert.deepEqual(
      locateLibvirtError(e.libvirt[0]!, text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('define: a slot a PCIe root port does not have (only the QEMU driver checks it)', async () => {
    const { text, spans } = marked(`<domain type='qemu'>
  <name>${NAME}-q35</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <interface type='network'>
      <source network='default'/>
      «<address type='pci' domain='0x0000' bus='0x01' slot='0x01' function='0x0'/>»
    </interface>
  </devices>
</domain>
`);
    const e = await rejection(defineDomain(writeTemp(dir, 'q35.xml', text), QEMU));
    assert.match(e.message, /Invalid PCI address 0000:01:01.0. slot must be <= 0/);
    assert.deepEqual(
      locateLibvirtError(e.libvirt[0]!, text).map((s) => text.slice(s.start, s.end)),
      spans.map((s) => s.text)
    );
  });

  test('virsh version answers on the connection', async () => {
    const r = await virsh(['version'], QEMU);
    assert.match(r.stdout, /QEMU/);
  });
});

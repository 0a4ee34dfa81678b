/**
 * The virsh module against the REAL virsh on libvirt's test driver (test:///default): define,
 * attach/detach on the driver's domain "test", libvirt's own error messages mapped to the places
 * they name, and the failures a user meets (no virsh, no connection, no domain).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateLibvirtError } from '../../../client/src/libvirt-errors';
import {
  attachDevice,
  defineDomain,
  detachDevice,
  listDomains,
  run,
  validateWithLibvirt,
  virsh,
  VirshError,
  type VirshOptions,
} from '../../../client/src/virsh';
import { domainXml, hasCommand, marked, NO_VIRSH, writeTemp } from './support';

const TEST: VirshOptions = { uri: 'test:///default', timeoutMs: 30_000 };

async function rejection(p: Promise<unknown>): Promise<VirshError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VirshError, `expected a VirshError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virsh-test-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('virsh on test:///default', { skip: NO_VIRSH }, () => {
  test('lists the driver\'s domain "test"', async () => {
    assert.deepEqual(await listDomains(TEST), ['test']);
  });

  test('defines a valid domain and reports its name', async () => {
    const file = writeTemp(
      dir,
      'ok.xml',
      domainXml('unit-ok', "    <disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='vda' bus='virtio'/></disk>")
    );
    const r = await defineDomain(file, TEST);
    assert.equal(r.name, 'unit-ok');
    assert.match(r.result.stdout, /Domain 'unit-ok' defined/);
    assert.deepEqual(r.result.args.slice(0, 3), ['-c', 'test:///default', 'define']);
  });

  test('define --validate also runs the schema', async () => {
    const file = writeTemp(dir, 'ok2.xml', domainXml('unit-ok2', ''));
    assert.equal((await defineDomain(file, { ...TEST, validate: true })).name, 'unit-ok2');
    const bad = writeTemp(
      dir,
      'bad-schema.xml',
      domainXml(
        'unit-bad',
        "    <disk type='file' device='disk'><driver name='qemu' retry_interval='10'/><source file='/a'/><target dev='vda'/></disk>"
      )
    );
    const e = await rejection(defineDomain(bad, { ...TEST, validate: true }));
    assert.equal(e.kind, 'libvirt');
    assert.match(e.message, /failed to validate against schema/);
  });

  test("the test driver's attach-device: works, or says plainly that this driver cannot", async () => {
    const disk = writeTemp(
      dir,
      'disk.xml',
      "<disk type='file' device='disk'>\n  <source file='/tmp/x.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n"
    );
    try {
      await attachDevice('test', disk, 'config', TEST);
      await detachDevice('test', disk, 'config', TEST); // a fresh driver state: attach lasted one call
      assert.fail('unreachable: detach of a device that this call never attached');
    } catch (e) {
      assert.ok(e instanceof VirshError);
      if (e.kind === 'unsupported') {
        // libvirt < 10: "this function is not supported by the connection driver: virDomainAttachDeviceFlags"
        assert.match(e.message, /not supported by the connection driver/);
        assert.match(e.hint, /test driver/);
      } else {
        assert.equal(e.kind, 'libvirt', e.message);
        assert.match(e.message, /vdb/);
      }
    }
  });

  test('an unknown domain is a clear "no-domain" failure', async () => {
    const disk = writeTemp(
      dir,
      'disk2.xml',
      "<disk type='file' device='disk'><source file='/tmp/x.img'/><target dev='vdc' bus='virtio'/></disk>"
    );
    const e = await rejection(attachDevice('no-such-domain', disk, 'config', TEST));
    assert.equal(e.kind, 'no-domain');
    assert.match(e.message, /no domain named 'no-such-domain' on test:\/\/\/default/);
  });

  test('arguments are never given to a shell', async () => {
    const marker = path.join(dir, 'shell-ran');
    const file = `${dir}/x.xml; touch ${marker} $(touch ${marker})`;
    const e = await rejection(defineDomain(file, TEST));
    assert.equal(e.kind, 'file');
    assert.ok(!fs.existsSync(marker), 'a shell interpreted the file name');
    assert.equal(e.result?.args.at(-1), file);
  });
});

/**
 * Broken domains libvirt's test driver rejects; «» marks where the message must point. Each
 * message is produced by the real virsh at test time, so a libvirt whose wording changes is
 * noticed here.
 */
const CASES: { name: string; xml: string; message: RegExp }[] = [
  {
    name: 'duplicate PCI controller index',
    xml: domainXml(
      'c1',
      "    <controller type='pci' index='0' model='pci-root'/>\n    <controller type='pci' index='«1»' model='pci-bridge'/>\n    <controller type='pci' index='«1»' model='pci-bridge'/>"
    ),
    message: /Multiple 'pci' controllers with index '1'/,
  },
  {
    name: 'PCI function above 7',
    xml: domainXml(
      'p3',
      "    <interface type='network'><source network='default'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='«0x8»'/></interface>"
    ),
    message: /Invalid PCI address function=0x8, must be <= 7/,
  },
  {
    name: 'PCI slot above 0x1f',
    xml: domainXml(
      'p2',
      "    <interface type='network'><source network='default'/><address type='pci' domain='0x0000' bus='0x00' slot='«0x20»' function='0x0'/></interface>"
    ),
    message: /Invalid PCI address slot='0x20', must be <= 0x1F/,
  },
  {
    name: 'duplicate disk target',
    xml: domainXml(
      'd1',
      "    <disk type='file' device='disk'><source file='/a.img'/><target dev='«vda»' bus='virtio'/></disk>\n    <disk type='file' device='disk'><source file='/b.img'/><target dev='«vda»' bus='virtio'/></disk>"
    ),
    message: /target 'vda' duplicated for disk sources/,
  },
  {
    name: 'unknown disk name',
    xml: domainXml('d2', "    <disk type='file' device='disk'><source file='/a.img'/><target dev='«xyz»' bus='virtio'/></disk>"),
    message: /Unknown disk name 'xyz' and no address specified/,
  },
  {
    name: "error_policy='retry' (openEuler only)",
    xml: domainXml(
      'd3',
      "    <disk type='file' device='disk'><driver name='qemu' error_policy='«retry»'/><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>"
    ),
    message: /Invalid value for attribute 'error_policy' in element 'driver': 'retry'/,
  },
  {
    name: 'duplicate boot order',
    xml: domainXml(
      'b1',
      "    <disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><boot order='«1»'/></disk>\n    <disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/><boot order='«1»'/></disk>"
    ),
    message: /boot order '1' used for more than one device/,
  },
  {
    name: 'multicast MAC address',
    xml: domainXml('m1', "    <interface type='network'><mac address='«01:54:00:12:34:56»'/><source network='default'/></interface>"),
    message: /expected unicast mac address, found multicast '01:54:00:12:34:56'/,
  },
  {
    name: 'unparsable MAC address',
    xml: domainXml('m2', "    <interface type='network'><mac address='«52:54:00:12:34»'/><source network='default'/></interface>"),
    message: /unable to parse mac address '52:54:00:12:34'/,
  },
  {
    name: 'hostdev without <source>',
    xml: domainXml('h1', "    <«hostdev» mode='subsystem' type='pci' managed='yes'/>"),
    message: /Missing <source> element in hostdev device/,
  },
  {
    name: 'USB port that is not a port path',
    xml: domainXml('u1', "    <input type='tablet' bus='usb'><address type='usb' bus='0' port='«0x2»'/></input>"),
    message: /Cannot parse <address> 'port' attribute/,
  },
  {
    name: 'not well-formed XML (libxml2 gives a line)',
    xml: "<domain type='kvm'>\n  <name>x</name>\n  «<memory unit='MiB'>256</memry>»\n</domain>\n",
    message: /\(domain_definition\):3:/,
  },
];

describe('libvirt error messages point at the place in the file', { skip: NO_VIRSH }, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { text, spans } = marked(c.xml);
      const file = writeTemp(dir, `case-${c.name.replace(/\W+/g, '-')}.xml`, text);
      const e = await rejection(defineDomain(file, TEST));
      assert.equal(e.kind, 'libvirt', e.message);
      const m = e.libvirt.find((x) => c.message.test(x));
      assert.ok(m, `libvirt said: ${e.libvirt.join(' | ')}`);
      const found = locateLibvirtError(m, text).map((s) => ({ start: s.start, end: s.end, text: text.slice(s.start, s.end) }));
      assert.deepEqual(found, spans);
    });
  }
});

describe('failures a user meets', () => {
  test('virsh not installed: a configured path that does not exist', async () => {
    const e = await rejection(listDomains({ ...TEST, virshPath: path.join(os.tmpdir(), 'no-such-dir', 'virsh') }));
    assert.equal(e.kind, 'missing-binary');
    assert.match(e.hint, /libvirt-clients/);
    assert.match(e.hint, /libvirt\.virsh\.path/);
  });

  test('virsh not installed: a name that is not on PATH', async () => {
    const e = await rejection(listDomains({ ...TEST, virshPath: 'virsh-not-installed-here' }));
    assert.equal(e.kind, 'missing-binary');
  });

  test('virsh path names a file that is not executable', async () => {
    const f = writeTemp(dir, 'not-executable', '#!/bin/sh\n');
    fs.chmodSync(f, 0o644);
    const e = await rejection(listDomains({ ...TEST, virshPath: f }));
    assert.ok(e.kind === 'not-executable' || e.kind === 'missing-binary', e.kind);
  });

  test('a URI libvirt has no driver for', { skip: NO_VIRSH }, async () => {
    const e = await rejection(listDomains({ uri: 'bogus:///nothing' }));
    assert.equal(e.kind, 'connection');
    assert.match(e.message, /Cannot connect to bogus:\/\/\/nothing/);
    assert.match(e.hint, /libvirt\.connectionUri/);
  });

  test('a connection that fails', { skip: NO_VIRSH }, async () => {
    const e = await rejection(listDomains({ uri: 'qemu:///nosuchpath' }));
    assert.equal(e.kind, 'connection');
    assert.match(e.message, /unexpected qemu URI path/);
  });

  test('permission denied on the system daemon (as user nobody)', { skip: NO_VIRSH }, async (t) => {
    if (process.getuid?.() !== 0 || !hasCommand('setpriv')) {
      t.skip('needs root and setpriv to run virsh as another user');
      return;
    }
    // The libvirt socket refuses "nobody" whether or not the daemon runs (no socket: ENOENT).
    const wrapper = writeTemp(
      dir,
      'virsh-as-nobody',
      '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp XDG_RUNTIME_DIR=/tmp virsh "$@"\n'
    );
    fs.chmodSync(wrapper, 0o755);
    const e = await rejection(listDomains({ uri: 'qemu:///system', virshPath: wrapper }));
    if (e.kind === 'permission') {
      assert.match(e.message, /Permission denied/);
      assert.match(e.hint, /libvirt" group/);
    } else {
      assert.equal(e.kind, 'connection', e.message); // no daemon: "No such file or directory"
    }
  });

  test('cancel kills the process', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = run('sleep', ['30'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const e = await rejection(p);
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.result?.signal, 'SIGTERM');
    assert.ok(Date.now() - t0 < 5000);
  });

  test('a process that hangs is stopped after the timeout', async () => {
    const e = await rejection(run('sleep', ['30'], { timeoutMs: 200 }));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not finish within/);
  });

  test('errors from virsh itself are passed on plainly', { skip: NO_VIRSH }, async () => {
    const e = await rejection(virsh(['no-such-command'], TEST));
    assert.equal(e.kind, 'libvirt');
    assert.match(e.message, /unknown command: 'no-such-command'/);
  });
});

describe('validate with libvirt (schema + test driver)', { skip: NO_VIRSH }, () => {
  const schema = hasCommand('virt-xml-validate') && hasCommand('xmllint');

  test('a valid domain passes both steps', async () => {
    const steps = await validateWithLibvirt(domainXml('v-ok', ''), 'domain', TEST);
    assert.deepEqual(
      steps.map((s) => [s.tool, s.ok]),
      [
        ['virt-xml-validate', true],
        ['virsh define (test:///default)', true],
      ]
    );
    assert.equal(steps[0]!.missing, schema ? undefined : true);
  });

  test('a domain the schema and the parser reject: line numbers and messages', async () => {
    const xml = domainXml(
      'v-bad',
      "    <disk type='file' device='disk'>\n      <driver name='qemu' error_policy='retry'/>\n      <source file='/a.img'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>"
    );
    const steps = await validateWithLibvirt(xml, 'domain', TEST);
    const [rng, parse] = steps;
    if (schema) {
      assert.equal(rng!.ok, false);
      assert.ok(rng!.lines.length > 0, rng!.messages.join('\n'));
      assert.ok(rng!.lines.every((l) => l.line >= 1 && l.line <= xml.split('\n').length));
    }
    assert.equal(parse!.ok, false);
    assert.match(parse!.messages.join('\n'), /Invalid value for attribute 'error_policy' in element 'driver': 'retry'/);
  });

  test('a device fragment is checked inside a minimal domain, lines mapped back', async () => {
    const ok = await validateWithLibvirt(
      "<?xml version='1.0'?>\n<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n",
      'fragment',
      TEST
    );
    assert.ok(
      ok.every((s) => s.ok),
      JSON.stringify(ok.map((s) => s.messages))
    );

    const frag = "<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='vdb' bus='virtio'/>\n  <bogus/>\n</disk>\n";
    const bad = await validateWithLibvirt(frag, 'fragment', TEST);
    if (schema) {
      assert.equal(bad[0]!.ok, false);
      for (const l of bad[0]!.lines) {
        assert.ok(l.line >= 1 && l.line <= 6, `line ${l.line} is outside the fragment`);
      }
    }
    const frag2 = "<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='xyz' bus='virtio'/>\n</disk>\n";
    const bad2 = await validateWithLibvirt(frag2, 'fragment', TEST);
    const msg = bad2[1]!.messages.join('\n');
    assert.equal(bad2[1]!.ok, false);
    const spans = locateLibvirtError(bad2[1]!.messages[0]!, frag2);
    assert.ok(/xyz/.test(msg), msg);
    assert.deepEqual(
      spans.map((s) => frag2.slice(s.start, s.end)),
      ['xyz']
    );
  });
});

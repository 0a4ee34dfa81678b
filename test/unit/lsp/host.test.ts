/**
 * The editor's host (libvirt.hostAware): completion and hover from a HostProfile (the sriov-iommu
 * snapshot fixture), the same through the in-process LSP client with hostAware 'snapshot', the
 * host status the client is sent, untrusted clients and a virsh that hangs (diagnostics never
 * wait), and the live qemu:///system of this machine through real virsh.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, CompletionList, Hover, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../server/src/analysis';
import { complete, type CompletionCandidate } from '../../../server/src/features/completion';
import { hoverAt } from '../../../server/src/features/hover';
import { snippetText } from '../../../server/src/features/templates';
import type { HostProfile } from '../../../server/src/host/profile';
import { loadSnapshot } from '../../../server/src/host/source';
import { HostHolder, type HostStatus } from '../../../server/src/lsp/host';
import { DEFAULT_SETTINGS, type Settings } from '../../../server/src/lsp/settings';
import { cursor, positionAt } from '../../support/cursor';
import { startTestClient, type TestClient } from '../../support/lsp-client';
import { FIXTURES } from '../../support/paths';
import { ensureQemuDaemon, NO_VIRSH } from '../virsh/support';

const SRIOV = path.join(FIXTURES, 'hosts', 'sriov-iommu');
const VF = '0000:03:10.0 Intel Corporation 82599 Ethernet Controller Virtual Function';

function domain(devices: string, head = "<domain type='kvm'>", os = "<type arch='x86_64' machine='q35'>hvm</type>"): string {
  return `${head}\n  <name>vm</name>\n  <memory>1048576</memory>\n  <os>\n    ${os}\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

const PCI_HOSTDEV = (address: string): string =>
  `    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        ${address}\n      </source>\n    </hostdev>`;

/** The text after applying a candidate's edit. */
function apply(text: string, c: CompletionCandidate): string {
  return text.slice(0, c.span.start) + snippetText(c.insert) + text.slice(c.span.end);
}

describe('completion and hover from a host profile (sriov-iommu snapshot)', () => {
  let host: HostProfile;
  before(async () => {
    host = await loadSnapshot(SRIOV);
  });
  const at = (src: string): { items: CompletionCandidate[]; text: string } => {
    const c = cursor(src);
    return { items: complete(analyze(c.text), c.offset, { host, random: () => 0.5 }), text: c.text };
  };

  test('a hostdev source address offers the host PCI devices as whole addresses, bridges left out', () => {
    const { items, text } = at(domain(PCI_HOSTDEV("<address type='pci' domain='0x0000' bus='$0'/>")));
    const vf = items.find((i) => i.label === VF);
    assert.ok(vf, items.map((i) => i.label).join('\n'));
    assert.equal(vf.detail, 'VF of 0000:03:00.0 · IOMMU group 30 · vfio-pci');
    assert.match(vf.documentation ?? '', /driver: `vfio-pci`/);
    assert.match(
      apply(text, vf),
      /<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'\/>/,
      'domain, bus, slot and function filled at once'
    );
    // filterText starts with the text the edit replaces, so an editor keeps the item while filtering.
    assert.ok(vf.filterText?.startsWith(text.slice(vf.span.start, vf.span.end)));
    const labels = items.map((i) => i.label);
    assert.ok(!labels.some((l) => l.startsWith('0000:00:00.0')), 'host bridge (class 0x0600) left out');
    assert.ok(!labels.some((l) => l.startsWith('0000:00:1c.0')), 'PCI bridge / root port (class 0x0604) left out');
    assert.ok(
      labels.some((l) => l.startsWith('0000:03:10.2')),
      'the second VF'
    );
    const pf = items.find((i) => i.label.startsWith('0000:03:00.0'));
    assert.match(pf?.detail ?? '', /SR-IOV PF with 2 VFs/);
  });

  test('an interface type=hostdev source, an attribute name position, and <address typed after <', () => {
    const iface = at(
      domain(
        "    <interface type='hostdev' managed='yes'>\n      <source>\n        <address type='pci' $0/>\n      </source>\n    </interface>"
      )
    );
    const vf = iface.items.find((i) => i.label === VF);
    assert.ok(vf);
    assert.match(apply(iface.text, vf), /<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0' ?\/>/);
    const el = at(domain("    <hostdev mode='subsystem' type='pci'>\n      <source>\n        <$0\n      </source>\n    </hostdev>"));
    const e = el.items.find((i) => i.label === VF);
    assert.ok(e);
    assert.match(apply(el.text, e), /<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'\/>/);
  });

  test('no host: the address values are the document-computed ones only', () => {
    const c = cursor(domain(PCI_HOSTDEV("<address type='pci' domain='0x0000' bus='$0'/>")));
    const items = complete(analyze(c.text), c.offset, { random: () => 0.5 });
    assert.ok(!items.some((i) => i.label === VF));
  });

  test('USB passthrough by vendor and product, with their names', () => {
    const vendor = at(
      domain("    <hostdev mode='subsystem' type='usb'>\n      <source>\n        <vendor id='$0'/>\n      </source>\n    </hostdev>")
    );
    const v = vendor.items.find((i) => i.label === '0x046d');
    assert.match(v?.detail ?? '', /Logitech, Inc\./);
    const product = at(
      domain(
        "    <hostdev mode='subsystem' type='usb'>\n      <source>\n        <vendor id='0x046d'/>\n        <product id='$0'/>\n      </source>\n    </hostdev>"
      )
    );
    assert.match(product.items.find((i) => i.label === '0xc52b')?.detail ?? '', /Unifying Receiver/);
  });

  test('machine types, virt types, arches, CPU models and emulators from the capabilities and domcapabilities', () => {
    const machine = at(domain('', "<domain type='kvm'>", "<type arch='x86_64' machine='$0'>hvm</type>"));
    assert.ok(
      machine.items.some((i) => i.label === 'pc-q35-8.2'),
      machine.items.map((i) => i.label).join(', ')
    );
    assert.match(machine.items.find((i) => i.label === 'q35')?.detail ?? '', /= pc-q35-8\.2/);
    const virt = at(domain('', "<domain type='$0'>"));
    assert.ok(
      virt.items.some((i) => i.label === 'kvm' && /on qemu\+ssh:\/\/sriov-node\.example\/system \(snapshot\)/.test(i.detail ?? ''))
    );
    const arch = at(domain('', "<domain type='kvm'>", "<type arch='$0'>hvm</type>"));
    assert.ok(
      arch.items.some((i) => i.label === 'x86_64' && /on qemu\+ssh:\/\/sriov-node\.example\/system \(snapshot\)/.test(i.detail ?? ''))
    );
    const cpu = at(
      domain('', "<domain type='kvm'>").replace('<devices>', '<cpu mode="custom">\n    <model>$0</model>\n  </cpu>\n  <devices>')
    );
    const usable = cpu.items.filter((i) => / on qemu\+ssh:\/\/sriov-node\.example\/system \(snapshot\)/.test(i.detail ?? ''));
    assert.ok(usable.length > 3, cpu.items.map((i) => i.label).join(', '));
    assert.match(usable[0]!.detail!, /^usable/);
    const emu = at(domain('    <emulator>$0</emulator>'));
    assert.ok(
      emu.items.some(
        (i) => i.label.startsWith('/') && /x86_64 on qemu\+ssh:\/\/sriov-node\.example\/system \(snapshot\)/.test(i.detail ?? '')
      ),
      emu.items.map((i) => i.label).join(', ')
    );
  });

  test('hover on a hostdev source address names the host device, its driver and IOMMU group', () => {
    const c = cursor(domain(PCI_HOSTDEV("<address domain='0x0000' bus='0x03' sl$0ot='0x10' function='0x0'/>")));
    const h = hoverAt(analyze(c.text), c.offset, { host });
    assert.ok(h);
    assert.match(h.markdown, /\*\*0000:03:10\.0\*\* Intel Corporation 82599 Ethernet Controller Virtual Function/);
    assert.match(h.markdown, /driver: `vfio-pci`/);
    assert.match(h.markdown, /IOMMU group 30/);
    const missing = cursor(domain(PCI_HOSTDEV("<address domain='0x0000' bus='0x09' sl$0ot='0x00' function='0x0'/>")));
    assert.match(hoverAt(analyze(missing.text), missing.offset, { host })?.markdown ?? '', /has no PCI device at this address/);
    assert.doesNotMatch(hoverAt(analyze(c.text), c.offset)?.markdown ?? '', /82599/, 'no host, no host device');
  });
});

async function completion(c: TestClient, uri: string, text: string, offset: number): Promise<CompletionItem[]> {
  const r = await c.conn.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
    textDocument: { uri },
    position: positionAt(text, offset),
    context: { triggerKind: 1 },
  });
  return Array.isArray(r) ? r : (r?.items ?? []);
}

describe('the host through the LSP client (hostAware snapshot)', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient({ hostAware: 'snapshot', hostSnapshot: SRIOV });
  });
  after(() => c.close());

  test('the client is told the host; completion offers the VFs with their names; hover names the device', async () => {
    const status = await c.waitHostStatus((s) => s.state === 'ready');
    assert.equal(status.label, 'snapshot sriov-iommu');
    assert.match(status.detail, /libvirt 10\.0\.0, QEMU 8\.2\.2, x86_64, 9 PCI and 1 USB devices, 2 domains/);
    const uri = 'file:///host-snap.xml';
    const src = cursor(domain(PCI_HOSTDEV("<address type='pci' domain='0x0000' bus='$0'/>")));
    await c.open(uri, src.text);
    await c.diagnostics(uri, 1);
    const items = await completion(c, uri, src.text, src.offset);
    const vf = items.find((i) => i.label === VF);
    assert.ok(vf, items.map((i) => i.label).join('\n'));
    assert.equal(vf.detail, 'VF of 0000:03:00.0 · IOMMU group 30 · vfio-pci');
    const edit = vf.textEdit as TextEdit;
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, src.text), [edit]);
    assert.match(after, /<address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'\/>/);
    const h = cursor(domain(PCI_HOSTDEV("<address domain='0x0000' bus='0x03' slot='0x1$00' function='0x2'/>")));
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: h.text }] });
    const hover = await c.conn.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionAt(h.text, h.offset),
    });
    const md = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(md, /0000:03:10\.2.*82599 Ethernet Controller Virtual Function/);
    assert.match(md, /driver: `ixgbevf`/);
    await c.diagnostics(uri, 2);
  });

  test('libvirt/refreshHost reads it again and answers with the status', async () => {
    const s = await c.conn.sendRequest<{ state: string; label: string }>('libvirt/refreshHost');
    assert.equal(s.state, 'ready');
    assert.equal(s.label, 'snapshot sriov-iommu');
  });
});

describe('a fragment checked against a domain of the host (libvirt/attachTo, the code lens)', () => {
  let c: TestClient;
  before(async () => {
    c = await startTestClient({ hostAware: 'snapshot', hostSnapshot: path.join(FIXTURES, 'hosts', 'q35-guest') });
  });
  after(() => c.close());

  test('bound to web, the taken target is an error naming it; unbound, the fragment is fine again', async () => {
    await c.waitHostStatus((s) => s.state === 'ready');
    const uri = 'file:///attach-disk.xml';
    const text = fs.readFileSync(path.join(FIXTURES, 'attach', 'disk-target-taken.xml'), 'utf8');
    await c.open(uri, text);
    const alone = await c.diagnostics(uri, 1);
    assert.deepEqual(
      alone.diagnostics.filter((d) => d.severity === 1),
      []
    );
    const lens = async (): Promise<string[]> =>
      (
        await c.conn.sendRequest<{ command?: { title: string; command: string; arguments?: unknown[] } }[]>('textDocument/codeLens', {
          textDocument: { uri },
        })
      ).map((l) => `${l.command?.command} ${l.command?.title}`);
    assert.deepEqual(await lens(), ['libvirt.checkAgainstDomain Check against domain…']);
    const domains = await c.conn.sendRequest<{ host: string; domains: { name: string; state?: string }[] }>('libvirt/hostDomains', { uri });
    assert.equal(domains.host, 'the host qemu:///system (snapshot q35-guest)');
    assert.deepEqual(domains.domains, [{ name: 'web', state: 'shut off' }]);

    const next = c.diagnostics(uri, 1);
    assert.equal(await c.conn.sendRequest('libvirt/attachTo', { uri, domain: 'web' }), true);
    const bound = await next;
    const err = bound.diagnostics.find((d) => d.code === 'disk-target-duplicate');
    assert.ok(err, JSON.stringify(bound.diagnostics));
    assert.match(err.message as string, /attached to domain 'web' of the host qemu:\/\/\/system/);
    assert.deepEqual(err.range.start, { line: 3, character: 14 });
    assert.deepEqual(await lens(), ["libvirt.checkAgainstDomain Checked as attached to domain 'web' (change…)"]);

    const again = c.diagnostics(uri, 1);
    assert.equal(await c.conn.sendRequest('libvirt/attachTo', { uri }), true);
    assert.deepEqual(
      (await again).diagnostics.filter((d) => d.severity === 1),
      []
    );
  });
});

describe('no host, and hosts that must not hold anything up', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-host-editor-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  /** A virsh that records that it ran and then hangs (a host that does not answer for 5 s). */
  const hangingVirsh = (marker: string): string => {
    const f = path.join(tmp, `virsh-${path.basename(marker)}`);
    fs.writeFileSync(f, `#!/bin/sh\necho "$@" >> '${marker}'\nexec sleep 5\n`, { mode: 0o755 });
    return f;
  };

  test('an untrusted client never runs virsh: the host is off and says why', async () => {
    const marker = path.join(tmp, 'untrusted-ran');
    const c = await startTestClient({ hostAware: 'connection', virsh: { path: hangingVirsh(marker) } }, undefined, undefined, {
      trusted: false,
    });
    try {
      const s = await c.waitHostStatus(() => true);
      assert.equal(s.state, 'off');
      assert.match(s.detail, /not trusted/);
      const uri = 'file:///untrusted.xml';
      await c.open(uri, domain(''));
      await c.diagnostics(uri, 1);
      assert.equal(fs.existsSync(marker), false, 'virsh was run');
    } finally {
      c.close();
    }
  });

  test('a virsh that hangs: diagnostics and completion come at once, the host stays loading', async () => {
    const marker = path.join(tmp, 'hang-ran');
    const c = await startTestClient({ hostAware: 'connection', virsh: { path: hangingVirsh(marker) } }, undefined, undefined, {
      trusted: true,
    });
    try {
      await c.waitHostStatus((s) => s.state === 'loading');
      const uri = 'file:///hang.xml';
      const src = cursor(domain(PCI_HOSTDEV("<address type='pci' domain='0x0000' bus='$0'/>")));
      const t0 = performance.now();
      await c.open(uri, src.text);
      await c.diagnostics(uri, 1, 2000);
      const items = await completion(c, uri, src.text, src.offset);
      assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
      assert.ok(items.length > 0 && !items.some((i) => i.label.startsWith('0000:')));
      assert.equal(c.hostStatus.at(-1)?.state, 'loading');
      assert.ok(fs.existsSync(marker), 'virsh was started');
    } finally {
      c.close();
    }
  });

  test('a snapshot folder that does not exist: an error status, files are judged without a host', async () => {
    const c = await startTestClient({ hostAware: 'snapshot', hostSnapshot: path.join(tmp, 'nope') });
    try {
      const s = await c.waitHostStatus((x) => x.state === 'error');
      assert.match(s.detail, /no such folder/);
      const uri = 'file:///nosnap.xml';
      await c.open(uri, domain(''));
      await c.diagnostics(uri, 1);
    } finally {
      c.close();
    }
  });
});

describe('the live host qemu:///system through real virsh', { skip: NO_VIRSH || ensureQemuDaemon() }, () => {
  test('completion in a hostdev source offers this host’s PCI devices; hover names them', async () => {
    const c = await startTestClient({ hostAware: 'connection', connectionUri: 'qemu:///system' }, undefined, undefined, { trusted: true });
    try {
      const s = await c.waitHostStatus((x) => x.state === 'ready' || x.state === 'error', 30_000);
      assert.equal(s.state, 'ready', s.detail);
      assert.equal(s.label, 'qemu:///system');
      const uri = 'file:///live.xml';
      const src = cursor(domain(PCI_HOSTDEV("<address type='pci' domain='0x0000' bus='$0'/>")));
      await c.open(uri, src.text);
      await c.diagnostics(uri, 1);
      const items = await completion(c, uri, src.text, src.offset);
      const virtioNet = items.find((i) => i.label.startsWith('0000:00:03.0 '));
      assert.ok(virtioNet, items.map((i) => i.label).join('\n'));
      assert.match(virtioNet.label, /Virtio 1\.0 network device/);
      assert.ok(!items.some((i) => i.label.startsWith('0000:00:00.0 ')), 'the host bridge is not offered');
      const h = cursor(domain(PCI_HOSTDEV("<address domain='0x0000' bus='0x00' sl$0ot='0x03' function='0x0'/>")));
      await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: h.text }] });
      const hover = await c.conn.sendRequest<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: positionAt(h.text, h.offset),
      });
      const md = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
      assert.match(md, /0000:00:03\.0.*Virtio 1\.0 network device.*on qemu:\/\/\/system/);
      await c.diagnostics(uri, 2);
    } finally {
      c.close();
    }
  });

  test('a dead URI never blocks diagnostics: they come at once, then the host is an error', async () => {
    const c = await startTestClient(
      { hostAware: 'connection', connectionUri: 'qemu+ssh://nonexistent.invalid/system' },
      undefined,
      undefined,
      {
        trusted: true,
      }
    );
    try {
      const uri = 'file:///dead.xml';
      const t0 = performance.now();
      await c.open(uri, domain(''));
      await c.diagnostics(uri, 1, 2000);
      assert.ok(performance.now() - t0 < 2000);
      const s = await c.waitHostStatus((x) => x.state === 'error', 30_000);
      assert.equal(s.label, 'qemu+ssh://nonexistent.invalid/system');
      assert.ok(s.detail.length > 0);
    } finally {
      c.close();
    }
  });
});

describe('HostHolder (lsp/host.ts)', () => {
  const settings = (over: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...over });

  test('virsh not found: no host, and the status says so', () => {
    const statuses: HostStatus[] = [];
    const h = new HostHolder({ log: () => undefined, onChange: () => undefined, onStatus: (s) => statuses.push(s) });
    h.configure(settings({ hostAware: 'connection', virshPath: '/nonexistent/virsh' }), { trusted: true, roots: [] });
    assert.equal(h.current(), undefined);
    assert.equal(statuses.at(-1)?.state, 'off');
    assert.match(statuses.at(-1)?.detail ?? '', /virsh \(\/nonexistent\/virsh\) was not found/);
  });

  test('a relative snapshot folder is taken from the first workspace folder', async () => {
    let changed: HostProfile | undefined;
    const h = new HostHolder({ log: () => undefined, onChange: (p) => (changed = p), onStatus: () => undefined });
    h.configure(settings({ hostAware: 'snapshot', hostSnapshot: 'hosts/aarch64-kvm' }), { trusted: false, roots: [FIXTURES] });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(changed?.capabilities?.arch, 'aarch64');
  });

  test(
    'live: the domcapabilities of an open domain are read in the background and announced',
    { skip: NO_VIRSH || ensureQemuDaemon() },
    async () => {
      const changes: HostProfile[] = [];
      let wake: () => void = () => undefined;
      const h = new HostHolder({
        log: () => undefined,
        onChange: (p) => {
          if (p) {
            changes.push(p);
          }
          wake();
        },
        onStatus: () => undefined,
      });
      const next = (): Promise<void> => new Promise((r) => (wake = r));
      let got = next();
      h.configure(settings({ hostAware: 'connection', connectionUri: 'qemu:///system' }), { trusted: true, roots: [] });
      await got;
      assert.ok(!changes[0]!.domcaps.some((d) => d.machine?.startsWith('pc-i440fx')));
      got = next();
      h.prefetch([{ arch: 'x86_64', virtType: 'kvm', machine: 'pc' }]);
      await got;
      assert.ok(
        h.current()!.domcaps.some((d) => d.machine?.startsWith('pc-i440fx')),
        JSON.stringify(h.current()!.domcaps.map((d) => d.machine))
      );
      // Asked once: the same key again reads nothing more.
      h.prefetch([{ arch: 'x86_64', virtType: 'kvm', machine: 'pc' }]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(changes.length, 2);
    }
  );
});

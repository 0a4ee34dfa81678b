/**
 * Lint and completion with a host vs without, side by side (issue 10: "as fast as without a
 * host"). The host is read once and cached, as the language server's HostSource does: a snapshot
 * (sriov-iommu, this-host-like) and, when virsh can reach it, the live qemu:///system (its read
 * time is printed separately: it happens once, in the background, never per keystroke). Each
 * figure is the median of N runs on an analysis computed as the server computes it per version.
 *
 *   npx tsc -p tsconfig.json && node out/bench/host-completion.js [--runs N]
 */
import * as path from 'node:path';
import { analyze } from '../server/src/analysis';
import { complete } from '../server/src/features/completion';
import type { HostProfile } from '../server/src/host/profile';
import { loadSnapshot, readLiveHost } from '../server/src/host/source';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 200;
const HOSTS = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'hosts');

const DOMAIN = `<domain type='kvm'>
  <name>bench-host</name>
  <memory unit='GiB'>8</memory>
  <vcpu>4</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu mode='custom'>
    <model>MODEL</model>
  </cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/vm.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <interface type='network'>
      <mac address='52:54:00:12:34:56'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'>
      <source>
        <vendor id='0x046d'/>
        <product id='0xc52b'/>
      </source>
    </hostdev>
    <graphics type='vnc' port='-1' autoport='yes'/>
  </devices>
</domain>
`;

const PROBES: [string, string][] = [
  ['hostdev source address (bus)', "bus='0x03"],
  ["<os><type machine='…'>", "machine='q"],
  ['<cpu><model> text', '<model>MODEL'],
  ["USB <vendor id='…'>", "<vendor id='0x"],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Medians of the functions, run in turn (round-robin), so no column is favoured by the JIT or the machine's load at the time. */
function timeAll(fns: (() => unknown)[]): number[] {
  const ms: number[][] = fns.map(() => []);
  for (let i = 0; i < runs + 20; i++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      fn();
      if (i >= 20) {
        ms[k]!.push(performance.now() - t0);
      }
    });
  }
  return ms.map(median);
}

async function main(): Promise<void> {
  const hosts: [string, HostProfile | undefined][] = [['no host', undefined]];
  for (const name of ['sriov-iommu', 'this-host-like']) {
    hosts.push([`snapshot ${name}`, await loadSnapshot(path.join(HOSTS, name))]);
  }
  try {
    const t0 = performance.now();
    const live = await readLiveHost('qemu:///system', {
      timeoutMs: 15_000,
      domcaps: [{ arch: 'x86_64', virtType: 'kvm', machine: 'q35' }],
    });
    console.log(
      `qemu:///system read once in ${Math.round(performance.now() - t0)} ms (${live.pci.length} PCI, ${live.usb.length} USB devices, ${live.domcaps.length} domcapabilities); cached after that`
    );
    hosts.push(['qemu:///system (cached)', live]);
  } catch (e) {
    console.log(`qemu:///system not read (${e instanceof Error ? e.message : String(e)}): live column left out`);
  }
  // One untimed pass first, so no column pays for the JIT's warm-up of the others.
  for (const [, h] of hosts) {
    for (let i = 0; i < 200; i++) {
      analyze(DOMAIN, { ...(h ? { host: h } : {}) });
    }
  }
  const rows: string[][] = [];
  rows.push([
    'lint (analyze)',
    ...timeAll(
      hosts.map(
        ([, h]) =>
          () =>
            analyze(DOMAIN, { ...(h ? { host: h } : {}) })
      )
    ).map((t) => t.toFixed(3)),
  ]);
  const analysis = analyze(DOMAIN);
  for (const [name, marker] of PROBES) {
    const offset = DOMAIN.indexOf(marker) + marker.length;
    const ask = (h: HostProfile | undefined) => () => complete(analysis, offset, { random: () => 0.5, ...(h ? { host: h } : {}) });
    const times = timeAll(hosts.map(([, h]) => ask(h)));
    const cells = hosts.map(([, h], k) => `${times[k]!.toFixed(3)} (${ask(h)().length})`);
    rows.push([`completion: ${name}`, ...cells]);
  }
  console.log(`\nmedian ms of ${runs} runs (completion: number of items in brackets)\n`);
  console.log(`| | ${hosts.map(([n]) => n).join(' | ')} |`);
  console.log(`|---|${hosts.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    console.log(`| ${r.join(' | ')} |`);
  }
}

void main();

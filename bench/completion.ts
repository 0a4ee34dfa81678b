/**
 * Completion latency: a typical domain and large generated ones (2,000 and 10,000 devices),
 * for the places completion is asked most: after '<' in <devices> (elements, variants and
 * templates), an attribute value (controller model, PCI slot, USB port, disk target, MAC) and an
 * attribute name. The analysis is computed once per document, as the server caches it per
 * version; each figure is the completion alone. Also requests through the in-process LSP server
 * (JSON-RPC framing, items with ranges), and the first requests of a fresh stdio server
 * (dist/server.js: npm run build first).
 *
 *   npx tsc -p tsconfig.json && node out/bench/completion.js [--runs N]
 *
 * The runs on the large domains are fewer (each needs a fresh analysis).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { analyze } from '../server/src/analysis';
import { complete } from '../server/src/features/completion';
import { diskLetters } from '../server/src/model/drive';
import { startTestClient } from '../test/support/lsp-client';

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 30;

function hex2(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}

/** A q35 domain with `n` devices: root ports with passthrough devices, disks, NICs, USB devices, serial ports. */
export function bigDomain(n: number): string {
  const out: string[] = [];
  let count = 0;
  const add = (s: string): void => {
    out.push(s);
    count++;
  };
  add("    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>");
  add("    <controller type='scsi' index='0' model='virtio-scsi'/>");
  // 200 root ports on bus 0 (slots 0x03-0x1e, functions 0-7), each with one hostdev.
  let index = 1;
  for (let slot = 3; slot <= 0x1e && index <= 200; slot++) {
    for (let fn = 0; fn < 8 && index <= 200; fn++, index++) {
      add(
        `    <controller type='pci' index='${index}' model='pcie-root-port'>\n      <target chassis='${index}' port='${hex2((slot << 3) | fn)}'/>\n` +
          `      <address type='pci' domain='0x0000' bus='0x00' slot='${hex2(slot)}' function='${fn}'${fn === 0 ? " multifunction='on'" : ''}/>\n    </controller>`
      );
      add(
        `    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address domain='0x0000' bus='${hex2(1 + (index >> 5))}' slot='${hex2(index & 31)}' function='0x0'/>\n      </source>\n` +
          `      <address type='pci' domain='0x0000' bus='${hex2(index)}' slot='0x00' function='0x0'/>\n    </hostdev>`
      );
    }
  }
  for (let i = 0; count < n; i++) {
    switch (i % 4) {
      case 0:
        add(
          `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/libvirt/images/d${i}.qcow2'/>\n      <target dev='vd${diskLetters(i >> 2)}' bus='virtio'/>\n    </disk>`
        );
        break;
      case 1:
        add(
          `    <interface type='network'>\n      <mac address='52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>`
        );
        break;
      case 2:
        add(
          `    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/s${i}.img'/>\n      <target dev='sd${diskLetters(i >> 2)}' bus='scsi'/>\n    </disk>`
        );
        break;
      default:
        add(`    <serial type='pty'>\n      <target port='${i >> 2}'/>\n    </serial>`);
    }
  }
  return domain(out.join('\n'));
}

function domain(devices: string): string {
  return `<domain type='kvm'>\n  <name>bench</name>\n  <memory unit='GiB'>8</memory>\n  <vcpu>4</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

const TYPICAL = domain(
  [
    '    <emulator>/usr/bin/qemu-system-x86_64</emulator>',
    "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/libvirt/images/vm.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>",
    "    <disk type='file' device='cdrom'>\n      <source file='/iso/install.iso'/>\n      <target dev='sda' bus='sata'/>\n      <readonly/>\n    </disk>",
    "    <controller type='usb' index='0' model='qemu-xhci'/>",
    "    <controller type='pci' index='0' model='pcie-root'/>",
    "    <controller type='pci' index='1' model='pcie-root-port'/>",
    "    <controller type='pci' index='2' model='pcie-root-port'/>",
    "    <interface type='network'>\n      <mac address='52:54:00:12:34:56'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>",
    "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address domain='0x0000' bus='0x04' slot='0x10' function='0x1'/>\n      </source>\n      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n    </hostdev>",
    "    <serial type='pty'/>\n    <console type='pty'>\n      <target type='serial'/>\n    </console>",
    "    <input type='tablet' bus='usb'/>",
    "    <graphics type='vnc' port='-1' autoport='yes'/>",
    "    <video>\n      <model type='virtio'/>\n    </video>",
  ].join('\n')
);

/** Places to ask: [name, text inserted on a new last line of <devices>, where the cursor goes in it]. */
const PROBES: [string, string, string][] = [
  ["'<' in <devices>", '    <', '<'],
  ['controller model (usb)', "    <controller type='usb' model=''/>", "model='"],
  [
    'PCI slot on bus 0',
    "    <hostdev mode='subsystem' type='pci'>\n      <address type='pci' bus='0x00' slot=''/>\n    </hostdev>",
    "slot='",
  ],
  ['USB port', "    <hostdev mode='subsystem' type='usb'>\n      <address type='usb' bus='0' port=''/>\n    </hostdev>", "port='"],
  ['disk target (virtio)', "    <disk type='file'>\n      <target bus='virtio' dev=''/>\n    </disk>", "dev='"],
  ['MAC address', "    <interface type='network'>\n      <mac address=''/>\n    </interface>", "address='"],
  ['attribute names (hostdev)', "    <hostdev mode='subsystem' type='pci' >\n    </hostdev>", "type='pci' "],
];

function withProbe(doc: string, insert: string, marker: string): { text: string; offset: number } {
  const at = doc.lastIndexOf('  </devices>');
  const text = doc.slice(0, at) + insert + '\n' + doc.slice(at);
  return { text, offset: at + insert.indexOf(marker) + marker.length };
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(2)}, p95 ${q(0.95).toFixed(2)}, max ${s[s.length - 1]!.toFixed(2)} ms`;
}

/** Wall-clock and CPU milliseconds of fn (the CPU figure is what this process used: the machine may be busy). */
function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const docs: [string, string, number][] = [
    ['typical (13 devices)', TYPICAL, runs],
    ['2,000 devices', bigDomain(2000), Math.max(3, Math.round(runs / 3))],
    ['10,000 devices', bigDomain(10000), Math.max(3, Math.round(runs / 6))],
  ];
  console.log('Each figure is completion alone: the analysis is cached per document version by the server.');
  console.log('"new version": the first request on a freshly analysed version (what typing costs);');
  console.log('"same version": a repeated request on it. wall / cpu (cpu = this process, the machine may be busy).');
  for (const [name, doc, n] of docs) {
    console.log(`\n${name}: ${(doc.length / 1024).toFixed(0)} KiB`);
    for (const [probe, insert, marker] of PROBES) {
      const { text, offset } = withProbe(doc, insert, marker);
      const fresh: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
      const again: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
      let items = 0;
      let analysisMs = 0;
      for (let i = 0; i < n; i++) {
        const a = timed(() => analyze(text));
        analysisMs = a.wall;
        const first = timed(() => complete(a.value, offset));
        items = first.value.length;
        fresh.wall.push(first.wall);
        fresh.cpu.push(first.cpu);
        const second = timed(() => complete(a.value, offset));
        again.wall.push(second.wall);
        again.cpu.push(second.cpu);
      }
      console.log(`  ${probe.padEnd(27)} ${String(items).padStart(3)} items (analysis ${analysisMs.toFixed(0)} ms)`);
      console.log(`    new version:  wall ${stats(fresh.wall)} | cpu ${stats(fresh.cpu)}`);
      console.log(`    same version: wall ${stats(again.wall)} | cpu ${stats(again.cpu)}`);
    }
  }

  // Through the in-process LSP server: request -> items with ranges -> JSON-RPC response.
  console.log('\nthrough the LSP server (in-process client, analysis cached after the first request):');
  const c = await startTestClient();
  try {
    let n = 0;
    for (const [name, doc] of docs) {
      const { text, offset } = withProbe(doc, '    <', '<');
      const uri = `file:///bench-${n++}.xml`;
      await c.open(uri, text);
      await c.diagnostics(uri, 1, 120_000); // the server has analysed this version
      const pos = (() => {
        const before = text.slice(0, offset);
        return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
      })();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await c.conn.sendRequest('textDocument/completion', {
          textDocument: { uri },
          position: pos,
          context: { triggerKind: 2, triggerCharacter: '<' },
        });
        times.push(performance.now() - t0);
      }
      console.log(`  ${name.padEnd(22)} '<' in <devices>: ${stats(times)}`);
    }
  } finally {
    c.close();
  }

  // A fresh stdio server, as an editor starts it: the very first request of a session.
  if (fs.existsSync(SERVER)) {
    console.log('\nfirst requests of a fresh stdio server (dist/server.js), typical domain:');
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    let published: (() => void) | undefined;
    conn.onNotification('textDocument/publishDiagnostics', () => published?.());
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    try {
      await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      await conn.sendNotification('initialized', {});
      const { text, offset } = withProbe(TYPICAL, '    <', '<');
      const diagnosed = new Promise<void>((r) => (published = r));
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: 'file:///fresh.xml', languageId: 'libvirt-xml', version: 1, text },
      });
      await diagnosed;
      const before = text.slice(0, offset);
      const position = { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await conn.sendRequest('textDocument/completion', {
          textDocument: { uri: 'file:///fresh.xml' },
          position,
          context: { triggerKind: 2, triggerCharacter: '<' },
        });
        times.push(performance.now() - t0);
      }
      console.log(`  '<' in <devices>, requests 1-5: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    } finally {
      conn.dispose();
      child.kill();
    }
  }
}

if (require.main === module) {
  void main();
}

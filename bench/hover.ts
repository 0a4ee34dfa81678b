/**
 * Hover and navigation latency on a typical domain and on 2,000- and 10,000-device domains:
 * the engine's hover (docs, PCI/USB topology, host device) and go-to-definition / references,
 * each on a document whose analysis is already cached (as the server caches it per version),
 * plus hover through the in-process LSP server (JSON-RPC framing included). Prints figures,
 * asserts nothing.
 *
 *   npx tsc -p tsconfig.json && node out/bench/hover.js [--runs N]
 */
import { analyze } from '../server/src/analysis';
import { hoverAt } from '../server/src/features/hover';
import { definitionAt, referencesAt } from '../server/src/features/navigation';
import { startTestClient } from '../test/support/lsp-client';
import { bigDomain, TYPICAL } from './domains';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

/** Offsets of interest: an attribute name, a PCI bus value, a hostdev source address, an element name. */
function targets(text: string): { what: string; offset: number }[] {
  const out: { what: string; offset: number }[] = [];
  const find = (what: string, needle: string, delta: number): void => {
    const i = text.lastIndexOf(needle);
    if (i >= 0) {
      out.push({ what, offset: i + delta });
    }
  };
  find("attribute name (managed='yes')", "managed='yes'", 2);
  find("PCI bus value (bus='0x..')", "<address type='pci' domain='0x0000' bus='0x", "<address type='pci' domain='0x0000' bus='0x".length);
  find('hostdev source address', '<source>\n        <address', 20);
  find('element name (<controller>)', '<controller', 3);
  return out;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const docs: [string, string][] = [
    ['typical', TYPICAL],
    ['2,000 devices', bigDomain(2000)],
    ['10,000 devices', bigDomain(10000)],
  ];
  console.log(`hover and navigation latency (median of ${runs}, analysis cached)`);
  for (const [name, text] of docs) {
    const analysis = analyze(text, { flavor: 'upstream' });
    for (const t of targets(text)) {
      const hover = median(Array.from({ length: runs }, () => time(() => hoverAt(analysis, t.offset))));
      console.log(`  ${name.padEnd(15)} hover on ${t.what.padEnd(32)} ${fmt(hover)}`);
    }
    const bus = targets(text).find((t) => t.what.startsWith('PCI bus'));
    if (bus) {
      const def = median(Array.from({ length: runs }, () => time(() => definitionAt(analysis.model, bus.offset))));
      const refs = median(Array.from({ length: runs }, () => time(() => referencesAt(analysis.model, bus.offset, true))));
      console.log(`  ${name.padEnd(15)} definition from a PCI bus        ${fmt(def)}; references ${fmt(refs)}`);
    }
  }
  // Through the in-process LSP server: request to response, JSON-RPC included.
  const c = await startTestClient();
  try {
    for (const [name, text] of docs.slice(0, 2)) {
      const uri = `file:///bench-${name.replace(/\W+/g, '-')}.xml`;
      await c.open(uri, text);
      await c.diagnostics(uri, 1, 120000);
      const t = targets(text)[0]!;
      const pos = {
        line: text.slice(0, t.offset).split('\n').length - 1,
        character: t.offset - (text.lastIndexOf('\n', t.offset - 1) + 1),
      };
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos });
        samples.push(performance.now() - t0);
      }
      console.log(`  ${name.padEnd(15)} hover through the LSP server       ${fmt(median(samples))}`);
    }
  } finally {
    c.close();
  }
}

void main();

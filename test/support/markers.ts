/**
 * Inline expectations in fixture XML, as comments that keep the file valid XML:
 *
 *     <address type='pci' bus='0x00' slot='0x00'/>
 *     <!--                           ^^^^^^ pci-address-zero -->
 *     <!--                           ^^^^^^ pci-slot-guest-range: kept for -->
 *
 * The carets mark columns of the nearest line above that is not a marker. After the code, an
 * optional ': text' must occur in the message. Options for the whole file:
 *
 *     <!-- lint: flavor=openeuler machine=q35 target=9.0.0 host=sriov-iommu -->
 *
 * host=NAME checks the file against the snapshot test/fixtures/hosts/NAME (rules/host.ts).
 * flavor=unknown runs the rules with no flavor, as when 'auto' finds no libvirt schema.
 */
interface Expectation {
  code: string;
  start: number;
  end: number;
  messageIncludes?: string;
  line: number;
}

interface FixtureOptions {
  /** 'unknown': the flavor setting is 'auto' and no installed libvirt schema tells which one. */
  flavor?: 'upstream' | 'openeuler' | 'unknown';
  machine?: string;
  /** target=9.0.0: the libvirt release the file is for (rules/target-version.ts). */
  targetVersion?: string;
  /** A host snapshot under test/fixtures/hosts the file is checked against. */
  host?: string;
}

const MARKER = /^(\s*<!--\s*)(\^+)\s+([a-z0-9-]+)(?::\s*(.*?))?\s*-->\s*$/;

export function parseExpectations(text: string): { expectations: Expectation[]; options: FixtureOptions } {
  const lines = text.split('\n');
  const starts: number[] = [];
  let off = 0;
  for (const l of lines) {
    starts.push(off);
    off += l.length + 1;
  }
  const expectations: Expectation[] = [];
  let target = -1;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const m = MARKER.exec(line);
    if (!m) {
      target = i;
      return;
    }
    if (target < 0) {
      throw new Error(`marker on line ${i + 1} has no line above it`);
    }
    const col = m[1]!.length;
    expectations.push({
      code: m[3]!,
      start: starts[target]! + col,
      end: starts[target]! + col + m[2]!.length,
      messageIncludes: m[4] || undefined,
      line: target + 1,
    });
  });
  const options: FixtureOptions = {};
  const opt = /<!--\s*lint:([^>]*?)-->/.exec(text);
  if (opt) {
    for (const kv of opt[1]!.trim().split(/\s+/)) {
      const [k, v] = kv.split('=');
      if (k === 'flavor' && (v === 'upstream' || v === 'openeuler' || v === 'unknown')) {
        options.flavor = v;
      } else if (k === 'machine' && v) {
        options.machine = v;
      } else if (k === 'target' && v) {
        options.targetVersion = v;
      } else if (k === 'host' && v) {
        options.host = v;
      } else if (k) {
        throw new Error(`unknown lint option '${kv}'`);
      }
    }
  }
  return { expectations, options };
}

/**
 * libvirt's bitmaps (cpusets, nodesets, vCPU and iothread lists): `0-3,^2,8`, as virBitmapParse
 * reads them. Pure, no imports.
 */

/** Bits above this are not expanded (libvirt's cpumask length is 4096; a nodeset is far smaller). */
const LIMIT = 16384;

/**
 * The set bits of a bitmap, ascending; undefined when libvirt cannot read it (then the schema
 * judge reports the value) or when a range is too large to expand.
 */
export function parseBitmap(raw: string | undefined): number[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const set = new Set<number>();
  const parts = raw.split(',');
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === '') {
    parts.pop(); // a trailing comma is allowed
  }
  const negated: number[] = [];
  for (const part of parts) {
    const p = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\^\s*([0-9]+)$/.exec(p))) {
      negated.push(Number(m[1]));
    } else if ((m = /^([0-9]+)\s*-\s*\+?([0-9]+)$/.exec(p))) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      if (b < a || b > LIMIT) {
        return undefined;
      }
      for (let i = a; i <= b; i++) {
        set.add(i);
      }
    } else if ((m = /^([0-9]+)$/.exec(p))) {
      const a = Number(m[1]);
      if (a > LIMIT) {
        return undefined;
      }
      set.add(a);
    } else {
      return undefined;
    }
  }
  for (const n of negated) {
    set.delete(n);
  }
  return [...set].sort((x, y) => x - y);
}

/** A bitmap written back the way libvirt prints it: `0-3,8`. */
export function formatBitmap(bits: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < bits.length;) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j]! + 1) {
      j++;
    }
    out.push(i === j ? `${bits[i]}` : `${bits[i]}-${bits[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  p: 1024 ** 5,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
  e: 1024 ** 6,
  eib: 1024 ** 6,
  eb: 1000 ** 6,
};

/**
 * A memory size as libvirt reads it (virDomainParseMemory): a decimal number with a unit
 * (KiB when none), in KiB rounded up as libvirt does; undefined when unreadable.
 */
export function parseSizeKiB(raw: string | undefined, unit: string | undefined): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const m = /^\s*\+?([0-9]+)\s*$/.exec(raw);
  const factor = UNITS[(unit ?? 'KiB').trim().toLowerCase()];
  if (!m || factor === undefined) {
    return undefined;
  }
  return Math.ceil((Number(m[1]) * factor) / 1024);
}

/**
 * Integers as libvirt reads them from XML (virStrToLong_* with base 0 or base 10). Shared by the
 * language server and the VS Code client, so both find the same attribute for the same number:
 * pure, no imports.
 *
 * - base 0 (PCI addresses, host USB addresses, root-port numbers): `0x`-hex, a leading 0 means
 *   octal ('010' is 8), otherwise decimal.
 * - base 10 (controller indexes, ports, boot order, chassis): decimal only ('010' is 10, '0x1' is
 *   not a number).
 *
 * A leading '+' and surrounding white space are accepted, as strtol does; anything else (a sign
 * '-', a fraction, trailing letters) is not a number: undefined.
 */
export type IntegerBase = 0 | 10;

export function parseInteger(raw: string | undefined, base: IntegerBase): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const s = raw.trim();
  let m: RegExpExecArray | null;
  if (base === 10) {
    m = /^\+?([0-9]+)$/.exec(s);
    return m ? Number(m[1]) : undefined;
  }
  if ((m = /^\+?0[xX]([0-9a-fA-F]+)$/.exec(s))) {
    return parseInt(m[1]!, 16);
  }
  if ((m = /^\+?(0[0-7]*)$/.exec(s))) {
    return parseInt(m[1]!, 8);
  }
  if ((m = /^\+?([1-9][0-9]*)$/.exec(s))) {
    return Number(m[1]);
  }
  return undefined;
}

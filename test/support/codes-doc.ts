import { CODES } from '../../server/src/rules/codes';

/** docs/codes.md: every finding code with its default severity and what it means. */
export function renderCodesDoc(): string {
  const rows = Object.entries(CODES).map(([code, info]) => `| \`${code}\` | ${info.severity} | ${info.summary.replace(/\|/g, '\\|')} |`);
  return [
    '# Finding codes',
    '',
    'Every finding carries one of these codes. The severity is the default; change it per code with the',
    '`libvirt.diagnostics.severity` setting (`{"pci-slot-guest-range": "off"}`) or `libvirt-lint --severity CODE=LEVEL`.',
    'This file is generated from `server/src/rules/codes.ts` by `node scripts/gen-codes-doc.mjs`.',
    '',
    '| code | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

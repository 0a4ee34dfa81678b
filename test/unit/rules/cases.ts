import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../../server/src/fixes';
import { checkFixture } from '../../support/check';

/**
 * Shared by the table-driven rule tests: a case is a document with caret markers (see
 * test/support/markers.ts), usually a small domain built around a few devices.
 */

export interface RuleCase {
  name: string;
  xml: string;
  /** A fix that must be offered (preferred or not), and what the text contains (and no longer contains) once it is applied. */
  fix?: { code: string; title: string; contains: string; lacks?: string };
}

export interface DomainOptions {
  /** <os><type machine>; default 'pc'. */
  machine?: string;
  flavor?: 'upstream' | 'openeuler' | 'unknown';
  /** Lines after <memory>/<vcpu> (cpu topology, ...). */
  head?: string;
  /** Lines inside <os> after <type>. */
  os?: string;
  /** Lines between </os> and <devices> (<clock>, <cpu>, <features>...). */
  after?: string;
  /** The text of <name>; the default is a plain name. */
  name?: string;
  /** The text of <vcpu>; undefined leaves <vcpu> out. Default '1'. */
  vcpu?: string | undefined;
}

/** A domain around `devices` (lines indented by 4), with a lint options line when needed. */
export function domainXml(o: DomainOptions, devices: string): string {
  const lint = o.flavor ? `flavor=${o.flavor}` : '';
  const machine = o.machine ?? 'pc';
  const vcpu = 'vcpu' in o ? o.vcpu : '1';
  return [
    lint ? `<!-- lint: ${lint} -->` : '',
    "<domain type='kvm'>",
    `  <name>${o.name ?? 'case'}</name>`,
    "  <memory unit='MiB'>1024</memory>",
    vcpu !== undefined ? `  <vcpu>${vcpu}</vcpu>` : '',
    o.head ?? '',
    '  <os>',
    `    <type arch='x86_64' machine='${machine}'>hvm</type>`,
    o.os ?? '',
    '  </os>',
    o.after ?? '',
    '  <devices>',
    devices,
    '  </devices>',
    '</domain>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** One test per case: the findings are exactly the marked ones, and the named fix does what it says. */
export function runRuleCases(family: string, cases: readonly RuleCase[]): void {
  describe(`rules: ${family}`, () => {
    for (const c of cases) {
      test(c.name, () => {
        const findings = checkFixture(c.xml);
        if (c.fix) {
          const { code, title, contains, lacks } = c.fix;
          const fix = findings.find((f) => f.code === code)?.fixes?.find((x) => x.title === title);
          assert.ok(fix, `a ${code} finding offers the fix '${title}'`);
          const fixed = applyEdits(c.xml, fix.edits);
          assert.ok(fixed.includes(contains), `after the fix the text contains ${contains}`);
          assert.ok(lacks === undefined || !fixed.includes(lacks), `after the fix the text no longer contains ${lacks}`);
        }
      });
    }
  });
}

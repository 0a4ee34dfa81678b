/**
 * The one sentence "Validate with libvirt" answers with, from libvirt's steps and our own checks.
 *
 * What users tripped over (issue 13, item 4):
 * - "libvirt accepts x.xml" while the Problems view showed errors by our checks: the test driver
 *   (test:///default) does not look at the host, so both verdicts are merged and the sentence says
 *   what the test driver skips;
 * - the message led with xmllint's least precise line ("Extra element devices in interleave");
 * - for a device fragment, errors located in the wrapper domain around it were shown as the
 *   user's (with the temporary file's line numbers).
 *
 * Pure: no vscode, no processes.
 */
import type { ValidationStep } from './virsh';

/** An error by our checks (the language server's diagnostics of severity Error). */
export interface OwnError {
  /** 1-based. */
  line: number;
  message: string;
  code?: string;
}

/** What libvirt's test driver does not check: it does not look at the host at all. */
export const TEST_DRIVER_SKIPS =
  'the emulator binary, machine type and CPU model of the host, host devices (PCI/USB/mdev), source files, networks and storage pools';

interface Verdict {
  ok: boolean;
  message: string;
  /** The errors, most precise first, for the Output channel. */
  details: string[];
}

/** One line of a libvirt or xmllint message, without the temporary file's name. */
function firstLine(m: string): string {
  return m.split('\n')[0]!.trim();
}

/**
 * The schema's generic lines ("Extra element X in interleave", "Element domain failed to validate
 * content", "... fails to validate") say that something is wrong, not what.
 */
function isVagueSchemaMessage(m: string): boolean {
  return /Extra element \S+ in interleave|failed to validate content|fails to validate|Invalid sequence in interleave|Expecting an element/i.test(
    m
  );
}

export function validationVerdict(name: string, steps: ValidationStep[], own: OwnError[], kind: 'domain' | 'fragment'): Verdict {
  const ran = steps.filter((s) => !s.missing);
  const parser = ran.find((s) => s.tool !== 'virt-xml-validate');
  const schema = ran.find((s) => s.tool === 'virt-xml-validate');
  const details: string[] = [];

  // Most precise first: libvirt's parser names the value it refuses; then our checks (a place and
  // a reason); then schema errors at a line of the user's text, specific ones before vague ones.
  const parserErrors = parser && !parser.ok ? parser.messages.filter((m) => !(parser.wrapper ?? []).includes(m)).map(firstLine) : [];
  const ownErrors = [...own].sort((a, b) => a.line - b.line).map((e) => `line ${e.line}: ${e.message}${e.code ? ` (${e.code})` : ''}`);
  const schemaLines =
    schema && !schema.ok ? [...schema.lines].sort((a, b) => +isVagueSchemaMessage(a.message) - +isVagueSchemaMessage(b.message)) : [];
  const schemaErrors = schemaLines.map((l) => `line ${l.line}: ${l.message}`);
  details.push(
    ...parserErrors.map((m) => `libvirt: ${m}`),
    ...ownErrors.map((m) => `our checks: ${m}`),
    ...schemaErrors.map((m) => `libvirt schema: ${m}`)
  );

  const parserWrapper = parser?.wrapper ?? [];
  const schemaWrapper = schema?.wrapper ?? [];
  for (const w of parserWrapper) {
    details.push(`(libvirt, about the wrapper domain around the fragment, not your text: ${firstLine(w)})`);
  }
  for (const w of schemaWrapper) {
    details.push(`(libvirt schema, located only at the wrapper domain around the fragment: ${firstLine(w)})`);
  }
  const wrapperCount = parserWrapper.length + schemaWrapper.length;
  const libvirtOk = ran.every((s) => s.ok);
  const skipped = `test:///default does not check ${TEST_DRIVER_SKIPS}`;
  if (libvirtOk && own.length === 0) {
    return {
      ok: true,
      message: `libvirt accepts ${name} (${ran.map((s) => s.tool).join(', ')}) and our checks find no errors; ${skipped}.`,
      details,
    };
  }
  if (libvirtOk) {
    return {
      ok: false,
      message: `${ownErrors.length} error${own.length === 1 ? '' : 's'} by our checks in ${name}: ${ownErrors[0]}. libvirt's parser accepts it, but ${skipped}.`,
      details,
    };
  }
  const lead = parserErrors[0] ?? (ownErrors[0] ? `${ownErrors[0]} (our checks)` : undefined) ?? schemaErrors[0];
  if (lead === undefined) {
    if (schema && !schema.ok && schemaWrapper.length > 0) {
      return {
        ok: false,
        message: `libvirt's schema rejects ${name} but names no line of it (xmllint points at the wrapper domain's <devices>): look for an unknown element or attribute, or a value out of range.`,
        details,
      };
    }
    const w = parserWrapper[0] ?? ran.find((s) => !s.ok)?.messages[0] ?? '';
    return {
      ok: false,
      message: `libvirt could not check ${name}: the error concerns the domain wrapped around the ${kind}, not your text (${firstLine(w)}).`,
      details,
    };
  }
  const more = details.length - 1 - wrapperCount;
  return {
    ok: false,
    message: `libvirt rejects ${name}: ${lead}${more > 0 ? ` (and ${more} more, see Output)` : ''}`,
    details,
  };
}

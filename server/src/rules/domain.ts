/**
 * Rule family: domain — whole-domain settings.
 * - cpu-topology-mismatch: "CPU topology doesn't match maximum vcpu count" (QEMU driver).
 * - domain-name-invalid: missing name, '/' or a newline in it.
 * - domain-name-style: openEuler's naming advice (letters, digits, _ - :; not all digits; <= 64 chars).
 * - graphics-vnc-open: VNC on all addresses without a password (security advice from openEuler's guide).
 * - graphics-vnc-password-length: "VNC password is 9 characters long, only 8 permitted" (QEMU driver).
 */
import { parseInteger } from '../../../lib/integer';
import { attr } from '../syntax/tree';
import type { DomainModel } from '../model/types';
import { attributeNewer } from '../schema/since';
import type { Finding, RuleFamily } from './types';

function checkTopology(model: DomainModel, findings: Finding[], target: string | undefined): void {
  const t = model.topology;
  // Without <vcpu> libvirt gives the guest one vCPU, and still checks the topology against it.
  const vcpus = model.vcpu ? parseInteger(model.vcpu.text, 10) : 1;
  if (!t || vcpus === undefined) {
    return;
  }
  const parts = ['sockets', 'dies', 'cores', 'threads'].map((n) => ({ n, a: attr(t, n) }));
  let product = 1;
  for (const { n, a } of parts) {
    if (!a) {
      if (n === 'dies') {
        continue;
      }
      return; // libvirt requires the others; the schema check reports a missing one
    }
    const v = parseInteger(a.value, 10);
    if (v === undefined || v === 0) {
      return;
    }
    product *= v;
  }
  // clusters= came after libvirt 9.0: a target that knows it multiplies it in; one that does not
  // drops it (rules/target-version.ts says so) and checks the topology without it.
  const clusters = attr(t, 'clusters');
  const clustersKnown = !target || attributeNewer('domain>cpu>topology', 'clusters', target) === undefined;
  const clustersValue = clusters && clustersKnown ? parseInteger(clusters.value, 10) : undefined;
  if (clustersValue) {
    product *= clustersValue;
  }
  if (product !== vcpus) {
    findings.push({
      code: 'cpu-topology-mismatch',
      message: `The CPU topology gives ${[
        ...parts.slice(0, 2),
        ...(clustersValue ? [{ n: 'clusters', a: clusters }] : []),
        ...parts.slice(2),
      ]
        .filter((p) => p.a)
        .map((p) => `${p.a!.value} ${p.n}`)
        .join(
          ' x '
        )} = ${product} vCPUs, but <vcpu> is ${vcpus}.${clusters && !clustersKnown ? ` (libvirt ${target} ignores clusters=.)` : ''}`,
      span: t.nameSpan,
      related: model.vcpu?.textSpan ? [{ message: `<vcpu> is ${vcpus}`, span: model.vcpu.textSpan }] : [],
      fixes: model.vcpu?.textSpan
        ? [{ title: `Set <vcpu> to ${product}`, edits: [{ span: model.vcpu.textSpan, newText: String(product) }] }]
        : [],
    });
  }
}

/**
 * libvirt takes the name's text as it is, spaces and line breaks included: an empty <name> is
 * missing, a line break anywhere (even around the name on its own line) is refused, and a name
 * of spaces only is accepted.
 */
function checkName(model: DomainModel, findings: Finding[]): void {
  const el = model.name;
  const raw = el?.text ?? '';
  if (!el || raw === '') {
    findings.push({
      code: 'domain-name-invalid',
      message: el ? 'The domain name is empty; libvirt needs a name.' : 'The domain has no <name>; libvirt needs one.',
      span: el?.nameSpan ?? model.root.nameSpan,
    });
    return;
  }
  const name = raw.trim();
  const span = el.textSpan ?? el.nameSpan;
  const contentSpan = { start: el.startTagEnd, end: el.closeNameSpan ? el.closeNameSpan.start - 2 : el.span.end };
  if (raw.includes('/') || raw.includes('\n')) {
    // The fix rewrites everything between <name> and </name>, so line breaks around the name go too.
    const onlyAround = !name.includes('\n') && !name.includes('/');
    const fixed = name.replace(/[/\r\n]+/g, '-');
    const message = name.includes('/')
      ? "The domain name cannot contain '/'."
      : onlyAround
        ? 'The domain name cannot contain a line break, and libvirt keeps the line breaks around the name as part of it: write <name> on one line.'
        : 'The domain name cannot contain a line break.';
    findings.push({
      code: 'domain-name-invalid',
      message,
      span,
      fixes: fixed
        ? [
            {
              title: onlyAround ? 'Put the name on one line' : 'Replace with -',
              edits: [{ span: contentSpan, newText: fixed }],
              preferred: true,
            },
          ]
        : [],
    });
    return;
  }
  const problems: string[] = [];
  if ([...raw].length > 64) {
    problems.push(`it is ${[...raw].length} characters long (64 at most)`);
  }
  if (/^[0-9]+$/.test(raw)) {
    problems.push('it is all digits');
  }
  const bad = [...new Set(raw.replace(/[A-Za-z0-9_:-]/g, ''))];
  if (bad.length > 0) {
    problems.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  if (problems.length > 0) {
    findings.push({
      code: 'domain-name-style',
      message: `openEuler's guide asks for names of letters, digits, '_', '-' and ':' that are not all digits and at most 64 long; ${problems.join(', ')}.`,
      span: name === '' ? el.nameSpan : span,
    });
  }
}

function checkVnc(model: DomainModel, findings: Finding[]): void {
  for (const g of model.graphics) {
    const pw = g.passwd?.value;
    if (g.type === 'vnc' && pw !== undefined && [...pw].length > 8) {
      findings.push({
        code: 'graphics-vnc-password-length',
        message: `This VNC password is ${[...pw].length} characters long; VNC authentication takes at most 8, and libvirt's QEMU driver refuses longer ones.`,
        span: g.passwd!.valueSpan ?? g.passwd!.span,
      });
    }
    if (g.type !== 'vnc' || (g.passwd && g.passwd.value)) {
      continue;
    }
    const open = g.listens.find((l) => l.value === '0.0.0.0' || l.value === '::' || l.value === '[::]');
    if (open) {
      findings.push({
        code: 'graphics-vnc-open',
        message: `VNC listens on every address (${open.value}) with no passwd: anyone who reaches the host can use the guest's console. Set passwd= or listen on 127.0.0.1.`,
        span: open.valueSpan ?? open.span,
        fixes: [
          {
            title: 'Listen on 127.0.0.1 only',
            edits: g.listens
              .filter((l) => l === open || l.value === open.value)
              .map((l) => ({ span: l.valueSpan ?? l.span, newText: "'127.0.0.1'" })),
          },
        ],
      });
    }
  }
}

export const domainRules: RuleFamily = {
  id: 'domain',
  check(model, ctx) {
    const findings: Finding[] = [];
    if (model.kind === 'domain') {
      checkTopology(model, findings, ctx.targetVersion);
      checkName(model, findings);
    }
    checkVnc(model, findings);
    return findings;
  },
};

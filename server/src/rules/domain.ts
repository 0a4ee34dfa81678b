/**
 * Rule family: domain — whole-domain settings.
 * - cpu-topology-mismatch: "CPU topology doesn't match maximum vcpu count" (QEMU driver).
 * - domain-name-invalid: missing name, '/' or a newline in it.
 * - domain-name-style: openEuler's naming advice (letters, digits, _ - :; not all digits; <= 64 chars).
 * - graphics-vnc-open: VNC on all addresses without a password (security advice from openEuler's guide).
 */
import { parseInteger } from '../model/build';
import { attr } from '../syntax/tree';
import type { DomainModel } from '../model/types';
import type { Finding, RuleFamily } from './types';

function checkTopology(model: DomainModel, findings: Finding[]): void {
  const t = model.topology;
  const vcpus = parseInteger(model.vcpu?.text, 10);
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
  if (product !== vcpus) {
    findings.push({
      code: 'cpu-topology-mismatch',
      message: `The CPU topology gives ${parts
        .filter((p) => p.a)
        .map((p) => `${p.a!.value} ${p.n}`)
        .join(' x ')} = ${product} vCPUs, but <vcpu> is ${vcpus}.`,
      span: t.nameSpan,
      related: model.vcpu?.textSpan ? [{ message: `<vcpu> is ${vcpus}`, span: model.vcpu.textSpan }] : [],
      fixes: model.vcpu?.textSpan
        ? [{ title: `Set <vcpu> to ${product}`, edits: [{ span: model.vcpu.textSpan, newText: String(product) }] }]
        : [],
    });
  }
}

function checkName(model: DomainModel, findings: Finding[]): void {
  const el = model.name;
  const name = el?.text.trim() ?? '';
  if (!el || name === '') {
    findings.push({
      code: 'domain-name-invalid',
      message: 'The domain has no <name>; libvirt needs one.',
      span: el?.nameSpan ?? model.root.nameSpan,
    });
    return;
  }
  const span = el.textSpan ?? el.nameSpan;
  if (name.includes('/') || name.includes('\n')) {
    findings.push({
      code: 'domain-name-invalid',
      message: `The domain name cannot contain ${name.includes('/') ? "'/'" : 'a line break'}.`,
      span,
      fixes: [{ title: 'Replace with -', edits: [{ span, newText: name.replace(/[/\n]/g, '-') }], preferred: true }],
    });
    return;
  }
  const problems: string[] = [];
  if ([...name].length > 64) {
    problems.push(`it is ${[...name].length} characters long (64 at most)`);
  }
  if (/^[0-9]+$/.test(name)) {
    problems.push('it is all digits');
  }
  const bad = [...new Set(name.replace(/[A-Za-z0-9_:-]/g, ''))];
  if (bad.length > 0) {
    problems.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  if (problems.length > 0) {
    findings.push({
      code: 'domain-name-style',
      message: `openEuler's guide asks for names of letters, digits, '_', '-' and ':' that are not all digits and at most 64 long; ${problems.join(', ')}.`,
      span,
    });
  }
}

function checkVnc(model: DomainModel, findings: Finding[]): void {
  for (const g of model.graphics) {
    if (g.type !== 'vnc' || (g.passwd && g.passwd.value)) {
      continue;
    }
    const open = g.listens.find((l) => l.value === '0.0.0.0' || l.value === '::' || l.value === '[::]');
    if (open) {
      findings.push({
        code: 'graphics-vnc-open',
        message: `VNC listens on every address (${open.value}) with no passwd: anyone who reaches the host can use the guest's console. Set passwd= or listen on 127.0.0.1.`,
        span: open.valueSpan ?? open.span,
        fixes: [{ title: 'Listen on 127.0.0.1 only', edits: g.listens.filter((l) => l === open || l.value === open.value).map((l) => ({ span: l.valueSpan ?? l.span, newText: "'127.0.0.1'" })) }],
      });
    }
  }
}

export const domainRules: RuleFamily = {
  id: 'domain',
  check(model) {
    const findings: Finding[] = [];
    if (model.kind === 'domain') {
      checkTopology(model, findings);
      checkName(model, findings);
    }
    checkVnc(model, findings);
    return findings;
  },
};

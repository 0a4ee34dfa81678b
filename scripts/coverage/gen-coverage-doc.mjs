#!/usr/bin/env node
// @ts-check
// Writes docs/libvirt-coverage.md: every virReportError site of libvirt 9.0's domain definition
// checks (scripts/coverage/libvirt-9.0-domain-errors.json, from extract-libvirt-errors.mjs), with
// the code that catches it or why none does (scripts/coverage/classification.json), and the rule
// fixture that proves a covered site (test/fixtures/rules/VERDICTS.md: libvirt raised this
// message on the fixture, and we reported the code).
//
//   npm run compile-tests && node scripts/coverage/gen-coverage-doc.mjs [--check | --json]
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { MESSAGE_FAMILIES } = require(path.join(repo, 'out/test/libvirt/families.js'));
const read = (rel) => fs.readFileSync(path.join(repo, rel), 'utf8');
const data = JSON.parse(read('scripts/coverage/libvirt-9.0-domain-errors.json'));
const classes = JSON.parse(read('scripts/coverage/classification.json'));
const out = path.join(repo, 'docs', 'libvirt-coverage.md');

/** A message as libvirt would print it: printf conversions filled with a word or a number. */
function sample(format) {
  return format
    .replace(/%(?:#|\.?\d+)*(?:l{0,2}|z)[dux]/g, '1')
    .replace(/%[io]/g, '1')
    .replace(/%s/g, 'x')
    .replace(/\\n/g, ' ');
}

/** A regular expression for the messages a format prints. */
function formatRe(format) {
  const esc = format.replace(/\\n/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = esc
    .replace(/%(?:#|\.?\d+)*(?:l{0,2}|z)x/g, '(?:0x)?[0-9a-fA-F]+')
    .replace(/%(?:l{0,2}|z)[dui]/g, '-?\\d+')
    .replace(/%o/g, '[0-7]+')
    .replace(/%s/g, '.*?');
  return new RegExp(re);
}

/** Rows of VERDICTS.md: the fixture, the codes we report as errors, and libvirt's messages. */
const verdicts = read('test/fixtures/rules/VERDICTS.md')
  .split('\n')
  .filter((l) => /^\| [a-z].*\.xml \|/.test(l))
  .map((l) => {
    const cells = l.split(/ (?<!\\)\| /).map((c) => c.replace(/^\| |\s*\|$/g, '').replace(/\\\|/g, '|'));
    const errors = (cells[1] ?? '')
      .split(' / ')[0]
      .split(', ')
      .filter((c) => /^[a-z]/.test(c));
    return { file: cells[0], errors, messages: [cells[2] ?? '', cells[3] ?? ''] };
  });

// A classification entry names a site by file, function and message format, and by its line when
// several sites of one function share a message but not a reason.
const same = (s, e) =>
  e.file === s.file && e.function === s.function && e.format === s.format && (e.line === undefined || e.line === s.line);
const matches = (rule, s) =>
  (!rule.file || new RegExp(rule.file).test(s.file)) &&
  (!rule.function || new RegExp(rule.function).test(s.function)) &&
  (!rule.format || new RegExp(rule.format).test(s.format)) &&
  (!rule.code || rule.code === s.code);

function classify(s) {
  const site = classes.sites.find((e) => same(s, e));
  if (site) {
    return { reason: site.reason, note: site.note };
  }
  const mapped = classes.codes.find((e) => same(s, e));
  if (mapped) {
    return { codes: mapped.codes };
  }
  const first = classes.rules.find((r) => r.stage === 'first' && matches(r, s));
  if (first) {
    return { reason: first.reason, note: first.note };
  }
  const fam = MESSAGE_FAMILIES.find((f) => f.re.test(sample(s.format)));
  if (fam) {
    return { codes: fam.codes };
  }
  const last = classes.rules.find((r) => r.stage === 'last' && matches(r, s));
  return last ? { reason: last.reason, note: last.note } : { reason: 'not-covered' };
}

const rows = data.sites.map((s) => {
  const c = classify(s);
  if (!c.codes) {
    return { ...s, ...c };
  }
  const re = formatRe(s.format);
  const proof = verdicts.find((v) => v.messages.some((m) => re.test(m)) && v.errors.some((e) => c.codes.includes(e)));
  return { ...s, codes: c.codes, proof: proof?.file };
});

const unreachable = (r) => r.reason === 'host' || r.reason === 'other-driver' || r.reason === 'not-static';
const count = (rs, p) => rs.filter(p).length;

function ours(r) {
  if (r.codes) {
    const codes = r.codes.map((c) => `\`${c}\``).join(', ');
    return r.proof ? `${codes} (${r.proof})` : `${codes}, no fixture proves it yet: not counted`;
  }
  return `${classes.reasons[r.reason]}${r.note ? `: ${r.note}` : ''}`;
}

function summary(rs) {
  const checkable = rs.filter((r) => !unreachable(r));
  const own = count(rs, (r) => r.proof !== undefined);
  const schema = count(rs, (r) => r.reason === 'schema');
  return {
    checkable: checkable.length,
    covered: own + schema,
    own,
    schema,
    claimed: count(rs, (r) => r.codes !== undefined && r.proof === undefined),
    host: count(rs, (r) => r.reason === 'host'),
    other: count(rs, (r) => r.reason === 'other-driver'),
    notStatic: count(rs, (r) => r.reason === 'not-static'),
    open: count(rs, (r) => r.reason === 'not-covered'),
  };
}

const pct = (a, b) => (b === 0 ? '0' : ((100 * a) / b).toFixed(1));
const all = summary(rows);
const cell = (t) => t.replace(/\|/g, '\\|').replace(/\\n/g, ' ');
const lines = [
  '# What libvirt 9.0 checks in a domain definition, and what we check',
  '',
  '<!-- Generated by node scripts/coverage/gen-coverage-doc.mjs. Do not edit by hand. -->',
  '',
  `Every \`virReportError\` site in libvirt ${data.libvirt}'s domain parsing, post-parse, validation and address`,
  `assignment (${data.files.map((f) => `\`${f}\``).join(', ')}), extracted by`,
  'scripts/coverage/extract-libvirt-errors.mjs from the release tarball, with the code that catches it or the',
  'reason none does (scripts/coverage/classification.json). A site is **covered** when a rule fixture proves it',
  '(named in brackets: libvirt raised the message on that fixture and we reported the code, test/fixtures/rules/VERDICTS.md)',
  'or when the schema check refuses the same value (schema-level). Sites that need the host, belong to another',
  'driver or cannot be decided from the document are not statically checkable. Of src/qemu/qemu_domain.c only',
  "the functions `virsh define` reaches are listed (the QEMU driver's post-parse and define-time validation). Not",
  'listed: what fails only at `virsh start` (qemu_command.c, qemu_process.c, QEMU itself), whose start-time codes',
  'the agreement suite confirms by starting the guests.',
  '',
  `**We cover ${all.covered} of ${all.checkable} statically checkable sites (${pct(all.covered, all.checkable)}%): ${all.own} with our own codes, ${all.schema} schema-level.**`,
  `Of ${rows.length} sites, ${all.host} need the host (issue 10), ${all.other} belong to another hypervisor or driver, ${all.notStatic} are not`,
  `expressible statically; ${all.open} are not covered yet${all.claimed ? `, and ${all.claimed} have a code that no fixture proves yet (not counted)` : ''}.`,
  '',
  '| file | sites | statically checkable | covered | own codes | schema-level | not covered yet |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const file of data.files) {
  const s = summary(rows.filter((r) => r.file === file));
  lines.push(
    `| ${file} | ${rows.filter((r) => r.file === file).length} | ${s.checkable} | ${s.covered} | ${s.own} | ${s.schema} | ${s.open} |`
  );
}
lines.push('');
for (const file of data.files) {
  lines.push(`## ${file}`, '', '| line | function | message | ours |', '|---:|---|---|---|');
  for (const r of rows.filter((x) => x.file === file)) {
    lines.push(`| ${r.line} | ${r.function} | ${cell(r.format) || '(no message)'} | ${ours(r)} |`);
  }
  lines.push('');
}
const text = lines.join('\n');
if (process.argv.includes('--json')) {
  // For the tests: every site with its classification and proof, and the summary.
  process.stdout.write(JSON.stringify({ summary: all, rows }) + '\n');
} else if (process.argv.includes('--check')) {
  const now = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (now !== text) {
    console.error('docs/libvirt-coverage.md is out of date: node scripts/coverage/gen-coverage-doc.mjs');
    process.exit(1);
  }
} else {
  fs.writeFileSync(out, text);
  console.log(
    `docs/libvirt-coverage.md: ${all.covered} of ${all.checkable} statically checkable sites covered (${all.own} own codes, ${all.schema} schema-level); ${all.claimed} claimed without proof; ${all.open} not covered yet`
  );
}

#!/usr/bin/env node
// @ts-check
// Recall and false alarms over a corpus nobody here wrote: the domain XML inputs of libvirt's own
// test suite (tests/qemuxml2argvdata and tests/genericxml2xmlindata of a libvirt source tree,
// see ../shared/recipes/libvirt-source.md). Each document goes to `virsh -c qemu:///system define`
// (under a name of its own, undefined at once) and through our engine; the report says, for the
// documents libvirt refuses, how many we flag with an error (recall), and for those it accepts,
// how many we flag with an error anyway (false alarms), with the misses grouped by libvirt's message.
//
//   npm run build && npm run compile-tests
//   node scripts/recall/libvirt-tests.mjs LIBVIRT_SOURCE_DIR [--jobs N] [--out docs/recall.md]
//
// Refusals caused by this machine rather than by the document (no emulator for that architecture,
// a QEMU capability this QEMU lacks, a file or device that is not here) are set apart: they are
// the host's verdict (issue 10's checks), not a definition's. Nothing of libvirt's is copied into
// the repository: only counts and libvirt's messages (numbers and names elided) are written.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { analyze } = require(path.join(repo, 'out/server/src/analysis.js'));
const { environmentOf, START_CODES } = require(path.join(repo, 'out/test/libvirt/families.js'));

const args = process.argv.slice(2);
let src;
let jobs = 2;
let out = path.join(repo, 'docs', 'recall.md');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--jobs') {
    jobs = Number(args[++i]);
  } else if (args[i] === '--out') {
    out = path.resolve(args[++i]);
  } else {
    src = args[i];
  }
}
if (!src || !fs.existsSync(path.join(src, 'tests'))) {
  console.error('usage: libvirt-tests.mjs LIBVIRT_SOURCE_DIR [--jobs N] [--out FILE]');
  process.exit(2);
}

const URI = 'qemu:///system';
const PREFIX = process.env.LX_DOMAIN_PREFIX || 'lxrecall';
const DIRS = ['tests/qemuxml2argvdata', 'tests/genericxml2xmlindata'];

/** Refusals that come from this machine, not from the document. */
const HOST_CAUSES = [
  { re: /No emulator found for arch|could not find capabilities for arch/, why: 'no QEMU for this architecture here' },
  {
    re: /Cannot check QEMU binary|Cannot find QEMU binary|No such file or directory.*qemu-system/,
    why: 'the named emulator is not installed',
  },
  { re: /does not support machine type|Emulator .* does not support/, why: 'this QEMU lacks the machine type' },
  {
    re: /this QEMU binary|this QEMU\b|QEMU binary|not supported by QEMU|QEMU version|this qemu/i,
    why: "this host's QEMU lacks the feature",
  },
  {
    re: /host (CPU|kernel)|could not find capabilities for domaintype=kvm|domain type 'kvm'|KVM is not available|kvm.*not supported/i,
    why: 'no KVM or host CPU feature here',
  },
  {
    re: /Unable to (find|get|stat|read|open)|No such file|cannot (stat|open|access)|does not exist|is not a block device|not a directory/i,
    why: 'a file, device or path that is not on this machine',
  },
  { re: /in qemu\.conf/, why: "this host's qemu.conf (TLS for SPICE/VNC, ...)" },
  {
    re: /storage pool|network '.*' not found|no network with matching name|no storage pool/i,
    why: 'a pool or network this host does not have',
  },
];

function hostCause(message) {
  return environmentOf(message) ?? HOST_CAUSES.find((c) => c.re.test(message))?.why;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-recall-'));
process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function virsh(...a) {
  return new Promise((resolve) =>
    execFile('virsh', ['-q', '-c', URI, ...a], { timeout: 60_000 }, (err, stdout, stderr) => {
      const text = `${stdout ?? ''}${stderr ?? ''}`
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^error: Failed to define domain/.test(l))
        .map((l) => l.replace(/^error: /, ''))
        .join(' ');
      resolve({ ok: !err, out: text });
    })
  );
}

/**
 * The document under a uuid of its own, and a name of its own unless the name is what the document
 * is about (odd characters): the daemon's other domains are untouched, and it is undefined by uuid.
 */
function forLibvirt(text, id) {
  const uuid = crypto.randomUUID();
  let xml = text.replace(/<name>([A-Za-z0-9_.:-]{1,40})<\/name>/, `<name>${PREFIX}-${id}-$1</name>`);
  if (!/<name>/.test(xml)) {
    xml = xml.replace(/(<domain\b[^>]*>)/, `$1\n  <name>${PREFIX}-${id}</name>`);
  }
  const old = /<uuid>([^<]*)<\/uuid>/.exec(xml)?.[1];
  if (old === undefined) {
    xml = xml.replace(/(<domain\b[^>]*>)/, `$1\n  <uuid>${uuid}</uuid>`);
  } else if (/^\s*(?:[- ]*[0-9a-fA-F]{2}){16}\s*$/.test(old)) {
    const key = (u) => u.trim().replace(/-/g, '').toLowerCase();
    xml = xml.replace(/(<entry name='uuid'>)([^<]*)(<\/entry>)/g, (m, a, u, b) => (key(u) === key(old) ? `${a}${uuid}${b}` : m));
    xml = xml.replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${uuid}</uuid>`);
  } else {
    return { xml, uuid: old }; // a malformed <uuid> is what the document is about: libvirt refuses it
  }
  return { xml, uuid };
}

async function judgeLibvirt(text, id) {
  const { xml, uuid } = forLibvirt(text, id);
  const f = path.join(tmp, `${id}.xml`);
  fs.writeFileSync(f, xml);
  const r = await virsh('define', f);
  fs.rmSync(f, { force: true });
  if (r.ok) {
    const u = await virsh('undefine', '--nvram', uuid);
    if (!u.ok) {
      await virsh('undefine', uuid);
    }
  }
  return { ok: r.ok, message: r.out };
}

function ours(text) {
  const { findings } = analyze(text, { flavor: 'upstream', targetVersion: '9.0.0' });
  const errors = findings.filter((f) => f.severity === 'error');
  return { codes: [...new Set(errors.map((f) => f.code))], first: errors[0]?.message };
}

/** A message with names, numbers and paths elided, to group alike refusals. */
const shape = (m) =>
  m
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\/[\w./-]+/g, '…')
    .replace(/\b(0x)?[0-9a-f]+\b/gi, 'N')
    .slice(0, 160);

const files = DIRS.flatMap((d) => {
  const dir = path.join(src, d);
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.xml'))
        .sort()
        .map((n) => path.join(dir, n))
    : [];
});

const version = (await virsh('version')).out;
if (!/Using library: libvirt/.test(version)) {
  console.error(`${URI} does not answer: ${version}`);
  process.exit(1);
}

const results = new Array(files.length);
let next = 0;
async function worker() {
  while (next < files.length) {
    const i = next++;
    const file = files[i];
    const text = fs.readFileSync(file, 'utf8');
    if (!/<domain\b/.test(text)) {
      results[i] = { file, skip: 'not a domain' };
      continue;
    }
    const id = `${i}-${crypto.createHash('sha1').update(file).digest('hex').slice(0, 6)}`;
    const lv = await judgeLibvirt(text, id);
    results[i] = { file, lv, us: ours(text) };
    if ((i + 1) % 100 === 0) {
      process.stderr.write(`${i + 1}/${files.length}\n`);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));

const judged = results.filter((r) => !r.skip);
const accepted = judged.filter((r) => r.lv.ok);
const refused = judged.filter((r) => !r.lv.ok);
const byHost = refused.filter((r) => hostCause(r.lv.message));
const byDoc = refused.filter((r) => !hostCause(r.lv.message));
const caught = byDoc.filter((r) => r.us.codes.length > 0);
// An error of a start-time code only (define accepts, QEMU refuses at start) on a document libvirt
// defines is a prediction about `virsh start`, which is not run here on libvirt's test domains
// (they name host devices, files and hugepages this machine lacks).
const startOnly = (r) => r.us.codes.length > 0 && r.us.codes.every((c) => START_CODES.has(c));
const falseAlarms = accepted.filter((r) => r.us.codes.length > 0 && !startOnly(r));
const atStart = accepted.filter(startOnly);
const pct = (a, b) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
const rel = (f) => path.relative(src, f);

function groups(list, keyOf) {
  const m = new Map();
  for (const r of list) {
    const k = keyOf(r);
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return [...m.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}
const cell = (t) => String(t).replace(/\|/g, '\\|').replace(/\n/g, ' ');

const lines = [
  "# Recall over libvirt's own test domains",
  '',
  '<!-- Generated by node scripts/recall/libvirt-tests.mjs LIBVIRT_SOURCE_DIR. Do not edit by hand. -->',
  '',
  `The domain inputs of libvirt's test suite (${DIRS.map((d) => `\`${d}\``).join(', ')} of ${path.basename(path.resolve(src))}),`,
  `written by libvirt's developers, not by us: on ${new Date().toISOString().slice(0, 10)} each was given to \`virsh -c qemu:///system define\` here`,
  `(libvirt ${/Using library: libvirt (\S+)/.exec(version)?.[1]}, QEMU ${/Running hypervisor: QEMU (\S+)/.exec(version)?.[1]}) and to our engine (flavor upstream, target 9.0.0, no host).`,
  'Refusals caused by this machine (no emulator for the architecture, a QEMU capability or a file that is',
  "not here) are the host's verdict, judged by the host-aware checks, and are counted apart.",
  '',
  `- documents: ${judged.length} (${results.length - judged.length} skipped: not a domain)`,
  `- libvirt refuses at define: ${refused.length}; for this machine's reasons ${byHost.length}; for the document's ${byDoc.length}`,
  `- **recall at define: we report an error on ${caught.length} of the ${byDoc.length} the document makes libvirt refuse (${pct(caught.length, byDoc.length)})**`,
  `- **false alarms: we report a define-time error on ${falseAlarms.length} of the ${accepted.length} libvirt defines (${pct(falseAlarms.length, accepted.length)})**`,
  `- predicted to fail at \`virsh start\` (only start-time codes; not started here): ${atStart.length} of the ${accepted.length}`,
  '',
  'Start-time recall (define accepts, QEMU refuses to start) is measured on the generated mutations of the',
  'agreement suite (docs/agreement.md), where every case can be started safely.',
  '',
  "## Missed refusals, by libvirt's message",
  '',
  '| documents | libvirt says (names and numbers elided) | example |',
  '|---:|---|---|',
  ...groups(
    byDoc.filter((r) => r.us.codes.length === 0),
    (r) => shape(r.lv.message)
  ).map(([k, rs]) => `| ${rs.length} | ${cell(k)} | ${cell(path.basename(rs[0].file))} |`),
  '',
  '## False alarms',
  '',
  '| document | our errors | first message |',
  '|---|---|---|',
  ...falseAlarms.map((r) => `| ${cell(rel(r.file))} | ${r.us.codes.join(', ')} | ${cell(r.us.first ?? '')} |`),
  '',
  '## Predicted to fail at start (not started here)',
  '',
  '| document | our start-time codes |',
  '|---|---|',
  ...atStart.map((r) => `| ${cell(rel(r.file))} | ${r.us.codes.join(', ')} |`),
  '',
  "## Refusals caught, by libvirt's message",
  '',
  '| documents | libvirt says | our codes |',
  '|---:|---|---|',
  ...groups(caught, (r) => shape(r.lv.message)).map(
    ([k, rs]) => `| ${rs.length} | ${cell(k)} | ${[...new Set(rs.flatMap((r) => r.us.codes))].join(', ')} |`
  ),
  '',
  "## Refusals for this machine's reasons",
  '',
  '| documents | reason |',
  '|---:|---|',
  ...groups(byHost, (r) => hostCause(r.lv.message)).map(([k, rs]) => `| ${rs.length} | ${cell(k)} |`),
  '',
];
fs.writeFileSync(out, lines.join('\n'));
console.log(
  `${judged.length} documents: libvirt refused ${refused.length} (${byHost.length} for this machine's reasons); ` +
    `recall ${caught.length}/${byDoc.length} (${pct(caught.length, byDoc.length)}), false alarms ${falseAlarms.length}/${accepted.length}, start-time predictions ${atStart.length} -> ${path.relative(repo, out)}`
);

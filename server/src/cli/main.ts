/**
 * libvirt-lint: checks libvirt domain XML files (and attach-device fragments) from the command
 * line, and the domains defined on libvirt hosts (--connect URI --all-domains). Files and domains
 * linted together are also checked against each other (rules/fleet.ts).
 * Exit status: 0 no errors, 1 errors found, 2 usage, configuration or I/O problems (the rest is still checked).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { analyze, withAcross, type SeveritySetting } from '../analysis';
import { ConfigFinder, isIgnored, readConfig, type LintConfig } from '../common/config';
import { isFlavorSetting, resolveFlavor, type FlavorSetting } from '../common/flavor';
import { isTargetVersionSetting, resolveTargetVersion, type TargetVersionSetting } from '../common/target-version';
import { decodeBytes } from '../common/read-text';
import { CODES, isCode } from '../rules/codes';
import { checkClaims } from '../rules/fleet';
import type { Flavor } from '../rules/types';
import { DEFAULT_FORMAT_OPTIONS, type FormatOptions } from '../features/format';
import { runFmt } from './fmt';
import { snapshotHost } from './host';
import { formatJson, formatSarif, formatText, type FileResult, type Peer } from './format';
import { hostForFiles } from './host';
import { domcapsKeyOfText } from '../host/match';
import { hostDomainClaims } from '../host/domains';
import type { HostProfile } from '../host/profile';
import { lintHosts } from './hosts';
import { inactiveXml } from '../host/virsh';
import type { AttachTarget } from '../attach';
import { hostName } from '../rules/host';
import { lintFile, plain, type FileJob, type FileOutcome, type LintedDoc, type LintedFinding } from './lint-file';
import { lintInWorkers, serveWorker, WORKER_FLAG } from './workers';
import pkg from '../../../package.json';

const USAGE = `Usage: libvirt-lint [options] PATH...
       libvirt-lint [options] --connect URI [--connect URI...] --all-domains [PATH...]
       libvirt-lint [options] --connect URI PATH...        (files checked against that host)
       libvirt-lint [options] --host-snapshot DIR PATH...  (files checked against a saved host)
       libvirt-lint [options] --connect URI --attach-to DOMAIN FRAGMENT...
                                                    (attach-device fragments checked inside that domain)
       libvirt-lint snapshot-host --connect URI DIR        (save a host for --host-snapshot)

Checks libvirt domain XML files and attach-device fragments. A folder is searched for *.xml files.
Files and domains checked together are also checked against each other (same name, UUID, MAC,
host device, writable disk image or console port).

Options:
  --format text|json|sarif   output format (default: text)
  --flavor auto|upstream|openeuler
                             which libvirt to check against (default: auto, read from the
                             installed libvirt schema when there is one)
  --machine pc|q35|NAME      machine type for fragments and domains without <os><type machine>
  --target-version V|auto|bundled
                             the libvirt release the files are for (e.g. 9.0.0): what came after
                             it is reported (default: auto, the libvirt installed here; bundled:
                             the newest release the bundled schema knows)
  --severity CODE=LEVEL      change a code's severity: error, warning, information, hint or off
                             (may be repeated)
  --config FILE              use this config file instead of the nearest .libvirt-lint.json
  --fix                      apply every safe fix and write the files (formatting and comments kept)
  --fix-dry-run              print the fixes as a unified diff instead of writing them
  --connect URI              a libvirt host (qemu:///system, qemu+ssh://host/system...; may be repeated)
  --all-domains              lint the persistent (inactive) XML of every domain on the --connect hosts
  --host-snapshot DIR        check the files against the host saved in DIR (snapshot-host); with
                             one --connect URI and files, they are checked against that host
  --attach-to DOMAIN         check attach-device fragments as attached to this domain of the
                             --connect or --host-snapshot host (its persistent XML: machine type,
                             addresses, targets and controllers already there)
  --virsh PATH               the virsh executable (default: virsh)
  --timeout SECONDS          stop virsh after this many seconds (default: 60)
  --jobs N                   threads for big sets of files (default: one per core; 1: no worker threads)
  --no-color                 plain text output
  --fmt                      format the files in place (the layout of virsh dumpxml) instead
                             of checking them; files with syntax errors are left alone
  --fmt-check                list the files --fmt would change; exit status 1 when there are any
  --indent N|tab             indentation for --fmt (default: 2)
  --quotes single|double|preserve
                             quotes around attribute values for --fmt (default: single)
  --list-codes               print every finding code with its default severity and exit
  -h, --help                 show this help
  -v, --version              show the version

Exit status: 0 no errors, 1 errors found, 2 usage, configuration or I/O problems.
With --fmt-check: 0 formatted, 1 some file would change, 2 syntax errors or I/O problems.
`;

interface Options {
  format: 'text' | 'json' | 'sarif';
  flavor: FlavorSetting | undefined;
  machine: string | undefined;
  targetVersion: TargetVersionSetting | undefined;
  severity: Record<string, SeveritySetting>;
  color: boolean;
  config: string | undefined;
  fix: 'no' | 'write' | 'dry-run';
  connect: string[];
  allDomains: boolean;
  hostSnapshot: string | undefined;
  attachTo: string | undefined;
  virsh: string | undefined;
  timeoutSeconds: number;
  jobs: number;
  paths: string[];
  /** --fmt / --fmt-check: format instead of lint. */
  fmt: 'write' | 'check' | undefined;
  formatOptions: FormatOptions;
}

class UsageError extends Error {}

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

function parseArgs(argv: string[]): Options | 'help' | 'version' | 'codes' {
  const o: Options = {
    format: 'text',
    flavor: undefined,
    machine: undefined,
    targetVersion: undefined,
    severity: {},
    color: !!process.stdout.isTTY,
    config: undefined,
    fix: 'no',
    connect: [],
    allDomains: false,
    hostSnapshot: undefined,
    attachTo: undefined,
    virsh: undefined,
    timeoutSeconds: 60,
    jobs: Math.min(8, os.availableParallelism()),
    paths: [],
    fmt: undefined,
    formatOptions: { ...DEFAULT_FORMAT_OPTIONS },
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '-v':
      case '--version':
        return 'version';
      case '--list-codes':
        return 'codes';
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') {
          throw new UsageError(`--format must be text, json or sarif, not '${v}'`);
        }
        o.format = v;
        break;
      }
      case '--flavor': {
        const v = value();
        if (!isFlavorSetting(v)) {
          throw new UsageError(`--flavor must be auto, upstream or openeuler, not '${v}'`);
        }
        o.flavor = v;
        break;
      }
      case '--target-version': {
        const v = value();
        if (!isTargetVersionSetting(v)) {
          throw new UsageError(`--target-version must be a libvirt version such as 9.0.0, auto or bundled, not '${v}'`);
        }
        o.targetVersion = v;
        break;
      }
      case '--machine':
        o.machine = value();
        break;
      case '--severity': {
        const v = value();
        const [code, level] = v.split('=');
        if (!code || !level || !isCode(code) || !LEVELS.has(level)) {
          throw new UsageError(
            `--severity takes CODE=LEVEL with a known code (see --list-codes) and a level of error, warning, information, hint or off; got '${v}'`
          );
        }
        o.severity[code] = level as SeveritySetting;
        break;
      }
      case '--config':
        o.config = value();
        break;
      case '--fix':
        o.fix = o.fix === 'dry-run' ? 'dry-run' : 'write';
        break;
      case '--fix-dry-run':
        o.fix = 'dry-run';
        break;
      case '--connect':
        o.connect.push(value());
        break;
      case '--all-domains':
        o.allDomains = true;
        break;
      case '--host-snapshot':
        o.hostSnapshot = value();
        break;
      case '--attach-to':
        o.attachTo = value();
        break;
      case '--virsh':
        o.virsh = value();
        break;
      case '--timeout': {
        const v = Number(value());
        if (!(v > 0)) {
          throw new UsageError('--timeout takes a number of seconds greater than 0');
        }
        o.timeoutSeconds = v;
        break;
      }
      case '--jobs': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1) {
          throw new UsageError('--jobs takes a whole number of threads, 1 or more');
        }
        o.jobs = v;
        break;
      }
      case '--no-color':
        o.color = false;
        break;
      case '--fmt':
      case '--fmt-check':
        o.fmt = flag === '--fmt' ? 'write' : 'check';
        break;
      case '--indent': {
        const v = value();
        const n = Number(v);
        if (v !== 'tab' && !(Number.isInteger(n) && n >= 1 && n <= 16)) {
          throw new UsageError(`--indent takes a number of spaces (1 to 16) or 'tab', not '${v}'`);
        }
        o.formatOptions.indent = v === 'tab' ? '\t' : ' '.repeat(n);
        break;
      }
      case '--quotes': {
        const v = value();
        if (v !== 'single' && v !== 'double' && v !== 'preserve') {
          throw new UsageError(`--quotes must be single, double or preserve, not '${v}'`);
        }
        o.formatOptions.quotes = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') {
          throw new UsageError(`unknown option ${arg}`);
        }
        o.paths.push(arg);
    }
  }
  if (o.allDomains && o.connect.length === 0) {
    throw new UsageError('--all-domains needs at least one --connect URI');
  }
  if (o.paths.length === 0 && !o.allDomains) {
    throw new UsageError(
      o.connect.length > 0 ? '--connect without --all-domains needs files to check against the hosts' : 'no files or folders given'
    );
  }
  if (o.hostSnapshot !== undefined && o.connect.length > 0) {
    throw new UsageError('--host-snapshot and --connect each name the host to check against: give one of them');
  }
  if (o.hostSnapshot !== undefined && o.paths.length === 0) {
    throw new UsageError('--host-snapshot needs files to check against the saved host');
  }
  if (o.attachTo !== undefined && (o.allDomains || (o.connect.length !== 1 && o.hostSnapshot === undefined) || o.paths.length === 0)) {
    throw new UsageError('--attach-to needs one host (one --connect URI or --host-snapshot DIR) and fragment files, without --all-domains');
  }
  if (o.fix !== 'no' && o.allDomains) {
    throw new UsageError('--fix changes files only: it cannot be combined with --all-domains');
  }
  return o;
}

/** Files to check: named files as they are, folders searched for *.xml (sorted, no symlink loops), ignored ones left out. */
function collect(p: string, problems: string[], ignored: (file: string) => boolean): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    problems.push(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
    return [];
  }
  if (!st.isDirectory()) {
    return [p];
  }
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 32 && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        walk(full, depth + 1);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.xml') && !ignored(full)) {
        out.push(full);
      }
    }
  };
  walk(p, 0);
  return out;
}

/** --fmt / --fmt-check: the files in `virsh dumpxml`'s layout; files that are not libvirt XML are left alone. */
function formatFiles(
  mode: 'write' | 'check',
  options: FormatOptions,
  files: readonly string[],
  named: ReadonlySet<string>,
  problems: string[]
): number {
  const toFormat: { file: string; text: string; plain: boolean }[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      problems.push(`${file}: cannot read (${err.code === 'EACCES' ? 'permission denied' : err.message})`);
      continue;
    }
    const decoded = decodeBytes(bytes);
    if ('skip' in decoded) {
      if (named.has(file)) {
        process.stderr.write(`libvirt-lint: ${file}: skipped, ${decoded.skip}\n`);
      }
      continue;
    }
    if (!analyze(decoded.text).model) {
      if (named.has(file)) {
        process.stderr.write(`libvirt-lint: ${file}: skipped, not libvirt domain XML (root is not <domain> or a device)\n`);
      }
      continue;
    }
    // Only plain UTF-8 without a byte-order mark is written back: anything else would change the bytes.
    toFormat.push({ file, text: decoded.text, plain: !decoded.note && bytes[0] !== 0xef && bytes[0] !== 0xfe && bytes[0] !== 0xff });
  }
  const status = runFmt(
    { mode, options, files: toFormat },
    (line) => process.stdout.write(line + '\n'),
    (line) => process.stderr.write(`libvirt-lint: ${line}\n`)
  );
  for (const p of problems) {
    process.stderr.write(`libvirt-lint: ${p}\n`);
  }
  return problems.length > 0 ? 2 : status;
}

/** One document linted: a file, or a domain on a host (`URI#name`). */
interface Linted {
  id: string;
  host?: string;
  /** Reported (files and --all-domains), or only compared with (host domains when files are checked against hosts). */
  report: boolean;
  doc: LintedDoc;
}

interface EngineOptions {
  flavor: Flavor | undefined;
  machine: string | undefined;
  targetVersion: string | undefined;
  severity: Record<string, SeveritySetting>;
}

/** Below this many files, starting worker threads costs more than it saves. */
const WORKERS_FROM = 200;

/** `snapshot-host --connect URI [--virsh PATH] [--timeout S] DIR`. */
async function snapshotCommand(argv: string[]): Promise<number> {
  let uri: string | undefined;
  let virsh: string | undefined;
  let timeoutSeconds = 60;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--connect') {
      uri = value();
    } else if (flag === '--virsh') {
      virsh = value();
    } else if (flag === '--timeout') {
      timeoutSeconds = Number(value());
    } else if (flag === '-h' || flag === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else if (flag.startsWith('-')) {
      process.stderr.write(`libvirt-lint: snapshot-host: unknown option ${a}\n\n${USAGE}`);
      return 2;
    } else {
      rest.push(a);
    }
  }
  if (!uri || rest.length !== 1 || !(timeoutSeconds > 0)) {
    process.stderr.write(
      `libvirt-lint: snapshot-host needs --connect URI and one folder${timeoutSeconds > 0 ? '' : ' (and --timeout a number of seconds)'}\n\n${USAGE}`
    );
    return 2;
  }
  return snapshotHost(uri, rest[0]!, { ...(virsh ? { virsh } : {}), timeoutMs: timeoutSeconds * 1000 });
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'snapshot-host') {
    return snapshotCommand(argv.slice(1));
  }
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`libvirt-lint: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts === 'version') {
    process.stdout.write(`libvirt-lint ${pkg.version}\n`);
    return 0;
  }
  if (opts === 'codes') {
    for (const [code, info] of Object.entries(CODES)) {
      process.stdout.write(`${code.padEnd(32)} ${info.severity.padEnd(12)} ${info.summary}\n`);
    }
    return 0;
  }
  const o = opts;
  const problems: string[] = [];
  const finder = new ConfigFinder();
  const forced = o.config ? readConfig(o.config) : undefined;
  const configOf = (file: string): LintConfig | undefined => forced ?? finder.forFile(file);
  const flavors = new Map<string, Flavor | undefined>();
  const engineOptions = (cfg: LintConfig | undefined): EngineOptions => {
    const setting = o.flavor ?? cfg?.flavor ?? 'auto';
    if (!flavors.has(setting)) {
      flavors.set(setting, resolveFlavor(setting));
    }
    return {
      flavor: flavors.get(setting),
      machine: o.machine ?? cfg?.machine,
      targetVersion: resolveTargetVersion(o.targetVersion ?? cfg?.targetVersion ?? 'auto'),
      severity: { ...cfg?.severity, ...o.severity },
    };
  };
  const named = new Set(o.paths);
  const ignored = (file: string): boolean => {
    const cfg = configOf(file);
    return !!cfg && isIgnored(cfg, file);
  };
  const files = o.paths.flatMap((p) => collect(p, problems, ignored));
  const linted: Linted[] = [];
  const jobs: FileJob[] = [];
  if (o.fmt) {
    return formatFiles(o.fmt, o.formatOptions, files, named, problems);
  }
  for (const file of files) {
    if (named.has(file) && ignored(file)) {
      process.stderr.write(`libvirt-lint: ${file}: skipped, ignored by ${configOf(file)!.file}\n`);
      continue;
    }
    jobs.push({ file, named: named.has(file), options: engineOptions(configOf(file)), fix: o.fix });
  }
  // The host the files are checked against: a snapshot, or the one --connect host (not with
  // several: which one a file is meant for is not said). Its domcapabilities for the files' arch,
  // virt type and machine are read before linting.
  let host: HostProfile | undefined;
  const hostWhere =
    o.hostSnapshot !== undefined
      ? { snapshot: o.hostSnapshot }
      : o.connect.length === 1 && jobs.length > 0
        ? { uri: o.connect[0]! }
        : undefined;
  if (o.connect.length > 1 && jobs.length > 0) {
    process.stderr.write(
      `libvirt-lint: files are checked against no host's capabilities and devices with ${o.connect.length} --connect hosts (give one)\n`
    );
  }
  // --attach-to: the persistent XML of the domain the fragments are checked inside.
  let attach: AttachTarget | undefined;
  if (o.attachTo !== undefined && o.hostSnapshot === undefined) {
    const uri = o.connect[0]!;
    try {
      const xml = await inactiveXml(uri, o.attachTo, { ...(o.virsh ? { virsh: o.virsh } : {}), timeoutMs: o.timeoutSeconds * 1000 });
      attach = { name: o.attachTo, xml, where: `the host ${uri}` };
    } catch (e) {
      process.stderr.write(`libvirt-lint: --attach-to ${o.attachTo}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  if (hostWhere) {
    const keys = new Map<string, { arch: string; virtType: string; machine?: string }>();
    if ('uri' in hostWhere) {
      for (const j of jobs) {
        let text = '';
        try {
          text = attach?.xml ?? fs.readFileSync(j.file, 'utf8');
        } catch {
          continue; // lintFile reports it
        }
        const k = domcapsKeyOfText(text, attach ? undefined : j.options.machine);
        keys.set(`${k.virtType}/${k.arch}/${k.machine ?? ''}`, k);
      }
    }
    const got = await hostForFiles(hostWhere, [...keys.values()], {
      ...(o.virsh ? { virsh: o.virsh } : {}),
      timeoutMs: o.timeoutSeconds * 1000,
    });
    if (got.problem) {
      problems.push(got.problem);
    }
    host = got.host;
  }
  if (o.attachTo !== undefined && !attach) {
    const d = host?.domains?.find((x) => x.name === o.attachTo);
    if (!d?.xml) {
      process.stderr.write(`libvirt-lint: --attach-to ${o.attachTo}: no such domain in ${host ? host.label : 'the host snapshot'}\n`);
      return 2;
    }
    attach = { name: d.name, xml: d.xml, where: hostName(host!) };
  }
  if (attach) {
    for (const j of jobs) {
      j.attach = attach;
    }
  }
  // With a host, 'auto' means the host's libvirt release, not the one installed here.
  if (host?.libvirtVersion) {
    for (const j of jobs) {
      const setting = o.targetVersion ?? configOf(j.file)?.targetVersion ?? 'auto';
      j.options = { ...j.options, targetVersion: resolveTargetVersion(setting, host.libvirtVersion) };
    }
  }
  const outcomes: FileOutcome[] =
    jobs.length >= WORKERS_FROM && o.jobs > 1
      ? await lintInWorkers(__filename, jobs, o.jobs, host)
      : jobs.map((j) => lintFile(host ? { ...j, options: { ...j.options, host } } : j));
  let fixedEdits = 0;
  let fixedFiles = 0;
  let diff = '';
  outcomes.forEach((out, k) => {
    for (const n of out.notes) {
      process.stderr.write(`libvirt-lint: ${n}\n`);
    }
    problems.push(...out.problems);
    if (out.fixedEdits > 0) {
      fixedEdits += out.fixedEdits;
      fixedFiles++;
      diff += out.diff;
    }
    if (out.linted) {
      linted.push({ id: jobs[k]!.file, report: true, doc: out.linted });
    }
  });

  if (o.connect.length > 0) {
    const cfg = forced ?? finder.forFile(path.join(process.cwd(), 'host'));
    const hostResult = await lintHosts(o.connect, {
      virsh: o.virsh,
      timeoutMs: o.timeoutSeconds * 1000,
      progress: process.stderr.isTTY ? process.stderr : undefined,
      lintText: (text) => {
        const analysis = analyze(text, engineOptions(cfg));
        return analysis.model ? plain(text, analysis) : undefined;
      },
    });
    problems.push(...hostResult.problems);
    for (const d of hostResult.domains) {
      if (attach && !o.allDomains && o.hostSnapshot === undefined && d.id === `${o.connect[0]}#${attach.name}`) {
        continue; // the fragments are checked inside it, not beside it
      }
      linted.push({ id: d.id, host: d.host, report: o.allDomains, doc: d.doc });
    }
  }

  // A snapshot's domains are compared with the files as fleet mode compares a host's (same host device, MAC, disk image...).
  if (host && host.source.kind === 'snapshot') {
    const byName = new Map((host.domains ?? []).map((d) => [d.name, d.xml ?? '']));
    for (const d of hostDomainClaims(host)) {
      if (d.name === attach?.name) {
        continue; // the fragments are checked inside it, not beside it
      }
      const text = byName.get(d.name) ?? '';
      linted.push({
        id: `${host.source.uri ?? host.source.dir}#${d.name}`,
        host: host.label,
        report: false,
        doc: { text, findings: [], suppressions: [], severity: {}, claims: d.claims },
      });
    }
  }

  for (const cfg of forced ? [forced] : finder.all()) {
    for (const p of cfg.problems) {
      problems.push(`${p.file}:${p.line + 1}:${p.character + 1}: ${p.message}`);
    }
  }

  // Conflicts between everything linted together.
  const members = linted.map((l) => ({ claims: l.doc.claims, host: l.host }));
  const across = members.length > 1 ? checkClaims(members) : members.map(() => []);
  const peers: Peer[] = linted.map((l) => ({ file: l.id, text: l.doc.text }));
  const results: FileResult[] = [];
  linted.forEach((l, i) => {
    if (l.report) {
      results.push({ file: l.id, text: l.doc.text, findings: withAcross({ ...l.doc, doc: l.doc }, across[i]!), peers });
    }
  });

  if (o.fix === 'dry-run') {
    process.stdout.write(diff);
  } else {
    const output =
      o.format === 'json' ? formatJson(results) : o.format === 'sarif' ? formatSarif(results, pkg.version) : formatText(results, o.color);
    process.stdout.write(output);
  }
  if (o.fix !== 'no') {
    const left = results.flatMap((r) => r.findings);
    const fixable = left.filter((f) => (f as LintedFinding).fixable).length;
    const verb = o.fix === 'dry-run' ? 'would fix' : 'fixed';
    process.stderr.write(
      `libvirt-lint: ${verb} ${fixedEdits} edit${fixedEdits === 1 ? '' : 's'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}; ` +
        `${left.length} finding${left.length === 1 ? '' : 's'} left (${left.filter((f) => f.severity === 'error').length} errors), ` +
        `${left.length - fixable} of them without a safe fix\n`
    );
    if (o.fix === 'dry-run') {
      process.stderr.write(formatText(results, false));
    }
  }
  for (const p of problems) {
    process.stderr.write(`libvirt-lint: ${p}\n`);
  }
  if (problems.length > 0) {
    return 2;
  }
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

/** Runs the CLI with these arguments and sets the exit status (bin.ts, the entry point, calls it). */
export function run(argv: string[]): void {
  void main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`libvirt-lint: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    }
  );
}

// A worker thread started by lintInWorkers (on this module, or on the bundle that holds it).
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG]) {
  serveWorker();
}

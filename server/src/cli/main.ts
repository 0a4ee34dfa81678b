/**
 * libvirt-lint: checks libvirt domain XML files (and attach-device fragments) from the command line.
 * Exit status: 0 no errors, 1 errors found, 2 usage or I/O problems (other files are still checked).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type SeveritySetting } from '../analysis';
import { isFlavorSetting, resolveFlavor, type FlavorSetting } from '../common/flavor';
import { decodeBytes } from '../common/read-text';
import { CODES, isCode } from '../rules/codes';
import { DEFAULT_FORMAT_OPTIONS, type FormatOptions } from '../features/format';
import { runFmt } from './fmt';
import { formatJson, formatSarif, formatText, type FileResult } from './format';
import pkg from '../../../package.json';

const USAGE = `Usage: libvirt-lint [options] PATH...

Checks libvirt domain XML files and attach-device fragments. A folder is searched for *.xml files.

Options:
  --format text|json|sarif   output format (default: text)
  --flavor auto|upstream|openeuler
                             which libvirt to check against (default: auto, read from the
                             installed libvirt schema when there is one)
  --machine pc|q35|NAME      machine type for fragments and domains without <os><type machine>
  --severity CODE=LEVEL      change a code's severity: error, warning, information, hint or off
                             (may be repeated)
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

Exit status: 0 no errors, 1 errors found, 2 usage or I/O problems.
With --fmt-check: 0 formatted, 1 some file would change, 2 syntax errors or I/O problems.
`;

interface Options {
  format: 'text' | 'json' | 'sarif';
  flavor: FlavorSetting;
  machine: string | undefined;
  severity: Record<string, SeveritySetting>;
  color: boolean;
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
    flavor: 'auto',
    machine: undefined,
    severity: {},
    color: !!process.stdout.isTTY,
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
  if (o.paths.length === 0) {
    throw new UsageError('no files or folders given');
  }
  return o;
}

/** Files to check: named files as they are, folders searched for *.xml (sorted, no symlink loops). */
function collect(p: string, problems: string[]): string[] {
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
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.xml')) {
        out.push(full);
      }
    }
  };
  walk(p, 0);
  return out;
}

function main(argv: string[]): number {
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
  const problems: string[] = [];
  const named = new Set(opts.paths);
  const files = opts.paths.flatMap((p) => collect(p, problems));
  const flavor = resolveFlavor(opts.flavor);
  const results: FileResult[] = [];
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
    if (decoded.note) {
      process.stderr.write(`libvirt-lint: ${file}: ${decoded.note}\n`);
    }
    const analysis = analyze(decoded.text, { flavor, machine: opts.machine, severity: opts.severity });
    if (!analysis.model) {
      if (named.has(file)) {
        process.stderr.write(`libvirt-lint: ${file}: skipped, not libvirt domain XML (root is not <domain> or a device)\n`);
      }
      continue;
    }
    if (opts.fmt) {
      toFormat.push({ file, text: decoded.text, plain: !decoded.note && bytes[0] !== 0xef && bytes[0] !== 0xfe && bytes[0] !== 0xff });
      continue;
    }
    for (const ie of analysis.internalErrors) {
      process.stderr.write(`libvirt-lint: internal error in rule family ${ie.family} on ${file}: ${String(ie.error)}\n`);
    }
    results.push({ file, text: decoded.text, findings: analysis.findings });
  }
  if (opts.fmt) {
    const status = runFmt(
      { mode: opts.fmt, options: opts.formatOptions, files: toFormat },
      (line) => process.stdout.write(line + '\n'),
      (line) => process.stderr.write(`libvirt-lint: ${line}\n`)
    );
    for (const p of problems) {
      process.stderr.write(`libvirt-lint: ${p}\n`);
    }
    return problems.length > 0 ? 2 : status;
  }
  const output =
    opts.format === 'json'
      ? formatJson(results)
      : opts.format === 'sarif'
        ? formatSarif(results, pkg.version)
        : formatText(results, opts.color);
  process.stdout.write(output);
  for (const p of problems) {
    process.stderr.write(`libvirt-lint: ${p}\n`);
  }
  if (problems.length > 0) {
    return 2;
  }
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

/**
 * Running virsh (and virt-xml-validate) for the extension's commands: always an argument array,
 * never a shell; cancellable; bounded in time; failures turned into a kind and a sentence that
 * says what to do. No vscode import, so it is unit-tested against the real virsh.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { libvirtMessages, parseXmllintErrors } from './libvirt-errors';

export type AttachMode = 'live' | 'config' | 'persistent' | 'current';

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the process after this many ms (default 120 s). */
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives (for an Output channel). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Called with the command line just before it is started. */
  onStart?: (command: string, args: readonly string[]) => void;
  env?: NodeJS.ProcessEnv;
}

export interface VirshOptions extends RunOptions {
  /** The virsh executable: a name looked up on PATH or an absolute path (default "virsh"). */
  virshPath?: string;
  /** libvirt connection URI, passed as -c. */
  uri: string;
}

interface RunResult {
  command: string;
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type FailureKind =
  | 'missing-binary'
  | 'not-executable'
  | 'connection'
  | 'permission'
  | 'unsupported'
  | 'no-domain'
  | 'file'
  | 'cancelled'
  | 'timeout'
  | 'libvirt';

export class VirshError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** What the user can do about it; empty when the libvirt message says it all. */
    readonly hint: string,
    /** libvirt's own messages (without "error: " and the "Failed to ..." preamble). */
    readonly libvirt: string[] = [],
    readonly result?: RunResult
  ) {
    super(message);
    this.name = 'VirshError';
  }
}

/** The quoted command line, for the Output channel only (nothing is ever run through a shell). */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Messages in English whatever the user's locale, so they can be mapped to places in the file. */
function childEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.LANGUAGE;
  env.LC_ALL = 'C.UTF-8';
  return env;
}

/**
 * Runs `command args` without a shell. Resolves with the result whatever the exit code; rejects
 * with a VirshError when the program cannot be started, is cancelled or times out.
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new VirshError('cancelled', 'Cancelled.', ''));
      return;
    }
    opts.onStart?.(command, args);
    const child = spawn(command, [...args], {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(opts.env),
      windowsHide: true,
    });
    const result: RunResult = { command, args: [...args], exitCode: null, signal: null, stdout: '', stderr: '' };
    let settled = false;
    let stopReason: 'cancelled' | 'timeout' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'cancelled' | 'timeout'): void => {
      if (stopReason || child.exitCode !== null) {
        return;
      }
      stopReason = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 3000);
    };
    const onAbort = (): void => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const finish = (err?: VirshError): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (killTimer) {
        clearTimeout(killTimer);
      }
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        reject(err);
      } else if (stopReason === 'cancelled') {
        reject(new VirshError('cancelled', `Cancelled: ${commandLine(command, args)}`, '', [], result));
      } else if (stopReason === 'timeout') {
        reject(
          new VirshError(
            'timeout',
            `${path.basename(command)} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
            'Check that the libvirt daemon answers (virsh -c URI version).',
            [],
            result
          )
        );
      } else {
        resolve(result);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      result.stdout += d;
      opts.onOutput?.(d, 'stdout');
    });
    child.stderr.on('data', (d: string) => {
      result.stderr += d;
      opts.onOutput?.(d, 'stderr');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        finish(new VirshError('missing-binary', `${command} was not found.`, missingHint(command)));
      } else if (e.code === 'EACCES') {
        finish(
          new VirshError(
            'not-executable',
            `${command} cannot be run (permission denied).`,
            `Check that ${command} is an executable file, or change the setting libvirt.virsh.path.`
          )
        );
      } else {
        finish(new VirshError('file', `${command} could not be started: ${e.message}`, ''));
      }
    });
    child.on('close', (code, signal) => {
      result.exitCode = code;
      result.signal = signal;
      finish();
    });
  });
}

function missingHint(command: string): string {
  const name = path.basename(command);
  if (name.startsWith('virt-xml-validate')) {
    return "Install it with libvirt's client tools (Debian/Ubuntu: sudo apt install libvirt-clients libxml2-utils; Fedora/RHEL: sudo dnf install libvirt-client).";
  }
  return (
    "Install libvirt's client tools (Debian/Ubuntu: sudo apt install libvirt-clients; Fedora/RHEL: sudo dnf install libvirt-client; " +
    'openSUSE: sudo zypper install libvirt-client), or set "libvirt.virsh.path" to the full path of virsh.'
  );
}

export function isTestUri(uri: string): boolean {
  return /^test(\+[\w-]+)?:\/\//.test(uri.trim());
}

/** Turns a failed virsh run into a kind, a plain message and what to do. */
function classifyFailure(result: RunResult, uri: string): VirshError {
  const messages = libvirtMessages(result.stderr);
  const all = messages.join('\n');
  const plain =
    messages.length > 0 ? messages.join('\n') : result.stderr.trim() || `virsh exited with code ${result.exitCode ?? result.signal}`;
  const connectFailed = /failed to connect to the hypervisor|no connection driver available/i.test(all);
  if (connectFailed && /permission denied|authentication (unavailable|failed)|access denied|not authorized|polkit/i.test(all)) {
    return new VirshError(
      'permission',
      `Permission denied connecting to ${uri}: ${plain.replace(/^failed to connect to the hypervisor\n?/i, '')}`,
      /session/.test(uri)
        ? `Check that your user can reach ${uri}.`
        : `Add your user to the "libvirt" group (sudo usermod -aG libvirt $USER, then log in again), or use qemu:///session for VMs of your own (setting libvirt.connectionUri).`,
      messages,
      result
    );
  }
  if (connectFailed) {
    const noDriver = /no connection driver available/i.test(all);
    return new VirshError(
      'connection',
      `Cannot connect to ${uri}: ${plain.replace(/^failed to connect to the hypervisor\n?/i, '')}`,
      noDriver
        ? `libvirt has no driver for this URI. Check the setting libvirt.connectionUri (for example qemu:///system, qemu:///session or test:///default).`
        : `Is the libvirt daemon running (sudo systemctl start libvirtd, or virtqemud.socket)? Check the setting libvirt.connectionUri (now ${uri}).`,
      messages,
      result
    );
  }
  if (/this function is not supported by the connection driver/i.test(all)) {
    return new VirshError(
      'unsupported',
      `${uri} cannot do this: ${plain}`,
      isTestUri(uri)
        ? "libvirt's test driver (test:///default) cannot attach or detach devices before libvirt 10. Use a real hypervisor URI (setting libvirt.connectionUri)."
        : 'The hypervisor driver of this connection does not support the operation.',
      messages,
      result
    );
  }
  const noDomain = /failed to get domain '([^']*)'|Domain not found: no domain with matching name '([^']*)'/i.exec(all);
  if (noDomain) {
    return new VirshError(
      'no-domain',
      `There is no domain named '${noDomain[1] ?? noDomain[2]}' on ${uri}.`,
      'Pick one of the domains `virsh list --all` shows.',
      messages,
      result
    );
  }
  if (/Failed to open file '[^']*'/i.test(all)) {
    return new VirshError('file', plain, 'Save the file to disk first.', messages, result);
  }
  return new VirshError('libvirt', plain, '', messages, result);
}

/** Runs `virsh -c URI args`; resolves on exit code 0, rejects with a classified VirshError otherwise. */
export async function virsh(args: readonly string[], opts: VirshOptions): Promise<RunResult> {
  const command = opts.virshPath?.trim() || 'virsh';
  const result = await run(command, ['-c', opts.uri, ...args], opts);
  if (result.exitCode !== 0) {
    throw classifyFailure(result, opts.uri);
  }
  return result;
}

/** Domain names on the connection, inactive ones included (`virsh list --all --name`). */
export async function listDomains(opts: VirshOptions): Promise<string[]> {
  const r = await virsh(['list', '--all', '--name'], opts);
  return r.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

interface DefineResult {
  /** The name libvirt reports ("Domain 'NAME' defined from FILE"). */
  name: string | undefined;
  result: RunResult;
}

/** `virsh define [--validate] FILE`. */
export async function defineDomain(file: string, opts: VirshOptions & { validate?: boolean }): Promise<DefineResult> {
  const result = await virsh(['define', ...(opts.validate ? ['--validate'] : []), '--file', file], opts);
  const m = /Domain '([^']*)' defined/.exec(result.stdout) ?? /Domain (\S+) defined/.exec(result.stdout);
  return { name: m?.[1], result };
}

function modeFlag(mode: AttachMode): string {
  return `--${mode}`;
}

/** `virsh attach-device DOMAIN FILE --MODE`. */
export function attachDevice(domain: string, file: string, mode: AttachMode, opts: VirshOptions): Promise<RunResult> {
  return virsh(['attach-device', '--domain', domain, '--file', file, modeFlag(mode)], opts);
}

/** `virsh detach-device DOMAIN FILE --MODE`. */
export function detachDevice(domain: string, file: string, mode: AttachMode, opts: VirshOptions): Promise<RunResult> {
  return virsh(['detach-device', '--domain', domain, '--file', file, modeFlag(mode)], opts);
}

/** The <name> of a domain XML, for confirmations. */
export function domainNameOf(text: string): string | undefined {
  const m = /<domain\b[^>]*>[\s\S]*?<name>\s*([^<]*?)\s*<\/name>/.exec(text);
  return m?.[1] || undefined;
}

export interface ValidationStep {
  /** What was run, for the report. */
  tool: 'virt-xml-validate' | 'virsh define (test:///default)';
  ok: boolean;
  /** True when the tool is not installed (the step was not run). */
  missing?: boolean;
  /** libvirt's messages, or the schema errors. */
  messages: string[];
  /** Schema errors with their 1-based line in the user's document. */
  lines: { line: number; message: string }[];
  /**
   * For a fragment: messages located in the wrapper domain around it (schema errors on its lines,
   * parser errors naming it), which are not to be shown at a line of the user's text.
   */
  wrapper?: string[];
  result?: RunResult;
  hint?: string;
}

interface ValidateOptions extends RunOptions {
  virshPath?: string;
  /** virt-xml-validate executable (default "virt-xml-validate"). */
  validatorPath?: string;
}

/**
 * Asks libvirt for its verdict without touching a real hypervisor:
 * 1. virt-xml-validate (libvirt's RelaxNG schema, with line numbers);
 * 2. `virsh -c test:///default define` (libvirt's parser and generic checks; the test driver's
 *    state lasts for this one call).
 * A device fragment is checked inside a minimal domain written to a temporary file; the schema's
 * line numbers are mapped back to the fragment.
 */
export async function validateWithLibvirt(text: string, kind: 'domain' | 'fragment', opts: ValidateOptions): Promise<ValidationStep[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-validate-'));
  try {
    const { content, lineOffset } = kind === 'domain' ? { content: text, lineOffset: 0 } : wrapFragment(text);
    const file = path.join(dir, kind === 'domain' ? 'domain.xml' : 'fragment-in-domain.xml');
    fs.writeFileSync(file, content);
    const steps: ValidationStep[] = [];

    const validator = opts.validatorPath?.trim() || 'virt-xml-validate';
    try {
      const r = await run(validator, [file, 'domain'], opts);
      const out = `${r.stdout}\n${r.stderr}`;
      const fragmentLines = text.split('\n').length;
      const all = parseXmllintErrors(out).map((l) => ({ line: l.line - lineOffset, message: l.message }));
      const inText = (l: { line: number }): boolean => l.line >= 1 && (kind === 'domain' || l.line <= fragmentLines);
      const lines = all.filter(inText);
      const wrapper = all.filter((l) => !inText(l)).map((l) => l.message);
      const messages = out
        .split(/\r?\n/)
        .map((l) => l.replace(file, path.basename(file)).trim())
        .filter((l) => l !== '' && !/ validates$/.test(l));
      steps.push({
        tool: 'virt-xml-validate',
        ok: r.exitCode === 0,
        messages: r.exitCode === 0 ? [] : messages,
        lines,
        ...(kind === 'fragment' && wrapper.length > 0 ? { wrapper } : {}),
        result: r,
      });
    } catch (e) {
      if (e instanceof VirshError && (e.kind === 'missing-binary' || e.kind === 'not-executable')) {
        steps.push({ tool: 'virt-xml-validate', ok: true, missing: true, messages: [e.message], lines: [], hint: e.hint });
      } else {
        throw e;
      }
    }

    try {
      const d = await defineDomain(file, { ...opts, uri: 'test:///default' });
      steps.push({ tool: 'virsh define (test:///default)', ok: true, messages: [], lines: [], result: d.result });
    } catch (e) {
      if (e instanceof VirshError && e.kind === 'libvirt') {
        const messages = e.libvirt.length > 0 ? e.libvirt : [e.message];
        const wrapper = kind === 'fragment' ? messages.filter((m) => m.includes(WRAPPER_NAME)) : [];
        steps.push({
          tool: 'virsh define (test:///default)',
          ok: false,
          messages,
          lines: [],
          ...(wrapper.length > 0 ? { wrapper } : {}),
          result: e.result,
        });
      } else {
        throw e;
      }
    }
    return steps;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The name of the domain a fragment is checked inside (Validate with libvirt). */
const WRAPPER_NAME = 'libvirt-xml-fragment-check';

/**
 * A minimal domain around a device fragment, the fragment starting on its own line so that line
 * numbers map back by subtracting lineOffset. An XML declaration in the fragment is blanked
 * (keeping its newlines).
 */
export function wrapFragment(fragment: string): { content: string; lineOffset: number } {
  const body = fragment.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, (decl) => decl.replace(/[^\n]/g, ''));
  const head = [
    "<domain type='kvm'>",
    `  <name>${WRAPPER_NAME}</name>`,
    "  <memory unit='MiB'>256</memory>",
    '  <vcpu>1</vcpu>',
    "  <os><type arch='x86_64'>hvm</type></os>",
    '  <devices>',
  ];
  return { content: `${head.join('\n')}\n${body}\n  </devices>\n</domain>\n`, lineOffset: head.length };
}

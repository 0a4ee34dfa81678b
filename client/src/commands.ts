/**
 * The virsh commands: Define domain, Attach device, Detach device, Validate with libvirt.
 *
 * - Disabled in untrusted workspaces (when-clauses in package.json, and checked here again).
 * - Unsaved changes: asks, saves, and never runs on stale content.
 * - Runs virsh with argument arrays under a cancellable progress notification; everything goes
 *   to the "libvirt" Output channel.
 * - A libvirt error is shown as a message and, where it names something in the file, as a
 *   diagnostic there (collection "libvirt (virsh)", cleared on the next edit or run).
 * - Changing a hypervisor other than test:/// asks first (libvirt.confirmHypervisorChanges).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clientSettings, type ClientSettings } from './config';
import type { Detection } from './detection';
import { libvirtKind, type LibvirtKind } from './detect';
import { lineSpan, locateLibvirtError } from './libvirt-errors';
import type { CompareDomainsResult } from '../../lib/compare-protocol';
import { windowPrompter, type Prompter } from './prompts';
import { type OwnError, validationVerdict } from './verdict';
import {
  attachDevice,
  commandLine,
  defineDomain,
  detachDevice,
  domainNameOf,
  isTestUri,
  listDomains,
  validateWithLibvirt,
  virsh,
  VirshError,
  type AttachMode,
  type RunOptions,
  type ValidationStep,
  type VirshOptions,
} from './virsh';

type CommandStatus = 'ok' | 'failed' | 'cancelled' | 'unavailable';

/** What a command returns (for tests and for other extensions calling it). */
export interface CommandResult {
  status: CommandStatus;
  /** One line saying what happened, as shown to the user. */
  message: string;
  error?: VirshError;
  /** Diagnostics placed from libvirt's error. */
  diagnostics?: number;
  domain?: string;
  mode?: AttachMode;
  steps?: ValidationStep[];
  /** After a Define: what libvirt stored, classified (libvirt/compareDomains). */
  diff?: CompareDomainsResult;
}

/** Optional arguments, for keybindings, tests and other extensions (otherwise the user is asked). */
interface CommandArgs {
  domain?: string;
  mode?: AttachMode;
  connectionUri?: string;
}

type Verb = 'define' | 'attach' | 'detach';

const VERB_TEXT: Record<Verb, { title: string; action: string; needs: LibvirtKind }> = {
  define: { title: 'Define', action: 'Define', needs: 'domain' },
  attach: { title: 'Attach device', action: 'Attach', needs: 'fragment' },
  detach: { title: 'Detach device', action: 'Detach', needs: 'fragment' },
};

const MODE_ITEMS: { mode: AttachMode; label: string; detail: string }[] = [
  {
    mode: 'persistent',
    label: '--persistent',
    detail: 'The running guest and its saved configuration (only the configuration if it is shut off)',
  },
  { mode: 'live', label: '--live', detail: 'The running guest only; gone at its next shutdown' },
  { mode: 'config', label: '--config', detail: 'The saved configuration only; takes effect at the next boot' },
  { mode: 'current', label: '--current', detail: 'Whatever state the guest is in now (live if running, config if shut off)' },
];

export class Commands implements vscode.Disposable {
  readonly virshDiagnostics = vscode.languages.createDiagnosticCollection('libvirt (virsh)');
  prompter: Prompter = windowPrompter;
  private readonly disposables: vscode.Disposable[] = [];
  private lastMode: AttachMode | undefined;
  /** Called after a successful Define (the libvirt view's classified diff, live.ts). */
  onDefined:
    ((doc: vscode.TextDocument, text: string, connection: string, name: string) => Promise<CompareDomainsResult | undefined>) | undefined;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly detection: Detection
  ) {
    this.disposables.push(
      this.virshDiagnostics,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.virshDiagnostics.has(e.document.uri)) {
          this.virshDiagnostics.delete(e.document.uri);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.virshDiagnostics.delete(d.uri))
    );
  }

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (uri?: vscode.Uri, args?: CommandArgs) => Promise<unknown>) =>
      vscode.commands.registerCommand(id, (uri?: unknown, args?: unknown) =>
        fn(uri instanceof vscode.Uri ? uri : undefined, isArgs(args) ? args : isArgs(uri) ? uri : undefined)
      );
    return [
      reg('libvirt.defineDomain', (uri, args) => this.change('define', uri, args)),
      reg('libvirt.attachDevice', (uri, args) => this.change('attach', uri, args)),
      reg('libvirt.detachDevice', (uri, args) => this.change('detach', uri, args)),
      reg('libvirt.validate', (uri) => this.validate(uri)),
      reg('libvirt.useLibvirtXml', async (uri) => {
        const doc = await this.document(uri);
        if (doc) {
          await this.detection.useLibvirtXml(doc);
        }
      }),
      reg('libvirt.usePlainXml', async (uri) => {
        const doc = await this.document(uri);
        if (doc) {
          await this.detection.usePlainXml(doc);
        }
      }),
      vscode.commands.registerCommand('libvirt.showOutput', () => this.output.show(true)),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private async document(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    if (uri) {
      return vscode.workspace.openTextDocument(uri);
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showErrorMessage('Open a libvirt XML file first.');
    }
    return doc;
  }

  private untrusted(): CommandResult | undefined {
    if (vscode.workspace.isTrusted) {
      return undefined;
    }
    const message =
      'libvirt commands are disabled in untrusted workspaces: they run virsh with settings this workspace could set. Trust the workspace to use them.';
    void vscode.window.showErrorMessage(message, 'Manage Workspace Trust').then((a) => {
      if (a) {
        void vscode.commands.executeCommand('workbench.trust.manage');
      }
    });
    return { status: 'unavailable', message };
  }

  private log(line: string): void {
    this.output.appendLine(line);
  }

  /** define / attach / detach. */
  async change(verb: Verb, uri?: vscode.Uri, args: CommandArgs = {}): Promise<CommandResult> {
    const blocked = this.untrusted();
    if (blocked) {
      return blocked;
    }
    const doc = await this.document(uri);
    if (!doc) {
      return { status: 'unavailable', message: 'No document.' };
    }
    const v = VERB_TEXT[verb];
    const kind = libvirtKind(doc.getText());
    if (kind !== v.needs) {
      const message =
        v.needs === 'domain'
          ? `${base(doc)} is not a domain (its root element must be <domain>)${kind === 'fragment' ? '; use "Attach Device" for a device fragment' : ''}.`
          : `${base(doc)} is not a device fragment (its root must be a device such as <disk>, <interface>, <hostdev>, <controller>)${kind === 'domain' ? '; use "Define Domain" for a whole domain' : ''}.`;
      void vscode.window.showErrorMessage(message);
      return { status: 'unavailable', message };
    }

    const settings = clientSettings(doc.uri);
    const connection = args.connectionUri ?? settings.connectionUri;

    const file = await this.savedFile(doc, v.action);
    if (!file) {
      return { status: 'cancelled', message: 'Not saved; nothing was sent to libvirt.' };
    }

    let domain = args.domain;
    let mode = args.mode;
    if (verb !== 'define') {
      if (!domain) {
        domain = await this.pickDomain(settings, connection, verb);
        if (!domain) {
          return { status: 'cancelled', message: 'No domain chosen.' };
        }
      }
      if (!mode) {
        const items = this.lastMode ? [...MODE_ITEMS].sort((a) => (a.mode === this.lastMode ? -1 : 0)) : MODE_ITEMS;
        const picked = await this.prompter.pick(
          'pickMode',
          items.map((i) => ({ label: i.label, detail: i.detail, mode: i.mode })),
          `${v.title} ${verb === 'attach' ? 'to' : 'from'} ${domain}: which state?`
        );
        if (!picked) {
          return { status: 'cancelled', message: 'No mode chosen.' };
        }
        mode = picked.mode;
      }
      this.lastMode = mode;
    }

    if (verb === 'define') {
      const errors = ownErrors(doc);
      if (errors.length > 0) {
        const first = errors[0]!;
        const answer = await this.prompter.confirm(
          'defineWithErrors',
          `${base(doc)} has ${errors.length} error${errors.length === 1 ? '' : 's'} by our checks. Define it anyway?`,
          `First: line ${first.line}: ${first.message}${first.code ? ` (${first.code})` : ''}. libvirt may accept what the host then refuses at start.`,
          'Define Anyway'
        );
        if (answer !== 'Define Anyway') {
          return { status: 'cancelled', message: 'Not defined: the file has errors by our checks.' };
        }
      }
    }

    if (settings.confirmHypervisorChanges && !isTestUri(connection)) {
      const what =
        verb === 'define'
          ? `Define domain '${domainNameOf(doc.getText()) ?? '?'}' on ${connection}?`
          : `${v.action} the device in ${base(doc)} ${verb === 'attach' ? 'to' : 'from'} '${domain}' (--${mode}) on ${connection}?`;
      const answer = await this.prompter.confirm(
        'confirmHypervisor',
        what,
        `This changes the hypervisor's configuration (virsh ${verb === 'define' ? 'define' : `${verb}-device`}). Turn off the setting libvirt.confirmHypervisorChanges to stop asking.`,
        v.action
      );
      if (answer !== v.action) {
        return { status: 'cancelled', message: 'Not confirmed; nothing was sent to libvirt.' };
      }
    }

    // The content libvirt gets is the file on disk, which is now the buffer's text.
    const text = doc.getText();
    const version = doc.version;
    this.virshDiagnostics.delete(doc.uri);
    const opts = (runOpts: RunOptions): VirshOptions => ({
      ...runOpts,
      uri: connection,
      virshPath: settings.virshPath,
      timeoutMs: settings.timeoutMs,
    });
    const title =
      verb === 'define'
        ? `Defining ${base(doc)} on ${connection}`
        : `${v.action}ing ${base(doc)} ${verb === 'attach' ? 'to' : 'from'} ${domain} on ${connection}`;
    let definedName: string | undefined;
    try {
      const result = await this.withProgress(title, async (runOpts) => {
        if (verb === 'define') {
          const d = await defineDomain(file, opts(runOpts));
          definedName = d.name ?? domainNameOf(text);
          return `Domain '${d.name ?? '?'}' defined on ${connection}.`;
        }
        if (verb === 'attach') {
          await attachDevice(domain!, file, mode!, opts(runOpts));
          return `Device attached to '${domain}' (--${mode}) on ${connection}.`;
        }
        await detachDevice(domain!, file, mode!, opts(runOpts));
        return `Device detached from '${domain}' (--${mode}) on ${connection}.`;
      });
      this.log(`✓ ${result}`);
      // After a Define, the classified diff says the rest (and shows its own message).
      const diff =
        verb === 'define' && definedName && this.onDefined ? await this.onDefined(doc, text, connection, definedName) : undefined;
      if (!diff) {
        void vscode.window.showInformationMessage(result);
      }
      return { status: 'ok', message: result, domain: domain ?? definedName, mode, diff };
    } catch (e) {
      return this.failed(e, doc, text, version, verb === 'define' ? undefined : { domain, mode });
    }
  }

  /** Validate with libvirt: the schema (virt-xml-validate) and libvirt's parser on test:///default. */
  async validate(uri?: vscode.Uri): Promise<CommandResult> {
    const blocked = this.untrusted();
    if (blocked) {
      return blocked;
    }
    const doc = await this.document(uri);
    if (!doc) {
      return { status: 'unavailable', message: 'No document.' };
    }
    const text = doc.getText();
    const version = doc.version;
    const kind = libvirtKind(text);
    if (!kind) {
      const message = `${base(doc)} is neither a libvirt domain nor a device fragment.`;
      void vscode.window.showErrorMessage(message);
      return { status: 'unavailable', message };
    }
    const settings = clientSettings(doc.uri);
    this.virshDiagnostics.delete(doc.uri);
    try {
      // Validates the buffer as it is now (through a temporary file), so no save is needed.
      const steps = await this.withProgress(`Validating ${base(doc)} with libvirt`, (runOpts) =>
        validateWithLibvirt(text, kind, { ...runOpts, virshPath: settings.virshPath, timeoutMs: settings.timeoutMs })
      );
      const diagnostics: vscode.Diagnostic[] = [];
      const lines: string[] = [];
      for (const step of steps) {
        if (step.missing) {
          lines.push(`${step.tool}: not installed (${step.hint ?? ''})`);
          continue;
        }
        lines.push(`${step.tool}: ${step.ok ? 'valid' : 'INVALID'}`);
        for (const m of step.messages) {
          lines.push(`  ${m.replace(/\n/g, '\n  ')}`);
        }
        if (step.lines.length > 0) {
          for (const l of step.lines) {
            const span = lineSpan(text, l.line);
            if (span) {
              diagnostics.push(this.diagnostic(doc, span.start, span.end, `libvirt schema: ${l.message}`, 'virt-xml-validate'));
            }
          }
        }
        if (step.tool !== 'virt-xml-validate') {
          // Messages about the wrapper domain around a fragment are not the user's.
          for (const m of step.messages.filter((x) => !(step.wrapper ?? []).includes(x))) {
            for (const span of locateLibvirtError(m, text)) {
              diagnostics.push(this.diagnostic(doc, span.start, span.end, `libvirt: ${m}`, 'virsh'));
            }
          }
        }
      }
      lines.forEach((l) => this.log(l));
      if (doc.version === version) {
        this.virshDiagnostics.set(doc.uri, diagnostics);
      }
      // Our checks count too: libvirt's test driver does not look at the host.
      const verdict = validationVerdict(base(doc), steps, ownErrors(doc), kind);
      const ok = verdict.ok;
      const message = verdict.message;
      if (verdict.details.length > 0) {
        this.log('Errors, most precise first:');
        verdict.details.forEach((l) => this.log(`  ${l}`));
      }
      if (ok) {
        void vscode.window.showInformationMessage(message);
      } else {
        void vscode.window.showErrorMessage(message, 'Show Output').then((a) => a && this.output.show(true));
      }
      return { status: ok ? 'ok' : 'failed', message, steps, diagnostics: diagnostics.length };
    } catch (e) {
      return this.failed(e, doc, text, version, undefined);
    }
  }

  private diagnostic(doc: vscode.TextDocument, start: number, end: number, message: string, source: string): vscode.Diagnostic {
    const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(start), doc.positionAt(end)), message, vscode.DiagnosticSeverity.Error);
    d.source = source;
    return d;
  }

  private failed(
    e: unknown,
    doc: vscode.TextDocument,
    text: string,
    version: number,
    target: { domain?: string; mode?: AttachMode } | undefined
  ): CommandResult {
    if (!(e instanceof VirshError)) {
      const message = `Unexpected failure: ${e instanceof Error ? e.message : String(e)}`;
      this.log(message);
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', message };
    }
    if (e.kind === 'cancelled') {
      this.log('✗ cancelled');
      return { status: 'cancelled', message: 'Cancelled.', error: e };
    }
    let placed = 0;
    if (e.kind === 'libvirt' || e.kind === 'no-domain') {
      const diagnostics: vscode.Diagnostic[] = [];
      for (const m of e.libvirt) {
        for (const span of locateLibvirtError(m, text)) {
          diagnostics.push(
            this.diagnostic(
              doc,
              span.start,
              span.end,
              target?.domain ? `libvirt (domain '${target.domain}'): ${m}` : `libvirt: ${m}`,
              'virsh'
            )
          );
        }
      }
      if (doc.version === version && diagnostics.length > 0) {
        this.virshDiagnostics.set(doc.uri, diagnostics);
        placed = diagnostics.length;
      }
    }
    const said = e.hint ? `${e.message} ${e.hint}` : e.message;
    // An error on attach/detach is about the fragment *in that domain*: say which one.
    const message =
      target?.domain && e.kind === 'libvirt'
        ? `libvirt refuses the device for domain '${target.domain}'${target.mode ? ` (--${target.mode})` : ''}: ${said}`
        : said;
    this.log(`✗ ${message}`);
    const actions = ['Show Output'];
    if (e.kind === 'missing-binary' || e.kind === 'not-executable') {
      actions.unshift('Open Settings');
    } else if (e.kind === 'connection' || e.kind === 'permission') {
      actions.unshift('Change Connection URI');
    }
    void vscode.window.showErrorMessage(message, ...actions).then((a) => {
      if (a === 'Show Output') {
        this.output.show(true);
      } else if (a === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'libvirt.virsh.path');
      } else if (a === 'Change Connection URI') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'libvirt.connectionUri');
      }
    });
    return { status: 'failed', message, error: e, diagnostics: placed, domain: target?.domain, mode: target?.mode };
  }

  /**
   * The file libvirt should read, saved: asks before saving unsaved changes. Untitled and
   * non-file documents are written to a temporary file with the buffer's exact text.
   */
  private async savedFile(doc: vscode.TextDocument, action: string): Promise<string | undefined> {
    if (doc.isUntitled || doc.uri.scheme !== 'file') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-xml-'));
      const file = path.join(dir, doc.isUntitled ? 'untitled.xml' : path.basename(doc.uri.path) || 'document.xml');
      fs.writeFileSync(file, doc.getText());
      this.log(`(${doc.isUntitled ? 'unsaved document' : doc.uri.toString()} written to ${file})`);
      return file;
    }
    if (doc.isDirty) {
      const save = `Save and ${action}`;
      const answer = await this.prompter.confirm(
        'saveFirst',
        `${base(doc)} has unsaved changes.`,
        `libvirt reads the file from disk. Save your changes first, so that libvirt gets what you see?`,
        save
      );
      if (answer !== save) {
        return undefined;
      }
      const saved = await doc.save();
      if (!saved || doc.isDirty) {
        void vscode.window.showErrorMessage(`${base(doc)} could not be saved; nothing was sent to libvirt.`);
        return undefined;
      }
    }
    // Never send stale content: what is on disk must be what the editor shows.
    let disk: string;
    try {
      disk = fs.readFileSync(doc.uri.fsPath, 'utf8');
    } catch (e) {
      void vscode.window.showErrorMessage(`${doc.uri.fsPath} cannot be read: ${String(e)}`);
      return undefined;
    }
    if (normalizeEol(disk) !== normalizeEol(doc.getText())) {
      void vscode.window.showErrorMessage(
        `${base(doc)} on disk differs from the editor (changed by another program?). Revert or save the file first.`
      );
      return undefined;
    }
    return doc.uri.fsPath;
  }

  private async pickDomain(settings: ClientSettings, connection: string, verb: Verb): Promise<string | undefined> {
    let names: string[];
    let running: Set<string>;
    try {
      [names, running] = await this.withProgress(`Listing domains on ${connection}`, async (runOpts) => {
        const o: VirshOptions = { ...runOpts, uri: connection, virshPath: settings.virshPath, timeoutMs: settings.timeoutMs };
        const all = await listDomains(o);
        const up = await virsh(['list', '--name', '--state-running'], o).then(
          (r) =>
            new Set(
              r.stdout
                .split(/\r?\n/)
                .map((s) => s.trim())
                .filter(Boolean)
            ),
          () => new Set<string>()
        );
        return [all, up] as const;
      });
    } catch (e) {
      if (e instanceof VirshError && e.kind !== 'cancelled') {
        const message = e.hint ? `${e.message} ${e.hint}` : e.message;
        this.log(`✗ ${message}`);
        void vscode.window.showErrorMessage(message, 'Show Output').then((a) => a && this.output.show(true));
      }
      return undefined;
    }
    if (names.length === 0) {
      void vscode.window.showErrorMessage(`There are no domains on ${connection} (virsh list --all is empty).`);
      return undefined;
    }
    const picked = await this.prompter.pick(
      'pickDomain',
      names.map((n) => ({ label: n, description: running.has(n) ? 'running' : 'shut off' })),
      `Domain to ${verb} the device ${verb === 'attach' ? 'to' : 'from'} (${connection})`
    );
    return picked?.label;
  }

  /** Runs `task` under a cancellable progress notification; the abort signal kills virsh. */
  private withProgress<T>(title: string, task: (opts: RunOptions) => Promise<T>): Promise<T> {
    this.log('');
    this.log(`── ${title} (${new Date().toLocaleTimeString()})`);
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          return await task({
            signal: ac.signal,
            onOutput: (text) => this.output.append(text),
            onStart: (cmd, args) => this.log(`$ ${commandLine(cmd, args)}`),
          });
        } finally {
          sub.dispose();
        }
      })
    );
  }
}

function isArgs(v: unknown): v is CommandArgs {
  return typeof v === 'object' && v !== null && !(v instanceof vscode.Uri) && ('domain' in v || 'mode' in v || 'connectionUri' in v);
}

/** Errors by our checks: the language server's diagnostics of severity Error on the document. */
export function ownErrors(doc: vscode.TextDocument): OwnError[] {
  return vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.source === 'libvirt' && d.severity === vscode.DiagnosticSeverity.Error)
    .map((d) => ({
      line: d.range.start.line + 1,
      message: d.message,
      code: typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code),
    }));
}

function base(doc: vscode.TextDocument): string {
  return doc.isUntitled ? doc.uri.path : path.basename(doc.uri.fsPath || doc.uri.path);
}

function normalizeEol(s: string): string {
  return s.replace(/\r\n/g, '\n');
}

/**
 * Live domains in VS Code (issue 13): the libvirt view (connections, domains with state, context
 * actions), `virsh edit` in the editor (the libvirt-domain: file system), and the classified diff
 * of what libvirt stored after a Define (asked from the language server: libvirt/compareDomains).
 *
 * - A domain opens as `libvirt-domain:/NAME.xml?CONNECTION-URI`: its inactive XML, linted like any
 *   file. Saving defines it, as `virsh edit` does: if the definition changed since it was opened,
 *   nothing is overwritten until the user chooses; errors by our checks ask first; a real
 *   hypervisor asks first; libvirt's error keeps the edit (the save fails) and is shown at its place.
 * - After every Define: dropped items as warnings at their place in the user's text, values
 *   libvirt rewrote as information; a report lists everything, and "Pin Assigned" copies the
 *   addresses and controllers libvirt assigned into the file.
 * - Untrusted workspaces: nothing here runs virsh.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMPARE_DOMAINS_METHOD, type CompareDomainsResult, type CompareEntry } from '../../lib/compare-protocol';
import { ownErrors, type CommandResult } from './commands';
import { clientSettings, LANGUAGE_ID } from './config';
import {
  defineFromText,
  domainUuid,
  inactiveXml,
  listDomainStates,
  sameDefinition,
  shutdownDomain,
  startDomain,
  storedAfterDefine,
  undefineDomain,
  type DomainInfo,
} from './domains';
import { locateLibvirtError } from './libvirt-errors';
import type { Prompter } from './prompts';
import { domainNameOf, isTestUri, VirshError, type VirshOptions } from './virsh';

const DOMAIN_SCHEME = 'libvirt-domain';
/** Read-only: what is defined now (the left side of diffs). */
const DEFINED_SCHEME = 'libvirt-defined';
/** Read-only: the classified report of a Define. */
const REPORT_SCHEME = 'libvirt-report';

function domainUri(connection: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DOMAIN_SCHEME, path: `/${name}.xml`, query: connection });
}

function parseDomainUri(uri: vscode.Uri): { connection: string; name: string } {
  return { connection: uri.query, name: uri.path.replace(/^\//, '').replace(/\.xml$/, '') };
}

function definedUri(connection: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DEFINED_SCHEME, path: `/${name} (defined).xml`, query: connection });
}

type Node =
  | { kind: 'connection'; uri: string; label: string }
  | { kind: 'domain'; connection: string; info: DomainInfo }
  | { kind: 'message'; connection?: string; text: string };

/** The connections of the view: libvirt.connections, or the one of libvirt.connectionUri. */
function configuredConnections(): { uri: string; name?: string }[] {
  const raw = vscode.workspace.getConfiguration('libvirt').get<unknown>('connections');
  const list = Array.isArray(raw)
    ? raw
        .map((c: unknown) =>
          typeof c === 'string'
            ? { uri: c }
            : typeof c === 'object' && c !== null && typeof (c as { uri?: unknown }).uri === 'string'
              ? {
                  uri: (c as { uri: string }).uri,
                  name: typeof (c as { name?: unknown }).name === 'string' ? (c as { name: string }).name : undefined,
                }
              : undefined
        )
        .filter((c): c is { uri: string; name?: string } => !!c && c.uri.trim() !== '')
    : [];
  return list.length > 0 ? list : [{ uri: clientSettings().connectionUri }];
}

interface DefinedDiff {
  result: CompareDomainsResult;
  /** The document the diff is placed in. */
  uri: vscode.Uri;
  connection: string;
  name: string;
  /** What libvirt stored (to compare again with the text as it is now). */
  stored: string;
}

export class Live implements vscode.Disposable, vscode.TreeDataProvider<Node>, vscode.FileSystemProvider {
  readonly definedDiagnostics = vscode.languages.createDiagnosticCollection('libvirt (defined)');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly treeChanged = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.treeChanged.event;
  private readonly fileChanged = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.fileChanged.event;
  /** The inactive XML each open domain document was read from (what "changed since" compares to). */
  private readonly base = new Map<string, string>();
  private readonly mtimes = new Map<string, number>();
  /** Left sides of diffs and reports, by URI. */
  private readonly snapshots = new Map<string, string>();
  private readonly snapshotChanged = new vscode.EventEmitter<vscode.Uri>();
  /** The last classified diff per document, for "Pin Assigned" and the report. */
  readonly lastDiff = new Map<string, DefinedDiff>();

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly prompter: () => Prompter,
    private readonly client: () => LanguageClient | undefined,
    private readonly virshDiagnostics: vscode.DiagnosticCollection
  ) {
    const snapshots: vscode.TextDocumentContentProvider = {
      onDidChange: this.snapshotChanged.event,
      provideTextDocumentContent: (uri) => this.snapshots.get(uri.toString()) ?? '',
    };
    this.disposables.push(
      this.definedDiagnostics,
      this.treeChanged,
      this.fileChanged,
      this.snapshotChanged,
      vscode.workspace.registerFileSystemProvider(DOMAIN_SCHEME, this, { isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(DEFINED_SCHEME, snapshots),
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, snapshots),
      vscode.window.createTreeView('libvirt.domains', { treeDataProvider: this, showCollapseAll: true }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('libvirt.connections') || e.affectsConfiguration('libvirt.connectionUri')) {
          this.refresh();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.definedDiagnostics.has(e.document.uri)) {
          this.definedDiagnostics.delete(e.document.uri);
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
      vscode.languages.registerCodeActionsProvider([{ language: LANGUAGE_ID }, { language: 'xml' }], {
        provideCodeActions: (doc, _range, context) => this.pinActions(doc, context),
      })
    );
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  register(): vscode.Disposable[] {
    const nodeOf = (a: unknown): Node | undefined => (typeof a === 'object' && a !== null && 'kind' in a ? (a as Node) : undefined);
    const domainArgs = (a: unknown, b: unknown): { connection: string; name: string } | undefined => {
      const n = nodeOf(a);
      if (n?.kind === 'domain') {
        return { connection: n.connection, name: n.info.name };
      }
      if (typeof a === 'string' && typeof b === 'string') {
        return { connection: a, name: b };
      }
      if (a instanceof vscode.Uri && a.scheme === DOMAIN_SCHEME) {
        return parseDomainUri(a);
      }
      return undefined;
    };
    const onDomain = (fn: (d: { connection: string; name: string }) => Promise<unknown>) => async (a: unknown, b: unknown) => {
      const d = domainArgs(a, b);
      if (!d) {
        void vscode.window.showErrorMessage('Choose a domain in the libvirt view.');
        return { status: 'unavailable', message: 'No domain.' };
      }
      return fn(d);
    };
    return [
      vscode.commands.registerCommand('libvirt.refreshDomains', () => this.refresh()),
      vscode.commands.registerCommand(
        'libvirt.openDomain',
        onDomain((d) => this.openDomain(d.connection, d.name))
      ),
      vscode.commands.registerCommand(
        'libvirt.startDomain',
        onDomain((d) => this.lifecycle('start', d.connection, d.name))
      ),
      vscode.commands.registerCommand(
        'libvirt.shutdownDomain',
        onDomain((d) => this.lifecycle('shutdown', d.connection, d.name))
      ),
      vscode.commands.registerCommand(
        'libvirt.undefineDomain',
        onDomain((d) => this.lifecycle('undefine', d.connection, d.name))
      ),
      vscode.commands.registerCommand(
        'libvirt.copyDomainName',
        onDomain(async (d) => vscode.env.clipboard.writeText(d.name))
      ),
      vscode.commands.registerCommand(
        'libvirt.copyDomainUuid',
        onDomain(async (d) => {
          if (this.untrusted()) {
            return;
          }
          try {
            await vscode.env.clipboard.writeText(await domainUuid(d.name, this.opts(d.connection)));
          } catch (e) {
            this.showError(e);
          }
        })
      ),
      vscode.commands.registerCommand('libvirt.defineFromFile', async (a: unknown, args?: { file?: vscode.Uri }) => {
        const n = nodeOf(a);
        const connection = n?.kind === 'connection' ? n.uri : typeof a === 'string' ? a : clientSettings().connectionUri;
        let file = args?.file ?? (a instanceof vscode.Uri ? a : undefined);
        if (!file) {
          const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'Domain XML': ['xml'] },
            title: `Define on ${connection}`,
          });
          file = picked?.[0];
        }
        if (!file) {
          return { status: 'cancelled', message: 'No file chosen.' };
        }
        const r = await vscode.commands.executeCommand<CommandResult>('libvirt.defineDomain', file, { connectionUri: connection });
        this.refresh();
        return r;
      }),
      vscode.commands.registerCommand('libvirt.compareWithDefined', (uri?: unknown, args?: { connectionUri?: string }) =>
        this.compareWithDefined(uri instanceof vscode.Uri ? uri : undefined, args?.connectionUri)
      ),
      vscode.commands.registerCommand('libvirt.pinAssigned', (uri?: unknown) =>
        this.pinAssigned(uri instanceof vscode.Uri ? uri : undefined)
      ),
      vscode.commands.registerCommand('libvirt.showDefinedReport', (uri?: unknown) =>
        this.showReport(uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri)
      ),
    ];
  }

  refresh(): void {
    this.treeChanged.fire(undefined);
  }

  // ── the view ──────────────────────────────────────────────────────────────────────────────

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'connection') {
      const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = n.label === n.uri ? undefined : n.uri;
      item.contextValue = 'libvirtConnection';
      item.iconPath = new vscode.ThemeIcon('server');
      item.tooltip = `virsh -c ${n.uri}`;
      return item;
    }
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const running = n.info.state === 'running';
    const item = new vscode.TreeItem(n.info.name, vscode.TreeItemCollapsibleState.None);
    item.description = n.info.state;
    item.contextValue = running ? 'libvirtDomain.running' : 'libvirtDomain.stopped';
    item.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline');
    item.tooltip = `${n.info.name} on ${n.connection}: ${n.info.state}`;
    item.command = { command: 'libvirt.openDomain', title: 'Open XML', arguments: [n.connection, n.info.name] };
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) {
      return configuredConnections().map((c) => ({ kind: 'connection', uri: c.uri, label: c.name ?? c.uri }));
    }
    if (n.kind !== 'connection') {
      return [];
    }
    if (!vscode.workspace.isTrusted) {
      return [{ kind: 'message', connection: n.uri, text: 'Trust the workspace to list domains (runs virsh).' }];
    }
    try {
      const list = await listDomainStates(this.opts(n.uri));
      return list.length === 0
        ? [{ kind: 'message', connection: n.uri, text: 'No domains.' }]
        : list.map((info) => ({ kind: 'domain', connection: n.uri, info }));
    } catch (e) {
      const text = e instanceof VirshError ? e.message : String(e);
      this.output.appendLine(`✗ listing domains on ${n.uri}: ${text}`);
      return [{ kind: 'message', connection: n.uri, text }];
    }
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────

  private opts(connection: string): VirshOptions {
    const s = clientSettings();
    return {
      uri: connection,
      virshPath: s.virshPath,
      timeoutMs: s.timeoutMs,
      onStart: (cmd, args) => this.output.appendLine(`$ ${[cmd, ...args].join(' ')}`),
    };
  }

  private untrusted(): CommandResult | undefined {
    if (vscode.workspace.isTrusted) {
      return undefined;
    }
    const message = 'libvirt commands are disabled in untrusted workspaces: they run virsh. Trust the workspace to use them.';
    void vscode.window.showErrorMessage(message);
    return { status: 'unavailable', message };
  }

  private showError(e: unknown): string {
    const message = e instanceof VirshError ? (e.hint ? `${e.message} ${e.hint}` : e.message) : e instanceof Error ? e.message : String(e);
    this.output.appendLine(`✗ ${message}`);
    void vscode.window.showErrorMessage(message);
    return message;
  }

  async openDomain(connection: string, name: string): Promise<CommandResult & { uri?: vscode.Uri }> {
    const blocked = this.untrusted();
    if (blocked) {
      return blocked;
    }
    const uri = domainUri(connection, name);
    try {
      let doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== LANGUAGE_ID) {
        doc = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
      }
      await vscode.window.showTextDocument(doc, { preview: false });
      return { status: 'ok', message: `Opened ${name} (${connection}).`, uri };
    } catch (e) {
      return { status: 'failed', message: this.showError(e), uri };
    }
  }

  private async lifecycle(action: 'start' | 'shutdown' | 'undefine', connection: string, name: string): Promise<CommandResult> {
    const blocked = this.untrusted();
    if (blocked) {
      return blocked;
    }
    const verb = { start: 'Start', shutdown: 'Shut Down', undefine: 'Undefine' }[action];
    if (action === 'undefine' || (!isTestUri(connection) && clientSettings().confirmHypervisorChanges)) {
      const answer = await this.prompter().confirm(
        'confirmDomainAction',
        `${verb} domain '${name}' on ${connection}?`,
        action === 'undefine'
          ? 'Its definition is removed from libvirt (virsh undefine); disk images stay.'
          : `This runs virsh ${action} on ${connection}.`,
        verb
      );
      if (answer !== verb) {
        return { status: 'cancelled', message: 'Not confirmed; nothing was done.' };
      }
    }
    try {
      const o = this.opts(connection);
      await (action === 'start' ? startDomain(name, o) : action === 'shutdown' ? shutdownDomain(name, o) : undefineDomain(name, o));
      const message = `${verb}: '${name}' on ${connection}.`;
      this.output.appendLine(`✓ ${message}`);
      void vscode.window.showInformationMessage(message);
      return { status: 'ok', message, domain: name };
    } catch (e) {
      return { status: 'failed', message: this.showError(e), domain: name };
    } finally {
      this.refresh();
    }
  }

  /** After Define from a file (Commands): what libvirt stored, classified and placed in the file. */
  async afterDefine(doc: vscode.TextDocument, text: string, connection: string, name: string): Promise<CompareDomainsResult | undefined> {
    this.refresh();
    try {
      const stored = await storedAfterDefine(text, name, this.opts(connection));
      return await this.showDefinedDiff(doc.uri, text, stored, connection, name, 'define');
    } catch (e) {
      this.output.appendLine(`(no classified diff: ${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  /** "Compare with Defined Domain": the file against `dumpxml --inactive` of its <name>. */
  async compareWithDefined(uri: vscode.Uri | undefined, connectionUri?: string): Promise<CommandResult & { diff?: CompareDomainsResult }> {
    const blocked = this.untrusted();
    if (blocked) {
      return blocked;
    }
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) {
      return { status: 'unavailable', message: 'Open a domain XML file first.' };
    }
    const text = doc.getText();
    const name = domainNameOf(text);
    if (!name) {
      const message = `${doc.uri.path.split('/').pop() ?? ''} has no <name>: which domain should it be compared with?`;
      void vscode.window.showErrorMessage(message);
      return { status: 'unavailable', message };
    }
    const connection =
      connectionUri ?? (doc.uri.scheme === DOMAIN_SCHEME ? parseDomainUri(doc.uri).connection : clientSettings(doc.uri).connectionUri);
    try {
      const stored = await inactiveXml(name, this.opts(connection));
      const diff = await this.showDefinedDiff(doc.uri, text, stored, connection, name, 'compare');
      return { status: 'ok', message: diff ? diff.summary : 'No diff.', domain: name, diff };
    } catch (e) {
      return { status: 'failed', message: this.showError(e), domain: name };
    }
  }

  /**
   * After a Define (or on demand): the classified diff of `written` against `stored`, placed in
   * the document `uri` and offered as a report, a side-by-side diff and "Pin Assigned".
   */
  async showDefinedDiff(
    uri: vscode.Uri,
    written: string,
    stored: string,
    connection: string,
    name: string,
    why: 'define' | 'compare'
  ): Promise<CompareDomainsResult | undefined> {
    const client = this.client();
    if (!client) {
      this.output.appendLine('(the language server is not running: no classified diff)');
      return undefined;
    }
    const result = await client.sendRequest<CompareDomainsResult>(COMPARE_DOMAINS_METHOD, { written, stored });
    this.lastDiff.set(uri.toString(), { result, uri, connection, name, stored });
    this.snapshots.set(definedUri(connection, name).toString(), stored);
    this.snapshotChanged.fire(definedUri(connection, name));

    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc && doc.getText() === written) {
      const diagnostics: vscode.Diagnostic[] = [];
      for (const e of result.entries) {
        if ((e.kind === 'dropped' || e.kind === 'changed') && e.writtenRange) {
          const r = e.writtenRange;
          const d = new vscode.Diagnostic(
            new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
            `${e.kind === 'dropped' ? 'Dropped by libvirt' : 'Rewritten by libvirt'}: ${e.message}`,
            e.kind === 'dropped' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information
          );
          d.source = 'libvirt define';
          d.code = e.kind;
          diagnostics.push(d);
        }
      }
      this.definedDiagnostics.set(uri, diagnostics);
    }
    const report = this.report(name, connection, result);
    this.snapshots.set(reportUri(name).toString(), report);
    this.snapshotChanged.fire(reportUri(name));
    this.output.appendLine(report);

    const pins = result.entries.filter((e) => e.pin).length;
    const message = `${why === 'define' ? `Defined '${name}' on ${connection}` : `'${name}' on ${connection} vs this file`}: ${result.summary}.`;
    const actions = ['Show Report', 'Show Diff', ...(pins > 0 ? ['Pin Assigned'] : [])];
    const show = result.entries.some((e) => e.kind === 'dropped') ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message, ...actions).then((a) => {
      if (a === 'Show Report') {
        void this.showReport(uri);
      } else if (a === 'Show Diff') {
        void vscode.commands.executeCommand('vscode.diff', uri, definedUri(connection, name), `${name}: your text ↔ what libvirt stored`);
      } else if (a === 'Pin Assigned') {
        void this.pinAssigned(uri);
      }
    });
    return result;
  }

  private report(name: string, connection: string, r: CompareDomainsResult): string {
    const lines = [`What libvirt stored for '${name}' on ${connection}, compared with what you wrote: ${r.summary}`, ''];
    const section = (title: string, entries: CompareEntry[]): void => {
      if (entries.length === 0) {
        return;
      }
      lines.push(title);
      for (const e of entries) {
        const at = e.writtenRange ? `line ${e.writtenRange.start.line + 1}: ` : '';
        lines.push(`  ${at}${e.path}`);
        lines.push(`      ${e.message}`);
      }
      lines.push('');
    };
    section(
      'DROPPED (in your text, not kept by libvirt)',
      r.entries.filter((e) => e.kind === 'dropped')
    );
    section(
      'CHANGED (values libvirt rewrote)',
      r.entries.filter((e) => e.kind === 'changed')
    );
    section(
      'ASSIGNED (addresses and controllers; "Pin Assigned" copies them into your file)',
      r.entries.filter((e) => e.kind === 'added' && e.assigned)
    );
    section(
      'ADDED (defaults libvirt filled in)',
      r.entries.filter((e) => e.kind === 'added' && !e.assigned)
    );
    for (const e of r.errors) {
      lines.push(`(partial: ${e})`);
    }
    return lines.join('\n');
  }

  async showReport(uri: vscode.Uri | undefined): Promise<vscode.TextEditor | undefined> {
    const last = uri ? this.lastDiff.get(uri.toString()) : [...this.lastDiff.values()].at(-1);
    if (!last) {
      void vscode.window.showInformationMessage('No Define or comparison yet for this file.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(reportUri(last.name));
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  /**
   * Copies the addresses and controllers libvirt assigned into the user's text. Compared again
   * with the text as it is now, so edits made since the Define do not misplace them.
   */
  async pinAssigned(uri: vscode.Uri | undefined): Promise<CommandResult> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const last = target ? this.lastDiff.get(target.toString()) : undefined;
    const client = this.client();
    if (!target || !last || !client) {
      return { status: 'unavailable', message: 'Nothing to pin: define the file or compare it with the defined domain first.' };
    }
    const doc = await vscode.workspace.openTextDocument(target);
    const now = await client.sendRequest<CompareDomainsResult>(COMPARE_DOMAINS_METHOD, { written: doc.getText(), stored: last.stored });
    const pins = now.entries.filter((e) => e.pin);
    if (pins.length === 0) {
      return { status: 'unavailable', message: 'Nothing to pin: everything libvirt assigned is in the file.' };
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of pins) {
      const r = e.pin!.range;
      edit.replace(target, new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), e.pin!.text);
    }
    const ok = await vscode.workspace.applyEdit(edit);
    return {
      status: ok ? 'ok' : 'failed',
      message: ok ? `Pinned ${pins.length} assigned item${pins.length === 1 ? '' : 's'}.` : 'The edit was refused.',
    };
  }

  /** "Pin what libvirt assigned" next to the diagnostics of the last Define. */
  private pinActions(doc: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const last = this.lastDiff.get(doc.uri.toString());
    const pins = last?.result.entries.filter((e) => e.pin).length ?? 0;
    if (!last || pins === 0 || !context.diagnostics.some((d) => d.source === 'libvirt define')) {
      return [];
    }
    const a = new vscode.CodeAction(
      `Pin what libvirt assigned (${pins} address${pins === 1 ? '' : 'es'} and controllers)`,
      vscode.CodeActionKind.QuickFix
    );
    a.command = { command: 'libvirt.pinAssigned', title: a.title, arguments: [doc.uri] };
    const report = new vscode.CodeAction('Show what libvirt kept', vscode.CodeActionKind.Empty);
    report.command = { command: 'libvirt.showDefinedReport', title: report.title, arguments: [doc.uri] };
    return [a, report];
  }

  // ── the libvirt-domain: file system (virsh edit in the editor) ─────────────────────────────

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const key = uri.toString();
    let mtime = this.mtimes.get(key);
    if (mtime === undefined) {
      mtime = Date.now();
      this.mtimes.set(key, mtime);
    }
    return { type: vscode.FileType.File, ctime: mtime, mtime, size: this.base.get(key)?.length ?? 0 };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('libvirt domains have no folders.');
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    if (!vscode.workspace.isTrusted) {
      throw vscode.FileSystemError.NoPermissions('Trust the workspace to open libvirt domains (runs virsh).');
    }
    const { connection, name } = parseDomainUri(uri);
    try {
      const xml = await inactiveXml(name, this.opts(connection));
      this.base.set(uri.toString(), xml);
      return new TextEncoder().encode(xml);
    } catch (e) {
      if (e instanceof VirshError && e.kind === 'no-domain') {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      throw vscode.FileSystemError.Unavailable(e instanceof Error ? e.message : String(e));
    }
  }

  /** Saving defines the domain, as `virsh edit` does. A thrown error keeps the edit in the editor. */
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      throw vscode.FileSystemError.NoPermissions('Trust the workspace to define libvirt domains (runs virsh).');
    }
    const { connection, name } = parseDomainUri(uri);
    const key = uri.toString();
    const text = new TextDecoder().decode(content);
    const opts = this.opts(connection);
    const prompter = this.prompter();
    this.output.appendLine('');
    this.output.appendLine(`── Saving ${name} on ${connection} (virsh define) (${new Date().toLocaleTimeString()})`);

    // 1. Changed behind the editor's back? Nothing is overwritten until the user chooses.
    const base = this.base.get(key);
    let current: string | undefined;
    try {
      current = await inactiveXml(name, opts);
    } catch (e) {
      if (!(e instanceof VirshError && e.kind === 'no-domain')) {
        throw vscode.FileSystemError.Unavailable(this.showError(e));
      }
    }
    if (base !== undefined && current !== undefined && !sameDefinition(base, current)) {
      this.snapshots.set(definedUri(connection, name).toString(), current);
      this.snapshotChanged.fire(definedUri(connection, name));
      const answer = await prompter.confirm(
        'domainChanged',
        `Domain '${name}' on ${connection} was changed since you opened it. Nothing was overwritten.`,
        'Show Diff compares what is defined now with your edit; Overwrite defines your edit anyway (their change is lost).',
        'Show Diff',
        'Overwrite'
      );
      if (answer !== 'Overwrite') {
        if (answer === 'Show Diff') {
          void vscode.commands.executeCommand('vscode.diff', definedUri(connection, name), uri, `${name}: defined now ↔ your edit`);
        }
        this.output.appendLine(`✗ '${name}' changed on ${connection} since it was opened; not saved, nothing overwritten.`);
        throw vscode.FileSystemError.Unavailable(
          `Domain '${name}' was changed on ${connection} since you opened it; nothing was overwritten.`
        );
      }
    }

    // 2. Errors by our checks: ask first.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const errors = doc ? ownErrors(doc) : [];
    if (errors.length > 0) {
      const first = errors[0]!;
      const answer = await prompter.confirm(
        'defineWithErrors',
        `${name} has ${errors.length} error${errors.length === 1 ? '' : 's'} by our checks. Define it anyway?`,
        `First: line ${first.line}: ${first.message}.`,
        'Define Anyway'
      );
      if (answer !== 'Define Anyway') {
        throw vscode.FileSystemError.Unavailable(`Not saved: ${name} has errors by our checks.`);
      }
    }

    // 3. A real hypervisor: ask first.
    if (!isTestUri(connection) && clientSettings().confirmHypervisorChanges) {
      const answer = await prompter.confirm(
        'confirmHypervisor',
        `Define domain '${domainNameOf(text) ?? name}' on ${connection}?`,
        'Saving defines the domain (virsh define), as virsh edit does. Turn off libvirt.confirmHypervisorChanges to stop asking.',
        'Define'
      );
      if (answer !== 'Define') {
        throw vscode.FileSystemError.Unavailable('Not confirmed; nothing was sent to libvirt.');
      }
    }

    // 4. Define. libvirt's error: the save fails (the edit stays) and the error is placed.
    this.virshDiagnostics.delete(uri);
    let defined: string;
    try {
      defined = (await defineFromText(text, opts)) ?? name;
    } catch (e) {
      const message = this.showError(e);
      if (e instanceof VirshError && doc) {
        const diagnostics: vscode.Diagnostic[] = [];
        for (const m of e.libvirt) {
          for (const span of locateLibvirtError(m, text)) {
            const d = new vscode.Diagnostic(
              new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)),
              `libvirt: ${m}`,
              vscode.DiagnosticSeverity.Error
            );
            d.source = 'virsh';
            diagnostics.push(d);
          }
        }
        this.virshDiagnostics.set(uri, diagnostics);
      }
      throw vscode.FileSystemError.Unavailable(`libvirt refused the definition: ${message}`);
    }
    this.output.appendLine(`✓ Domain '${defined}' defined on ${connection}.`);
    const stored = await storedAfterDefine(text, defined, opts).catch(() => undefined);
    if (defined === name && stored !== undefined) {
      this.base.set(key, stored);
    }
    this.mtimes.set(key, Date.now());
    this.refresh();
    if (stored !== undefined) {
      // After the save completes, so the document's text is what was written.
      setTimeout(() => void this.showDefinedDiff(uri, text, stored, connection, defined, 'define').catch(() => undefined), 0);
    }
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Use Undefine in the libvirt view.');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('libvirt domains are renamed with virsh domrename.');
  }
}

function reportUri(name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name} (what libvirt kept).txt` });
}

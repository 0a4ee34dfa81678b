/**
 * Wires the analysis engine to an LSP connection: document sync, diagnostics, code actions.
 * Transport-free: server.ts gives it a stdio/ipc connection, tests give it one over streams.
 */
import {
  CodeActionKind,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { analyze, reanalyze, spliceAnalysis, withAcross, type Analysis, type AnalysisOptions, type ReportedFinding } from '../analysis';
import { analyzeAttached } from '../attach';
import { domcapsKeyOfText } from '../host/match';
import { hostName } from '../rules/host';
import type { DomainModel } from '../model/types';
import type { XmlDocument } from '../syntax/tree';
import { ConfigFinder, isIgnored, type LintConfig } from '../common/config';
import { resolveFlavor, type FlavorSetting } from '../common/flavor';
import { resolveTargetVersion } from '../common/target-version';
import { pinsAt } from '../features/inlay';
import type { DomcapsKey } from '../host/match';
import type { HostDomain } from '../host/profile';
import type { HostProfile } from '../host/profile';
import { fixAllEdits } from '../fixes';
import { checkClaims, fleetClaims, type FleetClaims } from '../rules/fleet';
import { suppressEdit } from '../rules/suppress';
import type { Flavor, TextEdit as SpanEdit } from '../rules/types';
import { toDiagnostic, toRange, toSpan } from './convert';
import { withoutTouched } from './stale';
import { HOST_STATUS_NOTIFICATION, HostHolder, type HostStatus } from './host';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { WorkspaceDomains } from './workspace-domains';

const FIX_ALL_KIND = 'source.fixAll.libvirt';
/** "Pin this address": writes a predicted address (an inlay hint) into the device. */
const PIN_KIND = CodeActionKind.RefactorRewrite;

/** Extra LSP features (completion, hover, navigation...) register through this hook. */
export type FeatureInstaller = (ctx: ServerContext) => Partial<InitializeResult['capabilities']>;

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The analysis of the document's current version (computed once per version). */
  analysisOf(doc: TextDocument): Analysis;
  /**
   * For completion and hover: the tree of the current version and the freshest model, without
   * waiting for an analysis. The tree is the analysed one, or the last one with the edits since
   * spliced in (syntax/splice.ts, the same tree a parse gives); the model may be a version or a
   * few behind (free slots and indexes one keystroke stale are still right). When the edit cannot
   * be spliced, this is the full analysis.
   */
  freshestOf(doc: TextDocument): Fresh;
  settings(): Settings;
  /** The flavor the settings resolve to ('auto' is read from the installed schema once per settings change). */
  flavor(): Flavor | undefined;
  /** The host files are judged against (libvirt.hostAware), as read so far; never waits. */
  host(): HostProfile | undefined;
  /** Reads the host again (libvirt/refreshHost); resolves with its status. */
  refreshHost(): Promise<HostStatus>;
}

/** Custom request: read the host again (the status bar item and the libvirt.refreshHost command send it). */
const REFRESH_HOST_REQUEST = 'libvirt/refreshHost';
/** The host's domains a fragment can be checked against (client command libvirt.checkAgainstDomain). */
const HOST_DOMAINS_REQUEST = 'libvirt/hostDomains';
/** Binds a fragment to a domain of the host (`domain` undefined: checked on its own again). */
const ATTACH_TO_REQUEST = 'libvirt/attachTo';
/** The client command behind the code lens on a fragment's root. */
const CHECK_AGAINST_DOMAIN_COMMAND = 'libvirt.checkAgainstDomain';

interface HostDomainsResult {
  /** "the host qemu:///system"; undefined without a host. */
  host: string | undefined;
  domains: { name: string; state?: string }[];
  attachedTo?: string;
}

/** The (arch, virt type, machine) a domain's domcapabilities are read with. */
function domcapsKeyOf(model: DomainModel): DomcapsKey | undefined {
  if (model.kind !== 'domain') {
    return undefined;
  }
  const virtType = model.root.attributes.find((a) => a.name === 'type')?.value;
  if (!virtType || !model.machine.arch) {
    return undefined;
  }
  return { arch: model.machine.arch, virtType, ...(model.machine.origin === 'os' ? { machine: model.machine.name } : {}) };
}

/** A document's tree for its current version and the freshest model (see ServerContext.freshestOf). */
export interface Fresh {
  doc: XmlDocument;
  model: DomainModel | undefined;
}

interface Cached {
  version: number;
  analysis: Analysis;
  ms: number;
  /** The file is left out by its .libvirt-lint.json (`ignore`). */
  ignored: boolean;
}

export function startServer(connection: Connection, features: FeatureInstaller[] = []): ServerContext {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, Cached>();
  /**
   * Per document, the tree completion and hover last used, spliced forward in place from an
   * analysis (which then leaves the cache: its tree is no longer its own).
   */
  const live = new Map<string, Fresh & { version: number; base: Analysis }>();
  /** How much CPU time the last full analysis of each document took, in ms (drives the debounce). */
  const fullMs = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Shut down: no more diagnostics. */
  let stopped = false;
  let settings: Settings = DEFAULT_SETTINGS;
  let flavor: Flavor | undefined;
  let pullConfiguration = false;
  let settingsReady: Promise<void> = Promise.resolve();
  /** The client lets the server run virsh (initializationOptions.trusted; a client that says nothing is trusted). */
  let trusted = true;
  let roots: string[] = [];
  let initialized = false;
  /** A host read ends whenever it ends: the connection may be gone by then (throws synchronously). */
  const whileConnected = (fn: () => Promise<unknown> | void): void => {
    try {
      void fn()?.catch(() => undefined);
    } catch {
      // disposed meanwhile
    }
  };
  const host = new HostHolder({
    log: (m) => whileConnected(() => connection.console.log(m)),
    onStatus: (status) => {
      if (initialized) {
        whileConnected(() => connection.sendNotification(HOST_STATUS_NOTIFICATION, status));
      }
    },
    onChange: () => {
      cache.clear();
      relintAll();
      whileConnected(() => connection.languages.inlayHint.refresh());
      prefetchDomcaps();
    },
  });
  const configureHost = (): void => host.configure(settings, { trusted, roots });
  /** Asks the host, in the background, for the domcapabilities of the open domains. */
  const prefetchDomcaps = (): void => {
    if (!host.current()) {
      return;
    }
    const keys: DomcapsKey[] = [];
    for (const doc of documents.all()) {
      const model = cache.get(doc.uri)?.analysis.model;
      const key = model && domcapsKeyOf(model);
      if (key) {
        keys.push(key);
      }
    }
    host.prefetch(keys);
  };
  const flavors = new Map<FlavorSetting, Flavor | undefined>();
  const flavorOf = (setting: FlavorSetting): Flavor | undefined => {
    if (!flavors.has(setting)) {
      flavors.set(setting, resolveFlavor(setting));
    }
    return flavors.get(setting);
  };

  // libvirt.lint.conflicts 'workspace': the workspace's libvirt XML files that are not open.
  const workspace: WorkspaceDomains<DomainModel> = new WorkspaceDomains<DomainModel>({
    modelOf: (text, file) => {
      const found = configOf(URI.file(file).toString());
      if (found && isIgnored(found.cfg, found.file)) {
        return undefined;
      }
      return analyze(text, { flavor, machine: found?.cfg.machine ?? settings.machine }).model;
    },
    onChange: () => {
      if (settings.conflicts === 'workspace') {
        relintAll();
      }
    },
    log: (m) => connection.console.log(m),
  });

  const applySettings = (s: Settings): void => {
    const changedEngine =
      s.flavor !== settings.flavor ||
      s.machine !== settings.machine ||
      s.targetVersion !== settings.targetVersion ||
      JSON.stringify(s.severity) !== JSON.stringify(settings.severity);
    settings = s;
    flavors.clear();
    flavor = flavorOf(s.flavor);
    if (changedEngine) {
      cache.clear();
      workspace.reset();
      live.clear();
    }
  };
  applySettings(DEFAULT_SETTINGS);

  // .libvirt-lint.json for files on disk: the nearest one above the file. Settings the user
  // changed from their defaults win; severities are merged, the settings' per code winning.
  const configs = new ConfigFinder();
  const publishedConfigs = new Map<string, string>();
  const configOf = (uri: string): { cfg: LintConfig; file: string } | undefined => {
    if (!uri.startsWith('file:')) {
      return undefined;
    }
    try {
      const file = URI.parse(uri).fsPath;
      const cfg = configs.forFile(file);
      if (cfg) {
        publishConfigProblems(cfg);
      }
      return cfg && { cfg, file };
    } catch (e) {
      connection.console.error(`reading .libvirt-lint.json for ${uri} failed: ${String(e)}`);
      return undefined;
    }
  };
  const publishConfigProblems = (cfg: LintConfig): void => {
    const uri = URI.file(cfg.file).toString();
    const key = JSON.stringify(cfg.problems);
    if (publishedConfigs.get(uri) === key) {
      return;
    }
    publishedConfigs.set(uri, key);
    const diagnostics = cfg.problems.map((p) => ({
      range: { start: { line: p.line, character: p.character }, end: { line: p.line, character: p.character + 1 } },
      severity: 1 as const,
      source: 'libvirt-lint',
      message: p.message,
    }));
    connection.sendDiagnostics({ uri, diagnostics }).catch(() => undefined);
  };

  // Fragments checked as attached to a domain of the host: document URI -> domain name.
  const attachedTo = new Map<string, string>();
  const attachedDomain = (uri: string): HostDomain | undefined => {
    const name = attachedTo.get(uri);
    return name === undefined ? undefined : host.current()?.domains?.find((d) => d.name === name && d.xml);
  };
  connection.onRequest(HOST_DOMAINS_REQUEST, (params: { uri: string }): HostDomainsResult => {
    const judge = host.current();
    return {
      host: judge ? hostName(judge) : undefined,
      domains: (judge?.domains ?? []).filter((d) => d.xml).map((d) => ({ name: d.name, ...(d.state ? { state: d.state } : {}) })),
      ...(attachedTo.has(params.uri) ? { attachedTo: attachedTo.get(params.uri) } : {}),
    };
  });
  connection.onRequest(ATTACH_TO_REQUEST, (params: { uri: string; domain?: string }): boolean => {
    if (params.domain === undefined) {
      attachedTo.delete(params.uri);
    } else {
      attachedTo.set(params.uri, params.domain);
    }
    cache.delete(params.uri);
    live.delete(params.uri);
    const doc = documents.get(params.uri);
    if (doc) {
      schedule(doc);
    }
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    return params.domain === undefined || !!attachedDomain(params.uri);
  });

  const optionsOf = (doc: TextDocument): AnalysisOptions => {
    const cfg = configOf(doc.uri)?.cfg;
    const judge = host.current();
    const target =
      settings.targetVersion !== DEFAULT_SETTINGS.targetVersion ? settings.targetVersion : (cfg?.targetVersion ?? settings.targetVersion);
    return {
      flavor: settings.flavor !== DEFAULT_SETTINGS.flavor || !cfg?.flavor ? flavor : flavorOf(cfg.flavor),
      machine: settings.machine !== DEFAULT_SETTINGS.machine ? settings.machine : (cfg?.machine ?? settings.machine),
      targetVersion: resolveTargetVersion(target, judge?.libvirtVersion),
      severity: { ...cfg?.severity, ...settings.severity },
      host: judge,
    };
  };

  const record = (doc: TextDocument, analysis: Analysis, t0: number, cpu0: NodeJS.CpuUsage, full: boolean): Analysis => {
    for (const ie of analysis.internalErrors) {
      connection.console.error(
        `rule family ${ie.family} failed on ${doc.uri}: ${ie.error instanceof Error ? ie.error.stack : String(ie.error)}`
      );
    }
    const found = configOf(doc.uri);
    const ignored = !!found && isIgnored(found.cfg, found.file);
    cache.set(doc.uri, { version: doc.version, analysis, ms: performance.now() - t0, ignored });
    if (full) {
      const cpu = process.cpuUsage(cpu0);
      fullMs.set(doc.uri, (cpu.user + cpu.system) / 1000);
    }
    return analysis;
  };

  /**
   * The analysis of the current version computed from an earlier one (its tree possibly spliced
   * forward by freshestOf) when the edits since lie inside one device (analysis.ts reanalyze);
   * undefined when they do not. The earlier tree, brought up to the text, stays for completion.
   */
  const incrementalOf = (doc: TextDocument): Analysis | undefined => {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) {
      return hit.analysis;
    }
    const l = live.get(doc.uri);
    const base = settings.lintMode !== 'onSave' ? (l && (!hit || l.version > hit.version) ? l.base : hit?.analysis) : undefined;
    if (!base) {
      return undefined;
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const text = doc.getText();
    cache.delete(doc.uri);
    shown.delete(doc.uri); // its findings' spans may move with the tree
    const analysis = reanalyze(base, text, optionsOf(doc));
    if (!analysis) {
      if (base.doc.text === text) {
        live.set(doc.uri, { version: doc.version, doc: base.doc, model: base.model, base });
      } else {
        live.delete(doc.uri);
      }
      return undefined;
    }
    live.delete(doc.uri);
    return record(doc, analysis, t0, cpu0, false);
  };

  const analysisOf = (doc: TextDocument): Analysis => {
    // A fragment bound to a domain of the host (libvirt/attachTo) is judged whole inside that domain.
    const into = attachedDomain(doc.uri);
    const judge = host.current();
    const quick = into && judge ? undefined : incrementalOf(doc);
    if (quick) {
      return quick;
    }
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) {
      return hit.analysis;
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    live.delete(doc.uri);
    const opts = optionsOf(doc);
    const analysis =
      into && judge
        ? analyzeAttached(doc.getText(), { name: into.name, xml: into.xml!, where: hostName(judge) }, opts)
        : analyze(doc.getText(), opts);
    return record(doc, analysis, t0, cpu0, true);
  };

  const freshestOf = (doc: TextDocument): Fresh => {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) {
      return hit.analysis;
    }
    const l = live.get(doc.uri);
    if (l && l.version === doc.version) {
      return l;
    }
    // onSave mode keeps the findings last shown (which share spans with their tree): never
    // splice a tree in place there.
    if (settings.lintMode !== 'onSave') {
      const base =
        l && (!hit || l.version > hit.version)
          ? l
          : hit
            ? { version: hit.version, doc: hit.analysis.doc, model: hit.analysis.model, base: hit.analysis }
            : undefined;
      if (base && spliceAnalysis(base.base, doc.getText())) {
        if (base !== l) {
          cache.delete(doc.uri); // its tree moved on
        }
        shown.delete(doc.uri); // its findings' spans may have moved with the tree
        const fresh = { version: doc.version, doc: base.doc, model: base.model, base: base.base };
        live.set(doc.uri, fresh);
        return fresh;
      }
    }
    live.delete(doc.uri);
    return analysisOf(doc);
  };

  /**
   * A document's findings, conflicts with the other open documents included (rules/fleet.ts):
   * `peers` are the documents `related[].member` indexes.
   */
  const findingsOf = (doc: TextDocument): { findings: ReportedFinding[]; peers: TextDocument[] } => {
    const analysis = analysisOf(doc);
    if (!analysis.model || cache.get(doc.uri)?.ignored) {
      return { findings: analysis.model ? [] : analysis.findings, peers: [] };
    }
    const open =
      settings.conflicts !== 'off'
        ? documents.all().filter((d) => d === doc || (analysisOf(d).model && !cache.get(d.uri)?.ignored))
        : [doc];
    const models = open.map((d) => analysisOf(d).model!);
    const peers = [...open];
    if (settings.conflicts === 'workspace') {
      for (const w of workspace.others(new Set(open.map((d) => d.uri)))) {
        peers.push(w.doc);
        models.push(w.model);
      }
    }
    if (peers.length < 2) {
      return { findings: withAcross(analysis, []), peers };
    }
    const across = fleetOf(models);
    return { findings: withAcross(analysis, across[peers.indexOf(doc)]!), peers };
  };

  /**
   * The conflicts between a set of open documents, computed once per set of analyses: publishing
   * one document re-checks the others against it, and they share this result (on 10,000-device
   * domains one check is ~100 ms).
   */
  const modelIds = new WeakMap<DomainModel, number>();
  let nextModelId = 0;
  const idOf = (m: DomainModel): number => {
    let id = modelIds.get(m);
    if (id === undefined) {
      id = nextModelId++;
      modelIds.set(m, id);
    }
    return id;
  };
  let fleetMemo: { key: string; across: ReturnType<typeof checkClaims> } | undefined;
  /** What each model claims (names, MACs, images...): an edit in one document leaves the others' as they were. */
  const claims = new WeakMap<DomainModel, FleetClaims>();
  const claimsOf = (m: DomainModel): FleetClaims => {
    let c = claims.get(m);
    if (!c) {
      claims.set(m, (c = fleetClaims(m)));
    }
    return c;
  };
  const fleetOf = (models: DomainModel[]): ReturnType<typeof checkClaims> => {
    const key = models.map(idOf).join(',');
    if (fleetMemo?.key !== key) {
      fleetMemo = { key, across: checkClaims(models.map((model) => ({ claims: claimsOf(model) }))) };
    }
    return fleetMemo.across;
  };

  /** What each document's conflicts with the others were when last published: a change elsewhere republishes it. */
  const acrossShown = new Map<string, string>();
  const acrossKey = (findings: readonly ReportedFinding[], peers: readonly TextDocument[]): string =>
    JSON.stringify(
      findings
        .filter((f) => f.related?.some((r) => r.member !== undefined) || f.code === 'suppression-unused')
        .map((f) => [f.code, f.span.start, f.related?.map((r) => (r.member === undefined ? '' : peers[r.member]?.uri))])
    );

  /** What was last published per document, with the text its spans point into and the documents its related places name (onSave mode keeps it up to date between saves). */
  const shown = new Map<string, { text: string; findings: ReportedFinding[]; peers: TextDocument[] }>();

  const send = (doc: TextDocument, findings: ReportedFinding[], peers: TextDocument[]): void => {
    shown.set(doc.uri, { text: doc.getText(), findings, peers });
    const diagnostics = findings.map((f) => toDiagnostic(doc, f, doc.uri, (m) => peers[m]));
    connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch(() => undefined); // closed meanwhile
  };

  const publish = (doc: TextDocument): void => {
    if (documents.get(doc.uri) !== doc) {
      return; // closed or replaced meanwhile
    }
    if (settings.lintMode === 'off') {
      send(doc, [], []);
      return;
    }
    const { findings, peers } = findingsOf(doc);
    send(doc, findings, peers);
    if (host.current()) {
      const key = cache.get(doc.uri)?.analysis.model;
      const into = attachedDomain(doc.uri);
      const k = into ? domcapsKeyOfText(into.xml!, undefined) : key && domcapsKeyOf(key);
      if (k) {
        host.prefetch([k]);
      }
    }
    acrossShown.set(doc.uri, acrossKey(findings, peers));
    // Conflicts are symmetric: the other open documents may have gained or lost one.
    for (const other of documents.all()) {
      if (other !== doc && acrossShown.has(other.uri)) {
        const now = findingsOf(other);
        if (acrossKey(now.findings, now.peers) !== acrossShown.get(other.uri)) {
          schedule(other);
        }
      }
    }
  };

  /**
   * onSave mode between saves: the findings shown stay, moved with the text, except those the
   * change touched (a quick fix applied, the value retyped): those are gone at once, not at the
   * next save. Nothing is analysed here.
   */
  const dropTouched = (doc: TextDocument): void => {
    const prev = shown.get(doc.uri);
    if (!prev || prev.findings.length === 0) {
      return;
    }
    const next = withoutTouched(prev.text, doc.getText(), prev.findings);
    if (next) {
      send(doc, next, prev.peers);
    }
  };

  /**
   * Debounce that scales with the work: a typical domain (~1 ms) and an edit inside one device of
   * any domain (analysed incrementally) are published at once; a full analysis of a document
   * whose last one took 100 ms of CPU or more waits min(500, 2 × that) ms for typing to pause.
   * CPU time, not wall time: on a busy machine the wait would otherwise grow with the load.
   */
  const schedule = (doc: TextDocument): void => {
    // Nothing is published before the client's settings are known (a severity set to 'off'
    // must never flash up on open).
    void settingsReady.then(() => scheduleNow(doc));
  };

  const scheduleNow = (doc: TextDocument, waited = false): void => {
    const prev = timers.get(doc.uri);
    if (prev) {
      clearTimeout(prev);
    }
    const ms = fullMs.get(doc.uri) ?? 0;
    timers.set(
      doc.uri,
      setTimeout(
        () => {
          timers.delete(doc.uri);
          // After the replies already queued: vscode-jsonrpc writes each reply from a setImmediate,
          // so a completion answered just before this timer fell due would otherwise reach the
          // editor only after the whole analysis.
          setImmediate(() => {
            if (!stopped && !timers.has(doc.uri)) {
              guard('diagnostics', () => {
                // An edit inside one device is analysed at once; a full analysis of a document
                // whose last one took 100 ms of CPU or more waits for typing to pause.
                if (!waited && ms >= 100 && settings.lintMode !== 'off' && !incrementalOf(doc)) {
                  scheduleNow(doc, true);
                  return;
                }
                publish(doc);
              });
            }
          });
        },
        waited ? Math.min(500, ms * 2) : 0
      )
    );
  };

  const guard = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      whileConnected(() => connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`));
      return undefined;
    }
  };

  const refreshSettings = async (): Promise<void> => {
    if (!pullConfiguration) {
      return;
    }
    try {
      const raw: unknown = await connection.workspace.getConfiguration('libvirt');
      applySettings(readSettings(raw));
    } catch (e) {
      connection.console.error(`reading settings failed: ${String(e)}`);
    }
  };

  const ctx: ServerContext = {
    connection,
    documents,
    analysisOf,
    freshestOf,
    settings: () => settings,
    flavor: () => flavor,
    host: () => host.current(),
    refreshHost: () => host.refresh(),
  };
  connection.onRequest(REFRESH_HOST_REQUEST, () => host.refresh());
  // On a fragment's root, with a host that has domains: which domain it is checked against.
  connection.onCodeLens((params) => {
    const doc = documents.get(params.textDocument.uri);
    const judge = host.current();
    if (!doc || !judge?.domains?.length) {
      return [];
    }
    const a = analysisOf(doc);
    if (a.model?.kind !== 'fragment') {
      return [];
    }
    const bound = attachedTo.get(doc.uri);
    const title =
      bound === undefined
        ? 'Check against domain…'
        : attachedDomain(doc.uri)
          ? `Checked as attached to domain '${bound}' (change…)`
          : `Domain '${bound}' is not on ${hostName(judge)}: checked on its own (change…)`;
    const start = doc.positionAt(a.model.root.span.start);
    return [{ range: { start, end: start }, command: { title, command: CHECK_AGAINST_DOMAIN_COMMAND, arguments: [doc.uri] } }];
  });
  let featureCaps: Partial<InitializeResult['capabilities']> = {};

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    workspace.setRoots(params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []));
    const init = params.initializationOptions as { settings?: unknown; trusted?: unknown } | undefined;
    trusted = init?.trusted !== false;
    roots = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .filter((u) => u.startsWith('file:'))
      .map((u) => URI.parse(u).fsPath);
    if (init && typeof init === 'object' && 'settings' in init) {
      applySettings(readSettings(init.settings));
    }
    for (const install of features) {
      featureCaps = { ...featureCaps, ...install(ctx) };
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, PIN_KIND, FIX_ALL_KIND] },
        codeLensProvider: { resolveProvider: false },
        ...featureCaps,
      },
      serverInfo: { name: 'libvirt-xml-languageserver' },
    };
  });

  connection.onInitialized(() => {
    initialized = true;
    settingsReady = refreshSettings();
    // The host is chosen once the settings are known; its status goes to the client from there.
    void settingsReady.then(relintAll).then(configureHost);
  });

  /** The version each document had when it was opened or last saved: what onSave mode may show. */
  const savedVersion = new Map<string, number>();
  const relintAll = (): void => {
    for (const doc of documents.all()) {
      if (settings.lintMode !== 'onSave' || savedVersion.get(doc.uri) === doc.version) {
        schedule(doc);
      }
    }
  };

  // A .libvirt-lint.json was created, changed or deleted (the client watches them), or an XML file
  // of the workspace (for conflicts with the files that are not open).
  connection.onDidChangeWatchedFiles((params) => {
    const xml = params.changes.filter((c) => /\.xml$/i.test(c.uri));
    for (const c of xml) {
      void workspace.fileChanged(c.uri, c.type === FileChangeType.Deleted);
    }
    if (xml.length === params.changes.length) {
      return;
    }
    configs.clear();
    workspace.reset();
    cache.clear();
    live.clear();
    for (const uri of [...publishedConfigs.keys()]) {
      connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
    }
    publishedConfigs.clear();
    relintAll();
  });

  connection.onDidChangeConfiguration((change) => {
    const fromPush = (change.settings as { libvirt?: unknown } | undefined)?.libvirt;
    const done = pullConfiguration
      ? refreshSettings()
      : Promise.resolve(fromPush !== undefined ? applySettings(readSettings(fromPush)) : undefined);
    void done
      .then(relintAll)
      .then(configureHost)
      .then(() => connection.languages.inlayHint.refresh().catch(() => undefined));
  });

  documents.onDidOpen((e) => {
    savedVersion.set(e.document.uri, e.document.version);
    schedule(e.document);
  });
  documents.onDidChangeContent((e) => {
    if (settings.lintMode === 'onType') {
      schedule(e.document);
    } else if (settings.lintMode === 'onSave') {
      guard('diagnostics', () => dropTouched(e.document));
    }
  });
  documents.onDidSave((e) => {
    savedVersion.set(e.document.uri, e.document.version);
    if (settings.lintMode === 'onSave') {
      schedule(e.document);
    }
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    live.delete(e.document.uri);
    fullMs.delete(e.document.uri);
    acrossShown.delete(e.document.uri);
    // Its conflicts with the others go with it.
    for (const other of documents.all()) {
      if (other.uri !== e.document.uri && acrossShown.has(other.uri)) {
        schedule(other);
      }
    }
    savedVersion.delete(e.document.uri);
    shown.delete(e.document.uri);
    const t = timers.get(e.document.uri);
    if (t) {
      clearTimeout(t);
      timers.delete(e.document.uri);
    }
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => guard('code actions', () => codeActions(params)) ?? []);

  function codeActions(params: CodeActionParams): CodeAction[] {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) {
      return [];
    }
    const analysis = analysisOf(doc);
    const { findings, peers } = findingsOf(doc);
    const toEdit = (e: SpanEdit) => ({ range: toRange(doc, e.span), newText: e.newText });
    const only = params.context.only;
    const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const want = toSpan(doc, params.range);
      const suppressions: CodeAction[] = [];
      for (const f of findings) {
        if (f.span.end < want.start || f.span.start > want.end) {
          continue;
        }
        const diagnostic = toDiagnostic(doc, f, doc.uri, (m) => peers[m]);
        for (const fix of f.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: fix.preferred,
            edit: { changes: { [doc.uri]: fix.edits.map(toEdit) } },
          });
        }
        if (f.code !== 'suppression-unused' && !suppressions.some((a) => a.title === `Suppress ${f.code} on this line`)) {
          suppressions.push({
            title: `Suppress ${f.code} on this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: { changes: { [doc.uri]: [toEdit(suppressEdit(analysis.doc, analysis.suppressions, f.code, f.span.start))] } },
          });
        }
      }
      actions.push(...suppressions); // after the real fixes
    }
    if (wants(PIN_KIND)) {
      for (const pin of pinsAt(analysis, toSpan(doc, params.range))) {
        actions.push({ title: pin.title, kind: PIN_KIND, edit: { changes: { [doc.uri]: pin.edits.map(toEdit) } } });
      }
    }
    if (wants(FIX_ALL_KIND)) {
      const edits = fixAllEdits(analysis.findings);
      if (edits.length > 0) {
        actions.push({ title: 'Fix all libvirt problems', kind: FIX_ALL_KIND, edit: { changes: { [doc.uri]: edits.map(toEdit) } } });
      }
    }
    return actions;
  }

  connection.onShutdown(() => {
    stopped = true; // an analysis already past its timer (waiting for queued replies) is dropped too
    for (const t of timers.values()) {
      clearTimeout(t);
    }
    timers.clear();
  });

  documents.listen(connection);
  return ctx;
}

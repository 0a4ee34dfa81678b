/**
 * Wires the analysis engine to an LSP connection: document sync, diagnostics, code actions.
 * Transport-free: server.ts gives it a stdio/ipc connection, tests give it one over streams.
 */
import {
  CodeActionKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis, type ReportedFinding } from '../analysis';
import { resolveFlavor } from '../common/flavor';
import { fixAllEdits } from '../fixes';
import type { Flavor, TextEdit as SpanEdit } from '../rules/types';
import { toDiagnostic, toRange, toSpan } from './convert';
import { withoutTouched } from './stale';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';

const FIX_ALL_KIND = 'source.fixAll.libvirt';

/** Extra LSP features (completion, hover, navigation...) register through this hook. */
export type FeatureInstaller = (ctx: ServerContext) => Partial<InitializeResult['capabilities']>;

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The analysis of the document's current version (computed once per version). */
  analysisOf(doc: TextDocument): Analysis;
  settings(): Settings;
  /** The flavor the settings resolve to ('auto' is read from the installed schema once per settings change). */
  flavor(): Flavor | undefined;
}

interface Cached {
  version: number;
  analysis: Analysis;
  ms: number;
}

export function startServer(connection: Connection, features: FeatureInstaller[] = []): ServerContext {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, Cached>();
  const timers = new Map<string, NodeJS.Timeout>();
  let settings: Settings = DEFAULT_SETTINGS;
  let flavor: Flavor | undefined;
  let pullConfiguration = false;
  let settingsReady: Promise<void> = Promise.resolve();

  const applySettings = (s: Settings): void => {
    const changedEngine =
      s.flavor !== settings.flavor || s.machine !== settings.machine || JSON.stringify(s.severity) !== JSON.stringify(settings.severity);
    settings = s;
    flavor = resolveFlavor(s.flavor);
    if (changedEngine) {
      cache.clear();
    }
  };
  applySettings(DEFAULT_SETTINGS);

  const analysisOf = (doc: TextDocument): Analysis => {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) {
      return hit.analysis;
    }
    const t0 = performance.now();
    const analysis = analyze(doc.getText(), { flavor, machine: settings.machine, severity: settings.severity });
    for (const ie of analysis.internalErrors) {
      connection.console.error(
        `rule family ${ie.family} failed on ${doc.uri}: ${ie.error instanceof Error ? ie.error.stack : String(ie.error)}`
      );
    }
    cache.set(doc.uri, { version: doc.version, analysis, ms: performance.now() - t0 });
    return analysis;
  };

  /** What was last published per document, with the text its spans point into (onSave mode keeps it up to date between saves). */
  const shown = new Map<string, { text: string; findings: ReportedFinding[] }>();

  const send = (doc: TextDocument, findings: ReportedFinding[]): void => {
    shown.set(doc.uri, { text: doc.getText(), findings });
    const diagnostics = findings.map((f) => toDiagnostic(doc, f, doc.uri));
    connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch(() => undefined); // closed meanwhile
  };

  const publish = (doc: TextDocument): void => {
    if (documents.get(doc.uri) !== doc) {
      return; // closed or replaced meanwhile
    }
    send(doc, settings.lintMode === 'off' ? [] : analysisOf(doc).findings);
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
      send(doc, next);
    }
  };

  /**
   * Debounce that scales with the document: a typical domain is analysed in about a millisecond,
   * so it is published at once; a huge one waits for typing to pause.
   */
  const schedule = (doc: TextDocument): void => {
    // Nothing is published before the client's settings are known (a severity set to 'off'
    // must never flash up on open).
    void settingsReady.then(() => scheduleNow(doc));
  };

  const scheduleNow = (doc: TextDocument): void => {
    const prev = timers.get(doc.uri);
    if (prev) {
      clearTimeout(prev);
    }
    const lastMs = cache.get(doc.uri)?.ms ?? 0;
    const delay = lastMs < 10 ? 0 : Math.min(500, lastMs * 2);
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        guard('diagnostics', () => publish(doc));
      }, delay)
    );
  };

  const guard = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
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

  const ctx: ServerContext = { connection, documents, analysisOf, settings: () => settings, flavor: () => flavor };
  let featureCaps: Partial<InitializeResult['capabilities']> = {};

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init && typeof init === 'object' && 'settings' in init) {
      applySettings(readSettings(init.settings));
    }
    for (const install of features) {
      featureCaps = { ...featureCaps, ...install(ctx) };
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...featureCaps,
      },
      serverInfo: { name: 'libvirt-xml-languageserver' },
    };
  });

  connection.onInitialized(() => {
    settingsReady = refreshSettings();
    void settingsReady.then(relintAll);
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

  connection.onDidChangeConfiguration((change) => {
    const fromPush = (change.settings as { libvirt?: unknown } | undefined)?.libvirt;
    const done = pullConfiguration
      ? refreshSettings()
      : Promise.resolve(fromPush !== undefined ? applySettings(readSettings(fromPush)) : undefined);
    void done.then(relintAll);
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
    const toEdit = (e: SpanEdit) => ({ range: toRange(doc, e.span), newText: e.newText });
    const only = params.context.only;
    const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const want = toSpan(doc, params.range);
      for (const f of analysis.findings) {
        if (f.span.end < want.start || f.span.start > want.end || !f.fixes) {
          continue;
        }
        const diagnostic = toDiagnostic(doc, f, doc.uri);
        for (const fix of f.fixes) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: fix.preferred,
            edit: { changes: { [doc.uri]: fix.edits.map(toEdit) } },
          });
        }
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
    for (const t of timers.values()) {
      clearTimeout(t);
    }
    timers.clear();
  });

  documents.listen(connection);
  return ctx;
}

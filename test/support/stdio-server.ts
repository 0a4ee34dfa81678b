/**
 * The real stdio server (dist/server.js, as an editor starts it) in a child process, with an LSP
 * connection to it and a diagnostics queue. Builds dist/ first when it is missing or older than
 * the sources.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { REPO } from './paths';

const SERVER = path.join(REPO, 'dist', 'server.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const stale =
    !fs.existsSync(SERVER) ||
    fs.statSync(SERVER).mtimeMs < Math.max(newestSource(path.join(REPO, 'server', 'src')), newestSource(path.join(REPO, 'schemas')));
  if (stale) {
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  }
}

export interface StdioServer {
  conn: ProtocolConnection;
  init: InitializeResult;
  /** window/showMessage texts, in order. */
  messages: string[];
  /** The next diagnostics published for `uri` at `version`. */
  diagnostics(uri: string, version: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): Promise<void>;
  stop(): void;
}

/**
 * Settings without a host unless a test names one (hostAware): the server would otherwise read
 * this machine's qemu:///system in the background, and host findings arriving at some point of a
 * test (the guide's host addresses are not on this machine) would make its diagnostics depend on timing.
 */
function noHostUnlessAsked(settings: unknown): unknown {
  const s = typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
  return 'hostAware' in s ? s : { hostAware: 'off', ...s };
}

/** `configuration` answers workspace/configuration (section libvirt); `initializationOptions` goes with initialize. */
export async function startStdioServer(configuration: unknown = {}, initializationOptions?: unknown): Promise<StdioServer> {
  ensureBuilt();
  configuration = noHostUnlessAsked(configuration);
  const init0 = (initializationOptions ?? {}) as { settings?: unknown };
  initializationOptions = { ...init0, settings: noHostUnlessAsked(init0.settings) };
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiting: { uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const i = waiting.findIndex((w) => w.uri === p.uri && w.version === p.version);
    if (i >= 0) {
      waiting.splice(i, 1)[0]!.resolve(p);
    } else {
      published.push(p);
    }
  });
  conn.onNotification('window/logMessage', () => undefined);
  const messages: string[] = [];
  conn.onNotification('window/showMessage', (p: { message: string }) => {
    messages.push(p.message);
  });
  conn.onRequest('workspace/configuration', () => [configuration]);
  conn.listen();
  const init = await conn.sendRequest<InitializeResult>('initialize', {
    processId: null,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true },
      textDocument: { completion: { completionItem: { snippetSupport: true } } },
    },
    initializationOptions,
  });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    init,
    messages,
    diagnostics(uri, version, timeoutMs = 10_000) {
      const i = published.findIndex((p) => p.uri === uri && p.version === version);
      if (i >= 0) {
        return Promise.resolve(published.splice(i, 1)[0]!);
      }
      return new Promise((resolve, reject) => {
        const w = {
          uri,
          version,
          resolve: (p: PublishDiagnosticsParams) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(w), 1);
          reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push(w);
      });
    },
    async open(uri, text, version = 1) {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'libvirt-xml', version, text } });
    },
    stop() {
      conn.dispose();
      child.kill();
    },
  };
}

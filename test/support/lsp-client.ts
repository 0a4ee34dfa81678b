/**
 * A real LSP client talking to an in-process server over two streams: the same JSON-RPC
 * framing as stdio, without a child process.
 */
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  createConnection,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { LSP_FEATURES } from '../../server/src/lsp/features';
import { startServer } from '../../server/src/lsp/start';

export interface TestClient {
  conn: ProtocolConnection;
  init: InitializeResult;
  /** Resolves with the next diagnostics published for `uri` (optionally for a given version). */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): Promise<void>;
  /** libvirt/hostStatus notifications, in order. */
  hostStatus: { state: string; label: string; detail: string }[];
  /** Resolves with the first host status (past or future) that `pred` accepts. */
  waitHostStatus(
    pred: (s: { state: string; label: string; detail: string }) => boolean,
    timeoutMs?: number
  ): Promise<{ state: string; label: string; detail: string }>;
  close(): void;
}

interface TestClientOptions {
  /**
   * initializationOptions.trusted. The harness is an untrusted client unless a test says so: the
   * server then never runs virsh (libvirt.hostAware 'connection' is off), so other tests neither
   * wait on this machine's libvirt nor depend on its host.
   */
  trusted?: boolean;
}

/** `workspaceFolders`: folder paths sent in initialize (the server reads their XML files for conflicts). */
export async function startTestClient(
  settings?: unknown,
  configuration?: unknown,
  workspaceFolders?: string[],
  opts: TestClientOptions = {}
): Promise<TestClient> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  startServer(server, LSP_FEATURES);
  server.listen();
  const conn = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    if (i >= 0) {
      waiters.splice(i, 1)[0]!.resolve(p);
    } else {
      published.push(p);
    }
  });
  conn.onRequest('workspace/configuration', () => [configuration ?? {}]);
  conn.onNotification('window/logMessage', () => undefined);
  const hostStatus: TestClient['hostStatus'] = [];
  const statusWaiters: {
    pred: (s: TestClient['hostStatus'][number]) => boolean;
    resolve: (s: TestClient['hostStatus'][number]) => void;
  }[] = [];
  conn.onNotification('libvirt/hostStatus', (s: TestClient['hostStatus'][number]) => {
    hostStatus.push(s);
    for (const w of [...statusWaiters]) {
      if (w.pred(s)) {
        statusWaiters.splice(statusWaiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  });
  conn.listen();
  const init = await conn.sendRequest<InitializeResult>('initialize', {
    processId: null, // a process id makes the server poll that process and keep the test alive
    rootUri: null,
    workspaceFolders: workspaceFolders?.map((f) => ({ uri: URI.file(f).toString(), name: path.basename(f) })) ?? null,
    capabilities: { workspace: { configuration: configuration !== undefined } },
    initializationOptions: { ...(settings !== undefined ? { settings } : {}), trusted: opts.trusted ?? false },
  });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    init,
    diagnostics(uri, version, timeoutMs = 5000) {
      const i = published.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
      if (i >= 0) {
        return Promise.resolve(published.splice(i, 1)[0]!);
      }
      return new Promise((resolve, reject) => {
        // A referenced timer: in-memory streams hold no handle, so this keeps the test process alive while waiting.
        const timer = setTimeout(() => {
          const k = waiters.indexOf(w);
          if (k >= 0) {
            waiters.splice(k, 1);
            reject(new Error(`no diagnostics for ${uri}${version !== undefined ? ` v${version}` : ''} within ${timeoutMs} ms`));
          }
        }, timeoutMs);
        const w = {
          uri,
          version,
          resolve: (p: PublishDiagnosticsParams) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        waiters.push(w);
      });
    },
    hostStatus,
    waitHostStatus(pred, timeoutMs = 10_000) {
      const seen = hostStatus.find(pred);
      if (seen) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no matching host status within ${timeoutMs} ms; got ${JSON.stringify(hostStatus)}`));
        }, timeoutMs);
        statusWaiters.push({
          pred,
          resolve: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
        });
      });
    },
    async open(uri, text, version = 1) {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'libvirt-xml', version, text } });
    },
    close() {
      conn.dispose();
      server.dispose();
      up.destroy();
      down.destroy();
    },
  };
}

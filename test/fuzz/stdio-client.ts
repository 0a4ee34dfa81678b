/**
 * An LSP client for the real stdio server: spawns `node dist/server.js --stdio` and speaks
 * JSON-RPC over its stdin/stdout, as an editor does. Used by the server fuzz suite and bench/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
import { REPO } from '../support/paths';

export const SERVER_JS = path.join(REPO, 'dist', 'server.js');

export class TimeoutError extends Error {}

export interface LogLine {
  type: number;
  message: string;
}

interface Waiter {
  uri: string;
  version: number | undefined;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class StdioClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  init: InitializeResult | undefined;
  stderr = '';
  logs: LogLine[] = [];
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Latest diagnostics per URI, and when they arrived (performance.now()). */
  latest = new Map<string, { params: PublishDiagnosticsParams; at: number }>();
  private waiters: Waiter[] = [];

  constructor(args: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(process.execPath, [...args, SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (d: string) => {
      this.stderr += d;
    });
    this.proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, { params: p, at: performance.now() });
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && (w.version === undefined || p.version === undefined || p.version >= w.version)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.conn.onNotification('window/logMessage', (p: LogLine) => {
      this.logs.push(p);
    });
    this.conn.onNotification('window/showMessage', (p: LogLine) => {
      this.logs.push(p);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => (p.items ?? []).map(() => ({})));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onError(() => undefined);
    this.conn.onClose(() => undefined);
    this.conn.listen();
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  async initialize(timeoutMs = 10000, initializationOptions?: unknown): Promise<InitializeResult> {
    this.init = await this.request<InitializeResult>(
      'initialize',
      {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          textDocument: {
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
            completion: { completionItem: { snippetSupport: true } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
          },
          workspace: { configuration: true },
        },
        initializationOptions,
      },
      timeoutMs
    );
    await this.conn.sendNotification('initialized', {});
    return this.init;
  }

  /** A request that must be answered within `timeoutMs`; rejects with TimeoutError otherwise. */
  request<R>(method: string, params: unknown, timeoutMs = 5000): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no answer to ${method} within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.conn.sendRequest<R>(method, params), timeout]).finally(() => clearTimeout(timer));
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  /** Resolves with the first diagnostics for `uri` at `version` or later published after now (or already waiting). */
  diagnostics(uri: string, version: number | undefined, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    const have = this.latest.get(uri);
    if (have && version !== undefined && have.params.version !== undefined && have.params.version >= version) {
      return Promise.resolve(have.params);
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { uri, version, resolve };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new TimeoutError(`no diagnostics for ${uri}${version !== undefined ? ` version ${version}` : ''} within ${timeoutMs} ms`));
      }, timeoutMs);
      w.resolve = (p) => {
        clearTimeout(timer);
        resolve(p);
      };
      this.waiters.push(w);
    });
  }

  async open(uri: string, text: string, version = 1, languageId = 'libvirt-xml'): Promise<void> {
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Writes raw bytes to the server's stdin (for framing abuse). */
  writeRaw(data: string | Buffer): void {
    this.proc.stdin!.write(data);
  }

  /** shutdown + exit; resolves with the exit code (or rejects when the process lingers). */
  async stop(timeoutMs = 5000): Promise<number | null> {
    if (this.alive) {
      try {
        await this.request('shutdown', null, timeoutMs);
        await this.notify('exit', null);
      } catch {
        // fall through to the kill below
      }
    }
    const deadline = Date.now() + timeoutMs;
    while (this.alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.alive) {
      this.proc.kill('SIGKILL');
      this.conn.dispose();
      throw new TimeoutError(`server did not exit within ${timeoutMs} ms of shutdown/exit`);
    }
    this.conn.dispose();
    return this.exit!.code;
  }

  /** Memory of the server process in KiB (VmRSS), Linux only. */
  rssKiB(): number | undefined {
    try {
      const status = fs.readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+)/.exec(status);
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * VS Code client: detects libvirt domain XML and device fragments (detection.ts), starts the
 * bundled language server for them, and contributes the virsh commands (commands.ts).
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { Commands } from './commands';
import { clientSettings, LANGUAGE_ID, type DetectionMode } from './config';
import { Detection } from './detection';
import { autoCloseTags } from './editing';
import { Live } from './live';
import { newFileCompletion } from './newfile';
import { windowPrompter, type Prompter } from './prompts';

/** What activate() returns: used by the integration tests and open to other extensions. */
export interface LibvirtXmlApi {
  /** Resolves once the language server is running. */
  ready(): Promise<void>;
  /** Replaces the dialogs and quick picks (tests answer them); undefined restores the defaults. */
  setPrompter(p: Prompter | undefined): void;
  detection: Detection;
  commands: Commands;
  live: Live;
}

let client: LanguageClient | undefined;
let starting: Promise<void> = Promise.resolve();

function selector(mode: DetectionMode): DocumentSelector {
  // keepXml: libvirt features on documents that stay "xml"; the server reports nothing for XML
  // whose root is neither <domain> nor a device.
  return mode === 'keepXml' ? [{ language: LANGUAGE_ID }, { language: 'xml' }] : [{ language: LANGUAGE_ID }];
}

export function activate(context: vscode.ExtensionContext): LibvirtXmlApi {
  const output = vscode.window.createOutputChannel('libvirt');
  context.subscriptions.push(output);
  const detection = new Detection(context.workspaceState, (line) => output.appendLine(line));
  const commands = new Commands(output, detection);
  const isNewFile = (d: vscode.TextDocument): boolean => detection.isNewFile(d);
  const live = new Live(
    output,
    () => commands.prompter,
    () => client,
    commands.virshDiagnostics
  );
  commands.onDefined = (doc, text, connection, name) => live.afterDefine(doc, text, connection, name);
  context.subscriptions.push(
    detection,
    commands,
    live,
    ...commands.register(),
    ...live.register(),
    autoCloseTags(isNewFile),
    newFileCompletion(isNewFile, () => client)
  );

  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  let mode = clientSettings().detection;
  const start = (): Promise<void> => {
    const clientOptions: LanguageClientOptions = {
      documentSelector: selector(mode),
      // The server reads .libvirt-lint.json itself; it is told when one changes.
      synchronize: {
        configurationSection: 'libvirt',
        // .libvirt-lint.json for the config; *.xml for conflicts with the workspace's files that are not open.
        fileEvents: [
          vscode.workspace.createFileSystemWatcher('**/.libvirt-lint.json'),
          vscode.workspace.createFileSystemWatcher('**/*.xml'),
        ],
      },
      diagnosticCollectionName: 'libvirt',
    };
    client = new LanguageClient('libvirt-xml', 'libvirt XML Language Server', serverOptions, clientOptions);
    const c = client;
    starting = c.start().catch((e: unknown) => {
      output.appendLine(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    });
    return starting;
  };
  const restart = async (): Promise<void> => {
    const old = client;
    client = undefined;
    await old?.stop().catch(() => undefined);
    await start();
  };
  void start().catch(() => undefined);

  context.subscriptions.push(
    vscode.commands.registerCommand('libvirt.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('libvirt.languageDetection')) {
        const now = clientSettings().detection;
        if (now !== mode) {
          mode = now;
          void restart(); // the document selector depends on it
        }
      }
    }),
    { dispose: () => void client?.stop() }
  );

  return {
    ready: () => starting,
    setPrompter: (p) => {
      commands.prompter = p ?? windowPrompter;
    },
    detection,
    commands,
    live,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

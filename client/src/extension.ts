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
import {
  ATTACH_TO_REQUEST,
  HOST_DOMAINS_REQUEST,
  HOST_STATUS_NOTIFICATION,
  HostStatusItem,
  REFRESH_HOST_REQUEST,
  type HostDomainsResult,
  type HostStatus,
} from './host-status';
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
  /** The status bar item naming the host files are judged against. */
  hostStatus: HostStatusItem;
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
  const hostStatus = new HostStatusItem(
    (d) => d.languageId === LANGUAGE_ID || (mode === 'keepXml' && d.languageId === 'xml' && detection.kindOf(d) !== undefined)
  );
  context.subscriptions.push(hostStatus);
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
      // An untrusted workspace never lets the server run virsh (libvirt.hostAware 'connection').
      initializationOptions: { trusted: vscode.workspace.isTrusted },
    };
    client = new LanguageClient('libvirt-xml', 'libvirt XML Language Server', serverOptions, clientOptions);
    const c = client;
    c.onNotification(HOST_STATUS_NOTIFICATION, (s: HostStatus) => hostStatus.update(s));
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
    vscode.commands.registerCommand('libvirt.refreshHost', async (): Promise<HostStatus | undefined> => {
      await starting.catch(() => undefined);
      const c = client;
      if (!c) {
        return undefined;
      }
      return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'libvirt: reading the host' }, () =>
        c.sendRequest<HostStatus>(REFRESH_HOST_REQUEST)
      );
    }),
    // A fragment checked as attached to a domain of the host (the server holds the domains' XML).
    vscode.commands.registerCommand('libvirt.checkAgainstDomain', async (uri?: string): Promise<string | undefined> => {
      await starting.catch(() => undefined);
      const c = client;
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!c || !target) {
        return undefined;
      }
      const got = await c.sendRequest<HostDomainsResult>(HOST_DOMAINS_REQUEST, { uri: target });
      if (!got.host || got.domains.length === 0) {
        void vscode.window.showInformationMessage(
          got.host
            ? `libvirt: ${got.host} has no domains to check the device against.`
            : 'libvirt: no host is configured (libvirt.hostAware, libvirt.connectionUri, libvirt.hostSnapshot), so there are no domains to check the device against.'
        );
        return undefined;
      }
      const alone = '$(circle-slash) On its own (no domain)';
      const items: vscode.QuickPickItem[] = [
        ...got.domains.map((d) => ({
          label: d.name,
          description: [d.state, d.name === got.attachedTo ? 'current' : undefined].filter(Boolean).join(', '),
        })),
        ...(got.attachedTo !== undefined ? [{ label: alone }] : []),
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: `Check this device as attached to a domain of ${got.host}`,
        placeHolder: 'the domain its attach-device is meant for',
      });
      if (!pick) {
        return undefined;
      }
      const domain = pick.label === alone ? undefined : pick.label;
      await c.sendRequest(ATTACH_TO_REQUEST, { uri: target, ...(domain !== undefined ? { domain } : {}) });
      return domain;
    }),
    // Trust granted: the server may run virsh now (it was told at start).
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
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
    hostStatus,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

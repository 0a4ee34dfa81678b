/**
 * The language server's entry point: `libvirt-xml-languageserver --stdio` (or --node-ipc when
 * VS Code starts it). The only file that picks a transport.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/start';
import { LSP_FEATURES } from './lsp/features';

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('libvirt-xml-languageserver\n');
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.argv.push('--stdio');
}

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
startServer(connection, LSP_FEATURES);
connection.listen();

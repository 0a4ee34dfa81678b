/**
 * Completion in a new XML file that is not libvirt XML yet (no root element): the starting
 * points (whole domains, attach-device fragments) and the root names, as the language server
 * computes them. Such a document is not synced to the server (it is "xml", not "libvirt-xml"),
 * so its text goes with the request (libvirt/completeNewFile). Once the root is typed, detection
 * switches the language and the server serves the document as usual.
 */
import * as vscode from 'vscode';
import type { CompletionList } from 'vscode-languageclient';
import type { LanguageClient } from 'vscode-languageclient/node';

const NEW_FILE_COMPLETION = 'libvirt/completeNewFile';

export function newFileCompletion(
  isNewFile: (doc: vscode.TextDocument) => boolean,
  client: () => LanguageClient | undefined
): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(
    { language: 'xml' },
    {
      async provideCompletionItems(doc, position, token, context) {
        const c = client();
        if (!c || !c.isRunning() || !isNewFile(doc)) {
          return undefined;
        }
        const result = await c.sendRequest<CompletionList>(
          NEW_FILE_COMPLETION,
          {
            textDocument: { uri: doc.uri.toString() },
            position: c.code2ProtocolConverter.asPosition(position),
            context: { triggerKind: context.triggerKind + 1, triggerCharacter: context.triggerCharacter },
            text: doc.getText(),
          },
          token
        );
        return c.protocol2CodeConverter.asCompletionResult(result, undefined, token);
      },
    },
    '<'
  );
}

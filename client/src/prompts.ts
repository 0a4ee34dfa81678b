/**
 * Every question the commands ask goes through a Prompter, identified by what it asks. The
 * default one uses VS Code's modal dialogs and quick picks; integration tests install one that
 * answers (a modal dialog cannot be clicked from an extension test).
 */
import * as vscode from 'vscode';

export type PromptId =
  /** "Save and Define" / "Save and Attach" ... before running on a file with unsaved changes. */
  | 'saveFirst'
  /** "Define" / "Attach" / "Detach" before changing a hypervisor that is not test:///. */
  | 'confirmHypervisor'
  /** "Define Anyway" when the file has errors by our checks. */
  | 'defineWithErrors'
  /** "Show Diff" / "Overwrite" when a domain opened in the editor was changed meanwhile. */
  | 'domainChanged'
  /** "Start" / "Shut Down" / "Undefine" from the libvirt view. */
  | 'confirmDomainAction'
  /** The domain to attach to / detach from. */
  | 'pickDomain'
  /** --persistent / --live / --config / --current. */
  | 'pickMode';

export interface Prompter {
  /** A modal question; resolves to the chosen action, or undefined when cancelled. */
  confirm(id: PromptId, message: string, detail: string, ...actions: string[]): Promise<string | undefined>;
  /** A quick pick; resolves to the chosen item, or undefined when dismissed. */
  pick<T extends vscode.QuickPickItem>(id: PromptId, items: T[], placeHolder: string): Promise<T | undefined>;
}

export const windowPrompter: Prompter = {
  async confirm(_id, message, detail, ...actions) {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  },
  async pick(_id, items, placeHolder) {
    return vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  },
};

/**
 * Shared helpers of the integration suites: the extension's API, opening workspace files,
 * waiting for what the language server publishes, settings changed for one test, and a
 * Prompter that answers the commands' questions.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LibvirtXmlApi } from '../../../client/src/extension';
import type { PromptId, Prompter } from '../../../client/src/prompts';

export const EXTENSION_ID = 'libvirt-xml.libvirt-xml';
export const LANGUAGE_ID = 'libvirt-xml';

export async function api(): Promise<LibvirtXmlApi> {
  const ext = vscode.extensions.getExtension<LibvirtXmlApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const a = await ext.activate();
  await a.ready();
  return a;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (a copy of test/vscode/workspace)');
  return folder.uri.fsPath;
}

export function wsPath(rel: string): string {
  return path.join(workspaceDir(), rel);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) {
      return v;
    }
    if (Date.now() - t0 > timeoutMs) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(50);
  }
}

/** The open document for a URI, as VS Code has it now (a language change replaces the object). */
export function current(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** Opens a file in an editor and waits until it has the language wanted. */
export async function open(file: string, language: string | undefined = LANGUAGE_ID): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  if (language) {
    await waitFor(`${path.basename(file)} to become ${language}`, () => current(doc.uri)?.languageId === language);
  }
  return waitFor('the editor', () =>
    vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === doc.uri.toString() && e.document.languageId === (language ?? e.document.languageId)
    )
  );
}

export function diagnostics(uri: vscode.Uri, source = 'libvirt'): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

export async function waitForCode(uri: vscode.Uri, code: string, timeoutMs?: number): Promise<vscode.Diagnostic> {
  return waitFor(`diagnostic ${code} on ${path.basename(uri.fsPath)}`, () => diagnostics(uri).find((d) => codeOf(d) === code), timeoutMs);
}

/** Closes every editor, discarding unsaved changes (each test starts from the files on disk). */
export async function closeAll(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand(
      vscode.window.activeTextEditor.document.isDirty ? 'workbench.action.revertAndCloseActiveEditor' : 'workbench.action.closeActiveEditor'
    );
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Sets user settings for the duration of a test; restore() puts the previous values back. */
export class Settings {
  private readonly undo: (() => Thenable<void>)[] = [];

  async set(section: string, key: string, value: unknown, languageId?: string): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(section, languageId ? { languageId } : undefined);
    const before = cfg.inspect(key);
    const old = languageId ? before?.globalLanguageValue : before?.globalValue;
    await cfg.update(key, value, vscode.ConfigurationTarget.Global, languageId ? true : undefined);
    this.undo.push(() =>
      vscode.workspace
        .getConfiguration(section, languageId ? { languageId } : undefined)
        .update(key, old, vscode.ConfigurationTarget.Global, languageId ? true : undefined)
    );
  }

  async restore(): Promise<void> {
    while (this.undo.length > 0) {
      await this.undo.pop()!();
    }
  }
}

export interface Asked {
  id: PromptId;
  message: string;
  choices: string[];
}

/** A Prompter that answers by question id (a label or action), recording every question. */
export function answering(answers: Partial<Record<PromptId, string>>): { prompter: Prompter; asked: Asked[] } {
  const asked: Asked[] = [];
  const prompter: Prompter = {
    confirm(id, message, _detail, ...actions) {
      asked.push({ id, message, choices: actions });
      const a = answers[id];
      return Promise.resolve(a !== undefined && actions.includes(a) ? a : undefined);
    },
    pick(id, items, placeHolder) {
      asked.push({ id, message: placeHolder, choices: items.map((i) => i.label) });
      return Promise.resolve(items.find((i) => i.label === answers[id]));
    },
  };
  return { prompter, asked };
}

export function virshOk(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('virsh', args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

export const HAVE_VIRSH = spawnSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).status === 0;

export function qemuSystemAnswers(): boolean {
  return HAVE_VIRSH && virshOk(['-q', '-c', 'qemu:///system', 'version']).ok;
}

export function readFile(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

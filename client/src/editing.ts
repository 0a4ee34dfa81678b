/**
 * Typing helpers for libvirt-xml documents: the closing tag after '>' of a start tag, and the
 * element's name after '</'. Setting libvirt.autoCloseTags (default on). In a new XML file that
 * is not recognised yet (no root element), the root's closing tag too, unless Red Hat's XML
 * extension is there to do it.
 */
import * as vscode from 'vscode';
import { closeTagAfterGt, closeTagAfterSlash } from './autoclose';
import { LANGUAGE_ID } from './config';

/** How much text around the cursor is looked at (open elements before, close tags after). */
const MAX_BEFORE = 2_000_000;

const RED_HAT_XML = 'redhat.vscode-xml';

export function autoCloseTags(isNewFile: (doc: vscode.TextDocument) => boolean): vscode.Disposable {
  /** Whether the document was a new, unrecognised XML file before this change (the change may complete its root tag). */
  const newFiles = new Set<string>();
  const track = vscode.workspace.onDidChangeTextDocument((e) => {
    const key = e.document.uri.toString();
    const wasNew = newFiles.has(key);
    if (isNewFile(e.document)) {
      newFiles.add(key);
    } else {
      newFiles.delete(key);
    }
    onChange(e, wasNew);
  });
  const open = vscode.workspace.onDidOpenTextDocument((d) => {
    if (isNewFile(d)) {
      newFiles.add(d.uri.toString());
    }
  });
  vscode.workspace.textDocuments.filter(isNewFile).forEach((d) => newFiles.add(d.uri.toString()));
  return vscode.Disposable.from(track, open);
}

function onChange(e: vscode.TextDocumentChangeEvent, wasNewFile: boolean): void {
  const editor = vscode.window.activeTextEditor;
  const doc = e.document;
  const served = doc.languageId === LANGUAGE_ID || (wasNewFile && !vscode.extensions.getExtension(RED_HAT_XML));
  if (
    !editor ||
    editor.document !== doc ||
    !served ||
    e.reason !== undefined || // undo / redo
    e.contentChanges.length !== 1 ||
    !vscode.workspace.getConfiguration('libvirt', doc).get<boolean>('autoCloseTags', true)
  ) {
    return;
  }
  const change = e.contentChanges[0]!;
  if ((change.text !== '>' && change.text !== '/') || change.rangeLength !== 0) {
    return;
  }
  const version = doc.version;
  const offset = change.rangeOffset + 1;
  const pos = doc.positionAt(offset);
  const before = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, offset - MAX_BEFORE)), pos));
  const after = doc.getText(new vscode.Range(pos, doc.positionAt(offset + MAX_BEFORE)));
  const insert = change.text === '>' ? closeTagAfterGt(before, after) : closeTagAfterSlash(before, after);
  if (!insert) {
    return;
  }
  setTimeout(() => {
    // Only if nothing else happened meanwhile and the cursor is still right after what was typed.
    if (doc.version !== version || editor.selections.length !== 1 || !editor.selection.active.isEqual(pos)) {
      return;
    }
    if (change.text === '>') {
      void editor.insertSnippet(new vscode.SnippetString('$0' + insert.replace(/[$}\\]/g, '\\$&')), pos, {
        undoStopBefore: false,
        undoStopAfter: false,
      });
    } else {
      void editor.edit((b) => b.insert(pos, insert), { undoStopBefore: false, undoStopAfter: false });
    }
  }, 0);
}

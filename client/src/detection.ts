/**
 * Activation without configuration. VS Code opens every .xml file as language "xml"; a
 * contributed language cannot win over that by first-line detection, and claiming ".xml" would
 * take every XML file. So the extension activates on onLanguage:xml, looks at the root element of
 * each XML document, and switches libvirt domains and device fragments to "libvirt-xml"
 * (setting libvirt.languageDetection = switchLanguage, the default).
 *
 * The cost: a document in "libvirt-xml" is no longer "xml", so other XML extensions (Red Hat's
 * XML extension) stop serving it. libvirt.languageDetection = keepXml leaves the language alone and
 * serves libvirt features on "xml" documents instead (both extensions then work on the same file,
 * with XML colouring); "off" only serves documents that are "libvirt-xml" already (by file
 * pattern, such as /etc/libvirt/qemu/*.xml, or chosen by hand).
 */
import * as vscode from 'vscode';
import { clientSettings, LANGUAGE_ID, type DetectionMode } from './config';
import { DETECT_PREFIX, libvirtKind, rootElementName, rootless, type LibvirtKind } from './detect';

const OPTED_OUT_KEY = 'libvirt.plainXmlDocuments';

export class Detection implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Documents the user wants as plain XML (persisted per workspace). */
  private readonly optedOut: Set<string>;
  /** Opt-outs that came from changing the language by hand: not persisted. */
  private readonly sessionOnly = new Set<string>();
  /** XML documents without a root element yet (new files): checked again as they are typed. */
  private readonly undecided = new Set<string>();
  /** libvirt-xml documents just closed: an "xml" open of the same URI right after is a language change. */
  private readonly justClosed = new Map<string, number>();
  /** Switches this extension started (so they are not mistaken for the user's choice). */
  private readonly ours = new Set<string>();
  private readonly recheck = new Map<string, NodeJS.Timeout>();
  private contextTimer: NodeJS.Timeout | undefined;
  private lastContext: string | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: (line: string) => void
  ) {
    this.optedOut = new Set(state.get<string[]>(OPTED_OUT_KEY, []));
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.onOpen(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID) {
          this.justClosed.set(d.uri.toString(), Date.now());
        }
        this.undecided.delete(d.uri.toString());
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('libvirt.languageDetection')) {
          vscode.workspace.textDocuments.forEach((d) => void this.consider(d));
          this.updateContext();
        }
      })
    );
    vscode.workspace.textDocuments.forEach((d) => void this.consider(d));
    this.updateContext();
  }

  mode(): DetectionMode {
    return clientSettings().detection;
  }

  /** The libvirt kind of a document this extension serves, or undefined. */
  kindOf(doc: vscode.TextDocument): LibvirtKind | undefined {
    if (doc.languageId !== LANGUAGE_ID && !(doc.languageId === 'xml' && this.mode() === 'keepXml')) {
      return undefined;
    }
    return libvirtKind(head(doc));
  }

  private onOpen(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const closedAt = this.justClosed.get(key);
    this.justClosed.delete(key);
    if (doc.languageId === 'xml' && closedAt !== undefined && Date.now() - closedAt < 2000 && !this.ours.has(key)) {
      // The user changed the language of a libvirt-xml document to XML: respect it for this session.
      this.log(`${doc.uri.fsPath || key}: language changed to XML by hand, not switching it back`);
      this.optedOut.add(key);
      this.sessionOnly.add(key);
    }
    this.ours.delete(key);
    void this.consider(doc);
    this.updateContext();
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    if (e.contentChanges.length === 0) {
      return;
    }
    if (this.undecided.has(key)) {
      const prev = this.recheck.get(key);
      if (prev) {
        clearTimeout(prev);
      }
      this.recheck.set(
        key,
        setTimeout(() => {
          this.recheck.delete(key);
          void this.consider(e.document);
        }, 400)
      );
    }
    if (e.document === vscode.window.activeTextEditor?.document) {
      if (this.contextTimer) {
        clearTimeout(this.contextTimer);
      }
      this.contextTimer = setTimeout(() => this.updateContext(), 300);
    }
  }

  /**
   * An XML document that may become libvirt XML once its root is typed: a new file, while
   * detection switches languages and the user has not chosen plain XML for it.
   */
  isNewFile(doc: vscode.TextDocument): boolean {
    return doc.languageId === 'xml' && this.mode() === 'switchLanguage' && !this.optedOut.has(doc.uri.toString()) && rootless(head(doc));
  }

  /** Switches an XML document to libvirt-xml when it is a domain or a device fragment. */
  async consider(doc: vscode.TextDocument): Promise<boolean> {
    const key = doc.uri.toString();
    if (doc.languageId !== 'xml' || this.mode() !== 'switchLanguage' || this.optedOut.has(key) || doc.isClosed) {
      this.undecided.delete(key);
      return false;
    }
    const text = head(doc);
    const kind = libvirtKind(text);
    if (!kind) {
      if (rootElementName(text) === undefined) {
        this.undecided.add(key);
      } else {
        this.undecided.delete(key);
      }
      return false;
    }
    this.undecided.delete(key);
    return this.switchTo(doc, LANGUAGE_ID, `detected a libvirt ${kind === 'domain' ? 'domain' : 'device fragment'}`);
  }

  private async switchTo(doc: vscode.TextDocument, language: string, why: string): Promise<boolean> {
    const key = doc.uri.toString();
    try {
      this.ours.add(key);
      await vscode.languages.setTextDocumentLanguage(doc, language);
      this.log(`${doc.uri.scheme === 'file' ? doc.uri.fsPath : key}: ${why}, language set to ${language}`);
      return true;
    } catch (e) {
      this.ours.delete(key);
      this.log(`${key}: could not set the language to ${language}: ${String(e)}`);
      return false;
    }
  }

  /** Command: serve this document as libvirt XML from now on. */
  async useLibvirtXml(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    this.optedOut.delete(key);
    this.sessionOnly.delete(key);
    await this.persist();
    if (doc.languageId !== LANGUAGE_ID) {
      await this.switchTo(doc, LANGUAGE_ID, 'chosen by hand');
    }
  }

  /** Command: leave this document to XML extensions (remembered for this workspace). */
  async usePlainXml(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    this.optedOut.add(key);
    this.sessionOnly.delete(key);
    await this.persist();
    if (doc.languageId !== 'xml') {
      await this.switchTo(doc, 'xml', 'chosen by hand');
    }
  }

  private async persist(): Promise<void> {
    const keep = [...this.optedOut].filter((k) => !this.sessionOnly.has(k)).slice(-500);
    await this.state.update(OPTED_OUT_KEY, keep);
  }

  /** Context key libvirt.documentKind for the active editor: 'domain', 'fragment' or ''. */
  updateContext(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const kind = doc ? (this.kindOf(doc) ?? '') : '';
    if (kind !== this.lastContext) {
      this.lastContext = kind;
      void vscode.commands.executeCommand('setContext', 'libvirt.documentKind', kind);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
    this.recheck.forEach((t) => clearTimeout(t));
    if (this.contextTimer) {
      clearTimeout(this.contextTimer);
    }
  }
}

function head(doc: vscode.TextDocument): string {
  return doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(DETECT_PREFIX)));
}

/**
 * The libvirt XML files of the workspace folders that are not open in the editor, kept as parsed
 * documents so the open ones can be checked against them for conflicts between domains
 * (`libvirt.lint.conflicts: workspace`). Read in the background, a file at a time with a pause
 * between files, so typing is never held up; kept up to date from file-watcher events.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { decodeBytes } from '../common/read-text';

/** At most this many files are read; a folder with more is checked in part (logged). */
const MAX_FILES = 5000;
/** Files larger than this are left out (a domain is a few KiB; 10 MB would be generated noise). */
const MAX_BYTES = 4 * 1024 * 1024;

interface WorkspaceDomain<M> {
  doc: TextDocument;
  model: M;
}

interface WorkspaceDomainsOptions<M> {
  /** The domain model of a file's text, or undefined when it is not libvirt XML (or is ignored). */
  modelOf(text: string, file: string): M | undefined;
  /** Called when the set changed (a scan finished, a file changed). */
  onChange(): void;
  log(message: string): void;
}

export class WorkspaceDomains<M> {
  private readonly files = new Map<string, WorkspaceDomain<M>>();
  private roots: string[] = [];
  private generation = 0;
  private scanned = false;

  constructor(private readonly opts: WorkspaceDomainsOptions<M>) {}

  /** The workspace folders (file: URIs); a scan starts the first time the set is asked for. */
  setRoots(uris: readonly string[]): void {
    this.roots = uris.filter((u) => u.startsWith('file:')).map((u) => URI.parse(u).fsPath);
    this.scanned = false;
    this.files.clear();
  }

  /** The files other than `open`; starts a background scan when none ran yet. */
  others(open: ReadonlySet<string>): WorkspaceDomain<M>[] {
    if (!this.scanned) {
      this.scanned = true;
      void this.scan();
    }
    return [...this.files.entries()].filter(([uri]) => !open.has(uri)).map(([, d]) => d);
  }

  /** Forget everything (settings changed): the next others() scans again. */
  reset(): void {
    this.generation++;
    this.scanned = false;
    this.files.clear();
  }

  /** A watched *.xml file was created, changed or deleted. */
  async fileChanged(uri: string, deleted: boolean): Promise<void> {
    if (!this.scanned || !uri.startsWith('file:')) {
      return;
    }
    const file = URI.parse(uri).fsPath;
    if (!this.roots.some((r) => file === r || file.startsWith(r + path.sep))) {
      return;
    }
    const had = this.files.delete(uri);
    const now = deleted ? undefined : await this.read(file);
    if (now) {
      this.files.set(uri, now);
    }
    if (had || now) {
      this.opts.onChange();
    }
  }

  private async scan(): Promise<void> {
    const gen = ++this.generation;
    const list: string[] = [];
    for (const root of this.roots) {
      await this.walk(root, 0, list);
    }
    if (list.length > MAX_FILES) {
      this.opts.log(`conflicts: the workspace has ${list.length} XML files; the first ${MAX_FILES} are checked against the open ones`);
    }
    for (const file of list.slice(0, MAX_FILES)) {
      const d = await this.read(file);
      if (gen !== this.generation) {
        return; // reset meanwhile
      }
      if (d) {
        this.files.set(d.doc.uri, d);
      }
      await new Promise((r) => setImmediate(r));
    }
    this.opts.onChange();
  }

  private async walk(dir: string, depth: number, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length > MAX_FILES) {
        return;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 32 && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        await this.walk(full, depth + 1, out);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.xml')) {
        out.push(full);
      }
    }
  }

  private async read(file: string): Promise<WorkspaceDomain<M> | undefined> {
    try {
      const st = await fsp.stat(file);
      if (!st.isFile() || st.size > MAX_BYTES) {
        return undefined;
      }
      const decoded = decodeBytes(await fsp.readFile(file));
      if ('skip' in decoded) {
        return undefined;
      }
      const model = this.opts.modelOf(decoded.text, file);
      if (model === undefined) {
        return undefined;
      }
      const uri = URI.file(file).toString();
      return { doc: TextDocument.create(uri, 'libvirt-xml', 0, decoded.text), model };
    } catch (e) {
      this.opts.log(`conflicts: cannot read ${file}: ${(e as Error).message}`);
      return undefined;
    }
  }
}

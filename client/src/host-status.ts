/**
 * The status bar item that says which host the libvirt file is judged against (libvirt.hostAware):
 * "libvirt: qemu:///system", "libvirt: snapshot NAME" or "libvirt: no host", with the details (or
 * the error) in its tooltip. The server tells it through `libvirt/hostStatus`; a click runs
 * libvirt.refreshHost, which asks the server to read the host again (`libvirt/refreshHost`).
 */
import * as vscode from 'vscode';

/** What the server sends as libvirt/hostStatus. */
export interface HostStatus {
  state: 'off' | 'loading' | 'ready' | 'error';
  label: string;
  detail: string;
}

export const HOST_STATUS_NOTIFICATION = 'libvirt/hostStatus';
export const REFRESH_HOST_REQUEST = 'libvirt/refreshHost';
/** The host's domains, for libvirt.checkAgainstDomain. */
export const HOST_DOMAINS_REQUEST = 'libvirt/hostDomains';
/** Checks a fragment as attached to a domain of the host (no domain: on its own again). */
export const ATTACH_TO_REQUEST = 'libvirt/attachTo';

/** What the server answers to libvirt/hostDomains. */
export interface HostDomainsResult {
  host: string | undefined;
  domains: { name: string; state?: string }[];
  attachedTo?: string;
}

export class HostStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('libvirt.host', vscode.StatusBarAlignment.Right, 100);
  private status: HostStatus | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly isLibvirtDocument: (d: vscode.TextDocument) => boolean) {
    this.item.name = 'libvirt host';
    this.item.command = 'libvirt.refreshHost';
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(() => this.render()));
    this.render();
  }

  /** The last status shown (the integration tests read it). */
  current(): { text: string; tooltip: string; status: HostStatus | undefined } {
    return { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : '', status: this.status };
  }

  update(s: HostStatus): void {
    this.status = s;
    this.render();
  }

  private render(): void {
    const s = this.status;
    if (!s) {
      this.item.hide();
      return;
    }
    const icon =
      s.state === 'loading' ? '$(sync~spin)' : s.state === 'error' ? '$(warning)' : s.state === 'off' ? '$(circle-slash)' : '$(server)';
    const label = s.state === 'off' ? 'no host' : s.state === 'error' ? `no host (${s.label})` : s.label;
    this.item.text = `${icon} libvirt: ${label}`;
    this.item.tooltip =
      s.state === 'error'
        ? `The host ${s.label} could not be read, so files are judged without a host:\n${s.detail}\n\nClick to try again.`
        : s.state === 'off'
          ? `Files are judged without a host: ${s.detail}.\n\nSettings: libvirt.hostAware, libvirt.connectionUri, libvirt.hostSnapshot.`
          : `Files are judged against ${s.detail}\n\nClick to read the host again.`;
    this.item.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && this.isLibvirtDocument(doc)) {
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  dispose(): void {
    this.item.dispose();
    this.subscriptions.forEach((d) => void d.dispose());
  }
}

/**
 * The client-side settings (section "libvirt"). The language server reads its own part of the
 * same section (lint.mode, diagnostics.severity, flavor, machine) through workspace/configuration.
 */
import * as vscode from 'vscode';

export const LANGUAGE_ID = 'libvirt-xml';

export type DetectionMode = 'switchLanguage' | 'keepXml' | 'off';

export interface ClientSettings {
  detection: DetectionMode;
  virshPath: string;
  connectionUri: string;
  confirmHypervisorChanges: boolean;
  timeoutMs: number;
}

export function clientSettings(scope?: vscode.ConfigurationScope): ClientSettings {
  const c = vscode.workspace.getConfiguration('libvirt', scope);
  const detection = c.get<string>('languageDetection', 'switchLanguage');
  const timeout = c.get<number>('virsh.timeoutSeconds', 120);
  return {
    detection: detection === 'keepXml' || detection === 'off' ? detection : 'switchLanguage',
    virshPath: (c.get<string>('virsh.path') ?? '').trim() || 'virsh',
    connectionUri: (c.get<string>('connectionUri') ?? '').trim() || 'qemu:///system',
    confirmHypervisorChanges: c.get<boolean>('confirmHypervisorChanges', true),
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : 120_000,
  };
}

/**
 * The server's settings (section "libvirt"), read defensively: a malformed value falls back to
 * its default instead of breaking the server.
 */
import type { SeveritySetting } from '../analysis';
import { isFlavorSetting, type FlavorSetting } from '../common/flavor';
import { isTargetVersionSetting, type TargetVersionSetting } from '../common/target-version';
import type { QuoteStyle } from '../features/format';

type LintMode = 'onType' | 'onSave' | 'off';

export interface Settings {
  lintMode: LintMode;
  /**
   * 'openFiles': the open documents are checked against each other (rules/fleet.ts);
   * 'workspace': and against the workspace's libvirt XML files that are not open.
   */
  conflicts: 'workspace' | 'openFiles' | 'off';
  flavor: FlavorSetting;
  machine: string;
  /** The libvirt release files are for: a version, 'auto' (the installed libvirt) or 'bundled'. */
  targetVersion: TargetVersionSetting;
  severity: Record<string, SeveritySetting>;
  /** Inlay hints: the addresses libvirt will assign (`inlayHints.enabled`). */
  inlayHintsEnabled: boolean;
  /** Quotes around attribute values when formatting (libvirt.format.quotes). */
  formatQuotes: QuoteStyle;
  /** Which host files are judged against (libvirt.hostAware); 'connection' needs a trusted client and virsh. */
  hostAware: HostAware;
  /** libvirt.connectionUri: the host of 'connection'. */
  connectionUri: string;
  /** libvirt.hostSnapshot: the folder of 'snapshot' ('' = none set). */
  hostSnapshot: string;
  /** libvirt.virsh.path: the virsh executable. */
  virshPath: string;
}

type HostAware = 'off' | 'connection' | 'snapshot';

export const DEFAULT_SETTINGS: Settings = {
  lintMode: 'onType',
  conflicts: 'off',
  flavor: 'auto',
  machine: 'pc',
  targetVersion: 'auto',
  severity: {},
  inlayHintsEnabled: true,
  formatQuotes: 'single',
  hostAware: 'connection',
  connectionUri: 'qemu:///system',
  hostSnapshot: '',
  virshPath: 'virsh',
};

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accepts the "libvirt" settings object as VS Code sends it (nested: lint.mode, diagnostics.severity). */
export function readSettings(raw: unknown): Settings {
  const s = isRecord(raw) ? raw : {};
  const lint = isRecord(s.lint) ? s.lint : {};
  const diagnostics = isRecord(s.diagnostics) ? s.diagnostics : {};
  const mode = lint.mode;
  const inlay = isRecord(s.inlayHints) ? s.inlayHints : {};
  const format = isRecord(s.format) ? s.format : {};
  const quotes = format.quotes;
  const virsh = isRecord(s.virsh) ? s.virsh : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const severity: Record<string, SeveritySetting> = {};
  if (isRecord(diagnostics.severity)) {
    for (const [code, level] of Object.entries(diagnostics.severity)) {
      if (typeof level === 'string' && LEVELS.has(level)) {
        severity[code] = level as SeveritySetting;
      }
    }
  }
  return {
    lintMode: mode === 'onType' || mode === 'onSave' || mode === 'off' ? mode : DEFAULT_SETTINGS.lintMode,
    conflicts:
      lint.conflicts === 'workspace' || lint.conflicts === 'openFiles' || lint.conflicts === 'off'
        ? lint.conflicts
        : DEFAULT_SETTINGS.conflicts,
    flavor: typeof s.flavor === 'string' && isFlavorSetting(s.flavor) ? s.flavor : DEFAULT_SETTINGS.flavor,
    machine: typeof s.machine === 'string' && s.machine.trim() !== '' ? s.machine.trim() : DEFAULT_SETTINGS.machine,
    targetVersion:
      typeof s.targetVersion === 'string' && isTargetVersionSetting(s.targetVersion.trim())
        ? s.targetVersion.trim()
        : DEFAULT_SETTINGS.targetVersion,
    severity,
    inlayHintsEnabled: typeof inlay.enabled === 'boolean' ? inlay.enabled : DEFAULT_SETTINGS.inlayHintsEnabled,
    formatQuotes: quotes === 'single' || quotes === 'double' || quotes === 'preserve' ? quotes : DEFAULT_SETTINGS.formatQuotes,
    hostAware:
      s.hostAware === 'off' || s.hostAware === 'connection' || s.hostAware === 'snapshot' ? s.hostAware : DEFAULT_SETTINGS.hostAware,
    connectionUri: str(s.connectionUri) || DEFAULT_SETTINGS.connectionUri,
    hostSnapshot: str(s.hostSnapshot),
    virshPath: str(virsh.path) || DEFAULT_SETTINGS.virshPath,
  };
}

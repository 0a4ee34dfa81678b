/**
 * The server's settings (section "libvirt"), read defensively: a malformed value falls back to
 * its default instead of breaking the server.
 */
import type { SeveritySetting } from '../analysis';
import { isFlavorSetting, type FlavorSetting } from '../common/flavor';
import type { QuoteStyle } from '../features/format';

type LintMode = 'onType' | 'onSave' | 'off';

export interface Settings {
  lintMode: LintMode;
  flavor: FlavorSetting;
  machine: string;
  severity: Record<string, SeveritySetting>;
  /** Quotes around attribute values when formatting (libvirt.format.quotes). */
  formatQuotes: QuoteStyle;
}

export const DEFAULT_SETTINGS: Settings = { lintMode: 'onType', flavor: 'auto', machine: 'pc', severity: {}, formatQuotes: 'single' };

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
  const format = isRecord(s.format) ? s.format : {};
  const quotes = format.quotes;
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
    flavor: typeof s.flavor === 'string' && isFlavorSetting(s.flavor) ? s.flavor : DEFAULT_SETTINGS.flavor,
    machine: typeof s.machine === 'string' && s.machine.trim() !== '' ? s.machine.trim() : DEFAULT_SETTINGS.machine,
    severity,
    formatQuotes: quotes === 'single' || quotes === 'double' || quotes === 'preserve' ? quotes : DEFAULT_SETTINGS.formatQuotes,
  };
}

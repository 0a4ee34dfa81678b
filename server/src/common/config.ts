/**
 * `.libvirt-lint.json`: the project's lint settings, shared by the CLI and the language server.
 * Found by walking up from a linted file (the nearest wins). A mistake in the file is reported
 * with its line and column, and the rest of the file still applies (a bad entry falls back to
 * its default).
 *
 *     { "severity": { "graphics-vnc-open": "off" }, "flavor": "upstream", "machine": "q35",
 *       "ignore": ["generated/**", "*.tmpl.xml"], "targetVersion": "9.0.0", "hostSnapshot": "snap.json" }
 *
 * `targetVersion` is the libvirt release the files are for (common/target-version.ts);
 * `hostSnapshot` is checked for its form and passed through (host awareness).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SeveritySetting } from '../analysis';
import { isCode } from '../rules/codes';
import { isFlavorSetting, type FlavorSetting } from './flavor';
import { LineIndex } from './line-index';

const CONFIG_NAME = '.libvirt-lint.json';

export interface LintConfig {
  /** The file it was read from (absolute). */
  file: string;
  severity: Record<string, SeveritySetting>;
  flavor?: FlavorSetting;
  machine?: string;
  /** Globs relative to the config file's folder. */
  ignore: string[];
  /** Reserved: validated, passed through, not used yet. */
  targetVersion?: string;
  /** Reserved: validated (a path, resolved against the config file's folder), not used yet. */
  hostSnapshot?: string;
  problems: ConfigProblem[];
}

interface ConfigProblem {
  file: string;
  /** 0-based. */
  line: number;
  character: number;
  message: string;
}

// A small JSON reader that keeps where each value starts: the messages point at the bad value.
type JValue =
  | { kind: 'object'; at: number; entries: { key: string; keyAt: number; value: JValue }[] }
  | { kind: 'array'; at: number; items: JValue[] }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'other'; at: number; value: unknown };

class JsonError extends Error {
  constructor(
    message: string,
    readonly at: number
  ) {
    super(message);
  }
}

function parseJson(text: string): JValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) {
      i++;
    }
  };
  const value = (): JValue => {
    ws();
    const at = i;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries: { key: string; keyAt: number; value: JValue }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', at, entries };
      }
      for (;;) {
        ws();
        const keyAt = i;
        if (text[i] !== '"') {
          throw new JsonError('expected a property name in double quotes', i);
        }
        const key = str();
        ws();
        if (text[i] !== ':') {
          throw new JsonError("expected ':' after the property name", i);
        }
        i++;
        entries.push({ key, keyAt, value: value() });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', at, entries };
        }
        throw new JsonError("expected ',' or '}'", i);
      }
    }
    if (ch === '[') {
      i++;
      const items: JValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', at, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', at, items };
        }
        throw new JsonError("expected ',' or ']'", i);
      }
    }
    if (ch === '"') {
      return { kind: 'string', at, value: str() };
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) {
      throw new JsonError(i >= text.length ? 'unexpected end of the file' : 'expected a value', i);
    }
    i += m[0].length;
    return { kind: 'other', at, value: JSON.parse(m[0]) as unknown };
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
      }
      if (text[i] === '\n') {
        throw new JsonError('unterminated string', start);
      }
      i++;
    }
    if (i >= text.length) {
      throw new JsonError('unterminated string', start);
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      throw new JsonError('bad escape in string', start);
    }
  };
  const v = value();
  ws();
  if (i < text.length) {
    throw new JsonError('unexpected text after the JSON value', i);
  }
  return v;
}

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Reads a config file's text. Never throws: problems are listed and the bad parts left out. */
export function parseConfig(file: string, text: string): LintConfig {
  const index = new LineIndex(text);
  const cfg: LintConfig = { file, severity: {}, ignore: [], problems: [] };
  const problem = (at: number, message: string): void => {
    const p = index.positionAt(at);
    cfg.problems.push({ file, line: p.line, character: p.character, message });
  };
  let root: JValue;
  try {
    root = parseJson(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    problem(e instanceof JsonError ? e.at : 0, `not valid JSON: ${(e as Error).message}`);
    return cfg;
  }
  if (root.kind !== 'object') {
    problem(root.at, 'the file must hold one JSON object');
    return cfg;
  }
  const str = (v: JValue, what: string): string | undefined => {
    if (v.kind === 'string' && v.value.trim() !== '') {
      return v.value.trim();
    }
    problem(v.at, `${what} must be a non-empty string`);
    return undefined;
  };
  for (const e of root.entries) {
    const v = e.value;
    switch (e.key) {
      case 'severity':
        if (v.kind !== 'object') {
          problem(v.at, '"severity" must be an object of CODE: LEVEL');
          break;
        }
        for (const s of v.entries) {
          if (!isCode(s.key)) {
            problem(s.keyAt, `unknown code '${s.key}' (libvirt-lint --list-codes lists them)`);
          } else if (s.value.kind !== 'string' || !LEVELS.has(s.value.value)) {
            problem(s.value.at, `the level of '${s.key}' must be error, warning, information, hint or off`);
          } else {
            cfg.severity[s.key] = s.value.value as SeveritySetting;
          }
        }
        break;
      case 'flavor': {
        const f = str(v, '"flavor"');
        if (f !== undefined && !isFlavorSetting(f)) {
          problem(v.at, '"flavor" must be auto, upstream or openeuler');
        } else if (f !== undefined) {
          cfg.flavor = f;
        }
        break;
      }
      case 'machine':
        cfg.machine = str(v, '"machine"');
        break;
      case 'targetVersion': {
        const t = str(v, '"targetVersion"');
        if (t !== undefined && !/^\d+(\.\d+){0,2}$/.test(t)) {
          problem(v.at, '"targetVersion" must be a libvirt version such as "9.0.0"');
        } else {
          cfg.targetVersion = t;
        }
        break;
      }
      case 'hostSnapshot': {
        const h = str(v, '"hostSnapshot"');
        cfg.hostSnapshot = h === undefined ? undefined : path.resolve(path.dirname(file), h);
        break;
      }
      case 'ignore':
        if (v.kind !== 'array') {
          problem(v.at, '"ignore" must be an array of globs');
          break;
        }
        for (const g of v.items) {
          const s = str(g, 'an "ignore" entry');
          if (s !== undefined) {
            cfg.ignore.push(s);
          }
        }
        break;
      default:
        problem(e.keyAt, `unknown setting "${e.key}" (known: severity, flavor, machine, ignore, targetVersion, hostSnapshot)`);
    }
  }
  return cfg;
}

/** A glob as a regular expression: `**` any folders, `*` and `?` within one name. A glob without '/' matches a name at any depth. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!g.includes('/')) {
    g = `**/${g}`;
  } else if (g.startsWith('/')) {
    g = g.slice(1);
  }
  if (g.endsWith('/')) {
    g += '**';
  }
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
    }
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when the config's ignore globs cover the file (a path, resolved against the cwd). */
export function isIgnored(cfg: LintConfig, file: string): boolean {
  if (cfg.ignore.length === 0) {
    return false;
  }
  const rel = path.relative(path.dirname(cfg.file), path.resolve(file)).split(path.sep).join('/');
  if (rel.startsWith('../')) {
    return false;
  }
  return cfg.ignore.some((g) => globToRegExp(g).test(rel));
}

/** Reads a config file; an unreadable file is one problem. */
export function readConfig(file: string): LintConfig {
  const abs = path.resolve(file);
  try {
    return parseConfig(abs, fs.readFileSync(abs, 'utf8'));
  } catch (e) {
    return {
      file: abs,
      severity: {},
      ignore: [],
      problems: [{ file: abs, line: 0, character: 0, message: `cannot read: ${(e as Error).message}` }],
    };
  }
}

/**
 * Finds the nearest config for files, walking up from their folders; each folder is looked at
 * once. `clear()` forgets what was found (the server calls it when a config file changes).
 */
export class ConfigFinder {
  private readonly byDir = new Map<string, LintConfig | undefined>();
  private readonly byFile = new Map<string, LintConfig>();

  /** The config of a file, or undefined when no folder above it has one. */
  forFile(file: string): LintConfig | undefined {
    return this.forDir(path.dirname(path.resolve(file)));
  }

  private forDir(dir: string): LintConfig | undefined {
    if (this.byDir.has(dir)) {
      return this.byDir.get(dir);
    }
    const candidate = path.join(dir, CONFIG_NAME);
    let found: LintConfig | undefined;
    if (fs.existsSync(candidate)) {
      found = this.byFile.get(candidate) ?? readConfig(candidate);
      this.byFile.set(candidate, found);
    } else {
      const parent = path.dirname(dir);
      found = parent === dir ? undefined : this.forDir(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }

  /** Every config read so far. */
  all(): LintConfig[] {
    return [...this.byFile.values()];
  }

  clear(): void {
    this.byDir.clear();
    this.byFile.clear();
  }
}

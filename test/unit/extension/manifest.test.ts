/**
 * The extension's manifest (package.json contributes) agrees with the code: commands registered
 * and contributed, trust gates on everything that runs virsh, settings the server and client read,
 * severity keys for every finding code, and what vsce and VS Code 1.100 require.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CODES } from '../../../server/src/rules/codes';
import { REPO } from '../../support/paths';

interface Command {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    languages: { id: string; configuration: string; filenamePatterns: string[] }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: {
      properties: Record<string, { default?: unknown; scope?: string; enum?: string[]; properties?: Record<string, { enum: string[] }> }>;
    };
  };
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
const c = pkg.contributes;
const VIRSH_COMMANDS = ['libvirt.defineDomain', 'libvirt.attachDevice', 'libvirt.detachDevice', 'libvirt.validate'];

function clientSource(): string {
  const dir = path.join(REPO, 'client', 'src');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

describe('extension manifest', () => {
  test('engines.vscode admits 1.100 (code-server 4.100.3) and @types/vscode is not newer', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.match(pkg.devDependencies['@types/vscode']!, /^[~^]?1\.100\./);
    const installed = (
      JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/@types/vscode/package.json'), 'utf8')) as { version: string }
    ).version;
    assert.match(installed, /^1\.100\./);
  });

  test('activates on XML and on its own language; main is the bundle', () => {
    assert.deepEqual(pkg.activationEvents.sort(), ['onLanguage:libvirt-xml', 'onLanguage:xml']);
    assert.equal(pkg.main, './dist/extension.js');
  });

  test('language, grammar and language configuration files exist', () => {
    const lang = c.languages.find((l) => l.id === 'libvirt-xml')!;
    assert.ok(fs.existsSync(path.join(REPO, lang.configuration)));
    assert.ok(lang.filenamePatterns.includes('**/etc/libvirt/qemu/*.xml'));
    const g = c.grammars.find((x) => x.language === 'libvirt-xml')!;
    const grammar = JSON.parse(fs.readFileSync(path.join(REPO, g.path), 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, g.scopeName);
    JSON.parse(fs.readFileSync(path.join(REPO, lang.configuration), 'utf8'));
  });

  test('every command the client registers is contributed, and every contributed one is registered', () => {
    const src = clientSource();
    const registered = new Set([...src.matchAll(/(?:registerCommand|reg)\(\s*'(libvirt\.[\w]+)'/g)].map((m) => m[1]!));
    const contributed = new Set(c.commands.map((x) => x.command));
    assert.deepEqual([...registered].sort(), [...contributed].sort());
    for (const cmd of c.commands) {
      assert.equal(cmd.category, 'libvirt', cmd.command);
    }
  });

  test('menus name contributed commands only', () => {
    const contributed = new Set(c.commands.map((x) => x.command));
    for (const [menu, items] of Object.entries(c.menus)) {
      for (const item of items) {
        assert.ok(contributed.has(item.command), `${menu}: ${item.command}`);
      }
    }
  });

  test('commands that run virsh are disabled in untrusted workspaces (enablement and every menu)', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of ['libvirt.virsh.path', 'libvirt.connectionUri', 'libvirt.confirmHypervisorChanges']) {
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
    }
    for (const id of VIRSH_COMMANDS) {
      assert.equal(c.commands.find((x) => x.command === id)?.enablement, 'isWorkspaceTrusted', id);
      for (const [menu, items] of Object.entries(c.menus)) {
        for (const item of items.filter((i) => i.command === id)) {
          assert.match(item.when ?? '', /isWorkspaceTrusted/, `${menu}: ${id}`);
        }
      }
      assert.ok(
        c.menus['editor/title']!.some((i) => i.command === id),
        `${id} in the editor title`
      );
      assert.ok(
        c.menus['editor/context']!.some((i) => i.command === id),
        `${id} in the context menu`
      );
    }
  });

  test('settings: the ones the issue asks for, with their defaults and scopes', () => {
    const p = c.configuration.properties;
    assert.deepEqual(p['libvirt.lint.mode']!.enum, ['onType', 'onSave', 'off']);
    assert.deepEqual(p['libvirt.flavor']!.enum, ['auto', 'upstream', 'openeuler']);
    assert.equal(p['libvirt.machine']!.default, 'pc');
    assert.equal(p['libvirt.virsh.path']!.scope, 'machine');
    // Only executable paths are machine-scoped: the connection must be settable in the User
    // settings of a remote window (code-server, SSH), which machine(-overridable) settings are not.
    for (const key of [
      'libvirt.connectionUri',
      'libvirt.confirmHypervisorChanges',
      'libvirt.virsh.timeoutSeconds',
      'libvirt.connections',
    ]) {
      assert.equal(p[key]!.scope, 'window', key);
    }
    assert.equal(p['libvirt.connectionUri']!.default, 'qemu:///system');
    assert.equal(p['libvirt.confirmHypervisorChanges']!.default, true);
    assert.equal(p['libvirt.languageDetection']!.default, 'switchLanguage');
    assert.deepEqual(p['libvirt.hostAware']!.enum, ['off', 'connection', 'snapshot']);
    assert.equal(p['libvirt.hostAware']!.default, 'connection');
    assert.equal(p['libvirt.hostSnapshot']!.default, '');
  });

  test('libvirt.diagnostics.severity documents every finding code (node scripts/vscode/gen-settings.mjs)', () => {
    const keys = Object.keys(c.configuration.properties['libvirt.diagnostics.severity']!.properties ?? {});
    assert.deepEqual(keys.sort(), Object.keys(CODES).sort());
    for (const k of keys) {
      assert.deepEqual(c.configuration.properties['libvirt.diagnostics.severity']!.properties![k]!.enum, [
        'error',
        'warning',
        'information',
        'hint',
        'off',
      ]);
    }
  });

  test('.vscodeignore is an allow-list that keeps the bundles and drops the sources', () => {
    const lines = fs
      .readFileSync(path.join(REPO, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**');
    for (const keep of [
      '!dist/extension.js',
      '!dist/server.js',
      '!package.json',
      '!LICENSE',
      '!syntaxes/libvirt-xml.tmLanguage.json',
      '!language-configuration.json',
    ]) {
      assert.ok(lines.includes(keep), keep);
    }
    assert.ok(!lines.some((l) => /^!(client|server|node_modules|test)\b/.test(l)));
    assert.match(pkg.scripts.package!, /vsce package --no-dependencies/);
  });
});

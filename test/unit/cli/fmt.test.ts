/**
 * libvirt-lint --fmt and --fmt-check, through the bundled dist/cli.js: what changes, what is
 * listed, exit statuses, files with syntax errors left alone.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../../support/paths';

const CLI = path.join(REPO, 'dist', 'cli.js');

function lint(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, LIBVIRT_SCHEMA_DIR: '/nonexistent' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const MESSY = `<domain type="kvm"><name>fmt</name>\n<memory unit="GiB">1</memory>\n      <devices><controller type="usb" index="0"\n model="qemu-xhci"></controller></devices></domain>`;
const TIDY = `<domain type='kvm'>\n  <name>fmt</name>\n  <memory unit='GiB'>1</memory>\n  <devices>\n    <controller type='usb' index='0' model='qemu-xhci'/>\n  </devices>\n</domain>\n`;
const BROKEN = `<domain type='kvm'>\n  <devices>\n</domain>\n`;

describe('libvirt-lint --fmt', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-fmt-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  test('--fmt-check lists the files that would change and exits 1; nothing is written', () => {
    const messy = write('messy.xml', MESSY);
    const tidy = write('tidy.xml', TIDY);
    const r = lint('--fmt-check', messy, tidy);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, `${messy}\n`);
    assert.equal(fs.readFileSync(messy, 'utf8'), MESSY);
  });

  test('--fmt rewrites in place; then --fmt-check is clean', () => {
    const messy = write('messy2.xml', MESSY);
    const r = lint('--fmt', messy);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(messy, 'utf8'), TIDY);
    assert.equal(lint('--fmt-check', messy).code, 0);
  });

  test('--indent and --quotes', () => {
    const messy = write('messy3.xml', MESSY);
    assert.equal(lint('--fmt', '--indent', 'tab', '--quotes', 'double', messy).code, 0);
    assert.match(fs.readFileSync(messy, 'utf8'), /^<domain type="kvm">\n\t<name>fmt<\/name>\n/);
    assert.equal(lint('--fmt', '--quotes', 'fancy', messy).code, 2);
  });

  test('a file with syntax errors is reported and left alone (exit 2)', () => {
    const broken = write('broken.xml', BROKEN);
    const r = lint('--fmt', broken);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.xml:2: Not formatted: the document has 1 syntax error/);
    assert.equal(fs.readFileSync(broken, 'utf8'), BROKEN);
  });
});

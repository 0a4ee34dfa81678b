/**
 * The published layout: `npm pack` carries the two self-contained bundles (no dependency needed at
 * run time), executable, and `npx libvirt-lint` runs from a project where the package is installed
 * (laid out as npm installs it: node_modules/libvirt-xml and its bin link). Also checks that the
 * pre-commit hook and the GitHub Action call the CLI as documented.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO } from '../../support/paths';

describe('published package', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-pack-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('npm pack holds the bundles, and npx libvirt-lint runs from them alone', () => {
    // --ignore-scripts: no script may rebuild dist/ under the other tests' feet; the bundles are built before the unit tests.
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: REPO, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    assert.deepEqual(
      files,
      ['LICENSE', 'README.md', 'dist/cli.js', 'dist/server.js', 'package.json']
        .concat(files.includes('CHANGELOG.md') ? ['CHANGELOG.md'] : [])
        .sort()
    );
    const proj = path.join(tmp, 'proj');
    const mod = path.join(proj, 'node_modules', 'libvirt-xml');
    fs.mkdirSync(path.join(proj, 'node_modules', '.bin'), { recursive: true });
    const untar = spawnSync('tar', ['xzf', path.join(tmp, info!.filename), '-C', path.join(proj, 'node_modules')], { encoding: 'utf8' });
    assert.equal(untar.status, 0, untar.stderr);
    fs.renameSync(path.join(proj, 'node_modules', 'package'), mod);
    const pkg = JSON.parse(fs.readFileSync(path.join(mod, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const [name, target] of Object.entries(pkg.bin)) {
      assert.ok(fs.statSync(path.join(mod, target)).mode & 0o100, `${target} is executable`);
      fs.symlinkSync(path.join('..', 'libvirt-xml', target), path.join(proj, 'node_modules', '.bin', name));
    }
    fs.writeFileSync(
      path.join(proj, 'vm.xml'),
      "<domain type='kvm'><name>vm</name><memory>1</memory><devices><interface type='network'><mac address='53:54:00:00:00:01'/><source network='default'/></interface></devices></domain>\n"
    );
    const env = { ...process.env, npm_config_offline: 'true' };
    const version = spawnSync('npx', ['--no-install', 'libvirt-lint', '--version'], { cwd: proj, encoding: 'utf8', env });
    assert.equal(
      version.stdout.trim(),
      `libvirt-lint ${(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version}`,
      version.stderr
    );
    const run = spawnSync('npx', ['--no-install', 'libvirt-lint', '--no-color', 'vm.xml'], { cwd: proj, encoding: 'utf8', env });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /vm\.xml:1:\d+: error mac-multicast/);
  });

  test('the pre-commit hook and the GitHub Action run libvirt-lint', () => {
    const hooks = fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8');
    assert.match(hooks, /^- id: libvirt-lint$/m);
    assert.match(hooks, /^ {2}entry: libvirt-lint$/m);
    assert.match(hooks, /^ {2}language: node$/m);
    const action = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
    assert.match(action, /using: composite/);
    assert.match(action, /github\/codeql-action\/upload-sarif@v3/);
    assert.match(action, /dist\/cli\.js" --format sarif/);
  });
});

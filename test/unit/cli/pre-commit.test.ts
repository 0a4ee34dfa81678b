/**
 * The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit (Debian's package) in
 * a throw-away git repository that names this repository at its HEAD commit: pre-commit clones it,
 * installs it as a node package (npm install builds the bundles, npm pack, npm install -g) and runs
 * the hook on the staged XML. Uncommitted changes are not what it installs: it checks HEAD.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO } from '../../support/paths';

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasPreCommit ? false : 'pre-commit is not installed (scripts/setup/system-deps.sh precommit)';

describe('pre-commit hooks', { skip }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-precommit-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const work = path.join(tmp, 'work');
  const env = { ...process.env, PRE_COMMIT_HOME: path.join(tmp, 'cache'), GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };
  const run = (cmd: string, args: string[]): SpawnSyncReturns<string> =>
    spawnSync(cmd, args, { cwd: work, env, encoding: 'utf8', timeout: 600_000 });
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();

  fs.mkdirSync(work);
  run('git', ['init', '-q']);
  fs.writeFileSync(
    path.join(work, '.pre-commit-config.yaml'),
    [
      'repos:',
      `  - repo: ${REPO}`,
      `    rev: ${head}`,
      '    hooks:',
      '      - id: libvirt-lint',
      '        language_version: system',
      '      - id: libvirt-lint-fix',
      '        language_version: system',
      '        stages: [manual]',
      '',
    ].join('\n')
  );
  fs.copyFileSync(path.join(REPO, 'examples', 'pcie-passthrough.xml'), path.join(work, 'good.xml'));
  fs.writeFileSync(path.join(work, 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion></project>\n');

  test('libvirt-lint passes clean domains and skips other XML', () => {
    run('git', ['add', '-A']);
    const r = run('pre-commit', ['run', '--all-files', '--hook-stage', 'commit']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /libvirt-lint\.+Passed/);
  });

  test('libvirt-lint fails the commit on a mistake and shows it at its place', () => {
    fs.copyFileSync(path.join(REPO, 'examples', 'mistakes.xml'), path.join(work, 'bad.xml'));
    run('git', ['add', '-A']);
    const r = run('pre-commit', ['run', '--all-files', '--hook-stage', 'commit']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /libvirt-lint\.+Failed/);
    assert.match(r.stdout, /bad\.xml:\d+:\d+: error disk-target-duplicate/);
    assert.doesNotMatch(r.stdout, /good\.xml:\d+/);
  });

  test('libvirt-lint-fix applies the safe fixes and fails the commit so they can be reviewed', () => {
    const before = fs.readFileSync(path.join(work, 'bad.xml'), 'utf8');
    const r = run('pre-commit', ['run', 'libvirt-lint-fix', '--all-files', '--hook-stage', 'manual']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /files were modified by this hook/);
    const after = fs.readFileSync(path.join(work, 'bad.xml'), 'utf8');
    assert.notEqual(after, before);
    assert.match(before, /<target dev='vdb' bus='virtio'\/>[\s\S]*<target dev='vdb' bus='virtio'\/>/);
    assert.doesNotMatch(after, /<target dev='vdb' bus='virtio'\/>[\s\S]*<target dev='vdb' bus='virtio'\/>/);
  });
});

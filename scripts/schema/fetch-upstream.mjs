#!/usr/bin/env node
// @ts-check
// Put a copy of libvirt's RelaxNG schemas into .cache/libvirt-schemas/<version>/
// with a provenance.json that generate.mjs records in schemas/domain.json.
// libvirt's files are never committed to this repository.
//
//   node scripts/schema/fetch-upstream.mjs --git PATH [--rev REV]
//       PATH is a libvirt git checkout or bare repository; REV defaults to HEAD.
//       Schemas are read from src/conf/schemas/ (libvirt >= 9.x) or docs/schemas/.
//
//   node scripts/schema/fetch-upstream.mjs --debian [--suite sid]
//       Downloads the newest libvirt-common (or libvirt0) package of a Debian suite
//       with apt (private apt state under .cache/, the system's apt setup is left alone)
//       and takes the release's schemas from it. No git commit is known then; the
//       release tag is recorded instead.
//
// Prints the directory to pass to generate.mjs.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, existsSync, rmSync, copyFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const CACHE = join(ROOT, '.cache');

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

function fromGit(path, rev) {
  const gitArgs = existsSync(join(path, '.git')) ? ['-C', path] : [`--git-dir=${path}`];
  const git = (...a) => run('git', [...gitArgs, ...a]);
  const commit = git('rev-parse', `${rev}^{commit}`).trim();
  const meson = git('show', `${commit}:meson.build`);
  const m = /project\(\s*'libvirt'[\s\S]*?version\s*:\s*'([^']+)'/.exec(meson);
  if (!m) {
    throw new Error('meson.build has no libvirt version; is this a libvirt repository?');
  }
  const version = m[1];
  let dir = null;
  for (const d of ['src/conf/schemas', 'docs/schemas']) {
    const list = git('ls-tree', '--name-only', `${commit}:${d}`)
      .split('\n')
      .filter((f) => f.endsWith('.rng'));
    if (list.includes('domain.rng')) {
      dir = { d, list };
      break;
    }
  }
  if (!dir) {
    throw new Error(`no domain.rng in src/conf/schemas or docs/schemas at ${commit}`);
  }
  const out = join(CACHE, 'libvirt-schemas', `${version}-${commit.slice(0, 12)}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of dir.list) {
    writeFileSync(join(out, f), git('show', `${commit}:${dir.d}/${f}`));
  }
  let remote = '';
  try {
    remote = run('git', [...gitArgs, 'config', '--get', 'remote.origin.url'], { stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* no remote */
  }
  const tag = (() => {
    try {
      return run('git', [...gitArgs, 'describe', '--tags', '--exact-match', commit], { stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  })();
  writeFileSync(
    join(out, 'provenance.json'),
    JSON.stringify(
      { libvirt: version, commit, ...(tag ? { tag } : {}), origin: `libvirt git ${remote || path} ${dir.d} at ${commit}` },
      null,
      2
    ) + '\n'
  );
  return out;
}

function fromDebian(suite) {
  const state = join(CACHE, `apt-${suite}`);
  mkdirSync(join(state, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(state, 'cache', 'archives', 'partial'), { recursive: true });
  const sources = join(state, 'sources.list');
  writeFileSync(sources, `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${suite} main\n`);
  const apt = [
    `-o`,
    `Dir::Etc::SourceList=${sources}`,
    `-o`,
    `Dir::Etc::SourceParts=/dev/null`,
    `-o`,
    `Dir::State::Lists=${join(state, 'lists')}`,
    `-o`,
    `Dir::Cache=${join(state, 'cache')}`,
    `-o`,
    `Dir::State::Status=/dev/null`,
  ];
  run('apt-get', [...apt, 'update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const debs = join(state, 'debs');
  rmSync(debs, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  let pkg = null;
  for (const name of ['libvirt-common', 'libvirt0']) {
    try {
      run('apt-get', [...apt, 'download', name], { cwd: debs, stdio: ['ignore', 'ignore', 'ignore'] });
    } catch {
      continue;
    }
    const deb = readdirSync(debs).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
    if (!deb) {
      continue;
    }
    const x = join(debs, 'x');
    rmSync(x, { recursive: true, force: true });
    run('dpkg-deb', ['-x', join(debs, deb), x]);
    const schemaDir = join(x, 'usr', 'share', 'libvirt', 'schemas');
    if (existsSync(join(schemaDir, 'domain.rng'))) {
      pkg = { name, deb: join(debs, deb), schemaDir, version: run('dpkg-deb', ['-f', join(debs, deb), 'Version']).trim() };
      break;
    }
  }
  if (!pkg) {
    throw new Error(`no package of ${suite} ships /usr/share/libvirt/schemas/domain.rng`);
  }
  const upstream = pkg.version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  const out = join(CACHE, 'libvirt-schemas', upstream);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(pkg.schemaDir)) {
    if (f.endsWith('.rng')) {
      copyFileSync(join(pkg.schemaDir, f), join(out, f));
    }
  }
  writeFileSync(
    join(out, 'provenance.json'),
    JSON.stringify(
      {
        libvirt: upstream,
        commit: null,
        tag: `v${upstream}`,
        origin: `libvirt ${upstream} release schemas as shipped in Debian ${suite} package ${pkg.name} ${pkg.version} (/usr/share/libvirt/schemas)`,
      },
      null,
      2
    ) + '\n'
  );
  return out;
}

function main() {
  const argv = process.argv.slice(2);
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  let out;
  if (argv.includes('--git')) {
    out = fromGit(resolve(/** @type {string} */ (opt('--git'))), opt('--rev') ?? 'HEAD');
  } else if (argv.includes('--debian')) {
    out = fromDebian(opt('--suite') ?? 'sid');
  } else {
    console.error('usage: fetch-upstream.mjs --git PATH [--rev REV] | --debian [--suite SUITE]');
    process.exit(2);
  }
  console.log(out);
}

try {
  main();
} catch (e) {
  console.error(`fetch-upstream.mjs: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

#!/usr/bin/env node
// @ts-check
// Lists the virReportError sites of libvirt's domain definition checks: parsing and post-parse
// (domain_conf.c, domain_postparse.c, numa_conf.c for <cpu><numa> and <numatune>), validation
// (domain_validate.c, qemu_validate.c), address assignment (domain_addr.c,
// qemu_domain_address.c), and the QEMU driver's own post-parse and define-time validation in
// qemu_domain.c (only its functions `virsh define` reaches; the rest of that file runs for running
// domains, jobs and hotplug). For each call: the file, the enclosing function, the line, the error
// code and the message format (the _("…") text, concatenated). Only these facts are written, no code.
//
//   node scripts/coverage/extract-libvirt-errors.mjs LIBVIRT_SOURCE_DIR > scripts/coverage/libvirt-9.0-domain-errors.json
//
// LIBVIRT_SOURCE_DIR: an unpacked libvirt release (Debian's libvirt_9.0.0.orig.tar.xz, see
// /work/shared/recipes/libvirt-source.md or the README of this folder).
import * as fs from 'node:fs';
import * as path from 'node:path';

const FILES = [
  'src/conf/domain_conf.c',
  'src/conf/domain_postparse.c',
  'src/conf/numa_conf.c',
  'src/conf/domain_validate.c',
  'src/qemu/qemu_validate.c',
  'src/conf/domain_addr.c',
  'src/qemu/qemu_domain_address.c',
  'src/qemu/qemu_domain.c',
];

/** Per file, the functions taken (all when the file is not named): those reached by `virsh define`. */
const ONLY = {
  'src/qemu/qemu_domain.c':
    /PostParse|^qemuDomainValidateStorageSource$|^qemuDomainStorageSourceValidateDepth$|^qemuDomainDefValidateMemoryHotplug|^qemuDomainAlignMemorySizes$|^qemuCheckMemoryDimmConflict$|^qemuDomainDefNamespaceParse|^qemuDomainDefSetDefaultCPU$|^qemuDomainDefAddDefaultDevices$|^qemuDomainDefSuggestDefaultAudioBackend$|^qemuDomainNVDimmAlignSizePseries$/,
};

const dir = process.argv[2];
if (!dir || !fs.existsSync(path.join(dir, FILES[0]))) {
  console.error('usage: extract-libvirt-errors.mjs LIBVIRT_SOURCE_DIR');
  process.exit(2);
}
const version = /version:\s*'([^']+)'/.exec(fs.readFileSync(path.join(dir, 'meson.build'), 'utf8'))?.[1] ?? 'unknown';

/** C string literals of a piece of source, concatenated, escapes kept as written. */
function literals(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
}

const sites = [];
for (const rel of FILES) {
  const src = fs.readFileSync(path.join(dir, rel), 'utf8');
  const lines = src.split('\n');
  let fn = '';
  for (let i = 0; i < lines.length; i++) {
    const def = /^([A-Za-z_]\w*)\(/.exec(lines[i]);
    if (def) {
      fn = def[1];
    }
    if (!/\bvirReportError\(/.test(lines[i]) || (ONLY[rel] && !ONLY[rel].test(fn))) {
      continue;
    }
    let call = lines[i];
    let j = i;
    while (!/\);\s*$/.test(call) && j + 1 < lines.length && j - i < 20) {
      call += '\n' + lines[++j];
    }
    const code = /virReportError\(\s*(VIR_ERR_\w+)/.exec(call)?.[1] ?? '';
    const translated = /_\(((?:\s*"(?:[^"\\]|\\.)*")+)\s*\)/.exec(call);
    const format = translated ? literals(translated[1]) : literals(call.replace(/^[^,]*,/, ''));
    sites.push({ file: rel, function: fn, line: i + 1, code, format });
  }
}
process.stdout.write(
  JSON.stringify(
    {
      $comment:
        'Written by scripts/coverage/extract-libvirt-errors.mjs from the libvirt source release named below: every virReportError site of its domain definition checks (parse, post-parse, validation, address assignment) (file, enclosing function, line, error code, message format). Facts only, no code.',
      libvirt: version,
      files: FILES,
      sites,
    },
    null,
    1
  ) + '\n'
);

/**
 * attach.ts: attach-device fragments checked inside the domain `web` of the q35-guest snapshot
 * (the XML libvirt 9.0 wrote here for a q35 guest). The expected codes are libvirt's verdicts
 * for the same fragments attached to that domain (test/support/attach-cases.ts; the libvirt
 * suite re-checks them against qemu:///system), reported at the fragment's own positions.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { analyzeAttached, type AttachTarget } from '../../server/src/attach';
import { ATTACH_CASES, ATTACH_DOMAIN } from '../support/attach-cases';
import { fixtureHost } from '../support/check';
import { hostName } from '../../server/src/rules/host';
import { FIXTURES, REPO } from '../support/paths';

const DIR = path.join(FIXTURES, 'attach');
const HOST = fixtureHost('q35-guest');
const web = HOST.domains!.find((d) => d.name === ATTACH_DOMAIN)!;
const TARGET: AttachTarget = { name: web.name, xml: web.xml!, where: hostName(HOST) };
const read = (file: string): string => fs.readFileSync(path.join(DIR, file), 'utf8');
const errorsAndWarnings = (findings: { code: string; severity: string }[]): string[] =>
  findings
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => f.code)
    .sort();

describe('attach.ts: fragments checked inside the domain they are attached to', () => {
  for (const c of ATTACH_CASES) {
    test(`${c.file}: ${c.refused ? `libvirt refuses (${c.refused.at})` : 'libvirt accepts'}`, () => {
      const text = read(c.file);
      const a = analyzeAttached(text, TARGET, { flavor: 'upstream', host: HOST });
      assert.deepEqual(errorsAndWarnings(a.findings), [...c.codes].sort());
      assert.equal(a.model?.kind, 'fragment');
      for (const f of a.findings.filter((x) => x.severity === 'error')) {
        assert.ok(f.span.start >= 0 && f.span.end <= text.length, 'the span is in the fragment');
        assert.match(f.message, /attached to domain 'web' of the host qemu:\/\/\/system \(snapshot q35-guest\)/, f.message);
      }
    });
  }

  test('a finding is at the fragment attribute it is about, with the fix mapped to the fragment', () => {
    const text = read('disk-target-taken.xml');
    const a = analyzeAttached(text, TARGET, { flavor: 'upstream', host: HOST });
    const f = a.findings.find((x) => x.code === 'disk-target-duplicate')!;
    assert.equal(text.slice(f.span.start, f.span.end), "'vda'");
    for (const fix of f.fixes ?? []) {
      for (const e of fix.edits) {
        assert.ok(e.span.end <= text.length, fix.title);
      }
    }
  });

  test('the IDE cdrom is fine for pc, refused inside the q35 domain', () => {
    const text = read('cdrom-ide.xml');
    assert.deepEqual(errorsAndWarnings(analyze(text, { flavor: 'upstream', machine: 'pc', host: HOST }).findings), []);
    assert.deepEqual(errorsAndWarnings(analyzeAttached(text, TARGET, { flavor: 'upstream', host: HOST }).findings), [
      'host-device-unsupported',
    ]);
  });

  test('what the domain already had is not the fragment’s; a clash with a device added by hand is', () => {
    // The domain's own defect (a second disk on vda) is not reported on a fragment that fits.
    const broken: AttachTarget = {
      ...TARGET,
      xml: TARGET.xml.replace('</devices>', "<disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk></devices>"),
    };
    assert.deepEqual(errorsAndWarnings(analyzeAttached(read('disk-new-target.xml'), broken, { flavor: 'upstream' }).findings), []);
    // The first disk on vdc is the domain's: the clash is reported on the fragment, naming the domain.
    const first = "<disk type='file' device='disk'><target dev='vdc' bus='virtio'/></disk>";
    const later: AttachTarget = { ...TARGET, xml: TARGET.xml.replace('<devices>', `<devices>${first}`) };
    const text = read('disk-new-target.xml').replace("'vdb'", "'vdc'");
    const a = analyzeAttached(text, later, { flavor: 'upstream' });
    assert.deepEqual(errorsAndWarnings(a.findings), ['disk-target-duplicate']);
    const f = a.findings[0]!;
    assert.equal(text.slice(f.span.start, f.span.end), "'vdc'");
    assert.match(f.message, /attached to domain 'web'/);
  });

  test('a whole domain, or a fragment with syntax errors, is analysed on its own', () => {
    const dom = web.xml!;
    assert.deepEqual(
      analyzeAttached(dom, TARGET, { flavor: 'upstream' }).findings.map((f) => f.code),
      analyze(dom, { flavor: 'upstream' }).findings.map((f) => f.code)
    );
    const bad = "<disk type='file'><target dev='vda' bus='virtio'/>";
    assert.deepEqual(
      analyzeAttached(bad, TARGET).findings.map((f) => f.code),
      analyze(bad).findings.map((f) => f.code)
    );
  });

  test('libvirt-lint --host-snapshot DIR --attach-to DOMAIN', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), '--no-color', ...args], { encoding: 'utf8' });
    const snap = path.join(FIXTURES, 'hosts', 'q35-guest');
    const bad = cli('--host-snapshot', snap, '--attach-to', 'web', path.join(DIR, 'disk-target-taken.xml'));
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /disk-target-duplicate: .*attached to domain 'web'/);
    const ok = cli(
      '--host-snapshot',
      snap,
      '--attach-to',
      'web',
      path.join(DIR, 'disk-new-target.xml'),
      path.join(DIR, 'nic-same-mac.xml')
    );
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const none = cli('--host-snapshot', snap, '--attach-to', 'nope', path.join(DIR, 'disk-new-target.xml'));
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--attach-to nope: no such domain/);
    const usage = cli('--attach-to', 'web', path.join(DIR, 'disk-new-target.xml'));
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--attach-to needs one host/);
  });
});

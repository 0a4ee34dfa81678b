/**
 * The target version: 'auto' is the installed libvirt, read from its library's file name
 * (libvirt.so.0.MAJOR*1000+MINOR.MICRO); a target the bundled schema is not newer than has nothing
 * newer to report.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { installedLibvirtVersion, isTargetVersionSetting, resolveTargetVersion } from '../../../server/src/common/target-version';
import { NEWEST_KNOWN_RELEASE } from '../../../server/src/schema/since';

describe('target version', () => {
  test('the installed libvirt is read from the library file names; the newest wins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lib-'));
    try {
      assert.equal(installedLibvirtVersion([dir]), undefined);
      for (const f of ['libvirt.so.0', 'libvirt.so.0.9000.0', 'libvirt-qemu.so.0.11003.0', 'libvirt.so.0.10010.2']) {
        fs.writeFileSync(path.join(dir, f), '');
      }
      assert.equal(installedLibvirtVersion([path.join(dir, 'missing'), dir]), '10.10.2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const cases: [string, string | undefined][] = [
    ['bundled', undefined],
    ['9.0.0', '9.0.0'],
    ['9.0', '9.0'],
    [NEWEST_KNOWN_RELEASE, undefined],
    ['99.0.0', undefined],
  ];
  for (const [setting, want] of cases) {
    test(`setting '${setting}' -> ${want ?? 'nothing newer to report'}`, () => {
      assert.equal(resolveTargetVersion(setting), want);
    });
  }

  test("settings: a version, 'auto' or 'bundled'", () => {
    for (const ok of ['auto', 'bundled', '9.0.0', '11.3']) {
      assert.ok(isTargetVersionSetting(ok), ok);
    }
    for (const bad of ['latest', '9', 'v9.0.0', '']) {
      assert.ok(!isTargetVersionSetting(bad), bad);
    }
  });
});

/**
 * host/virsh.ts against real virsh and libvirt's test driver (a test:///FILE node with its own
 * domains): listing, batched dumpxml split over several virsh processes, a domain that is gone,
 * a host that does not exist, and the bounded map.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { inactiveXmls, listDomains, mapLimit, VirshError } from '../../../server/src/host/virsh';
import { NO_VIRSH } from '../virsh/support';

describe('host/virsh.ts', { skip: NO_VIRSH }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-lint-virsh-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
  const node = path.join(dir, 'node.xml');
  fs.writeFileSync(
    node,
    `<node>\n${names.map((n) => `<domain type='test'><name>${n}</name><memory>65536</memory><os><type>hvm</type></os></domain>`).join('\n')}\n</node>\n`
  );
  const uri = `test://${node}`;

  test('lists every domain', async () => {
    assert.deepEqual((await listDomains(uri)).sort(), [...names].sort());
  });

  test('dumps many domains in chunks; a domain that is not there gets virsh’s own error', async () => {
    const got = await inactiveXmls(uri, [...names, 'gone'], { chunk: 7 });
    for (const n of names) {
      const x = got.get(n);
      assert.ok(typeof x === 'string' && x.includes(`<name>${n}</name>`), n);
    }
    const gone = got.get('gone');
    assert.ok(gone instanceof VirshError);
    assert.match(gone.message, /gone/);
  });

  test('a host that does not exist is a VirshError with libvirt’s reason', async () => {
    await assert.rejects(listDomains(`test://${dir}/none.xml`), (e: unknown) => e instanceof VirshError && /none\.xml/.test(e.message));
  });

  test('mapLimit keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (x) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, x * 3));
      running--;
      return x * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(most, 2);
  });
});

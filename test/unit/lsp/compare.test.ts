/**
 * libvirt/compareDomains through the real stdio server: the semantic diff with LSP ranges, as the
 * VS Code client asks for it after a Define; and a document of the client's libvirt-domain:
 * scheme (a domain opened from the libvirt view) is linted like a file.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPARE_DOMAINS_METHOD, type CompareDomainsResult } from '../../../lib/compare-protocol';
import { startStdioServer, type StdioServer } from '../../support/stdio-server';

const WRITTEN = `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>256</memory>
  <devices>
    <interface type='network' frobnicate='yes'>
      <mac address='52:54:00:00:00:09'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>
    </interface>
  </devices>
</domain>
`;
const STORED = `<domain type='kvm'>
  <name>c</name>
  <uuid>0b3e4f6a-4a44-4f4b-9b46-3c0e5a6f1d20</uuid>
  <memory unit='KiB'>262144</memory>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:00:00:09'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
  </devices>
</domain>
`;

describe('libvirt/compareDomains and the libvirt-domain: scheme through the stdio server', () => {
  let s: StdioServer;
  before(async () => {
    s = await startStdioServer({});
  });
  after(() => s.stop());

  test('the classified diff with ranges in the user text', async () => {
    const r = await s.conn.sendRequest<CompareDomainsResult>(COMPARE_DOMAINS_METHOD, { written: WRITTEN, stored: STORED });
    assert.deepEqual(r.errors, []);
    assert.equal(r.summary, '2 dropped, 2 added or assigned, 0 changed');
    const frob = r.entries.find((e) => e.attribute === 'frobnicate')!;
    assert.deepEqual(frob.writtenRange, { start: { line: 4, character: 30 }, end: { line: 4, character: 46 } });
    const pin = r.entries.find((e) => e.kind === 'added' && e.element === 'address')!;
    assert.deepEqual(
      pin.pin?.range,
      { start: { line: 6, character: 6 }, end: { line: 6, character: 81 } },
      'replaces the 0000:00:00.0 address'
    );
  });

  test('a libvirt-domain: document is linted', async () => {
    const uri = 'libvirt-domain:/qemu%3A%2F%2F%2Fsystem/c.xml';
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'libvirt-xml',
        version: 1,
        text: WRITTEN.replace("slot='0x00' function='0x0'", "slot='0x00' function='0x9'"),
      },
    });
    const d = await s.diagnostics(uri, 1);
    assert.ok(d.diagnostics.length > 0, 'findings on the domain document');
  });
});

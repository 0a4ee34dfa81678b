/**
 * Which XML the extension takes: libvirt domains and device fragments, nothing else.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FRAGMENT_ROOTS as CLIENT_ROOTS, libvirtKind, rootElementName } from '../../../client/src/detect';
import { FRAGMENT_ROOTS as SERVER_ROOTS } from '../../../server/src/model/build';

describe('detecting libvirt XML by its root element', () => {
  test('the client knows the same fragment roots as the server', () => {
    assert.deepEqual([...CLIENT_ROOTS].sort(), [...SERVER_ROOTS].sort());
  });

  const cases: [string, string, ReturnType<typeof libvirtKind>][] = [
    ['a domain', "<domain type='kvm'>\n  <name>a</name>\n</domain>", 'domain'],
    [
      'a domain after a declaration, comments and a BOM',
      "\uFEFF<?xml version='1.0'?>\n<!-- virsh dumpxml --><!-- x -->\n<domain type=\"qemu\" id='3'>",
      'domain',
    ],
    ['a domain with a DOCTYPE and internal subset', "<!DOCTYPE domain [ <!ENTITY x 'y'> ]>\n<domain type='kvm'/>", 'domain'],
    ['a <domain> without type that looks like a VM', '<domain>\n  <name>n</name>\n  <vcpu>2</vcpu>\n</domain>', 'domain'],
    [
      'GlassFish domain.xml',
      '<?xml version="1.0"?>\n<domain log-root="${x}" application-root="${y}">\n  <applications/>\n</domain>',
      undefined,
    ],
    ['a disk fragment', "<disk type='file' device='disk'>\n<source file='/a'/>\n</disk>", 'fragment'],
    ['a hostdev fragment', "<hostdev mode='subsystem' type='pci' managed='yes'/>", 'fragment'],
    ['an interface fragment', "<interface type='network'>", 'fragment'],
    ['a controller fragment', "<controller type='usb' index='0'/>", 'fragment'],
    ['a Maven pom', '<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0"/>', undefined],
    ['a libvirt network (not a domain)', '<network>\n  <name>default</name>\n</network>', undefined],
    ['an empty document', '', undefined],
    ['text that is not XML', 'hello <domain type="kvm">', undefined],
    ['an unterminated comment', '<!-- <domain type="kvm">', undefined],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      assert.equal(libvirtKind(text), want);
    });
  }

  test('only the first 8 KiB are read', () => {
    assert.equal(libvirtKind(`<!--${'x'.repeat(9000)}-->\n<domain type='kvm'/>`), undefined);
    assert.equal(rootElementName(`<!--${'x'.repeat(100)}-->\n<a:domain/>`), 'domain');
  });
});

/**
 * The TextMate grammar (syntaxes/libvirt-xml.tmLanguage.json) through VS Code's own tokenizer
 * (vscode-textmate + the Oniguruma WASM build VS Code uses).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { FRAGMENT_ROOTS } from '../../../client/src/detect';
import { REPO } from '../../support/paths';

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const file = path.join(REPO, 'syntaxes', 'libvirt-xml.tmLanguage.json');
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scope: string) =>
      Promise.resolve(scope === 'text.xml.libvirt' ? parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null),
  });
  const g = await registry.loadGrammar('text.xml.libvirt');
  assert.ok(g);
  grammar = g;
});

/** The scopes of the token that covers `needle` (its first occurrence) on a one-line text. */
function scopesOf(line: string, needle: string, from = 0): string[] {
  const at = line.indexOf(needle, from);
  assert.ok(at >= 0, `${needle} not in ${line}`);
  const { tokens } = grammar.tokenizeLine(line, INITIAL);
  const tok = tokens.find((t) => t.startIndex <= at && at < t.endIndex)!;
  assert.ok(tok.endIndex >= at + needle.length, `'${needle}' is split across tokens`);
  return tok.scopes;
}

const has = (scopes: string[], s: string): boolean => scopes.some((x) => x.split(' ').includes(s) || x === s);

describe('TextMate grammar', () => {
  test('device elements get their own scope, other elements are plain tags', () => {
    const line = "<disk type='file' device='disk'><target dev='vda'/></disk>";
    assert.ok(has(scopesOf(line, 'disk'), 'support.class.device.libvirt'));
    assert.ok(has(scopesOf(line, 'target'), 'entity.name.tag.localname.xml'));
    assert.ok(!has(scopesOf(line, 'target'), 'support.class.device.libvirt'));
    assert.ok(has(scopesOf(line, 'disk', line.indexOf('</disk')), 'support.class.device.libvirt'));
  });

  test('every root virsh attach-device accepts is coloured as a device', () => {
    for (const name of FRAGMENT_ROOTS) {
      const line = name === 'memory' ? "<memory model='dimm'>" : `<${name} type='x'>`;
      assert.ok(has(scopesOf(line, name), 'support.class.device.libvirt'), name);
    }
  });

  test("<memory unit='KiB'> (the domain's size) is not a device; <memory model='dimm'> is", () => {
    assert.ok(!has(scopesOf("<memory unit='KiB'>8388608</memory>", 'memory'), 'support.class.device.libvirt'));
    assert.ok(has(scopesOf("<memory unit='KiB'>8388608</memory>", '8388608'), 'constant.numeric.decimal.libvirt'));
  });

  test('hex numbers, PCI addresses, MAC addresses, UUIDs and yes/no inside attribute values', () => {
    const addr = "<address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x7' multifunction='on'/>";
    assert.ok(has(scopesOf(addr, '0x1f'), 'constant.numeric.hex.libvirt'));
    assert.ok(has(scopesOf(addr, '0x1f'), 'string.quoted.single.xml'));
    assert.ok(has(scopesOf(addr, 'slot'), 'entity.other.attribute-name.localname.xml'));
    assert.ok(has(scopesOf(addr, 'on', addr.indexOf("'on'")), 'constant.language.boolean.libvirt'));
    assert.ok(has(scopesOf('<mac address="52:54:00:ab:cd:ef"/>', '52:54:00:ab:cd:ef'), 'constant.other.mac-address.libvirt'));
    assert.ok(has(scopesOf("<alias name='hostdev0' pci='0000:00:1f.0'/>", '0000:00:1f.0'), 'constant.numeric.pci-address.libvirt'));
    assert.ok(
      has(
        scopesOf('<uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>', '6695eb01-f6a4-8304-79aa-97f2502e193f'),
        'constant.other.uuid.libvirt'
      )
    );
    assert.ok(!has(scopesOf("<source file='/var/lib/disk0.img'/>", '/var/lib/disk0.img'), 'constant.numeric.decimal.libvirt'));
  });

  test('comments, declarations, entities and CDATA as in the XML grammar', () => {
    assert.ok(has(scopesOf('<!-- a <disk> in a comment -->', 'disk'), 'comment.block.xml'));
    assert.ok(has(scopesOf("<?xml version='1.0'?>", 'xml'), 'meta.tag.preprocessor.xml'));
    assert.ok(has(scopesOf('<a b="x &amp; y"/>', 'amp'), 'constant.character.entity.xml'));
    assert.ok(has(scopesOf('<![CDATA[ <disk> ]]>', 'disk'), 'string.unquoted.cdata.xml'));
  });
});

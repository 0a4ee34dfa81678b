/**
 * Closing tags typed for the user (client/src/autoclose.ts).
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closeTagAfterGt, closeTagAfterSlash } from '../../../client/src/autoclose';

describe('auto-closing tags', () => {
  test("'>' ending a start tag gives its close tag", () => {
    assert.equal(closeTagAfterGt('<devices>\n  <disk type=\'file\' device="disk">', '\n</devices>'), '</disk>');
    assert.equal(closeTagAfterGt('<domain>', ''), '</domain>');
  });

  test('nothing for self-closing tags, close tags, comments, declarations, or text', () => {
    for (const before of ["<target dev='vda'/>", '</disk>', '<!-- x -->', "<?xml version='1.0'?>", 'a > b', "<disk type='a>"]) {
      assert.equal(closeTagAfterGt(before, ''), undefined, before);
    }
  });

  test('nothing when the element is closed further on already (a retyped >)', () => {
    assert.equal(closeTagAfterGt("<disk type='file'>", '\n  <source/>\n</disk>\n</devices>'), undefined);
    assert.equal(closeTagAfterGt("<disk type='file'>", "\n</devices>\n<disk type='x'>\n</disk>"), '</disk>');
  });

  test("'</' gets the innermost open element's name", () => {
    assert.equal(closeTagAfterSlash("<domain>\n  <devices>\n    <disk type='file'>\n      <source file='/a'/>\n    </", ''), 'disk>');
    assert.equal(closeTagAfterSlash("<domain>\n  <devices>\n    <disk type='file'>\n    </disk>\n  </", ''), 'devices>');
    assert.equal(closeTagAfterSlash('</', ''), undefined);
    assert.equal(closeTagAfterSlash('<a><b></', 'b>'), undefined);
  });
});

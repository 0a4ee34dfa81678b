// @ts-check
// Writes docs/codes.md from the code table (server/src/rules/codes.ts, compiled to out/).
// Run after `npm run compile-tests`; test/unit/docs.test.ts fails when the file is stale.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
// A compiled file (a variable, so that tsconfig.scripts.json does not type-check out/ through it).
const codesDoc = '../out/test/support/codes-doc.js';
/** @type {{ renderCodesDoc(): string }} */
const { renderCodesDoc } = require(codesDoc);
writeFileSync(new URL('../docs/codes.md', import.meta.url), renderCodesDoc());
console.log('docs/codes.md written');

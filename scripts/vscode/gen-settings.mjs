// @ts-check
// Writes the documented keys of the libvirt.diagnostics.severity setting into package.json from
// the table of finding codes (server/src/rules/codes.ts), so Settings UI and settings.json
// completion list every code with its meaning and default level.
//
//   node scripts/vscode/gen-settings.mjs          update package.json
//   node scripts/vscode/gen-settings.mjs --check  exit 1 if package.json is out of date
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkgPath = path.join(root, 'package.json');
const KEY = 'libvirt.diagnostics.severity';
const LEVELS = ['error', 'warning', 'information', 'hint', 'off'];

const out = await build({
  entryPoints: [path.join(root, 'server/src/rules/codes.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'error',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, () => ({}));
const codes = mod.exports.CODES;
if (!codes || typeof codes !== 'object') {
  console.error('gen-settings: CODES not found in server/src/rules/codes.ts');
  process.exit(2);
}

const properties = {};
for (const [code, info] of Object.entries(codes)) {
  properties[code] = {
    type: 'string',
    enum: LEVELS,
    description: `${info.summary} (default: ${info.severity})`,
  };
}

const text = fs.readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(text);
const config = pkg.contributes?.configuration;
const sections = Array.isArray(config) ? config : [config];
const holder = sections.find((s) => s?.properties?.[KEY]);
if (!holder) {
  console.error(`gen-settings: package.json has no contributes.configuration property ${KEY}`);
  process.exit(2);
}
const current = JSON.stringify(holder.properties[KEY].properties ?? {});
if (process.argv.includes('--check')) {
  if (current !== JSON.stringify(properties)) {
    console.error(`gen-settings: ${KEY} in package.json is out of date; run: node scripts/vscode/gen-settings.mjs`);
    process.exit(1);
  }
  console.log(`gen-settings: ${KEY} lists all ${Object.keys(properties).length} codes`);
  process.exit(0);
}
holder.properties[KEY].properties = properties;
const indent = /^( +|\t)"/m.exec(text)?.[1] ?? '  ';
fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, indent) + '\n');
console.log(`gen-settings: wrote ${Object.keys(properties).length} codes into ${KEY}`);

// @ts-check
// Bundles the three entry points into dist/ with esbuild: the VS Code client, the
// language server and the libvirt-lint CLI. Each bundle runs without node_modules.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const production = process.argv.includes('--production');
/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);

// The two programs are run by name (npm links them as libvirt-lint and libvirt-xml-languageserver).
for (const bin of ['dist/server.js', 'dist/cli.js']) {
  chmodSync(bin, 0o755);
}

/**
 * The entry point of dist/cli.js. `--version` answers before the engine is loaded; everything
 * else (and a worker thread, which starts this same file) loads main.ts when it is needed, so
 * that the engine's modules are initialised only then.
 */
import { isMainThread } from 'node:worker_threads';
import { version } from '../../../package.json';
import type * as Main from './main';

const args = process.argv.slice(2);
if (isMainThread && args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`libvirt-lint ${version}\n`);
} else {
  // A require inside a branch: esbuild initialises main.ts and what it imports only when this runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require('./main') as typeof Main;
  if (isMainThread) {
    cli.run(args);
  }
}

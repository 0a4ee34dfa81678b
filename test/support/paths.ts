import * as path from 'node:path';

/** The repository root (tests run compiled from out/test/...). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');

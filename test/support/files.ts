import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The .xml files under a folder (recursively, sorted), .fixed.xml excluded; none when the folder
 * does not exist. Shared by the corpus tests; it lives here rather than in a *.test.ts file
 * because importing a test file registers its tests again in the importer's run.
 */
export function xmlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.xml') && !e.name.endsWith('.fixed.xml'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

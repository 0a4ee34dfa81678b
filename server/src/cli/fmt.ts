/**
 * libvirt-lint --fmt / --fmt-check: the editor's formatter (features/format.ts) over files.
 * --fmt rewrites the files that change; --fmt-check lists them and fails. A file with syntax
 * errors is never rewritten: it is reported, and the run fails.
 */
import * as fs from 'node:fs';
import { parseXml } from '../syntax/parse';
import { formatText, type FormatOptions } from '../features/format';

interface FmtRun {
  mode: 'write' | 'check';
  options: FormatOptions;
  /** plain: UTF-8 without a BOM, the only files written back (nothing else about them changes). */
  files: { file: string; text: string; plain: boolean }[];
}

/** Exit status: 0 nothing to do (or all written), 1 some file would change (check), 2 refusals or write errors. */
export function runFmt(run: FmtRun, out: (line: string) => void, err: (line: string) => void): number {
  let changed = 0;
  let problems = 0;
  for (const { file, text, plain } of run.files) {
    const r = formatText(parseXml(text), run.options);
    if ('error' in r) {
      const line = text.slice(0, r.span.start).split('\n').length;
      err(`${file}:${line}: ${r.error}`);
      problems++;
      continue;
    }
    if (r.text === text) {
      continue;
    }
    changed++;
    if (run.mode === 'check') {
      out(file);
      continue;
    }
    if (!plain) {
      err(`${file}: not rewritten: it is not plain UTF-8 (a BOM, UTF-16 or invalid bytes), and formatting would change its encoding`);
      problems++;
      continue;
    }
    try {
      fs.writeFileSync(file, r.text);
      out(`formatted ${file}`);
    } catch (e) {
      err(`${file}: cannot write (${(e as Error).message})`);
      problems++;
    }
  }
  if (problems > 0) {
    return 2;
  }
  return run.mode === 'check' && changed > 0 ? 1 : 0;
}

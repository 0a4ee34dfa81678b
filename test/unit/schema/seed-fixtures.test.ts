// Walks the XML fixtures made from the user's reference documents
// (test/fixtures/seeds) through the schema: every element must be known where
// it is, documented, and every attribute known with a valid value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { attributeOf, checkValue, childElement, elementAt, type ResolvedElement } from '../../../server/src/schema/lookup';

function repoRoot(): string {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'test', 'fixtures'))) {
      return d;
    }
  }
  return process.cwd();
}
const SEEDS = join(repoRoot(), 'test', 'fixtures', 'seeds');

interface Tag {
  name: string;
  attrs: Record<string, string>;
  close: boolean;
  selfClose: boolean;
}

/** Start and end tags of a well-formed document, comments removed. Enough for these fixtures. */
function tags(xml: string): Tag[] {
  const out: Tag[] = [];
  const text = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  for (const m of text.matchAll(/<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g)) {
      attrs[a[1]!] = a[2] ?? a[3] ?? '';
    }
    out.push({ name: m[2]!, attrs, close: m[1] === '/', selfClose: m[4] === '/' });
  }
  return out;
}

test('every element and attribute of the seed fixtures is known, documented and valid', { skip: !existsSync(SEEDS) }, () => {
  const problems: string[] = [];
  // domain-*.xml and fragment-*.xml hold domain XML; other files (network-*.xml) describe other libvirt objects
  const files = readdirSync(SEEDS).filter((f) => /^(domain|fragment)-.*\.xml$/.test(f) && !f.endsWith('.fixed.xml'));
  assert.ok(files.length > 0);
  let elements = 0;
  for (const f of files) {
    const stack: (ResolvedElement | undefined)[] = [];
    for (const t of tags(readFileSync(join(SEEDS, f), 'utf8'))) {
      if (t.close) {
        stack.pop();
        continue;
      }
      const parent = stack[stack.length - 1];
      const step = { name: t.name, attrs: t.attrs };
      const el = stack.length === 0 ? elementAt([step]) : parent ? childElement(parent, step) : undefined;
      elements++;
      if (!el) {
        problems.push(`${f}: <${t.name}> is not allowed here`);
      } else {
        if (!el.doc) {
          problems.push(`${f}: <${el.path.join('/')}> has no doc`);
        }
        for (const [n, v] of Object.entries(t.attrs)) {
          if (n === 'xmlns' || n.startsWith('xmlns:')) {
            continue;
          }
          const a = attributeOf(el, n);
          if (!a) {
            if (!el.anyAttributes) {
              problems.push(`${f}: <${el.path.join('/')}> has no attribute ${n}`);
            }
            continue;
          }
          const p = checkValue(a.type, v);
          if (p) {
            problems.push(`${f}: <${el.path.join('/')} ${n}='${v}'>: ${p.problem}; expected ${p.allowed}`);
          }
        }
      }
      if (!t.selfClose) {
        stack.push(el);
      }
    }
  }
  assert.ok(elements > 100);
  assert.deepEqual(problems, []);
});

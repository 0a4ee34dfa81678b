import { test } from 'node:test';
import assert from 'node:assert/strict';
import domainJson from '../../../schemas/domain.json';
import docsJson from '../../../schemas/docs.json';
import type { ContentDesc, DocsOverlay, DomainSchema, TypeRef } from '../../../server/src/schema/types';
import { checkValue, parseSelector } from '../../../server/src/schema/lookup';

const schema = domainJson as unknown as DomainSchema;
const docs = docsJson as unknown as DocsOverlay;

/** element name -> attribute name -> every type that attribute has somewhere */
function attributeIndex(): Map<string, Map<string, TypeRef[]>> {
  const idx = new Map<string, Map<string, TypeRef[]>>();
  for (const el of Object.values(schema.elements)) {
    let attrs = idx.get(el.name);
    if (!attrs) {
      idx.set(el.name, (attrs = new Map()));
    }
    const visit = (c: ContentDesc): void => {
      for (const [n, a] of Object.entries(c.attrs ?? {})) {
        let types = attrs.get(n);
        if (!types) {
          attrs.set(n, (types = []));
        }
        types.push(a.type);
      }
      for (const sw of c.switches ?? []) {
        sw.cases.forEach(visit);
      }
    };
    visit(el);
  }
  return idx;
}

test('docs.json only documents things the schema has (or declares them as vendor additions)', () => {
  const idx = attributeIndex();
  for (const [sel, entry] of Object.entries(docs.elements)) {
    const steps = parseSelector(sel);
    for (const s of steps) {
      assert.ok(s.name === '*' || idx.has(s.name), `${sel}: unknown element ${s.name}`);
      for (const p of s.preds) {
        assert.ok(idx.get(s.name)?.has(p.attr), `${sel}: <${s.name}> has no attribute ${p.attr}`);
      }
    }
    const last = steps[steps.length - 1]!;
    const attrs = idx.get(last.name)!;
    for (const [an, ad] of Object.entries(entry.attrs ?? {})) {
      if (ad.add) {
        assert.ok(!attrs.has(an), `${sel} @${an}: declared as a vendor addition but upstream has it`);
        continue;
      }
      assert.ok(attrs.has(an), `${sel}: <${last.name}> has no attribute ${an}`);
      const types = attrs.get(an)!;
      const accepted = (v: string): boolean => types.some((t) => checkValue(t, v) === undefined);
      for (const v of Object.keys(ad.values ?? {})) {
        assert.ok(accepted(v) || ad.addValues?.[v], `${sel} @${an}: value '${v}' is not in the schema`);
      }
      for (const v of Object.keys(ad.addValues ?? {})) {
        assert.ok(!accepted(v), `${sel} @${an}: '${v}' is listed as vendor-only but upstream has it`);
      }
    }
  }
});

test('docs are short, and type descriptions name existing types', () => {
  for (const [sel, entry] of Object.entries(docs.elements)) {
    const texts = [entry.doc, ...Object.values(entry.attrs ?? {}).flatMap((a) => [a.doc, ...Object.values(a.values ?? {})])];
    for (const t of texts) {
      if (t === undefined) {
        continue;
      }
      assert.ok(t.trim().length > 0, sel);
      const sentences = t.split(/(?<=[.!?])\s+(?=[A-Z`<])/).length;
      assert.ok(sentences <= 4, `${sel}: "${t.slice(0, 60)}..." has ${sentences} sentences`);
    }
  }
  for (const name of Object.keys(docs.types ?? {})) {
    assert.ok(name in schema.types, `docs.types.${name} is not a type of domain.json`);
  }
});

/**
 * Attribute provider: the attributes an element may have and does not have yet, with their
 * docs; required ones first, then discriminators, the usual ones (knowledge.ts), documented
 * ones, the rest. Each inserts its best value (values.ts) or asks again for one.
 */
import { attributesOf, describeType } from '../../schema/lookup';
import { deviceOf } from '../../model/build';
import { elementStartingAt, type AttributeNameContext } from '../context';
import { attrDocumentation, resolve, tagPath } from './common';
import { hostPciAddressItems } from './host';
import { usualAttributes } from './knowledge';
import type { CompletionCandidate, Env } from './types';
import { smartValues } from './values';

export function attributeNameItems(env: Env, ctx: AttributeNameContext): CompletionCandidate[] {
  const path = tagPath(ctx);
  const res = resolve(path);
  if (!res) {
    return [];
  }
  const self = elementStartingAt(env.doc, ctx.tag.start);
  const deviceEl = deviceOf(env.model, self ?? ctx.parent)?.el;
  const present = new Set(
    ctx.tag.attributes
      .filter((a) => !(a.nameSpan.start <= ctx.span.start && ctx.span.end <= a.nameSpan.end && a.nameSpan.start === ctx.span.start))
      .map((a) => a.name)
  );
  const usual = usualAttributes(path);
  const q = env.quote;
  const out: CompletionCandidate[] = ctx.hasValue ? [] : hostPciAddressItems(env, ctx, path);
  for (const a of attributesOf(res)) {
    if (present.has(a.name) || (a.vendor && env.flavor === 'upstream')) {
      continue;
    }
    const rank = a.required ? 0 : a.discriminator ? 1 : usual.includes(a.name) ? 2 : a.doc ? 3 : 4;
    const base = {
      label: a.name,
      kind: 'attribute' as const,
      detail: (a.required ? 'required · ' : '') + describeType(a.type) + (a.vendor ? ` (${a.vendor} only)` : ''),
      documentation: attrDocumentation(a),
      span: ctx.span,
      sortText: `${rank}${a.name}`,
    };
    if (ctx.hasValue) {
      out.push({ ...base, insert: [a.name] });
      continue;
    }
    const smart = smartValues(env, { path: tagPath(ctx, a.name), attribute: a.name, self, deviceEl });
    const best = smart.find((s) => s.preselect) ?? smart[0];
    if (best) {
      out.push({ ...base, insert: [`${a.name}=${q}`, { tab: 1, text: best.value }, q] });
    } else {
      out.push({ ...base, insert: [`${a.name}=${q}`, { tab: 1, text: '' }, q], retrigger: true });
    }
  }
  return out;
}

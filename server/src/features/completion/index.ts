/**
 * Completion: what may be typed at the cursor, from the schema (schemas/domain.json through
 * schema/lookup.ts), from what completion knows of libvirt (knowledge.ts, as tables) and from
 * the domain model of the current document version. One provider per kind of place:
 *
 * - elements.ts: element names (with their usual attributes and children), device variants,
 *   device templates (templates.ts, through snippets.ts), values of element text;
 * - attributes.ts: attribute names, with their docs;
 * - values.ts: attribute values: enumerations with their meanings, and values computed from the
 *   document (the next free controller index, a free PCI slot or USB port, the next disk
 *   target, a random locally administered MAC, existing controllers as buses).
 *
 * Knows nothing of LSP: candidates carry spans and snippets as data.
 */
import { analyze, type Analysis } from '../../analysis';
import { cursorContext } from '../context';
import { attributeNameItems } from './attributes';
import { lineIndentAt, styleOf } from './common';
import { elementNameItems, textItems } from './elements';
import type { CompletionCandidate, CompletionOptions, Env } from './types';
import { attributeValueItems } from './values';

export type { CompletionCandidate, CompletionKind, CompletionOptions } from './types';

export function complete(analysis: Pick<Analysis, 'doc' | 'model'>, offset: number, opts: CompletionOptions = {}): CompletionCandidate[] {
  const { doc, model } = analysis;
  const ctx = cursorContext(doc, offset);
  if (ctx.kind === 'none') {
    return [];
  }
  const trigger = opts.triggerCharacter;
  const env: Env = {
    doc,
    model,
    flavor: opts.flavor,
    random: opts.random ?? Math.random,
    ...styleOf(doc),
    lineIndent: lineIndentAt(doc.text, offset),
    host: opts.host,
  };
  switch (ctx.kind) {
    case 'element-name':
      return trigger === ' ' || trigger === "'" || trigger === '"' ? [] : elementNameItems(env, ctx);
    case 'text':
      return trigger !== undefined ? [] : textItems(env, ctx);
    case 'attribute-name':
      return trigger === "'" || trigger === '"' || trigger === '<' ? [] : attributeNameItems(env, ctx);
    case 'attribute-value':
      return trigger === ' ' || trigger === '<' ? [] : attributeValueItems(env, ctx);
  }
}

// ---------------------------------------------------------------------------
// warm-up

const WARM_UP_DOMAIN = `<domain type='kvm'>
  <name>warm-up</name>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <controller type='usb' index='0' model=''/>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <address type='pci' bus='0x00' slot=''/>
    </hostdev>
    <
  </devices>
</domain>
`;

/**
 * Runs completion on a small built-in domain a few times: the schema lookups it needs are
 * resolved and cached, and the code is compiled, before a user's first request.
 */
export function warmUpCompletion(rounds = 3): void {
  const analysis = analyze(WARM_UP_DOMAIN);
  const offsets = [
    WARM_UP_DOMAIN.indexOf("model=''") + 7,
    WARM_UP_DOMAIN.indexOf("slot=''") + 6,
    WARM_UP_DOMAIN.indexOf('<\n') + 1,
    WARM_UP_DOMAIN.indexOf('<hostdev') + 9,
  ];
  for (let r = 0; r < rounds; r++) {
    for (const o of offsets) {
      complete(analysis, o, { random: () => 0.5 });
    }
  }
}

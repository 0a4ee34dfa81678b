/**
 * Snippets and templates glue: tab stops for a new element, re-indenting to the cursor's line,
 * and the device templates of templates.ts as completion candidates.
 */
import { starterTemplates } from '../starters';
import { deviceTemplates, reindent, snippetText, type DeviceTemplate, type Placeholder, type Snippet } from '../templates';
import type { Span } from '../../syntax/tree';
import type { CompletionCandidate, Env } from './types';

/** Numbers the tab stops of one snippet in the order they are written. */
export class Tabs {
  n = 0;
  next(text: string, choices?: readonly string[]): Placeholder {
    this.n++;
    return choices && choices.length > 1 ? { tab: this.n, text: choices[0]!, choices } : { tab: this.n, text: choices?.[0] ?? text };
  }
}

export function indentInsert(env: Env, s: Snippet): Snippet {
  return reindent(s, env.lineIndent, env.unit);
}

export function templateCandidates(env: Env, span: Span, topLevel: boolean): CompletionCandidate[] {
  const devices = asCandidates(env, span, deviceTemplates({ model: env.model, flavor: env.flavor, random: env.random, topLevel }), '2');
  // a file without a root element yet: whole domains and attach-device fragments first
  return topLevel ? [...asCandidates(env, span, starterTemplates(env.random), '0'), ...devices] : devices;
}

function asCandidates(env: Env, span: Span, templates: DeviceTemplate[], sortGroup: string): CompletionCandidate[] {
  return templates.map((t, i) => ({
    label: t.label,
    kind: 'template',
    templateId: t.id,
    detail: t.detail,
    documentation: t.description + '\n\n```xml\n' + snippetText(reindent(t.snippet, '', env.unit)) + '\n```',
    insert: indentInsert(env, t.snippet),
    span,
    filterText: '<' + t.keywords,
    sortText: `${sortGroup}${String(i).padStart(3, '0')}`,
  }));
}

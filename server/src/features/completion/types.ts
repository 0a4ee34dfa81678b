/**
 * The shapes completion works with: the candidates it answers (public, see index.ts) and what
 * its providers share about the request.
 */
import type { HostProfile } from '../../host/profile';
import type { DomainModel } from '../../model/types';
import type { Flavor } from '../../rules/types';
import type { PathStep } from '../../schema/lookup';
import type { Span, XmlDocument, XmlElement } from '../../syntax/tree';
import type { Snippet } from '../templates';

export type CompletionKind = 'element' | 'attribute' | 'value' | 'template';

export interface CompletionCandidate {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What replaces `span`. */
  insert: Snippet;
  span: Span;
  /** What the editor matches the typed text against, when not the label. */
  filterText?: string;
  sortText: string;
  preselect?: boolean;
  /** Ask for completions again once inserted (an attribute whose value is still to choose). */
  retrigger?: boolean;
  /** For device templates: which one (templates.ts). */
  templateId?: string;
}

export interface CompletionOptions {
  /** undefined: unknown (vendor-only values are offered, marked as such). */
  flavor?: Flavor;
  /** Random numbers in [0, 1) for MAC addresses; Math.random by default. */
  random?: () => number;
  /** The character that triggered the request, if any. */
  triggerCharacter?: string;
  /** The host the document is written for (libvirt.hostAware): its devices, machines, CPU models... */
  host?: HostProfile;
}

/** One request: the document, its model, and the style new text is written in. */
export interface Env {
  doc: XmlDocument;
  model: DomainModel | undefined;
  flavor: Flavor | undefined;
  random: () => number;
  quote: string;
  unit: string;
  /** Leading whitespace of the cursor's line. */
  lineIndent: string;
  host: HostProfile | undefined;
}

/** A place where an attribute value is wanted. */
export interface Site {
  /** From the root (or the fragment's device) to the element holding the attribute, attributes known so far. */
  path: readonly PathStep[];
  attribute: string;
  /** The existing element being edited, if any: its own values do not count as taken. */
  self: XmlElement | undefined;
  /** The existing device element around the site, if any. */
  deviceEl: XmlElement | undefined;
}

/** A value offered for an attribute, computed or from the tables of knowledge.ts. */
export interface Suggestion {
  value: string;
  detail?: string;
  doc?: string;
  preselect?: boolean;
}

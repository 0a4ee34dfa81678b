/**
 * Helpers every completion provider uses: the document's writing style, schema paths to the
 * cursor, and the ordering and wording of attribute values.
 */
import { describeType, elementAt, enumValues, type AttributeInfo, type PathStep, type ResolvedElement } from '../../schema/lookup';
import { attr, child, type XmlDocument, type XmlElement } from '../../syntax/tree';
import { ancestry, elementAttributes, tagAttributes, type AttributeNameContext, type AttributeValueContext } from '../context';
import type { Env } from './types';

/** Quote and indent style of a document, read once per parsed document. */
const styles = new WeakMap<XmlDocument, { quote: string; unit: string }>();
export function styleOf(doc: XmlDocument): { quote: string; unit: string } {
  let s = styles.get(doc);
  if (!s) {
    styles.set(doc, (s = { quote: quoteStyle(doc.text), unit: indentUnit(doc.text) }));
  }
  return s;
}

function quoteStyle(text: string): string {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const single = sample.split("='").length;
  const double = sample.split('="').length;
  return double > single ? '"' : "'";
}

function indentUnit(text: string): string {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  if (/\n\t/.test(sample)) {
    return '\t';
  }
  let min = Infinity;
  for (const m of sample.matchAll(/\n( +)</g)) {
    min = Math.min(min, m[1]!.length);
  }
  return ' '.repeat(Number.isFinite(min) && min <= 8 ? min : 2);
}

export function lineIndentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) {
    i++;
  }
  return text.slice(start, i);
}

/**
 * An element of a document being typed as a schema path step. Unlike schema/walk.ts's stepOf,
 * an attribute still without a value is left out (it is being typed, and must not choose a
 * variant yet) and the first of two same-named attributes counts.
 */
function typedStep(el: XmlElement): PathStep {
  return { name: el.name, attrs: elementAttributes(el) };
}

export function stepsTo(el: XmlElement | undefined): PathStep[] {
  return ancestry(el).map(typedStep);
}

export function resolve(path: readonly PathStep[]): ResolvedElement | undefined {
  return path.length > 0 ? elementAt(path) : undefined;
}

/** Index in a path of the device element (under <devices>, or the fragment root). */
export function deviceIndex(path: readonly PathStep[]): number {
  return path[0]?.name === 'domain' ? 2 : 0;
}

export function isDevicesElement(path: readonly PathStep[]): boolean {
  return path.length === 2 && path[0]!.name === 'domain' && path[1]!.name === 'devices';
}

/** The bus of a disk: from its <target> in the tree, else from the path being typed. */
export function driveBusOf(deviceEl: XmlElement | undefined, path: readonly PathStep[]): string | undefined {
  const target = deviceEl && child(deviceEl, 'target');
  const fromTree = target && attr(target, 'bus')?.value;
  if (fromTree) {
    return fromTree;
  }
  const di = deviceIndex(path);
  const t = path[di + 1];
  return t?.name === 'target' ? t.attrs.bus : undefined;
}

export function firstSentence(s: string | undefined): string | undefined {
  if (!s) {
    return undefined;
  }
  const m = /^(.*?[.!?])(\s|$)/.exec(s);
  const out = (m ? m[1]! : s).trim();
  return out.length > 90 ? out.slice(0, 87) + '…' : out;
}

export function vendorOnly(a: AttributeInfo, value: string): string | undefined {
  return a.vendorValues?.[value];
}

/** Enumerated values of an attribute, in the order the docs list them (the usual ones first), vendor-only ones last. */
export function orderedEnum(env: Env, a: AttributeInfo): string[] {
  const values = [...(enumValues(a.type) ?? [])];
  const docOrder = Object.keys(a.valueDocs ?? {});
  const rank = (v: string): number => {
    const i = docOrder.indexOf(v);
    return (vendorOnly(a, v) ? 10000 : 0) + (i >= 0 ? i : 1000 + values.indexOf(v));
  };
  return values.filter((v) => !(env.flavor === 'upstream' && vendorOnly(a, v))).sort((x, y) => rank(x) - rank(y));
}

export function attrDocumentation(a: AttributeInfo): string {
  const parts: string[] = [];
  if (a.doc) {
    parts.push(a.doc);
  }
  parts.push(`Value: ${describeType(a.type)}.`);
  if (a.default !== undefined) {
    parts.push(`Default: \`${a.default}\`.`);
  }
  if (a.unit) {
    parts.push(`Unit: ${a.unit}.`);
  }
  if (a.vendor) {
    parts.push(`Only ${a.vendor}'s libvirt knows this attribute.`);
  }
  return parts.join('\n\n');
}

/** The path to a tag being typed, its attributes so far (less `except`, whose value is being typed). */
export function tagPath(ctx: AttributeNameContext | AttributeValueContext, except?: string): PathStep[] {
  return [...stepsTo(ctx.parent), { name: ctx.tag.name, attrs: tagAttributes(ctx.tag, except) }];
}

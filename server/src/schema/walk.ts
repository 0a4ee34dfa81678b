/**
 * From a parsed document to the schema: the schema element of the root, of any element, and a
 * walk over every element the schema knows. The schema rule, the value judge, hover and
 * navigation all resolve elements this way, so they agree on which schema element is meant.
 */
import type { XmlElement } from '../syntax/tree';
import { childElement, elementAt, type PathStep, type ResolvedElement } from './lookup';

/** An element of the document as a schema path step (an attribute without a value counts as empty). */
export function stepOf(el: XmlElement): PathStep {
  const attrs: Record<string, string> = {};
  for (const a of el.attributes) {
    attrs[a.name] = a.value ?? '';
  }
  return { name: el.name, attrs };
}

/**
 * The schema element of a document's root: <domain>, or a device as `virsh attach-device` takes
 * (resolved under domain/devices). undefined when the root is not libvirt's, such as GlassFish's
 * <domain> with neither a type attribute nor any child libvirt's <domain> has.
 */
export function resolveRoot(root: XmlElement): ResolvedElement | undefined {
  const r = elementAt([stepOf(root)]);
  if (!r) {
    return undefined;
  }
  if (root.name === 'domain' && !root.attributes.some((a) => a.name === 'type') && !root.children.some((c) => r.children.has(c.name))) {
    return undefined;
  }
  return r;
}

/** The chain from the document's root down to `el`, outermost first. */
export function chainTo(el: XmlElement): XmlElement[] {
  const chain: XmlElement[] = [];
  for (let cur: XmlElement | undefined = el; cur; cur = cur.parent) {
    chain.push(cur);
  }
  return chain.reverse();
}

/**
 * The schema element of an element of the document, resolved from the root down (a fragment's
 * root under domain/devices). undefined where the schema does not know the element or an ancestor.
 */
export function resolveElement(el: XmlElement): ResolvedElement | undefined {
  const chain = chainTo(el);
  let r = resolveRoot(chain[0]!);
  for (let i = 1; i < chain.length && r; i++) {
    r = childElement(r, stepOf(chain[i]!));
  }
  return r;
}

/** Visits every element the schema knows, top-down, with its resolved schema element. */
export function walkSchema(root: XmlElement, visit: (el: XmlElement, r: ResolvedElement) => void): void {
  const r = resolveRoot(root);
  if (!r) {
    return;
  }
  const stack: [XmlElement, ResolvedElement][] = [[root, r]];
  while (stack.length > 0) {
    const [el, er] = stack.pop()!;
    visit(el, er);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      const cr = childElement(er, stepOf(c));
      if (cr) {
        stack.push([c, cr]);
      }
    }
  }
}

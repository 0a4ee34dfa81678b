/**
 * Compares two parsed documents field by field (elements, attributes, spans, text, errors,
 * comments): the parser's equality tests use it against the reference parser and against splicing.
 */
import type { XmlDocument, XmlElement } from '../../server/src/syntax/tree';

function elementKey(el: XmlElement): string {
  return JSON.stringify([
    el.name,
    el.nameSpan,
    el.span,
    el.startTagEnd,
    el.selfClosing,
    el.wellFormed,
    el.closeNameSpan,
    el.attributes,
    el.text,
    el.textSpan,
    el.children.length,
    el.parent?.span,
  ]);
}

/** The first difference between two parsed documents (text aside) (walked without recursion: hostile documents nest deep). */
export function treeDifference(a: XmlDocument, b: XmlDocument): string | undefined {
  for (const [what, x, y] of [
    ['errors', a.errors, b.errors],
    ['comments', a.comments, b.comments],
  ] as const) {
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const sx = JSON.stringify(x[i]);
      const sy = JSON.stringify(y[i]);
      if (sx !== sy) {
        return `${what} [${i}]: ${sx}\nreference: ${sy}`;
      }
    }
  }
  if (!a.root !== !b.root) {
    return `root ${a.root?.name} vs ${b.root?.name}`;
  }
  const stack: [XmlElement, XmlElement][] = a.root && b.root ? [[a.root, b.root]] : [];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    const kx = elementKey(x);
    const ky = elementKey(y);
    if (kx !== ky) {
      return `element ${kx.slice(0, 400)}\nreference ${ky.slice(0, 400)}`;
    }
    for (let i = 0; i < x.children.length; i++) {
      if (x.children[i]!.parent !== x) {
        return `a child of <${x.name}> at ${x.children[i]!.span.start} does not point back to it`;
      }
      stack.push([x.children[i]!, y.children[i]!]);
    }
  }
  return undefined;
}

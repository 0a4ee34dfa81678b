/**
 * Compares two parsed documents field by field (elements, attributes, spans, text, errors,
 * comments): the parser's equality tests use it against the reference parser and against splicing.
 */
import type { Span, XmlSyntaxError } from '../../server/src/syntax/tree';

/** What both trees offer (the server's nodes compute their spans; the reference parser's hold them). */
interface Element {
  readonly name: string;
  readonly nameSpan: Readonly<Span>;
  readonly span: Readonly<Span>;
  readonly startTagEnd: number;
  readonly selfClosing: boolean;
  readonly wellFormed: boolean;
  readonly closeNameSpan: Readonly<Span> | undefined;
  readonly attributes: readonly {
    readonly name: string;
    readonly nameSpan: Readonly<Span>;
    readonly value: string | undefined;
    readonly valueSpan: Readonly<Span> | undefined;
    readonly span: Readonly<Span>;
  }[];
  readonly children: readonly Element[];
  readonly parent: Element | undefined;
  readonly text: string;
  readonly textSpan: Readonly<Span> | undefined;
}

interface Document {
  readonly root: Element | undefined;
  readonly errors: readonly XmlSyntaxError[];
  readonly comments: readonly Readonly<Span>[];
}

function elementKey(el: Element): string {
  return JSON.stringify([
    el.name,
    el.nameSpan,
    el.span,
    el.startTagEnd,
    el.selfClosing,
    el.wellFormed,
    el.closeNameSpan,
    el.attributes.map((a) => ({ name: a.name, nameSpan: a.nameSpan, value: a.value, valueSpan: a.valueSpan, span: a.span })),
    el.text,
    el.textSpan,
    el.children.length,
    el.parent?.span,
  ]);
}

/** The first difference between two parsed documents (text aside) (walked without recursion: hostile documents nest deep). */
export function treeDifference(a: Document, b: Document): string | undefined {
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
  const stack: [Element, Element][] = a.root && b.root ? [[a.root, b.root]] : [];
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

/**
 * Closing tags typed for you, as Red Hat's XML extension and VS Code's HTML support do (a
 * document switched to libvirt-xml no longer gets Red Hat's). Pure: text in, text to insert out.
 */
import { openElementsAt } from './libvirt-errors';

/**
 * After '>' was typed: the close tag for the start tag it ends, e.g. "</disk>" after
 * "<disk type='file'>". undefined for "/>", "<?...?>", "<!--", close tags, and when the element
 * is closed further on already. `after` is the text after the cursor.
 */
export function closeTagAfterGt(before: string, after: string): string | undefined {
  if (!before.endsWith('>') || before.endsWith('/>') || before.endsWith('->') || before.endsWith('?>')) {
    return undefined;
  }
  const lt = before.lastIndexOf('<');
  if (lt < 0) {
    return undefined;
  }
  const tag = before.slice(lt);
  // A whole start tag: a name, then attributes with quoted values, then '>'.
  const m = /^<([A-Za-z_][\w.:-]*)(?:\s+[A-Za-z_:][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>$/.exec(tag);
  if (!m) {
    return undefined;
  }
  const name = m[1]!;
  const close = `</${name}>`;
  return alreadyClosed(name, after) ? undefined : close;
}

/**
 * Whether the text after the cursor closes one more `name` element than it opens, i.e. the
 * element just completed has its close tag already (the user retyped a '>').
 */
function alreadyClosed(name: string, after: string): boolean {
  const esc = name.replace(/[.]/g, '\\.');
  const opens = [...after.matchAll(new RegExp(`<${esc}(?=[\\s/>])[^<>]*?(/?)>`, 'g'))].filter((x) => x[1] !== '/').length;
  const closes = [...after.matchAll(new RegExp(`</${esc}\\s*>`, 'g'))].length;
  return closes > opens;
}

/** After "</" was typed: the name of the innermost open element and '>', e.g. "disk>". */
export function closeTagAfterSlash(before: string, after: string): string | undefined {
  if (!before.endsWith('</')) {
    return undefined;
  }
  const open = openElementsAt(before.slice(0, -2));
  const inner = open[open.length - 1];
  if (!inner) {
    return undefined;
  }
  const rest = `${inner.name}>`;
  return after.startsWith(inner.name) ? undefined : rest;
}

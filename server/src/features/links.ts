/**
 * Host paths a domain names that an editor can open: a disk's <source file=…>, the firmware
 * <loader> and <nvram> (and its template), <kernel>, <initrd> and <dtb>. Only absolute paths
 * (libvirt resolves nothing else). Whether a file exists is the edge's question (I/O): here the
 * paths and their spans only.
 */
import { attr, forEachElement, type Span, type XmlDocument, type XmlElement } from '../syntax/tree';
import { valueContent } from './cursor';

interface PathLink {
  span: Span;
  path: string;
  /** What the path is, for the link's tooltip. */
  what: string;
}

const OS_FILES: Record<string, string> = {
  loader: 'firmware',
  nvram: 'NVRAM store',
  kernel: 'kernel',
  initrd: 'initrd',
  dtb: 'device tree',
};

function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

function textLink(el: XmlElement, what: string): PathLink | undefined {
  const path = el.text.trim();
  return el.children.length === 0 && el.textSpan && isAbsolute(path) ? { span: el.textSpan, path, what } : undefined;
}

export function pathLinks(doc: XmlDocument): PathLink[] {
  const out: PathLink[] = [];
  const add = (l: PathLink | undefined): void => {
    if (l) {
      out.push(l);
    }
  };
  forEachElement(doc.root, (el) => {
    const parent = el.parent?.name;
    if (el.name === 'source' && parent === 'disk') {
      const a = attr(el, 'file');
      const span = a && valueContent(a);
      if (a?.value && span && isAbsolute(a.value)) {
        add({ span, path: a.value, what: 'disk image' });
      }
    } else if (parent === 'os' && el.name in OS_FILES) {
      add(textLink(el, OS_FILES[el.name]!));
      const template = el.name === 'nvram' ? attr(el, 'template') : undefined;
      const span = template && valueContent(template);
      if (template?.value && span && isAbsolute(template.value)) {
        add({ span, path: template.value, what: 'NVRAM template' });
      }
    }
  });
  return out;
}

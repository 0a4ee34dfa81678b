/**
 * Is this XML text a libvirt domain or a device fragment? Looks only at the root element's name,
 * so it is cheap enough to run on every opened XML document. No vscode import: unit-tested.
 */
/**
 * Root elements `virsh attach-device` accepts. The client knows nothing of the engine (it talks to
 * the server over LSP only), so this is a copy of the server's FRAGMENT_ROOTS; a unit test keeps
 * the two equal.
 */
export const FRAGMENT_ROOTS: ReadonlySet<string> = new Set([
  'disk',
  'controller',
  'interface',
  'hostdev',
  'input',
  'sound',
  'video',
  'graphics',
  'serial',
  'parallel',
  'console',
  'channel',
  'redirdev',
  'rng',
  'watchdog',
  'memballoon',
  'filesystem',
  'smartcard',
  'hub',
  'tpm',
  'panic',
  'shmem',
  'memory',
  'iommu',
  'vsock',
  'lease',
  'audio',
  'crypto',
]);

export type LibvirtKind = 'domain' | 'fragment';

/** How much of a document is looked at: the root element is almost always in the first lines. */
export const DETECT_PREFIX = 8192;

/**
 * The name of the first element, after an optional BOM, XML declaration, comments, processing
 * instructions, a DOCTYPE and whitespace. undefined when there is none within the prefix.
 */
export function rootElementName(text: string): string | undefined {
  return rootElement(text)?.name;
}

interface RootElement {
  name: string;
  /** The start tag's text up to its '>' (or to the end of the prefix). */
  tag: string;
  prefix: string;
}

function rootElement(text: string): RootElement | undefined {
  const s = text.length > DETECT_PREFIX ? text.slice(0, DETECT_PREFIX) : text;
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) {
      i++;
    }
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      if (end < 0) {
        return undefined;
      }
      i = end + 3;
    } else if (s.startsWith('<?', i)) {
      const end = s.indexOf('?>', i + 2);
      if (end < 0) {
        return undefined;
      }
      i = end + 2;
    } else if (s.startsWith('<!', i)) {
      // DOCTYPE, possibly with an internal subset in brackets.
      const bracket = s.indexOf('[', i);
      const close = s.indexOf('>', i);
      if (close < 0) {
        return undefined;
      }
      if (bracket >= 0 && bracket < close) {
        const endSubset = s.indexOf(']', bracket);
        const after = endSubset < 0 ? -1 : s.indexOf('>', endSubset);
        if (after < 0) {
          return undefined;
        }
        i = after + 1;
      } else {
        i = close + 1;
      }
    } else if (s[i] === '<') {
      const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/>]|$)/.exec(s.slice(i, i + 200));
      if (!m) {
        return undefined;
      }
      const close = s.indexOf('>', i);
      return { name: m[2]!, tag: s.slice(i, close < 0 ? s.length : close + 1), prefix: s };
    } else {
      return undefined;
    }
  }
}

/**
 * Whether the document has no complete root start tag yet: empty, only a prolog, or the root's
 * start tag still being typed. Such a new file gets the starting points and the closing root tag
 * before detection can tell what it is.
 */
export function rootless(text: string): boolean {
  const root = rootElement(text);
  if (root) {
    return !root.tag.endsWith('>');
  }
  // nothing but whitespace, comments, a declaration, or a '<' just typed
  const s = text.length > DETECT_PREFIX ? text.slice(0, DETECT_PREFIX) : text;
  return !/<[A-Za-z_][^>]*>/.test(s.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<![^>]*>/g, ''));
}

/** 'domain' for a root <domain>, 'fragment' for a root virsh attach-device accepts, else undefined. */
export function libvirtKind(text: string): LibvirtKind | undefined {
  const root = rootElement(text);
  if (root === undefined) {
    return undefined;
  }
  if (root.name === 'domain') {
    // Other tools have a <domain> root too (GlassFish/Payara domain.xml): libvirt's always has a
    // type attribute, and anything that looks like a VM (<vcpu>, <devices>, <os>, <memory>) counts.
    const hasType = /\stype\s*=/.test(root.tag);
    const looksLikeVm = /<(vcpu|devices|os|memory|currentMemory)[\s>/]/.test(root.prefix);
    return hasType || looksLikeVm ? 'domain' : undefined;
  }
  return FRAGMENT_ROOTS.has(root.name) ? 'fragment' : undefined;
}

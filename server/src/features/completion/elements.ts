/**
 * Element provider: the children the schema allows in the enclosing element, for the variant it
 * has (<disk type='file'> vs 'block', <address type='pci'> vs 'usb'), each inserting its
 * required and usual attributes (values from values.ts) and children, two levels deep; the
 * variants of a device (knowledge.ts); the device templates; the values of element text.
 */
import { deviceOf, FRAGMENT_ROOTS } from '../../model/build';
import {
  attributesOf,
  childDoc,
  childElement,
  childrenOf,
  enumValues,
  rootElement,
  type PathStep,
  type ResolvedElement,
} from '../../schema/lookup';
import type { Span, XmlElement } from '../../syntax/tree';
import { elementStartingAt, type ElementNameContext, type TextContext } from '../context';
import type { Placeholder, SnippetPart } from '../templates';
import { deviceIndex, driveBusOf, firstSentence, isDevicesElement, orderedEnum, resolve, stepsTo } from './common';
import { hostPciAddressElements, hostTextItems } from './host';
import {
  DEVICE_ADDRESS_TYPE,
  DEVICE_VARIANTS,
  DISK_ADDRESS_BY_BUS,
  USUAL_TEXT,
  atDevicePlace,
  usualAttributes,
  usualChildren,
  type ChildSpec,
} from './knowledge';
import { lookUp, placeOf } from './place';
import { Tabs, indentInsert, templateCandidates } from './snippets';
import type { CompletionCandidate, Env } from './types';
import { smartValues } from './values';

/** Element variants offered besides the plain element (a discriminator already chosen). */
function variantsOf(name: string, parentPath: readonly PathStep[], parentEl: XmlElement | undefined): readonly Record<string, string>[] {
  if (atDevicePlace(name, parentPath)) {
    return lookUp(DEVICE_VARIANTS, placeOf([...parentPath, { name, attrs: {} }])!) ?? [];
  }
  const di = deviceIndex(parentPath);
  if (name === 'address' && parentPath.length - 1 === di) {
    // the device's own address: the type its bus takes
    const device = parentPath[di]!;
    let type: string | null;
    if (device.name === 'disk') {
      const bus = driveBusOf(parentEl, parentPath);
      type = (bus !== undefined ? DISK_ADDRESS_BY_BUS.get(bus) : undefined) ?? 'pci';
    } else {
      const found = lookUp(DEVICE_ADDRESS_TYPE, placeOf(parentPath)!);
      type = found === undefined ? 'pci' : found;
    }
    return type ? [{ type }] : [];
  }
  return [];
}

/**
 * The snippet for a new element `name` (with `presets`) under `parentPath`. Required and usual
 * attributes get computed values (or a choice of the allowed values); required and usual
 * children are written out two levels deep.
 */
function elementSnippet(
  env: Env,
  parentPath: readonly PathStep[],
  name: string,
  presets: Readonly<Record<string, string>>,
  tabs: Tabs,
  deviceEl: XmlElement | undefined,
  depth: number
): SnippetPart[] | undefined {
  const attrs: Record<string, string> = { ...presets };
  let res = resolve([...parentPath, { name, attrs }]);
  if (!res) {
    return undefined;
  }
  const out: SnippetPart[] = ['<' + name];
  const q = env.quote;
  for (const [k, v] of Object.entries(presets)) {
    out.push(` ${k}=${q}${v}${q}`);
  }
  const wanted = usualAttributes([...parentPath, { name, attrs }]).filter((n) => !(n in presets));
  for (const a of attributesOf(res)) {
    if (a.required && !(a.name in presets) && !wanted.includes(a.name)) {
      wanted.push(a.name);
    }
  }
  for (const n of wanted) {
    const info = res.attributes.get(n);
    if (!info || (info.vendor && env.flavor === 'upstream')) {
      continue;
    }
    const path = [...parentPath, { name, attrs: { ...attrs } }];
    const smart = smartValues(env, { path, attribute: n, self: undefined, deviceEl });
    const best = smart.find((s) => s.preselect) ?? smart[0];
    const choices = orderedEnum(env, info);
    let value: Placeholder;
    if (choices.length > 0) {
      const first = best ? [best.value, ...choices.filter((c) => c !== best.value)] : choices;
      value = tabs.next('', first.slice(0, 24));
    } else {
      value = tabs.next(best?.value ?? '');
    }
    out.push(` ${n}=${q}`, value, q);
    attrs[n] = value.text;
    if (info.discriminator) {
      res = resolve([...parentPath, { name, attrs }]) ?? res;
    }
  }
  const selfPath: PathStep[] = [...parentPath, { name, attrs }];
  const kids: SnippetPart[][] = [];
  if (depth < 3) {
    // The plain element (no preset) leaves out what depends on a value the user has still to choose.
    const rich = depth > 0 || Object.keys(presets).length > 0;
    const specs: ChildSpec[] = rich ? usualChildren(selfPath).filter((s) => res.children.has(s.name)) : [];
    for (const c of childrenOf(res)) {
      if (c.required && !specs.some((x) => x.name === c.name)) {
        specs.push({ name: c.name });
      }
    }
    for (const s of specs) {
      const k = elementSnippet(env, selfPath, s.name, s.attrs ?? {}, tabs, deviceEl, depth + 1);
      if (k) {
        kids.push(k);
      }
    }
  }
  const hasChildren = childrenOf(res).length > 0 || res.anyChildren;
  if (kids.length > 0) {
    out.push('>');
    for (const k of kids) {
      out.push('\n  ', ...k.map((p) => (typeof p === 'string' ? p.replace(/\n/g, '\n  ') : p)));
    }
    out.push(`\n</${name}>`);
  } else if (hasChildren && (res.attributes.size === 0 || childrenOf(res).some((c) => c.required))) {
    out.push('>\n  ', depth === 0 ? { tab: 0, text: '' } : '', `\n</${name}>`);
  } else if (res.text) {
    let values = [...(enumValues(res.text) ?? [])];
    const usual = USUAL_TEXT[`${parentPath[parentPath.length - 1]?.name ?? ''}/${name}`] ?? USUAL_TEXT[name];
    if (usual && values.includes(usual)) {
      values = [usual, ...values.filter((v) => v !== usual)];
    }
    out.push('>', tabs.next('', values.length > 0 ? values.slice(0, 24) : undefined), `</${name}>`);
  } else {
    out.push('/>');
  }
  return out.filter((p) => p !== '');
}

function elementCandidates(
  env: Env,
  parentPath: readonly PathStep[],
  parentRes: ResolvedElement | undefined,
  parentEl: XmlElement | undefined,
  names: readonly string[],
  span: Span,
  withLt: boolean,
  nameOnly: boolean,
  typing: XmlElement | undefined
): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  const deviceEl = deviceOf(env.model, parentEl)?.el;
  // Names of the children already there (one pass: <devices> may have thousands).
  const present = new Set<string>();
  for (const c of parentEl?.children ?? []) {
    if (c !== typing) {
      present.add(c.name);
    }
  }
  names.forEach((name, i) => {
    const info = parentRes?.children.get(name);
    if (info && !info.multiple && present.has(name)) {
      return; // there already is one
    }
    const doc = parentRes ? childDoc(parentRes, name) : undefined;
    const sortBase = `1${String(i).padStart(3, '0')}`;
    if (nameOnly) {
      out.push({ label: name, kind: 'element', detail: firstSentence(doc), documentation: doc, insert: [name], span, sortText: sortBase });
      return;
    }
    const lt = withLt ? '' : undefined;
    const make = (presets: Record<string, string>, label: string, sort: string, preselect?: boolean): void => {
      const body = elementSnippet(env, parentPath, name, presets, new Tabs(), deviceEl, 0);
      if (!body) {
        return;
      }
      if (lt === undefined) {
        const first = body[0];
        if (typeof first === 'string') {
          body[0] = first.slice(1); // the '<' is already typed
        }
      }
      const insert = indentInsert(env, body);
      out.push({
        label,
        kind: 'element',
        detail: firstSentence(doc),
        documentation: doc,
        insert,
        span,
        filterText: withLt ? name : undefined,
        sortText: sort,
        preselect,
      });
    };
    make({}, name, sortBase);
    variantsOf(name, parentPath, parentEl).forEach((presets, k) => {
      const label = `${name} ${Object.entries(presets)
        .map(([a, v]) => `${a}='${v}'`)
        .join(' ')}`;
      make({ ...presets }, label, `${sortBase}${k}`, false);
    });
  });
  return out;
}

/** Names allowed at the top of a file: a domain, or one device as `virsh attach-device` takes it. */
function topLevelNames(): string[] {
  const root = rootElement();
  const devices = childElement(root, { name: 'devices', attrs: {} });
  const names = ['domain'];
  for (const c of devices ? childrenOf(devices) : []) {
    if (FRAGMENT_ROOTS.has(c.name)) {
      names.push(c.name);
    }
  }
  return names;
}

function contentCandidates(
  env: Env,
  parent: XmlElement | undefined,
  span: Span,
  withLt: boolean,
  nameOnly: boolean,
  typing: XmlElement | undefined,
  templateSpan: Span
): CompletionCandidate[] {
  if (!parent) {
    const root = env.doc.root;
    if (root && root !== typing) {
      return [];
    }
    const out = elementCandidates(env, [], undefined, undefined, topLevelNames(), span, withLt, nameOnly, typing);
    return nameOnly ? out : [...out, ...templateCandidates(env, templateSpan, true)];
  }
  const path = stepsTo(parent);
  const res = resolve(path);
  if (!res) {
    return [];
  }
  const names = childrenOf(res).map((c) => c.name);
  const out = elementCandidates(env, path, res, parent, names, span, withLt, nameOnly, typing);
  if (!nameOnly && isDevicesElement(path)) {
    out.push(...templateCandidates(env, templateSpan, false));
  }
  return out;
}

export function elementNameItems(env: Env, ctx: ElementNameContext): CompletionCandidate[] {
  const typing = elementStartingAt(env.doc, ctx.lt);
  return [
    ...hostPciAddressElements(env, ctx, stepsTo(ctx.parent)),
    ...contentCandidates(env, ctx.parent, ctx.span, false, ctx.tagHasMore, typing, { start: ctx.lt, end: ctx.span.end }),
  ];
}

export function textItems(env: Env, ctx: TextContext): CompletionCandidate[] {
  const out = [...hostTextItems(env, ctx), ...contentCandidates(env, ctx.parent, ctx.span, true, false, undefined, ctx.span)];
  if (ctx.parent) {
    const res = resolve(stepsTo(ctx.parent));
    const values = res?.text ? (enumValues(res.text) ?? []) : [];
    values.forEach((v, i) =>
      out.push({ label: v, kind: 'value', insert: [v], span: ctx.span, sortText: `0${String(i).padStart(3, '0')}` })
    );
  }
  return out;
}

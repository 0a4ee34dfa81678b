/**
 * Rule family: target version — pieces of domain XML newer than the libvirt release the file is
 * for (`libvirt.targetVersion` / `--target-version`, by default the libvirt installed here). The
 * schema checks judge against the newest schema we bundle; this family says what an older libvirt
 * will do with what came after it (schema/since.ts).
 *
 * - target-version-refused (error): the target refuses it (probed on that very release).
 * - target-version-ignored (warning): the target drops it without a word (probed likewise).
 * - target-version-newer (warning): not in the target's schema, and not probed on that release.
 *
 * A piece the probed libvirt kept (it knew it before its schema did) is not reported. Inside an
 * element that is itself newer, nothing more is said.
 */
import { child, type Span, type XmlElement } from '../syntax/tree';
import { attributeNewer, childPath, elementNewer, textNewer, valueNewer, type Newer } from '../schema/since';
import { addDeviceFindings, type DeviceMemo, type Finding, type RuleFamily } from './types';

function report(found: Finding[], n: Newer | undefined, what: string, span: Span, target: string): void {
  if (!n || n.verdict === 'accept') {
    return;
  }
  const when = `it came after libvirt ${n.after} (${n.by} has it)`;
  if (n.verdict === 'reject') {
    found.push({
      code: 'target-version-refused',
      message: `libvirt ${target} refuses ${what}: ${when}. virsh define there fails with "${n.message ?? 'an error'}".`,
      span,
    });
  } else if (n.verdict === 'drop') {
    found.push({
      code: 'target-version-ignored',
      message: `libvirt ${target} does not know ${what}: ${when}, and ${target} drops it without a word.`,
      span,
    });
  } else {
    found.push({
      code: 'target-version-newer',
      message: `${what[0]!.toUpperCase()}${what.slice(1)} is not in libvirt ${target}'s schema: ${when}. libvirt ${target} may refuse it or ignore it.`,
      span,
    });
  }
}

/**
 * Depth-first, in document order, without recursion (a hostile document may nest 100,000 deep).
 * The children of `devices` (the domain's <devices>) are walked one device at a time through
 * `memo`: after an edit inside one device the others' findings are reused.
 */
function walk(
  root: XmlElement,
  rootPath: string,
  target: string,
  found: Finding[],
  devices?: { el: XmlElement; memo: DeviceMemo | undefined }
): void {
  const stack: { el: XmlElement; path: string }[] = [{ el: root, path: rootPath }];
  while (stack.length > 0) {
    const { el, path } = stack.pop()!;
    const newEl = elementNewer(path, target);
    if (newEl) {
      report(found, newEl, `<${el.name}>`, el.nameSpan, target);
      continue;
    }
    for (const a of el.attributes) {
      const newAttr = attributeNewer(path, a.name, target);
      if (newAttr) {
        report(found, newAttr, `the attribute ${a.name} of <${el.name}>`, a.nameSpan, target);
      } else if (a.value !== undefined && a.valueSpan) {
        report(found, valueNewer(path, a.name, a.value, target), `${a.name}='${a.value}' on <${el.name}>`, a.valueSpan, target);
      }
    }
    if (el.textSpan && el.children.length === 0) {
      const word = el.text.trim();
      report(found, textNewer(path, word, target), `'${word}' in <${el.name}>`, el.textSpan, target);
    }
    if (el === devices?.el) {
      const each = (c: XmlElement): Finding[] => (c.name.includes(':') ? [] : walkDevice(c, childPath(path, c.name), target));
      addDeviceFindings(found, devices.memo, targetVersionRules.id, el.children, (c) => c, each);
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (!c.name.includes(':')) {
        stack.push({ el: c, path: childPath(path, c.name) });
      }
    }
  }
}

function walkDevice(device: XmlElement, path: string, target: string): Finding[] {
  const found: Finding[] = [];
  walk(device, path, target, found);
  return found;
}

export const targetVersionRules: RuleFamily = {
  id: 'target-version',
  check(model, ctx) {
    const target = ctx.targetVersion;
    if (!target) {
      return [];
    }
    const found: Finding[] = [];
    const root = model.root;
    if (model.kind === 'domain') {
      const devices = child(root, 'devices');
      walk(root, 'domain', target, found, devices && { el: devices, memo: ctx.memo });
    } else {
      walk(root, childPath('domain>devices', root.name), target, found);
    }
    return found;
  },
};

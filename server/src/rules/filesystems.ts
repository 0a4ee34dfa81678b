/**
 * Rule family: filesystems — <filesystem> shares with the guest, 9p and virtiofs (each checked
 * against libvirt 9.0's QEMU driver here).
 * - filesystem-option-unsupported: what the QEMU driver refuses in a <filesystem>
 *   (qemu/qemu_validate.c qemuValidateDomainDeviceDefFS): a type other than mount, fmode or dmode
 *   without accessmode='mapped', the handle driver without passthrough, the loop, nbd and ploop
 *   drivers, and for virtiofs: <readonly/>, an accessmode other than passthrough, wrpolicy (these
 *   three unless virtiofsd is external, <source socket>), a model, a format, multidevs, fmode and
 *   dmode. Also a <boot order> on anything but virtiofs (conf/domain_validate.c
 *   virDomainFSDefValidate).
 * - filesystem-shared-memory-missing: virtiofs (vhost-user) needs the guest's memory shared:
 *   <memoryBacking><access mode='shared'/>, or every NUMA cell with memAccess='shared' or none
 *   (qemu_validate.c qemuValidateDomainDefVhostUserRequireSharedMemory).
 * - filesystem-target-duplicate: two virtiofs shares with one target tag (conf/domain_validate.c
 *   virDomainDefFSValidate).
 */
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type XmlAttribute, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

const UNSUPPORTED_DRIVERS = new Set(['loop', 'nbd', 'ploop']);

function valueSpan(a: XmlAttribute): XmlAttribute['span'] {
  return a.valueSpan ?? a.span;
}

/** fmode or dmode when it is set to something other than 0 (libvirt reads them in octal). */
function modeSet(el: XmlElement): XmlAttribute | undefined {
  for (const name of ['fmode', 'dmode']) {
    const a = attr(el, name);
    const v = a?.value?.trim();
    if (a && v !== undefined && /^[0-7]+$/.test(v) && /[1-7]/.test(v)) {
      return a;
    }
  }
  return undefined;
}

function optionProblem(el: XmlElement): Finding | undefined {
  const say = (a: XmlAttribute | XmlElement, message: string): Finding => ({
    code: 'filesystem-option-unsupported',
    message,
    span: 'attributes' in a ? a.nameSpan : valueSpan(a),
  });
  const type = attr(el, 'type');
  if (type?.value !== undefined && type.value !== 'mount') {
    return say(type, `The QEMU driver shares host directories only: <filesystem type='${type.value}'> is refused; use type='mount'.`);
  }
  const driver = child(el, 'driver');
  const driverType = driver && attr(driver, 'type');
  const source = child(el, 'source');
  const socket = source ? attrValue(source, 'socket') : undefined;
  const accessAttr = attr(el, 'accessmode');
  const access = accessAttr?.value ?? (socket === undefined ? 'passthrough' : '');
  const mode = modeSet(el);
  if (mode && access !== 'mapped') {
    return say(mode, `${mode.name} only applies with accessmode='mapped'; the QEMU driver refuses it here.`);
  }
  if (driverType?.value === 'handle' && access !== 'passthrough') {
    return say(accessAttr ?? driverType, "The handle driver works only with accessmode='passthrough'.");
  }
  if (driverType?.value !== undefined && UNSUPPORTED_DRIVERS.has(driverType.value)) {
    return say(driverType, `The QEMU driver has no '${driverType.value}' filesystem driver; use 'path' (9p) or 'virtiofs'.`);
  }
  if (driverType?.value !== 'virtiofs') {
    return undefined;
  }
  if (socket === undefined) {
    const readonly = child(el, 'readonly');
    if (readonly) {
      return say(readonly, 'virtiofs shares cannot be read-only in libvirt 9.0: remove <readonly/>.');
    }
    if (access !== 'passthrough') {
      return say(accessAttr!, `virtiofs takes only accessmode='passthrough', not '${accessAttr!.value}'.`);
    }
    const wrpolicy = attr(driver!, 'wrpolicy');
    if (wrpolicy) {
      return say(wrpolicy, 'virtiofs has no write policy: remove wrpolicy.');
    }
  }
  const model = attr(el, 'model');
  if (model) {
    return say(model, `virtiofs takes no model ('${model.value}'): remove it.`);
  }
  const format = attr(driver!, 'format');
  if (format) {
    return say(format, 'virtiofs shares a directory and takes no format: remove it.');
  }
  const multidevs = attr(el, 'multidevs');
  if (multidevs && multidevs.value !== 'default') {
    return say(multidevs, 'multidevs is a 9p setting; virtiofs refuses it.');
  }
  if (mode) {
    return say(mode, `${mode.name} is a 9p setting; virtiofs refuses it.`);
  }
  return undefined;
}

/** True when the guest's memory is shared the way vhost-user devices need it. */
function memoryShared(model: DomainModel): boolean {
  const backing = child(model.root, 'memoryBacking');
  const access = backing && child(backing, 'access');
  const shared = access !== undefined && attrValue(access, 'mode') === 'shared';
  const cpu = child(model.root, 'cpu');
  const numa = cpu && child(cpu, 'numa');
  const cells = numa ? childrenNamed(numa, 'cell') : [];
  if (cells.length === 0) {
    return shared;
  }
  return cells.every((c) => {
    const mem = attrValue(c, 'memAccess');
    return mem === 'shared' || (mem === undefined && shared);
  });
}

export const filesystemRules: RuleFamily = {
  id: 'filesystems',
  check(model) {
    const findings: Finding[] = [];
    const tags = new Map<string, XmlElement>();
    let needsShared: XmlAttribute | undefined;
    for (const d of model.devices) {
      if (d.el.name !== 'filesystem') {
        continue;
      }
      const driver = child(d.el, 'driver');
      const virtiofs = driver !== undefined && attrValue(driver, 'type') === 'virtiofs';
      const boot = child(d.el, 'boot');
      if (boot && !virtiofs) {
        findings.push({
          code: 'filesystem-option-unsupported',
          message: 'Only a virtiofs share can be booted from: remove <boot order> or use <driver type="virtiofs"/>.',
          span: boot.nameSpan,
        });
        continue;
      }
      const problem = optionProblem(d.el);
      if (problem) {
        findings.push(problem);
        continue;
      }
      if (!virtiofs) {
        continue;
      }
      needsShared ??= attr(driver, 'type');
      const target = child(d.el, 'target');
      const dir = target && attr(target, 'dir');
      if (dir?.value !== undefined) {
        const first = tags.get(dir.value);
        if (first) {
          findings.push({
            code: 'filesystem-target-duplicate',
            message: `A second virtiofs share with the target '${dir.value}': each share needs its own tag.`,
            span: valueSpan(dir),
            related: [{ message: 'the first one', span: first.nameSpan }],
          });
        } else {
          tags.set(dir.value, target!);
        }
      }
    }
    if (needsShared && model.kind === 'domain' && !memoryShared(model)) {
      findings.push({
        code: 'filesystem-shared-memory-missing',
        message:
          "virtiofs needs the guest's memory shared with virtiofsd: add <memoryBacking><access mode='shared'/></memoryBacking> (or memAccess='shared' on every NUMA cell).",
        span: valueSpan(needsShared),
      });
    }
    return findings;
  },
};

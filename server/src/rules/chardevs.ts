/**
 * Rule family: chardevs — the host side of <serial>, <parallel>, <console> and <channel>.
 * - chardev-source-missing: "Missing source path|host|service attribute for char device"
 *   (conf/domain_validate.c virDomainChrSourceDefValidate; checked against libvirt 9.0 here):
 *   file, dev and pipe need <source path>; unix needs it too except on a virtio or xen <channel>
 *   (libvirt makes one up); tcp needs <source host service>; udp needs a service on its connect
 *   <source> (one without mode= or with mode='connect').
 *
 * - chardev-source-invalid: a spiceport or dbus source without a channel= or with characters
 *   other than letters, digits, '_', '-' and '.'; an nmdm source with only one of master and
 *   slave; <reconnect> on a listening (mode='bind') tcp or unix source (conf/domain_validate.c
 *   virDomainChrSourceDefValidate); reconnect enabled with timeout 0, spicevmc or spiceport
 *   without SPICE graphics (qemu/qemu_validate.c qemuValidateDomainChrSourceDef).
 * - chardev-target-invalid: a <channel> without a target type, a guestfwd channel without an IPv4
 *   target address, spicevmc anywhere but a virtio channel, a usb-serial or another serial target
 *   type with an address of the wrong type (conf/domain_conf.c parser, qemu_validate.c
 *   qemuValidateDomainChrTargetDef), a serial target model of another target type, a serial
 *   target the machine does not have (pl011 off ARM virt, 16550a off RISC-V virt, spapr-vty off
 *   pseries, sclp off s390; qemuValidateDomainChrDef), more than four ISA serial ports or two on
 *   one port (conf/domain_postparse.c). A second serial <console> is the domain family's
 *   console-serial-not-first.
 * - chardev-element-duplicate: two <source>s (three for udp), two <log>s or two <protocol>s in one
 *   character device (conf/domain_conf.c virDomainChrSourceDefParseXML).
 *
 * The first <console> of a guest that has a <serial> stands for that serial port when it is a
 * serial console (target type serial or none): libvirt then takes the serial's source, so the
 * console is not judged on its own.
 */
import type { Device, DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type XmlElement } from '../syntax/tree';
import { deviceFact, eachDeviceFindings, type DeviceMemo, type Finding, type RuleFamily } from './types';

const CHANNEL_NAME = /^[A-Za-z0-9_.-]*$/;
/** Serial target types and the address type each takes (qemuValidateChrSerialTargetTypeToAddressType). */
const SERIAL_ADDRESS: Readonly<Record<string, string | null>> = {
  'isa-serial': 'isa',
  'isa-debug': 'isa',
  'usb-serial': 'usb',
  'pci-serial': 'pci',
  'spapr-vio-serial': 'spapr-vio',
  'system-serial': null,
  'sclp-serial': null,
};
/** Serial target models and the target type each belongs to. */
const MODEL_TYPE: Readonly<Record<string, string>> = {
  'isa-serial': 'isa-serial',
  'usb-serial': 'usb-serial',
  'pci-serial': 'pci-serial',
  'spapr-vty': 'spapr-vio-serial',
  pl011: 'system-serial',
  '16550a': 'system-serial',
  sclpconsole: 'sclp-serial',
  sclplmconsole: 'sclp-serial',
  'isa-debugcon': 'isa-debug',
};

function sourceProblem(el: XmlElement, type: string, hasSpice: boolean | undefined): Finding | undefined {
  const source = childrenNamed(el, 'source')[0];
  const say = (at: XmlElement, message: string, span = at.nameSpan): Finding => ({ code: 'chardev-source-invalid', message, span });
  if (type === 'spiceport' || type === 'dbus') {
    const channel = source && attr(source, 'channel');
    if (!channel) {
      return say(source ?? el, `A ${type} character device needs <source channel='NAME'/>.`);
    }
    if (channel.value !== undefined && !CHANNEL_NAME.test(channel.value)) {
      return say(source, `channel='${channel.value}' may hold only letters, digits, '_', '-' and '.'.`, channel.valueSpan ?? channel.span);
    }
  }
  if (type === 'nmdm' && source && (attr(source, 'master') === undefined) !== (attr(source, 'slave') === undefined)) {
    return say(source, 'An nmdm device needs both master= and slave= paths, or neither.');
  }
  if ((type === 'tcp' || type === 'unix') && source) {
    const reconnect = child(source, 'reconnect');
    const enabled = reconnect && attrValue(reconnect, 'enabled');
    if (reconnect && enabled !== undefined && attrValue(source, 'mode') === 'bind') {
      return say(reconnect, "<reconnect> is for a source that connects (mode='connect'); this one listens.");
    }
    if (reconnect && enabled === 'yes' && /^\s*0+\s*$/.test(attrValue(reconnect, 'timeout') ?? '0')) {
      const timeout = attr(reconnect, 'timeout');
      return say(reconnect, 'Reconnecting needs a timeout of at least one second.', timeout?.valueSpan ?? reconnect.nameSpan);
    }
  }
  if ((type === 'spicevmc' || type === 'spiceport') && hasSpice === false) {
    const t = attr(el, 'type')!;
    return say(
      el,
      `A ${type} character device needs SPICE graphics (<graphics type='spice'>), and this guest has none.`,
      t.valueSpan ?? t.span
    );
  }
  return undefined;
}

/** Whether the guest's machine is the one a serial target needs; undefined when not known. */
function serialFits(model: DomainModel, targetType: string | undefined, modelName: string | undefined): boolean | undefined {
  const m = model.machine;
  if (model.kind === 'fragment' && m.origin !== 'config') {
    return undefined;
  }
  const virt = /^virt(-|$)/.test(m.name);
  if (targetType === 'system-serial' && modelName === 'pl011' && !((m.arch === 'aarch64' || m.arch === 'armv7l') && virt)) {
    return false;
  }
  if (targetType === 'system-serial' && modelName === '16550a' && !(m.arch?.startsWith('riscv') && virt)) {
    return false;
  }
  if ((targetType === 'spapr-vio-serial' || modelName === 'spapr-vty') && !/^pseries/.test(m.name)) {
    return false;
  }
  if ((targetType === 'sclp-serial' || modelName === 'sclpconsole' || modelName === 'sclplmconsole') && !m.arch?.startsWith('s390')) {
    return false;
  }
  return true;
}

function targetProblem(model: DomainModel, el: XmlElement, type: string): Finding | undefined {
  const target = child(el, 'target');
  const tt = target && attr(target, 'type');
  const say = (message: string, span: Finding['span']): Finding => ({ code: 'chardev-target-invalid', message, span });
  if (el.name === 'channel' && !tt) {
    return say("A <channel> needs <target type='virtio'> (or guestfwd, xen).", (target ?? el).nameSpan);
  }
  if (el.name === 'channel' && tt?.value === 'guestfwd') {
    const address = attr(target!, 'address');
    if (!address) {
      return say('A guestfwd channel needs the guest-side address= (IPv4) and port= it forwards.', target!.nameSpan);
    }
    if (address.value?.includes(':')) {
      return say(`A guestfwd channel forwards an IPv4 address only, not '${address.value}'.`, address.valueSpan ?? address.span);
    }
  }
  if (type === 'spicevmc' && !(el.name === 'channel' && tt?.value === 'virtio') && !(el.name === 'serial' && tt?.value === 'usb-serial')) {
    const t = attr(el, 'type')!;
    return say(
      `spicevmc is only for a <channel> with <target type='virtio'>, not a <${el.name}>${tt ? ` of target type '${tt.value}'` : ''}.`,
      t.valueSpan ?? t.span
    );
  }
  if (el.name !== 'serial' || !target) {
    return undefined;
  }
  const address = child(el, 'address');
  const addressType = address && attrValue(address, 'type');
  const ttv = tt?.value;
  if (ttv !== undefined && addressType !== undefined && ttv in SERIAL_ADDRESS) {
    const expected = SERIAL_ADDRESS[ttv];
    if (expected === null) {
      return say(`A ${ttv} port has no guest address: remove the <address>.`, address!.nameSpan);
    }
    if (expected !== addressType) {
      const at = attr(address!, 'type')!;
      return say(
        `The ${ttv} port sits on the ${expected} bus: its address must be type='${expected}', not '${addressType}'.`,
        at.valueSpan ?? at.span
      );
    }
  }
  const modelEl = child(target, 'model');
  const modelName = modelEl && attrValue(modelEl, 'name');
  if (ttv !== undefined && modelName !== undefined && MODEL_TYPE[modelName] !== undefined && MODEL_TYPE[modelName] !== ttv) {
    const n = attr(modelEl!, 'name')!;
    return say(`The ${modelName} model needs target type '${MODEL_TYPE[modelName]}', not '${ttv}'.`, n.valueSpan ?? n.span);
  }
  if (serialFits(model, ttv, modelName) === false) {
    const at = modelName !== undefined ? attr(modelEl!, 'name')! : tt!;
    return say(
      `This machine (${model.machine.arch ?? '?'} ${model.machine.name}) has no ${modelName ?? ttv} serial port.`,
      at.valueSpan ?? at.span
    );
  }
  return undefined;
}

function duplicates(el: XmlElement, type: string, findings: Finding[]): void {
  const once = (name: string, max: number): void => {
    const els = childrenNamed(el, name);
    if (els.length > max) {
      findings.push({
        code: 'chardev-element-duplicate',
        message: `A <${el.name}> takes ${max === 1 ? 'one' : 'two'} <${name}>${max === 2 ? ' (bind and connect)' : ''}; this is one too many.`,
        span: els[max]!.nameSpan,
        related: [{ message: 'the first one', span: els[0]!.nameSpan }],
      });
    }
  };
  once('source', type === 'udp' ? 2 : 1);
  once('log', 1);
  once('protocol', 1);
}

function isaTarget(el: XmlElement): XmlElement | undefined {
  const target = child(el, 'target');
  return target && attrValue(target, 'type') === 'isa-serial' ? target : undefined;
}

/** ISA serial ports: at most four, each on its own port number (conf/domain_postparse.c). */
function isaPorts(model: DomainModel, findings: Finding[], memo: DeviceMemo | undefined): void {
  const used = new Map<number, XmlElement>();
  let count = 0;
  for (const d of model.devices) {
    // A serial's ISA target, read once and kept while the device does not change.
    const target = d.kind === 'serial' ? deviceFact(memo, 'isa-serial-target', d.el, () => isaTarget(d.el)) : undefined;
    if (!target) {
      continue;
    }
    const port = attr(target, 'port');
    const n = port?.value !== undefined && /^\s*\d+\s*$/.test(port.value) ? Number(port.value) : undefined;
    count++;
    if (count > 4 || (n !== undefined && n >= 4)) {
      findings.push({
        code: 'chardev-target-invalid',
        message: 'A guest has four ISA serial ports at most, numbered 0 to 3.',
        span: port?.valueSpan ?? target.nameSpan,
      });
      return;
    }
    if (n !== undefined) {
      const first = used.get(n);
      if (first) {
        findings.push({
          code: 'chardev-target-invalid',
          message: `ISA serial port ${n} is taken by another serial device.`,
          span: port!.valueSpan ?? port!.span,
          related: [{ message: 'the first one', span: first.nameSpan }],
        });
        return;
      }
      used.set(n, target);
    }
  }
}

const KINDS = new Set(['serial', 'parallel', 'console', 'channel']);

function targetType(el: XmlElement): string | undefined {
  const target = childrenNamed(el, 'target')[0];
  return target ? attr(target, 'type')?.value : undefined;
}

function missing(el: XmlElement, what: string, type: string, hint: string): Finding {
  const typeAttr = attr(el, 'type')!;
  const source = childrenNamed(el, 'source')[0];
  return {
    code: 'chardev-source-missing',
    message: `A <${el.name} type='${type}'> needs ${what}: ${hint}.`,
    span: source ? source.nameSpan : (typeAttr.valueSpan ?? typeAttr.span),
  };
}

function checkChardev(model: DomainModel, el: XmlElement, findings: Finding[], hasSpice: boolean | undefined): void {
  const type = attr(el, 'type')?.value;
  if (!type) {
    return;
  }
  duplicates(el, type, findings);
  const target = targetProblem(model, el, type);
  if (target) {
    findings.push(target);
    return;
  }
  const n = findings.length;
  checkSource(el, type, findings);
  if (findings.length === n) {
    const source = sourceProblem(el, type, hasSpice);
    if (source) {
      findings.push(source);
    }
  }
}

function checkSource(el: XmlElement, type: string, findings: Finding[]): void {
  const sources = childrenNamed(el, 'source');
  const first = sources[0];
  const has = (s: XmlElement | undefined, name: string): boolean => !!s && attr(s, name) !== undefined;
  switch (type) {
    case 'file':
    case 'dev':
    case 'pipe':
      if (!has(first, 'path')) {
        findings.push(missing(el, 'a source path', type, `write <source path='...'/> naming the host ${type === 'dev' ? 'device' : type}`));
      }
      break;
    case 'unix': {
      const tt = el.name === 'channel' ? targetType(el) : undefined;
      if (!has(first, 'path') && !(tt === 'virtio' || tt === 'xen')) {
        findings.push(
          missing(
            el,
            'a socket path',
            type,
            "write <source mode='bind' path='/run/...sock'/>; only virtio and xen channels get one made up"
          )
        );
      }
      break;
    }
    case 'tcp':
      if (!has(first, 'host')) {
        findings.push(missing(el, 'a source host', type, "write <source mode='bind' host='127.0.0.1' service='4555'/>"));
      } else if (!has(first, 'service')) {
        findings.push(missing(el, 'a source service (port)', type, "add service='4555' to its <source>"));
      }
      break;
    case 'udp': {
      const connect = sources.filter((s) => {
        const mode = attr(s, 'mode')?.value;
        return mode === undefined || mode === 'connect';
      });
      if (!connect.some((s) => has(s, 'service'))) {
        findings.push(
          missing(el, 'a connect source with a service', type, "write <source mode='connect' host='127.0.0.1' service='4556'/>")
        );
      }
      break;
    }
    default:
      break;
  }
}

export const chardevRules: RuleFamily = {
  id: 'chardevs',
  check(model, ctx) {
    const hasSerial = model.devices.some((d) => d.kind === 'serial');
    const hasSpice = model.kind === 'domain' ? model.graphics.some((g) => g.type === 'spice') : undefined;
    // The first console, when it stands for the first serial port, is that port's (not judged here).
    const console0 = model.devices.find((d) => d.kind === 'console');
    const tt0 = console0 && targetType(console0.el);
    const skipped = console0 && hasSerial && (tt0 === undefined || tt0 === 'serial') ? console0 : undefined;
    const each = (d: Device): Finding[] => {
      const found: Finding[] = [];
      if (KINDS.has(d.kind) && d !== skipped) {
        checkChardev(model, d.el, found, hasSpice);
      }
      return found;
    };
    // Kept per device; whether the guest has SPICE graphics (another device) is part of the key.
    const key = `${chardevRules.id}:${String(hasSpice)}`;
    const findings = eachDeviceFindings(ctx.memo, key, model.devices, (d) => d.el, each);
    isaPorts(model, findings, ctx.memo);
    return findings;
  },
};

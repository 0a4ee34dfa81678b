/**
 * Rule family: chardevs — the host side of <serial>, <parallel>, <console> and <channel>.
 * - chardev-source-missing: "Missing source path|host|service attribute for char device"
 *   (conf/domain_validate.c virDomainChrSourceDefValidate; checked against libvirt 9.0 here):
 *   file, dev and pipe need <source path>; unix needs it too except on a virtio or xen <channel>
 *   (libvirt makes one up); tcp needs <source host service>; udp needs a service on its connect
 *   <source> (one without mode= or with mode='connect').
 *
 * The first <console> of a guest that has a <serial> stands for that serial port when it is a
 * serial console (target type serial or none): libvirt then takes the serial's source, so the
 * console is not judged on its own.
 */
import { attr, childrenNamed, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

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

function checkChardev(el: XmlElement, findings: Finding[]): void {
  const type = attr(el, 'type')?.value;
  if (!type) {
    return;
  }
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
  check(model) {
    const findings: Finding[] = [];
    const hasSerial = model.devices.some((d) => d.kind === 'serial');
    let firstConsole = true;
    for (const d of model.devices) {
      if (!KINDS.has(d.kind)) {
        continue;
      }
      if (d.kind === 'console') {
        const isFirst = firstConsole;
        firstConsole = false;
        const tt = targetType(d.el);
        if (isFirst && hasSerial && (tt === undefined || tt === 'serial')) {
          continue;
        }
      }
      checkChardev(d.el, findings);
    }
    return findings;
  },
};

/**
 * Rule family: graphics — <graphics> listens and D-Bus displays (each checked against libvirt
 * 9.0's QEMU driver here).
 * - graphics-listen-invalid: a <listen> that contradicts itself or its <graphics> (conf/domain_conf.c
 *   virDomainGraphicsListenDefParseXML): type socket or none on a display other than VNC and SPICE,
 *   a first listen whose address (or socket) differs from the <graphics listen= (socket=)>
 *   attribute, network= on a listen that is not type network, socket= on one that is not type
 *   socket; a D-Bus display in p2p mode with an address (conf/domain_validate.c
 *   virDomainGraphicsDefValidate); a D-Bus display whose <audio id> names an audio backend that is
 *   not D-Bus (qemu/qemu_validate.c qemuValidateDomainDeviceDefDBusGraphics).
 */
import { attr, attrValue, child, childrenNamed, type XmlAttribute } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

/** Display types whose <listen> children libvirt reads. */
const LISTENING = new Set(['vnc', 'spice', 'rdp']);

function at(a: XmlAttribute): Finding['span'] {
  return a.valueSpan ?? a.span;
}

export const graphicsRules: RuleFamily = {
  id: 'graphics',
  check(model) {
    const findings: Finding[] = [];
    const say = (message: string, span: Finding['span']): void => {
      findings.push({ code: 'graphics-listen-invalid', message, span });
    };
    const audios = model.kind === 'domain' ? model.devices.filter((d) => d.kind === 'audio') : [];
    for (const g of model.graphics) {
      const el = g.el;
      const type = g.type;
      if (type === 'dbus') {
        const p2p = attr(el, 'p2p');
        if (p2p?.value === 'yes' && attr(el, 'address') !== undefined) {
          say("A peer-to-peer D-Bus display (p2p='yes') takes no bus address: remove address= or p2p=.", at(p2p));
          continue;
        }
        const audio = child(el, 'audio');
        const id = audio && attr(audio, 'id');
        const target = id && audios.find((a) => attrValue(a.el, 'id') === id.value);
        const targetType = target && attrValue(target.el, 'type');
        if (id && targetType !== undefined && targetType !== 'dbus') {
          say(`A D-Bus display's audio must be a D-Bus audio backend; audio ${id.value} is type='${targetType}'.`, at(id));
        }
        continue;
      }
      if (type === undefined || !LISTENING.has(type)) {
        continue;
      }
      childrenNamed(el, 'listen').some((listen, i) => {
        const lt = attr(listen, 'type');
        if (!lt) {
          return false;
        }
        if ((lt.value === 'socket' || lt.value === 'none') && type !== 'vnc' && type !== 'spice') {
          say(`The ${type} display cannot listen on type '${lt.value}': only VNC and SPICE can.`, at(lt));
          return true;
        }
        const compare = (own: string, parentName: string): boolean => {
          const mine = attr(listen, own);
          const theirs = attr(el, parentName);
          if (i === 0 && mine?.value !== undefined && theirs?.value !== undefined && mine.value !== theirs.value) {
            say(
              `The first <listen> ${own}='${mine.value}' must equal the ${parentName}='${theirs.value}' attribute of <graphics>.`,
              at(mine)
            );
            return true;
          }
          return false;
        };
        if (lt.value === 'address' && compare('address', 'listen')) {
          return true;
        }
        if (lt.value === 'socket' && compare('socket', 'socket')) {
          return true;
        }
        for (const [name, needs] of [
          ['network', 'network'],
          ['socket', 'socket'],
        ] as const) {
          const a = attr(listen, name);
          if (a?.value && lt.value !== needs) {
            say(`${name}= belongs to a listen of type '${needs}', not '${lt.value}'.`, a.nameSpan);
            return true;
          }
        }
        return false;
      });
    }
    return findings;
  },
};

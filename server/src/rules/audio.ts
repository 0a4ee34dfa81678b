/**
 * Rule family: audio — <audio> backends and the devices that name them (each checked against
 * libvirt 9.0's QEMU driver here).
 * - audio-id-missing: a <sound> or VNC <graphics> whose <audio id> names no <audio> of the domain
 *   (conf/domain_validate.c virDomainEnsureAudioID).
 * - audio-id-duplicate: two <audio> backends with one id (virDomainAudioDefValidate).
 * - audio-option-unsupported: fixedSettings='yes' without mixingEngine='yes', <settings> without
 *   fixedSettings='yes' on an <input> or <output> (conf/domain_conf.c virDomainAudioCommonParse), a
 *   spice audio backend in a guest without SPICE graphics (qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefAudio).
 */
import { attr, attrValue, child, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

function commonProblem(dir: XmlElement): Finding | undefined {
  const fixed = attr(dir, 'fixedSettings');
  if (fixed?.value === 'yes' && attrValue(dir, 'mixingEngine') !== 'yes') {
    return {
      code: 'audio-option-unsupported',
      message: "fixedSettings='yes' needs QEMU's mixing engine: add mixingEngine='yes'.",
      span: fixed.valueSpan ?? fixed.span,
    };
  }
  const settings = child(dir, 'settings');
  if (settings && fixed?.value !== 'yes') {
    return {
      code: 'audio-option-unsupported',
      message: `<settings> only apply with fixedSettings='yes' (and mixingEngine='yes') on the <${dir.name}>.`,
      span: settings.nameSpan,
    };
  }
  return undefined;
}

export const audioRules: RuleFamily = {
  id: 'audio',
  check(model) {
    const findings: Finding[] = [];
    const audios = model.devices.filter((d) => d.kind === 'audio');
    const ids = new Map<string, XmlElement>();
    const hasSpice = model.kind === 'domain' ? model.graphics.some((g) => g.type === 'spice') : undefined;
    for (const a of audios) {
      const problem = ['input', 'output'].map((n) => child(a.el, n)).flatMap((d) => (d ? [commonProblem(d)] : []))[0];
      if (problem) {
        findings.push(problem);
        continue;
      }
      const id = attr(a.el, 'id');
      if (id?.value !== undefined) {
        const key = id.value.trim();
        const first = ids.get(key);
        if (first) {
          findings.push({
            code: 'audio-id-duplicate',
            message: `A second <audio> with id ${key}: each audio backend needs its own id.`,
            span: id.valueSpan ?? id.span,
            related: [{ message: 'the first one', span: first.nameSpan }],
          });
          continue;
        }
        ids.set(key, a.el);
      }
      const type = attr(a.el, 'type');
      if (type?.value === 'spice' && hasSpice === false) {
        findings.push({
          code: 'audio-option-unsupported',
          message: "A spice audio backend needs SPICE graphics (<graphics type='spice'>), and this guest has none.",
          span: type.valueSpan ?? type.span,
        });
      }
    }
    if (model.kind !== 'domain') {
      return findings;
    }
    for (const d of model.devices) {
      const vnc = d.kind === 'graphics' && attrValue(d.el, 'type') === 'vnc';
      if (d.kind !== 'sound' && !vnc) {
        continue;
      }
      const audio = child(d.el, 'audio');
      const id = audio && attr(audio, 'id');
      const n = id?.value?.trim();
      if (id && n !== undefined && /^\d+$/.test(n) && Number(n) !== 0 && !ids.has(n)) {
        findings.push({
          code: 'audio-id-missing',
          message: `No <audio> backend has id ${n}: add <audio id='${n}' type='...'/> or name an existing one.`,
          span: id.valueSpan ?? id.span,
        });
      }
    }
    return findings;
  },
};

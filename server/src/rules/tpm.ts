/**
 * Rule family: tpm — <tpm> devices and their backends (each checked against libvirt 9.0's QEMU
 * driver here).
 * - tpm-option-unsupported: TPM 1.2 with the tpm-crb or tpm-spapr model (qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefTPM), <active_pcr_banks> on a TPM that is not 2.0
 *   (conf/domain_validate.c virDomainTPMDevValidate) or naming a bank libvirt does not know, an
 *   external backend whose <source> has no type or no socket path (conf/domain_conf.c parser,
 *   virDomainTPMDevValidate). An emulated TPM without version= is 2.0 with tpm-crb and tpm-spapr
 *   and 1.2 otherwise (qemu/qemu_domain.c qemuDomainTPMDefPostParse), so a tpm-tis emulator with
 *   <active_pcr_banks> needs version='2.0' written out.
 * - tpm-duplicate: more than two <tpm> devices (conf/domain_conf.c), two that are not the
 *   spapr-tpm-proxy (qemu_validate.c qemuValidateDomainDefTPMs), two <backend>s in one <tpm>.
 */
import { attr, attrValue, child, childrenNamed, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

const PCR_BANKS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);
const TWO_ONLY_MODELS = new Set(['tpm-crb', 'tpm-spapr']);

function say(code: 'tpm-option-unsupported' | 'tpm-duplicate', message: string, span: Finding['span']): Finding {
  return { code, message, span };
}

function checkBackend(tpm: XmlElement, backend: XmlElement, findings: Finding[]): void {
  const type = attrValue(backend, 'type');
  const model = attr(tpm, 'model');
  if (type === 'emulator') {
    const versionAttr = attr(backend, 'version');
    const modelName = model?.value ?? 'tpm-tis';
    const version = versionAttr?.value ?? (TWO_ONLY_MODELS.has(modelName) ? '2.0' : '1.2');
    const banks = child(backend, 'active_pcr_banks');
    if (banks) {
      const unknown = banks.children.find((b) => !PCR_BANKS.has(b.name));
      if (unknown) {
        findings.push(
          say(
            'tpm-option-unsupported',
            `'${unknown.name}' is no PCR bank: libvirt knows sha1, sha256, sha384 and sha512.`,
            unknown.nameSpan
          )
        );
        return;
      }
    }
    if (version === '1.2' && model?.value !== undefined && TWO_ONLY_MODELS.has(model.value)) {
      findings.push(
        say(
          'tpm-option-unsupported',
          `The ${model.value} model emulates TPM 2.0 only: use version='2.0' or model='tpm-tis'.`,
          versionAttr?.valueSpan ?? model.valueSpan ?? model.span
        )
      );
      return;
    }
    if (banks && version !== '2.0') {
      findings.push(
        say(
          'tpm-option-unsupported',
          versionAttr
            ? `<active_pcr_banks> needs a TPM 2.0, not version='${version}'.`
            : `<active_pcr_banks> needs a TPM 2.0, and this ${modelName} emulator defaults to 1.2: add version='2.0'.`,
          versionAttr?.valueSpan ?? banks.nameSpan
        )
      );
    }
    return;
  }
  if (type === 'external') {
    const source = child(backend, 'source');
    if (!source) {
      return;
    }
    if (attr(source, 'type') === undefined) {
      findings.push(say('tpm-option-unsupported', "An external TPM's <source> needs type='unix' (the swtpm socket).", source.nameSpan));
      return;
    }
    if (attrValue(source, 'type') === 'unix' && attrValue(source, 'mode') !== 'bind' && attr(source, 'path') === undefined) {
      findings.push(say('tpm-option-unsupported', "An external TPM's <source> needs the path of swtpm's socket.", source.nameSpan));
    }
  }
}

export const tpmRules: RuleFamily = {
  id: 'tpm',
  check(model) {
    const findings: Finding[] = [];
    const tpms = model.devices.filter((d) => d.kind === 'tpm');
    let regular: XmlElement | undefined;
    tpms.forEach((d, n) => {
      const backends = childrenNamed(d.el, 'backend');
      if (backends.length > 1) {
        findings.push(say('tpm-duplicate', 'A <tpm> takes one <backend>; this is a second one.', backends[1]!.nameSpan));
      } else if (backends.length === 1) {
        checkBackend(d.el, backends[0]!, findings);
      }
      if (n === 2) {
        findings.push(
          say('tpm-duplicate', 'A third <tpm>: libvirt takes at most two, and only one that is not the spapr-tpm-proxy.', d.el.nameSpan)
        );
        return;
      }
      if (n > 2 || attrValue(d.el, 'model') === 'spapr-tpm-proxy') {
        return;
      }
      if (regular) {
        findings.push({
          ...say('tpm-duplicate', 'A second TPM: the QEMU driver takes one, besides a spapr-tpm-proxy.', d.el.nameSpan),
          related: [{ message: 'the first one', span: regular.nameSpan }],
        });
      } else {
        regular = d.el;
      }
    });
    return findings;
  },
};

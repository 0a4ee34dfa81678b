/**
 * Rule family: features — <features> the QEMU driver refuses for this guest, checked against
 * libvirt 9.0 here (qemu/qemu_validate.c qemuValidateDomainDefFeatures and
 * qemuValidateDomainDefPSeriesFeature):
 * - feature-machine-unsupported: "The 'htm' feature is not supported for architecture 'x86_64' or
 *   machine type 'pc-q35-7.2'": the pSeries features (hpt, htm, nested-hv, ccf-assist, cfpc, sbbc,
 *   ibs) off a ppc64 'pseries' machine, and gic off an ARM 'virt' machine.
 * - feature-tcg-invalid: "TCG features are incompatible with domain type 'kvm'" (<tcg> needs
 *   <domain type='qemu'>) and "tb-cache size must be an integer multiple of MiB".
 */
import { parseSizeKiB } from '../../../lib/bitmap';
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, type XmlElement } from '../syntax/tree';
import type { Finding, RuleFamily } from './types';

const PSERIES_FEATURES = ['hpt', 'htm', 'nested-hv', 'ccf-assist', 'cfpc', 'sbbc', 'ibs'];

function isPSeries(model: DomainModel): boolean {
  const { arch, name } = model.machine;
  return (arch === 'ppc64' || arch === 'ppc64le') && /^pseries/.test(name);
}

function isArmVirt(model: DomainModel): boolean {
  const { arch, name } = model.machine;
  return (arch === 'aarch64' || arch === 'armv7l') && /^virt(-|$)/.test(name);
}

/**
 * Whether libvirt takes a pSeries feature as set: <hpt> only with resizing= or a <maxpagesize>
 * above 0, cfpc/sbbc/ibs only with value=; htm, nested-hv and ccf-assist always (state= is required).
 */
function pSeriesFeatureSet(el: XmlElement): boolean {
  if (el.name === 'hpt') {
    const page = child(el, 'maxpagesize');
    return attr(el, 'resizing') !== undefined || (page !== undefined && (parseSizeKiB(page.text, attrValue(page, 'unit')) ?? 1) > 0);
  }
  if (el.name === 'cfpc' || el.name === 'sbbc' || el.name === 'ibs') {
    return attr(el, 'value') !== undefined;
  }
  return true;
}

function checkMachine(model: DomainModel, features: XmlElement, findings: Finding[]): void {
  const where = `${model.machine.arch} '${model.machine.name}'`;
  for (const el of features.children) {
    const pseries = PSERIES_FEATURES.includes(el.name) && pSeriesFeatureSet(el) && !isPSeries(model);
    const gic = el.name === 'gic' && !isArmVirt(model);
    if (pseries || gic) {
      findings.push({
        code: 'feature-machine-unsupported',
        message: pseries
          ? `<${el.name}> is a feature of ppc64 pSeries guests; the QEMU driver refuses it on ${where}.`
          : `<gic> (the ARM interrupt controller) is for ARM 'virt' guests; the QEMU driver refuses it on ${where}.`,
        span: el.nameSpan,
      });
    }
  }
}

function checkTcg(model: DomainModel, features: XmlElement, findings: Finding[]): void {
  const tcg = child(features, 'tcg');
  if (!tcg) {
    return;
  }
  // libvirt takes <tcg> as set only with a tb-cache size: an empty one, or a size of 0, is dropped.
  const cache = child(tcg, 'tb-cache');
  const kib = cache ? parseSizeKiB(cache.text, attrValue(cache, 'unit')) : undefined;
  if (!cache || !kib) {
    return;
  }
  const type = attr(model.root, 'type');
  if (type && type.value !== 'qemu') {
    findings.push({
      code: 'feature-tcg-invalid',
      message: `<tcg> tunes QEMU's software emulation, so it needs <domain type='qemu'> (this is '${type.value}').`,
      span: tcg.nameSpan,
      related: [{ message: `type='${type.value}'`, span: type.valueSpan ?? type.span }],
    });
  }
  if (kib % 1024 !== 0) {
    findings.push({
      code: 'feature-tcg-invalid',
      message: `The TCG translation block cache must be a whole number of MiB; ${cache.text.trim()} ${attrValue(cache, 'unit') ?? 'KiB'} is ${kib} KiB.`,
      span: cache.textSpan ?? cache.nameSpan,
    });
  }
}

export const featureRules: RuleFamily = {
  id: 'features',
  check(model) {
    const features = model.kind === 'domain' ? child(model.root, 'features') : undefined;
    if (!features) {
      return [];
    }
    const findings: Finding[] = [];
    checkMachine(model, features, findings);
    checkTcg(model, features, findings);
    return findings;
  },
};

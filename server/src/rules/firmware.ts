/**
 * Rule family: firmware — <os firmware=...>, <loader>, <nvram> and <bios>, each checked against
 * libvirt 9.0's QEMU driver here (conf/domain_validate.c virDomainDefOSValidate,
 * qemu/qemu_validate.c qemuValidateDomainDef, qemuValidateDomainDefBoot, qemuValidateDomainDefNvram):
 * - firmware-autoselect-conflict: with <os firmware='efi|bios'> libvirt picks the firmware files
 *   itself, so it refuses a loader with readonly=, type= or a path, an nvram template=, secure='no'
 *   ("loader attribute 'readonly' cannot be specified when firmware autoselection is enabled"...),
 *   and an <nvram> with firmware='bios' ("firmware type 'bios' does not support nvram").
 * - firmware-autoselect-missing: without firmware=, <os><firmware><feature> has nothing to select
 *   ("cannot use feature-based firmware autoselection when firmware autoselection is disabled"), and
 *   a <loader>/<nvram> needs the loader's path ("no loader path specified and firmware auto selection
 *   disabled").
 * - loader-stateless-conflict: a stateless loader keeps no NVRAM ("NVRAM template is not permitted
 *   when loader is stateless", "NVRAM is not permitted when loader is stateless"); stateless='no'
 *   asks for NVRAM, which only a pflash loader or firmware='efi' has ("Only pflash loader type
 *   permits NVRAM", "Only EFI firmware permits NVRAM").
 * - firmware-uefi-acpi: "UEFI requires ACPI on this architecture" (x86 with firmware='efi' or a
 *   pflash loader, and no <features><acpi/>).
 * - secure-boot-requirement: <loader secure='yes'> "is supported with q35 machine types only", "for
 *   x86_64 architecture only", and without firmware= "requires SMM feature enabled".
 * - nvram-source-unsupported: "unsupported nvram disk type 'dir'" (dir, volume, nvme, vhostuser),
 *   "slices are not supported with NVRAM", "persistent reservations are not supported with NVRAM".
 * - bios-serial-missing: "need at least one serial port to use BIOS serial output"
 *   (<bios useserial='yes'> with no <serial>/<console>).
 */
import type { DomainModel } from '../model/types';
import { attr, attrValue, child, childrenNamed, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { valueSpan } from './numa';
import type { Finding, RuleFamily } from './types';

const isX86 = (arch: string) => arch === 'x86_64' || arch === 'i686';

/** <features><NAME/> is on: present, and not state='off'. */
function featureOn(root: XmlElement, name: string): boolean {
  const features = child(root, 'features');
  const el = features && child(features, name);
  return el !== undefined && attrValue(el, 'state') !== 'off';
}

function checkAutoselect(os: XmlElement, findings: Finding[]): void {
  const firmware = attr(os, 'firmware');
  const loader = child(os, 'loader');
  const nvram = child(os, 'nvram');
  if (firmware?.value) {
    const fw = firmware.value;
    const conflict = (span: XmlAttribute | XmlElement, what: string) =>
      findings.push({
        code: 'firmware-autoselect-conflict',
        message: `${what}: with <os firmware='${fw}'> libvirt picks the firmware files itself and refuses this. Drop it, or drop firmware= and name the loader yourself.`,
        span: 'valueSpan' in span ? valueSpan(span) : (span.textSpan ?? span.nameSpan),
        related: [{ message: `firmware='${fw}'`, span: valueSpan(firmware) }],
      });
    if (loader) {
      for (const name of ['readonly', 'type']) {
        const a = attr(loader, name);
        if (a) {
          conflict(a, `The loader's ${name}= is set`);
        }
      }
      if (loader.text.trim() && !attr(loader, 'type')) {
        conflict(loader, "The loader's path is given");
      }
      const secure = attr(loader, 'secure');
      if (secure?.value === 'no') {
        conflict(secure, "The loader's secure='no' is set");
      }
    }
    const template = nvram && attr(nvram, 'template');
    if (template) {
      conflict(template, 'The nvram template= is set');
    }
    if (nvram && fw !== 'efi' && !template && (nvram.text.trim() || child(nvram, 'source'))) {
      findings.push({
        code: 'firmware-autoselect-conflict',
        message: `firmware='${fw}' keeps no NVRAM: libvirt refuses an <nvram> with it (only firmware='efi' has variables to store).`,
        span: nvram.nameSpan,
        related: [{ message: `firmware='${fw}'`, span: valueSpan(firmware) }],
      });
    }
    return;
  }
  const fwEl = child(os, 'firmware');
  const feature = fwEl && childrenNamed(fwEl, 'feature')[0];
  if (feature) {
    findings.push({
      code: 'firmware-autoselect-missing',
      message:
        "<firmware><feature> chooses among firmware files, but the firmware is not chosen automatically: add firmware='efi' to <os> (or drop <firmware>).",
      span: fwEl.nameSpan,
    });
  }
  if ((loader || nvram) && !loader?.text.trim()) {
    findings.push({
      code: 'firmware-autoselect-missing',
      message: loader
        ? "This <loader> has no path, and <os> has no firmware= to choose one: give the loader's path (such as /usr/share/OVMF/OVMF_CODE.fd) or set <os firmware='efi'>."
        : "An <nvram> without a <loader>: give the loader (<loader readonly='yes' type='pflash'>PATH</loader>) or set <os firmware='efi'>.",
      span: (loader ?? nvram)!.nameSpan,
    });
  }
}

function checkStateless(os: XmlElement, findings: Finding[]): void {
  const loader = child(os, 'loader');
  const stateless = loader && attr(loader, 'stateless');
  if (!stateless) {
    return;
  }
  const nvram = child(os, 'nvram');
  const firmware = attrValue(os, 'firmware');
  if (stateless.value === 'yes' && nvram) {
    const template = attr(nvram, 'template');
    if (template || nvram.text.trim() || child(nvram, 'source')) {
      findings.push({
        code: 'loader-stateless-conflict',
        message: `A stateless loader keeps no NVRAM, so libvirt refuses ${template ? 'an nvram template=' : 'an <nvram>'} with it: drop one or the other.`,
        span: template ? valueSpan(template) : nvram.nameSpan,
        related: [{ message: "stateless='yes'", span: valueSpan(stateless) }],
      });
    }
  } else if (stateless.value === 'no') {
    const type = attrValue(loader, 'type');
    const message = !firmware
      ? type !== 'pflash'
        ? `stateless='no' asks for NVRAM, which only a pflash loader has: set type='pflash' on the loader${type ? ` (it is '${type}')` : ''}.`
        : undefined
      : firmware !== 'efi'
        ? `stateless='no' asks for NVRAM, which only firmware='efi' has (this is firmware='${firmware}').`
        : undefined;
    if (message) {
      findings.push({ code: 'loader-stateless-conflict', message, span: valueSpan(stateless) });
    }
  }
}

function checkQemu(model: DomainModel, os: XmlElement, findings: Finding[]): void {
  const root = model.root;
  const { arch, family } = model.machine;
  const loader = child(os, 'loader');
  const firmware = attr(os, 'firmware');
  const pflash = loader && attrValue(loader, 'type') === 'pflash';
  if ((firmware?.value === 'efi' || pflash) && isX86(arch) && !featureOn(root, 'acpi')) {
    const span = firmware?.value === 'efi' ? valueSpan(firmware) : valueSpan(attr(loader!, 'type')!);
    findings.push({
      code: 'firmware-uefi-acpi',
      message: 'UEFI firmware on x86 needs ACPI, and libvirt refuses it without: add <features><acpi/></features>.',
      span,
    });
  }
  const secure = loader && attr(loader, 'secure');
  if (secure?.value === 'yes') {
    const need =
      family !== 'q35'
        ? `a q35 machine (this is '${model.machine.name}')`
        : arch !== 'x86_64'
          ? `an x86_64 guest (this is '${arch}')`
          : !firmware?.value && !featureOn(root, 'smm')
            ? "SMM: add <smm state='on'/> to <features> (or let <os firmware='efi'> enable it)"
            : undefined;
    if (need) {
      findings.push({
        code: 'secure-boot-requirement',
        message: `Secure boot (secure='yes') in QEMU needs ${need}.`,
        span: valueSpan(secure),
      });
    }
  }
  const nvram = child(os, 'nvram');
  const type = nvram && attr(nvram, 'type');
  if (nvram && type && ['dir', 'volume', 'nvme', 'vhostuser'].includes(type.value ?? '')) {
    findings.push({
      code: 'nvram-source-unsupported',
      message: `An <nvram> of type '${type.value}': the QEMU driver keeps NVRAM in a file, a block device or a network disk only.`,
      span: valueSpan(type),
    });
  }
  const source = nvram && child(nvram, 'source');
  for (const name of ['slices', 'reservations']) {
    const el = source && child(source, name);
    if (el) {
      findings.push({
        code: 'nvram-source-unsupported',
        message: `The QEMU driver does not support <${name}> on an NVRAM source.`,
        span: el.nameSpan,
      });
    }
  }
  const bios = child(os, 'bios');
  const useserial = bios && attr(bios, 'useserial');
  if (useserial?.value === 'yes' && isX86(arch)) {
    const devices = child(root, 'devices');
    // A first <console> of target type serial (or none given) stands for a serial port too.
    const console = devices && child(devices, 'console');
    const consoleTarget = console && child(console, 'target');
    const consoleSerial = console && (!consoleTarget || (attrValue(consoleTarget, 'type') ?? 'serial') === 'serial');
    if (!(devices && child(devices, 'serial')) && !consoleSerial) {
      findings.push({
        code: 'bios-serial-missing',
        message: "useserial='yes' sends the BIOS output to a serial port, but the guest has none: add a <serial> device.",
        span: valueSpan(useserial),
      });
    }
  }
}

export const firmwareRules: RuleFamily = {
  id: 'firmware',
  check(model) {
    const os = model.kind === 'domain' ? child(model.root, 'os') : undefined;
    if (!os) {
      return [];
    }
    const findings: Finding[] = [];
    checkAutoselect(os, findings);
    checkStateless(os, findings);
    checkQemu(model, os, findings);
    return findings;
  },
};

/**
 * Rule family: peripherals — watchdogs, smartcards, vsock, USB redirection and device aliases (each
 * checked against libvirt 9.0's QEMU driver here).
 * - watchdog-model-unsupported: an i6300esb watchdog on an address that is not PCI, an ib700 or
 *   diag288 watchdog with an address, diag288 off s390 (qemu/qemu_validate.c
 *   qemuValidateDomainWatchdogDef).
 * - smartcard-option-invalid: host-certificates mode without exactly three <certificate>s, a
 *   relative <database> path (conf/domain_conf.c virDomainSmartcardDefParseXML), an address that
 *   is not ccid (conf/domain_validate.c virDomainSmartcardDefValidate).
 * - redirdev-option-invalid: a USB redirection device with an address that is not USB, a
 *   <redirfilter> USB class above 0xFF (conf/domain_conf.c).
 * - vsock-cid-invalid: a vsock guest CID of 1 or 2, which are the host's (conf/domain_validate.c
 *   virDomainVsockDefValidate).
 * - device-alias-duplicate: two devices with one user alias (ua-...) (conf/domain_validate.c
 *   virDomainDeviceDefValidateAliasesIterator).
 */
import { parseInteger } from '../../../lib/integer';
import { attr, attrValue, child, childrenNamed, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { devicesNamed } from '../model/build';
import type { Device, DomainModel } from '../model/types';
import type { Code } from './codes';
import { deviceFact, eachDeviceFindings, type Finding, type RuleFamily } from './types';

function addressType(el: XmlElement): { el: XmlElement; type: string | undefined } | undefined {
  const a = child(el, 'address');
  return a ? { el: a, type: attrValue(a, 'type') } : undefined;
}

function typeSpan(a: XmlElement): Finding['span'] {
  const t = attr(a, 'type');
  return t ? (t.valueSpan ?? t.span) : a.nameSpan;
}

function deviceProblems(model: DomainModel, archKnown: boolean, d: Device): Finding[] {
  const findings: Finding[] = [];
  const say = (code: Code, message: string, span: Finding['span']): void => {
    findings.push({ code, message, span });
  };
  const el = d.el;
  // Only these kinds have a rule about their <address> here.
  const address = el.name === 'watchdog' || el.name === 'smartcard' || el.name === 'redirdev' ? addressType(el) : undefined;
  if (el.name === 'watchdog') {
    const m = attr(el, 'model');
    if (m?.value === 'i6300esb' && address && address.type !== 'pci') {
      say(
        'watchdog-model-unsupported',
        `The i6300esb watchdog is a PCI device: its address must be type='pci', not '${address.type ?? ''}'.`,
        typeSpan(address.el)
      );
    } else if ((m?.value === 'ib700' || m?.value === 'diag288') && address) {
      say('watchdog-model-unsupported', `The ${m.value} watchdog takes no address: remove the <address>.`, address.el.nameSpan);
    } else if (m?.value === 'diag288' && archKnown && !model.machine.arch?.startsWith('s390')) {
      say(
        'watchdog-model-unsupported',
        `The diag288 watchdog exists on s390 only; use i6300esb (or ib700) on ${model.machine.arch ?? 'this machine'}.`,
        m.valueSpan ?? m.span
      );
    }
  } else if (el.name === 'smartcard') {
    const mode = attrValue(el, 'mode');
    const certs = childrenNamed(el, 'certificate');
    const db = child(el, 'database');
    if (mode === 'host-certificates' && certs.length !== 3) {
      say(
        'smartcard-option-invalid',
        `host-certificates mode takes exactly three <certificate>s, not ${certs.length}.`,
        attr(el, 'mode')!.valueSpan ?? el.nameSpan
      );
    } else if (mode === 'host-certificates' && db && !db.text.startsWith('/')) {
      say('smartcard-option-invalid', `The certificate <database> must be an absolute path, not '${db.text}'.`, db.textSpan ?? db.nameSpan);
    } else if (address && address.type !== 'ccid') {
      say(
        'smartcard-option-invalid',
        `A smartcard sits on a CCID controller: its address must be type='ccid', not '${address.type ?? ''}'.`,
        typeSpan(address.el)
      );
    }
  } else if (el.name === 'redirdev') {
    if (attrValue(el, 'bus') === 'usb' && address && address.type !== undefined && address.type !== 'usb') {
      say('redirdev-option-invalid', `A redirected USB device needs a USB address, not type='${address.type}'.`, typeSpan(address.el));
    }
  } else if (el.name === 'vsock') {
    const cid = child(el, 'cid');
    const a = cid && attr(cid, 'address');
    const n = a?.value !== undefined ? parseInteger(a.value, 10) : undefined;
    if (a && n !== undefined && n > 0 && n <= 2) {
      say(
        'vsock-cid-invalid',
        `Guest CID ${n} is reserved (0 to 2 belong to the hypervisor and the host): use 3 or more, or auto='yes'.`,
        a.valueSpan ?? a.span
      );
    }
  }
  return findings;
}

/** A device's user alias (<alias name='ua-...'>), the only kind that must be unique. */
function userAlias(el: XmlElement): { alias: XmlElement; name: XmlAttribute } | undefined {
  const alias = child(el, 'alias');
  const name = alias && attr(alias, 'name');
  return alias && name?.value?.startsWith('ua-') ? { alias, name } : undefined;
}

export const peripheralRules: RuleFamily = {
  id: 'peripherals',
  check(model, ctx) {
    const archKnown = model.kind === 'domain' || model.machine.origin === 'config';
    // Each device on its own (and the machine): kept per device.
    const findings = eachDeviceFindings(
      ctx.memo,
      peripheralRules.id,
      model.devices,
      (d) => d.el,
      (d) => deviceProblems(model, archKnown, d)
    );
    const say = (code: Code, message: string, span: Finding['span']): void => {
      findings.push({ code, message, span });
    };
    const aliases = new Map<string, XmlElement>();
    for (const d of model.devices) {
      // Each device's user alias, read once and kept while the device does not change.
      const ua = deviceFact(ctx.memo, 'user-alias', d.el, () => userAlias(d.el));
      if (ua) {
        const first = aliases.get(ua.name.value!);
        if (first) {
          findings.push({
            code: 'device-alias-duplicate',
            message: `Another device already has the alias '${ua.name.value}': aliases must be unique.`,
            span: ua.name.valueSpan ?? ua.name.span,
            related: [{ message: 'the first one', span: first.nameSpan }],
          });
        } else {
          aliases.set(ua.name.value!, ua.alias);
        }
      }
    }
    const filters =
      model.kind !== 'domain'
        ? []
        : child(model.root, 'devices')
          ? devicesNamed(model, 'redirfilter')
          : childrenNamed(model.root, 'redirfilter');
    for (const filter of filters) {
      for (const dev of childrenNamed(filter, 'usbdev')) {
        const c = attr(dev, 'class');
        const n = c?.value !== undefined ? parseInteger(c.value, 0) : undefined;
        if (c && n !== undefined && n !== -1 && (n < 0 || n > 0xff)) {
          say('redirdev-option-invalid', `USB class codes are one byte (0x00 to 0xff); ${c.value} is not one.`, c.valueSpan ?? c.span);
        }
      }
    }
    return findings;
  },
};

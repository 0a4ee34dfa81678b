/**
 * Rule family: controllers.
 * - controller-index-duplicate: same type and index twice ("Multiple 'pci' controllers with index '3'";
 *   for USB "Duplicate USB controllers with index", where ich9-uhci1/2/3 companions may share their master's index).
 * - controller-usb-master-missing: companions without an EHCI master ("No master USB controller specified").
 * - controller-pci-root-index: pci-root/pcie-root must have index 0; index 0 must be the machine's root.
 * - controller-pci-root-address: roots cannot have an <address>.
 * - controller-pci-index-range: PCI controller index > 255.
 * - controller-bridge-order: pci-bridge index must be larger than its bus.
 * - controller-chassis-duplicate: same chassis on two root/downstream ports (QEMU refuses to start).
 * - controller-usb-ports-range: xhci ports > 15.
 * - controller-pci-option-invalid: "Option '%s' is not valid for PCI controller with index ..."
 *   and "Option 'modelName' has invalid value ..." (qemu_validate.c
 *   qemuValidateDomainDeviceDefControllerPCI, x86 machines: no PHBs there).
 * - controller-pci-target-invalid: "PCI controller chassisNr '%d' out of range - must be 1-255",
 *   busNr 1-254, target index 0-30, "Only the PCI controller with index 0 can have target index 0,
 *   and vice versa", "The PCI controller with index=0 can't be associated with a NUMA node"
 *   (domain_validate.c virDomainControllerDefValidate).
 * - controller-driver-option: "'queues' is only supported by virtio-scsi controller" (and
 *   cmd_per_lun, max_sectors, ioeventfd; qemu_validate.c), "'iothread' attribute only supported for
 *   virtio scsi controllers" (domain_postparse.c). An iothread a virtio-scsi controller names that
 *   the guest lacks is cputune-iothread-missing ("controller iothread '%u' not defined in iothreadid").
 * - controller-model-unsupported: "Unsupported controller model: buslogic", "ncr53c90 can only be
 *   used as first SCSI controller", "ncr53c90 SCSI controller is not a built-in for this machine",
 *   "Only a single IDE controller is supported for this machine type" (qemu_validate.c).
 * - controller-usb-none-conflict: "Can't add another USB controller: USB is disabled for this
 *   domain" (domain_conf.c virDomainDefControllersParse).
 * - drive-address-unsupported: qemu_validate.c qemuValidateDomainDeviceDefAddressDrive ("SCSI
 *   controller only supports 1 bus", "target must be 0 for controller model 'lsilogic'", "Only 1
 *   IDE controller is supported", "target must be 0 for ide controller", the fdc and sata ones).
 * - domain-element-duplicate: "Multiple <model> (<target>) elements in controller definition not allowed".
 * - virtio-serial-port-duplicate / virtio-serial-port-range: "virtio serial port %u on controller %u is
 *   already occupied", "virtio serial controller %u does not have port %u" (domain_addr.c
 *   virDomainVirtioSerialAddrReserve; port 0 is left to libvirt, the bus is not looked at).
 * - controller-model-machine: a controller model the QEMU driver refuses on this machine
 *   (qemuDomainControllerDefPostParse): "USB controller model type 'qusb1' or 'qusb2' is not supported
 *   in kvm" (any machine), "pci-expander-bus controllers are only supported on 440fx-based
 *   machinetypes", "pcie-expander-bus controllers are not supported with this machine type" (q35 and
 *   ARM virt take it).
 */
import { parseInteger } from '../../../lib/integer';
import { controllerModel } from '../model/build';
import { hex, resolvePci } from '../model/pci';
import type { Address, Controller, DomainModel } from '../model/types';
import { attr, child, childrenNamed, type XmlAttribute, type XmlElement } from '../syntax/tree';
import { iothreadIds } from './cputune';
import { claimingFix, wholeLines } from './edits';
import { machineKind } from './iommu';
import type { Finding, RuleFamily } from './types';

const USB_COMPANIONS: ReadonlySet<string> = new Set(['ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3']);
/** The USB controller that takes companions (QEMU refuses usb-ehci and xhci as a masterbus). */
const EHCI_MASTERS: ReadonlySet<string> = new Set(['ich9-ehci1']);
const PCI_ROOTS = new Set(['pci-root', 'pcie-root']);

function isCompanion(model: DomainModel, c: Controller): boolean {
  const m = controllerModel(model, c);
  return (m !== undefined && USB_COMPANIONS.has(m)) || c.ports?.value === 0;
}

function checkDuplicates(model: DomainModel, findings: Finding[]): void {
  const seen = new Map<string, Controller>();
  for (const c of model.controllers) {
    const idx = c.index?.value;
    if (c.type === undefined || idx === undefined || (c.type === 'usb' && isCompanion(model, c))) {
      continue;
    }
    const key = `${c.type}/${idx}`;
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, c);
      continue;
    }
    // A PCI controller's index must be above the bus it sits on.
    const ownBus = c.address?.type === 'pci' ? resolvePci(c.address)?.bus : undefined;
    const type = c.type;
    const span = c.index!.attr.valueSpan ?? c.index!.attr.span;
    findings.push({
      code: 'controller-index-duplicate',
      message: `Another ${type} controller already has index ${idx}; each ${type} controller needs its own index.`,
      span,
      related: [{ message: `index ${idx} first used here`, span: prev.index!.attr.valueSpan ?? prev.index!.attr.span }],
      fixes: claimingFix(model, (alloc) => {
        const next = alloc.takeControllerIndex(type, { exclude: c, after: ownBus });
        return { title: `Use free index ${next}`, edits: [{ span, newText: `'${next}'` }], preferred: true };
      }),
    });
  }
}

/**
 * libvirt refuses a domain whose USB controllers are all companions ("No master USB controller
 * specified"). A companion whose own index has no EHCI master passes libvirt but stops QEMU
 * ("masterbus not found", or a master bus that takes no companions).
 */
function checkUsbMasters(model: DomainModel, findings: Finding[]): void {
  const usb = model.controllers.filter((c) => c.type === 'usb' && c.model?.value !== 'none');
  const companions = usb.filter((c) => (c.model?.value !== undefined && USB_COMPANIONS.has(c.model.value)) || child(c.el, 'master'));
  if (companions.length === 0) {
    return;
  }
  const anyMaster = usb.some((c) => !companions.includes(c));
  for (const c of companions) {
    const idx = c.index?.value ?? 0;
    const span = c.model?.valueSpan ?? c.el.nameSpan;
    const name = c.model?.value ?? 'companion';
    if (!anyMaster) {
      findings.push({
        code: 'controller-usb-master-missing',
        message: `${name} is a companion controller and this domain has no other kind of USB controller: add an ich9-ehci1 master with index ${idx}.`,
        span,
      });
      continue;
    }
    const master = usb.some(
      (o) => !companions.includes(o) && (o.index?.value ?? 0) === idx && EHCI_MASTERS.has(controllerModel(model, o) ?? '')
    );
    if (!master) {
      findings.push({
        code: 'controller-usb-master-at-start',
        message: `${name} is a companion controller, but no ich9-ehci1 controller has index ${idx} to be its master: virsh define accepts this, but QEMU refuses to start the guest.`,
        span,
      });
    }
  }
}

/**
 * A pSeries PHB: a pci-root of a ppc64/ppc64le 'pseries' guest whose <model name> is
 * spapr-pci-host-bridge (libvirt's default there). pSeries guests have several, so libvirt 9.0
 * lets them have any index: qemuDomainDeviceDefValidateController checks the index only off
 * pSeries, and qemuValidateDomainDeviceDefControllerPCI skips PHBs. Elsewhere the QEMU driver
 * refuses ("pci-root and pcie-root controllers should have index 0"); the test driver checks nothing.
 */
function isPhb(model: DomainModel, c: Controller, m: string): boolean {
  const { arch, name } = model.machine;
  if (m !== 'pci-root' || (arch !== 'ppc64' && arch !== 'ppc64le') || !(name === 'pseries' || name.startsWith('pseries-'))) {
    return false;
  }
  const modelName = child(c.el, 'model') && attr(child(c.el, 'model')!, 'name')?.value;
  return modelName === undefined || modelName === 'spapr-pci-host-bridge';
}

function checkPci(model: DomainModel, findings: Finding[]): void {
  const family = model.machine.family;
  // A fragment is attached to a domain whose machine type is known only when configured.
  const machineKnown = model.kind === 'domain' || model.machine.origin === 'config';
  const expectedRoot = !machineKnown ? undefined : family === 'q35' ? 'pcie-root' : family === 'i440fx' ? 'pci-root' : undefined;
  const index0Taken = model.controllers.some((c) => c.type === 'pci' && c.index?.value === 0);
  const chassisSeen = new Map<number, Controller>();
  for (const c of model.controllers) {
    if (c.type !== 'pci') {
      continue;
    }
    const m = controllerModel(model, c);
    const idx = c.index?.value;
    const idxSpan = c.index?.attr.valueSpan ?? c.el.nameSpan;
    if (m && PCI_ROOTS.has(m) && idx !== undefined && idx !== 0 && !isPhb(model, c, m)) {
      findings.push({
        code: 'controller-pci-root-index',
        message: `A ${m} controller must have index 0.`,
        span: idxSpan,
        fixes: index0Taken
          ? [{ title: "Use index '0'", edits: [{ span: idxSpan, newText: "'0'" }] }]
          : claimingFix(model, (alloc) =>
              alloc.claimControllerIndex('pci', 0, c)
                ? { title: "Use index '0'", edits: [{ span: idxSpan, newText: "'0'" }], preferred: true }
                : undefined
            ),
      });
    } else if (idx === 0 && expectedRoot && m && m !== expectedRoot) {
      findings.push({
        code: 'controller-pci-root-index',
        message: `On ${family} machines the PCI controller with index 0 must be model='${expectedRoot}', not '${m}'.`,
        span: c.model?.valueSpan ?? idxSpan,
        fixes: c.model?.valueSpan
          ? [
              {
                title: `Use model '${expectedRoot}'`,
                edits: [{ span: c.model.valueSpan, newText: `'${expectedRoot}'` }],
                preferred: c.el.children.length === 0,
              },
            ]
          : [],
      });
    }
    if (m && PCI_ROOTS.has(m) && c.address) {
      findings.push({
        code: 'controller-pci-root-address',
        message: `A ${m} controller is the root of the PCI tree and cannot have an <address>.`,
        span: c.address.el.nameSpan,
        fixes: [
          { title: 'Remove the <address>', edits: [{ span: wholeLines(model.doc.text, c.address.el.span), newText: '' }], preferred: true },
        ],
      });
    }
    if (idx !== undefined && idx > 255) {
      findings.push({
        code: 'controller-pci-index-range',
        message: `PCI controller index ${idx} is too high: the maximum is 255.`,
        span: idxSpan,
      });
    }
    if (m === 'pci-bridge' && idx !== undefined && c.address?.type === 'pci') {
      const bus = resolvePci(c.address)?.bus;
      if (bus !== undefined && bus >= idx) {
        findings.push({
          code: 'controller-bridge-order',
          message: `This pci-bridge has index ${idx} but sits on bus ${hex(bus)}: its index must be larger than its bus.`,
          span: c.address.bus?.attr.valueSpan ?? idxSpan,
        });
      }
    }
    if ((m === 'pcie-root-port' || m === 'pcie-switch-downstream-port') && idx !== undefined) {
      const chassis = c.chassis?.value ?? idx;
      const prev = chassisSeen.get(chassis);
      // A chassis taken from a duplicate index is already reported as controller-index-duplicate.
      if (prev && (c.chassis || prev.chassis || prev.index?.value !== idx)) {
        const span = c.chassis?.attr.valueSpan ?? idxSpan;
        const chassisAttr = c.chassis?.attr.valueSpan;
        const target = child(c.el, 'target');
        findings.push({
          code: 'controller-chassis-duplicate',
          fixes: !target
            ? []
            : claimingFix(model, (alloc) => {
                const free = alloc.takeChassis(c);
                const at = chassisAttr ?? { start: target.nameSpan.end, end: target.nameSpan.end };
                return {
                  title: `Use free chassis ${free}`,
                  edits: [{ span: at, newText: chassisAttr ? `'${free}'` : ` chassis='${free}'` }],
                  preferred: true,
                };
              }),
          message: `Chassis ${chassis} is already used by the ${controllerModel(model, prev)} with index ${prev.index?.value}: virsh define accepts this, but QEMU refuses to start the guest.`,
          span,
          related: [
            {
              message: `chassis ${chassis} first used here`,
              span: prev.chassis?.attr.valueSpan ?? prev.index?.attr.valueSpan ?? prev.el.nameSpan,
            },
          ],
        });
      } else {
        chassisSeen.set(chassis, c);
      }
    }
  }
}

function checkUsbPorts(model: DomainModel, findings: Finding[]): void {
  for (const c of model.controllers) {
    const m = c.type === 'usb' ? controllerModel(model, c) : undefined;
    if ((m === 'qemu-xhci' || m === 'nec-xhci') && c.ports?.value !== undefined && c.ports.value > 15) {
      const span = c.ports.attr.valueSpan ?? c.ports.attr.span;
      findings.push({
        code: 'controller-usb-ports-range',
        message: `A ${m} controller supports at most 15 ports, not ${c.ports.value}.`,
        span,
        fixes: [{ title: "Use ports='15'", edits: [{ span, newText: "'15'" }], preferred: true }],
      });
    }
  }
}

/** Which PCI controller models take which <target> options and <model name> (x86: no PHBs). */
const PCI_OPTIONS: Record<string, { names: string[]; takes: string[] }> = {
  'pci-root': { names: [], takes: ['hotplug'] },
  'pcie-root': { names: [], takes: [] },
  'pci-bridge': { names: ['pci-bridge'], takes: ['chassisNr'] },
  'dmi-to-pci-bridge': { names: ['i82801b11-bridge'], takes: [] },
  'pcie-root-port': { names: ['ioh3420', 'pcie-root-port'], takes: ['chassis', 'port', 'hotplug'] },
  'pcie-switch-upstream-port': { names: ['x3130-upstream'], takes: [] },
  'pcie-switch-downstream-port': { names: ['xio3130-downstream'], takes: ['chassis', 'port', 'hotplug'] },
  'pci-expander-bus': { names: ['pxb'], takes: ['busNr', 'node'] },
  'pcie-expander-bus': { names: ['pxb-pcie'], takes: ['busNr', 'node'] },
  'pcie-to-pci-bridge': { names: ['pcie-pci-bridge'], takes: [] },
};
const TARGET_OPTIONS = ['index', 'busNr', 'node', 'chassisNr', 'chassis', 'port', 'hotplug'];

const spanOf = (a: XmlAttribute): { start: number; end: number } => a.valueSpan ?? a.span;
const intOf = (a: XmlAttribute | undefined): number | undefined => parseInteger(a?.value, 0);

/** <target> options and <model name> of PCI controllers on x86 machines, and their ranges. */
function checkPciOptions(model: DomainModel, findings: Finding[]): void {
  const x86 = model.machine.family !== 'other';
  for (const c of model.controllers) {
    const m = c.type === 'pci' ? controllerModel(model, c) : undefined;
    const opts = m === undefined ? undefined : PCI_OPTIONS[m];
    if (!m || !opts) {
      continue;
    }
    const target = child(c.el, 'target');
    const idx = c.index?.value;
    const at = (name: string): XmlAttribute | undefined => (target ? attr(target, name) : undefined);
    const node = target ? child(target, 'node') : undefined;
    // virDomainControllerDefValidate: every architecture.
    const tIndex = at('index');
    const tIndexN = intOf(tIndex);
    const chassisNr = intOf(at('chassisNr'));
    const busNr = intOf(at('busNr'));
    const range = (a: XmlAttribute | undefined, n: number | undefined, lo: number, hi: number, what: string): void => {
      if (a && n !== undefined && (n < lo || n > hi)) {
        findings.push({
          code: 'controller-pci-target-invalid',
          message: `${what} ${n} is out of range: libvirt takes ${lo} to ${hi}.`,
          span: spanOf(a),
        });
      }
    };
    range(tIndex, tIndexN, 0, 30, 'The target index');
    if (tIndex && tIndexN !== undefined && tIndexN <= 30 && idx !== undefined && (tIndexN === 0) !== (idx === 0)) {
      findings.push({
        code: 'controller-pci-target-invalid',
        message:
          idx === 0
            ? `The PCI controller with index 0 must have target index 0, not ${tIndexN}.`
            : `Target index 0 belongs to the PCI controller with index 0; this one has index ${idx}.`,
        span: spanOf(tIndex),
      });
    }
    if (chassisNr !== undefined && chassisNr < 1) {
      range(at('chassisNr'), chassisNr, 1, 255, 'chassisNr');
    }
    range(at('busNr'), busNr, 1, 254, 'busNr');
    if (idx === 0 && node) {
      findings.push({
        code: 'controller-pci-target-invalid',
        message:
          'The PCI controller with index 0 (the root bus) cannot be tied to a NUMA node: use a pci-expander-bus or pcie-expander-bus.',
        span: node.nameSpan,
      });
    }
    if (!x86) {
      continue;
    }
    // qemuValidateDomainDeviceDefControllerPCI, on x86 machines (PHBs are pSeries').
    const modelEl = child(c.el, 'model');
    const nameAttr = modelEl ? attr(modelEl, 'name') : undefined;
    if (nameAttr?.value !== undefined && !opts.names.includes(nameAttr.value)) {
      findings.push({
        code: 'controller-pci-option-invalid',
        message: opts.names.length
          ? `A ${m} controller is model name ${opts.names.map((n) => `'${n}'`).join(' or ')}, not '${nameAttr.value}'.`
          : `A ${m} controller takes no <model name> on this machine.`,
        span: spanOf(nameAttr),
        ...(opts.names.length === 1
          ? { fixes: [{ title: `Use '${opts.names[0]}'`, edits: [{ span: spanOf(nameAttr), newText: `'${opts.names[0]}'` }] }] }
          : {}),
      });
    }
    for (const name of TARGET_OPTIONS) {
      const a = name === 'node' ? undefined : at(name);
      const el: XmlElement | undefined = name === 'node' ? node : undefined;
      if ((!a && !el) || opts.takes.includes(name) || (name === 'node' && idx === 0)) {
        continue;
      }
      if (name === 'index' && tIndexN !== undefined && (tIndexN > 30 || (tIndexN === 0) !== (idx === 0))) {
        continue; // reported above
      }
      const what = name === 'node' ? 'a NUMA <node>' : name === 'index' ? 'a target index' : name;
      findings.push({
        code: 'controller-pci-option-invalid',
        message: `A ${m} controller does not take ${what}${whoTakes(name)}.`,
        span: a ? a.span : el!.nameSpan,
        ...(a ? { fixes: [{ title: `Remove ${name}`, edits: [{ span: a.span, newText: '' }], preferred: true }] } : {}),
      });
    }
  }
}

function whoTakes(option: string): string {
  const models = Object.entries(PCI_OPTIONS)
    .filter(([, o]) => o.takes.includes(option))
    .map(([m]) => m);
  return models.length ? ` (only ${models.join(', ')} ${models.length === 1 ? 'does' : 'do'})` : ' on this machine';
}

const VIRTIO_SCSI = new Set(['virtio-scsi', 'virtio-transitional', 'virtio-non-transitional']);

/** <driver> options of non-virtio-scsi controllers, iothreads of virtio-scsi ones, models QEMU cannot give. */
function checkDriversAndModels(model: DomainModel, findings: Finding[]): void {
  const x86 = model.machine.family !== 'other';
  const threads = iothreadIds(model);
  let usbNone: Controller | undefined;
  let usbOther: Controller | undefined;
  const scsi: Controller[] = [];
  for (const c of model.controllers) {
    const m = controllerModel(model, c);
    const virtioScsi = c.type === 'scsi' && m !== undefined && VIRTIO_SCSI.has(m);
    const driver = child(c.el, 'driver');
    if (driver && !virtioScsi) {
      for (const name of ['queues', 'cmd_per_lun', 'max_sectors', 'ioeventfd', 'iothread']) {
        const a = attr(driver, name);
        if (a) {
          findings.push({
            code: 'controller-driver-option',
            message: `${name} is a virtio-scsi controller option; libvirt refuses it on this ${c.type === 'scsi' ? `${m ?? 'default'} SCSI` : (c.type ?? '')} controller.`,
            span: a.span,
            fixes: [{ title: `Remove ${name}`, edits: [{ span: a.span, newText: '' }], preferred: true }],
          });
        }
      }
    }
    const io = virtioScsi && driver ? attr(driver, 'iothread') : undefined;
    const ioN = parseInteger(io?.value, 10);
    const addrType = c.address?.type === 'other' ? c.address.addressType : c.address?.type;
    if (io && addrType !== undefined && addrType !== 'pci' && addrType !== 'ccw') {
      findings.push({
        code: 'controller-driver-option',
        message: `A virtio-scsi controller runs in an I/O thread only on PCI or CCW; this one has a ${addrType} address.`,
        span: io.span,
      });
    } else if (io && ioN !== undefined && ioN > 0 && threads && !threads.has(ioN)) {
      findings.push({
        code: 'cputune-iothread-missing',
        message: `This controller runs in I/O thread ${ioN}, which the guest does not have (<iothreads>, <iothreadids>).`,
        span: spanOf(io),
      });
    }
    if (c.type === 'scsi') {
      scsi.push(c);
    }
    if (c.type === 'scsi' && c.model?.value === 'buslogic' && x86) {
      findings.push({
        code: 'controller-model-unsupported',
        message: 'QEMU has no buslogic SCSI controller: use virtio-scsi (or lsilogic).',
        span: spanOf(c.model),
      });
    }
    if (c.type === 'scsi' && c.model?.value === 'ncr53c90' && x86) {
      findings.push({
        code: 'controller-model-unsupported',
        message:
          c.index?.value !== 0
            ? 'An ncr53c90 SCSI controller can only be the first one (index 0).'
            : 'The ncr53c90 SCSI controller is built into some machines (sparc, mips Magnum and PICA-61); this machine has none.',
        span: spanOf(c.model),
      });
    }
    if (c.type === 'ide' && model.machine.family === 'i440fx' && c.index?.value !== undefined && c.index.value !== 0) {
      findings.push({
        code: 'controller-model-unsupported',
        message: `An i440fx machine has one IDE controller, built in with index 0; libvirt refuses a second one (index ${c.index.value}).`,
        span: spanOf(c.index.attr),
      });
    }
    if (c.type === 'usb') {
      if (c.model?.value === 'none') {
        usbNone ??= c;
      } else {
        usbOther ??= c;
      }
    }
    const dupes = (name: string): void => {
      const els = childrenNamed(c.el, name);
      for (const el of els.slice(1)) {
        findings.push({
          code: 'domain-element-duplicate',
          message: `A controller has one <${name}>; this one has a second.`,
          span: el.nameSpan,
          related: [{ message: 'the first one', span: els[0]!.nameSpan }],
        });
      }
    };
    dupes('model');
    dupes('target');
  }
  if (usbNone && usbOther) {
    findings.push({
      code: 'controller-usb-none-conflict',
      message: "model='none' turns USB off for this guest, yet there is another USB controller: keep one or the other.",
      span: spanOf(usbNone.model!),
      related: [{ message: 'the other USB controller', span: usbOther.el.nameSpan }],
    });
  }
}

/** The SCSI controller model libvirt uses for a drive address's controller (lsilogic when none is named, on x86). */
function scsiModelOf(model: DomainModel, index: number): string | undefined {
  const c = model.controllers.find((x) => x.type === 'scsi' && x.index?.value === index);
  if (c?.model?.value) {
    return c.model.value;
  }
  // A fragment goes into a domain whose controllers we do not see.
  return model.machine.family === 'other' || model.kind === 'fragment' ? undefined : 'lsilogic';
}

function checkDriveAddresses(model: DomainModel, findings: Finding[]): void {
  const items: { bus: string; a: Address }[] = [];
  for (const d of model.disks) {
    if (d.address?.type === 'drive' && d.bus?.value) {
      items.push({ bus: d.bus.value, a: d.address });
    }
  }
  for (const h of model.hostdevs) {
    if (h.device.kind === 'hostdev' && h.type === 'scsi' && h.device.address?.type === 'drive') {
      items.push({ bus: 'scsi', a: h.device.address });
    }
  }
  for (const { bus, a } of items) {
    if (a.type !== 'drive') {
      continue;
    }
    const problem = (n: { attr: XmlAttribute; value: number | undefined } | undefined, message: string): void => {
      if (n && n.value !== undefined && n.value !== 0) {
        findings.push({
          code: 'drive-address-unsupported',
          message,
          span: spanOf(n.attr),
          fixes: [{ title: `Use ${n.attr.name}='0'`, edits: [{ span: spanOf(n.attr), newText: "'0'" }] }],
        });
      }
    };
    if (bus === 'scsi') {
      problem(a.bus, `A SCSI controller has one bus (0), not bus ${a.bus?.value}.`);
      const ctl = a.controller?.value ?? 0;
      if (!a.bus?.value && scsiModelOf(model, ctl) === 'lsilogic') {
        problem(
          a.target,
          `An lsilogic SCSI controller has target 0 only, not ${a.target?.value}: use the unit to tell disks apart (or a virtio-scsi controller).`
        );
      }
    } else if (bus === 'ide' || bus === 'fdc') {
      const what = bus === 'ide' ? 'IDE' : 'floppy';
      problem(a.controller, `QEMU guests have one ${what} controller (0), not controller ${a.controller?.value}.`);
      if (!a.controller?.value) {
        if (bus === 'fdc') {
          problem(a.bus, `The floppy controller has one bus (0), not bus ${a.bus?.value}.`);
        }
        if (bus === 'ide' || !a.bus?.value) {
          problem(a.target, `The ${what} controller has target 0 only, not ${a.target?.value}.`);
        }
      }
    } else if (bus === 'sata') {
      problem(a.bus, `A SATA controller has bus 0 only (one disk per port: use the unit), not bus ${a.bus?.value}.`);
      if (!a.bus?.value) {
        problem(a.target, `A SATA controller has target 0 only, not ${a.target?.value}.`);
      }
    }
  }
}

/** Explicit virtio-serial ports: one device each, within the controller's ports. */
function checkVirtioSerial(model: DomainModel, findings: Finding[]): void {
  const seen = new Map<string, XmlAttribute>();
  /** Devices with a virtio-serial address that leave the port to libvirt. */
  const wanting: { ctl: number; el: XmlElement }[] = [];
  for (const d of model.devices) {
    const a = d.address;
    if (a?.type !== 'other' || a.addressType !== 'virtio-serial') {
      continue;
    }
    const portAttr = attr(a.el, 'port');
    const port = parseInteger(portAttr?.value, 10);
    const ctl = parseInteger(attr(a.el, 'controller')?.value ?? '0', 10);
    // An address of this type without a port takes one from its controller (0 when it names none).
    if (ctl !== undefined && (!portAttr || port === 0)) {
      wanting.push({ ctl, el: a.el });
    }
    if (!portAttr || port === undefined || port === 0 || ctl === undefined) {
      continue;
    }
    const c = model.controllers.find((x) => x.type === 'virtio-serial' && x.index?.value === ctl);
    const ports = c?.ports?.value ?? 31;
    if (port >= ports) {
      findings.push({
        code: 'virtio-serial-port-range',
        message: `virtio-serial controller ${ctl} has ports 0 to ${ports - 1}${c?.ports ? '' : ' (31 ports by default)'}; port ${port} is not one of them.`,
        span: spanOf(portAttr),
      });
      continue;
    }
    const key = `${ctl}/${port}`;
    const prev = seen.get(key);
    if (prev) {
      findings.push({
        code: 'virtio-serial-port-duplicate',
        message: `Port ${port} of virtio-serial controller ${ctl} is already taken by another device; leave the port out and libvirt picks a free one.`,
        span: spanOf(portAttr),
        related: [{ message: 'first used here', span: spanOf(prev) }],
      });
    } else {
      seen.set(key, portAttr);
    }
  }
  // libvirt gives each of them the lowest free port from 1 up (port 0 is the console's).
  const given = new Map<number, number>();
  for (const w of wanting) {
    const c = model.controllers.find((x) => x.type === 'virtio-serial' && x.index?.value === w.ctl);
    const ports = c?.ports?.value ?? 31;
    const taken = [...seen.keys()].filter((k) => k.startsWith(`${w.ctl}/`)).length + (given.get(w.ctl) ?? 0);
    given.set(w.ctl, (given.get(w.ctl) ?? 0) + 1);
    if (taken >= ports - 1) {
      findings.push({
        code: 'virtio-serial-port-range',
        message: `virtio-serial controller ${w.ctl} has no free port left for this device (${ports - 1 === 1 ? 'port 1 is taken' : `ports 1 to ${ports - 1} are all taken`}; port 0 is for a console): raise its ports or use another controller.`,
        span: w.el.nameSpan,
      });
    }
  }
}

/** Controller models the QEMU driver refuses for the machine type, before any address is given. */
function checkModelMachine(model: DomainModel, findings: Finding[]): void {
  const kind = machineKind(model);
  for (const c of model.controllers) {
    const m = c.model?.value;
    const span = c.model?.valueSpan ?? c.el.nameSpan;
    let message: string | undefined;
    if (c.type === 'usb' && (m === 'qusb1' || m === 'qusb2')) {
      message = `The USB controller model '${m}' is not for QEMU: libvirt's QEMU driver refuses it on every machine.`;
    } else if (c.type === 'pci' && m === 'pci-expander-bus' && kind !== undefined && model.machine.family !== 'i440fx') {
      message = `A pci-expander-bus needs an i440fx (pc) machine, not '${model.machine.name}'${kind === 'q35' ? ': use pcie-expander-bus on q35' : ''}.`;
    } else if (c.type === 'pci' && m === 'pcie-expander-bus' && kind === 'other') {
      message = `A pcie-expander-bus needs a q35 or ARM virt machine, not '${model.machine.name}'${model.machine.family === 'i440fx' ? ': use pci-expander-bus on i440fx' : ''}.`;
    }
    if (message) {
      findings.push({ code: 'controller-model-machine', message, span });
    }
  }
}

export const controllerRules: RuleFamily = {
  id: 'controllers',
  check(model) {
    const findings: Finding[] = [];
    checkDuplicates(model, findings);
    checkUsbMasters(model, findings);
    checkPci(model, findings);
    checkUsbPorts(model, findings);
    checkPciOptions(model, findings);
    checkDriversAndModels(model, findings);
    checkDriveAddresses(model, findings);
    checkVirtioSerial(model, findings);
    checkModelMachine(model, findings);
    return findings;
  },
};

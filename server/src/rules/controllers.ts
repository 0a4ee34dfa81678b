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
 * - controller-model-machine: a controller model the QEMU driver refuses on this machine
 *   (qemuDomainControllerDefPostParse): "USB controller model type 'qusb1' or 'qusb2' is not supported
 *   in kvm" (any machine), "pci-expander-bus controllers are only supported on 440fx-based
 *   machinetypes", "pcie-expander-bus controllers are not supported with this machine type" (q35 and
 *   ARM virt take it).
 */
import { controllerModel } from '../model/build';
import { hex, resolvePci } from '../model/pci';
import type { Controller, DomainModel } from '../model/types';
import { attr, child } from '../syntax/tree';
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
    checkModelMachine(model, findings);
    return findings;
  },
};

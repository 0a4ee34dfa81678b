/**
 * Seeded generated domains, each aimed at one rule family. Every generator mixes defects with
 * near misses (the valid neighbour of a defect), because the oracle is libvirt itself: we never
 * decide here whether a case is valid, we only make sure both verdicts occur.
 */
import {
  baseDevices,
  controller,
  disk,
  domainXml,
  driveAddr,
  hostdevPci,
  hostdevUsb,
  hub,
  interfaceHostdev,
  nic,
  pciAddr,
  q35Ports,
  usbAddr,
  usbInput,
  type Machine,
} from './build-domain';
import { controllerOptionsGen } from './mutations-cov-hostdev';
import { domainSettingsGen } from './mutations-cov-domain';
import { hash32, Rng } from './rng';
import { covDiskGen } from './mutations-cov-disk';
import { diskSourcesGen, hostdevOptionsGen, machineOptionsGen, qemuNamespaceGen } from './mutations-gen-qdomain';
import { cputuneGen, memoryDevicesGen, numaGen, shmemGen } from './mutations-gen-numa';
import { filesystemTpmGen, inputGraphicsAudioGen, nicChardevGen, peripheralsGen } from './mutations-gen-devices';

export interface GeneratedCase {
  id: string;
  /** The rule family the mutation aims at (a row of the agreement table). */
  family: string;
  /** What was done, for failure messages. */
  title: string;
  xml: string;
}

type Gen = (
  rng: Rng,
  i: number
) => { title: string; machine: Machine; devices: string[]; extra?: Partial<Parameters<typeof domainXml>[0]> };

const MACHINES: Machine[] = ['pc', 'q35'];

/** A random locally administered unicast MAC. */
function mac(rng: Rng): string {
  const o = [0x52, 0x54, 0x00, rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  return o.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function plumbing(machine: Machine, ports = 6, bridge = true): string[] {
  return machine === 'q35' ? q35Ports(ports, bridge) : bridge ? [controller('pci', 1, 'pci-bridge', { addr: pciAddr(0, 0x1e, 0) })] : [];
}

// ---------------------------------------------------------------------------------------------
// Controllers: duplicate indexes, roots, bridge order, USB companions, xhci ports.

const controllerGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const variant = i % 8;
  let title = '';
  if (variant === 0) {
    // Two PCI controllers, same or neighbouring index.
    const a = rng.int(1, 3);
    const b = rng.chance(0.6) ? a : a + 1;
    if (machine === 'q35') {
      devs.push(
        controller('pci', a, 'pcie-root-port', {
          inner: `<target chassis='${a}' port='0x10'/>`,
          addr: pciAddr(0, 2, 0, "multifunction='on'"),
        })
      );
      devs.push(controller('pci', b, 'pcie-root-port', { inner: `<target chassis='${a + 10}' port='0x11'/>`, addr: pciAddr(0, 2, 1) }));
    } else {
      devs.push(controller('pci', a, 'pci-bridge', { addr: pciAddr(0, 5, 0) }));
      devs.push(controller('pci', b, 'pci-bridge', { addr: pciAddr(0, 6, 0) }));
    }
    title = `pci controllers with indexes ${a} and ${b}`;
  } else if (variant === 1) {
    const type = rng.pick(machine === 'q35' ? ['scsi', 'sata', 'virtio-serial'] : ['scsi', 'ide', 'virtio-serial']);
    const model = type === 'scsi' ? " model='virtio-scsi'" : '';
    const a = rng.int(0, 1);
    const b = rng.chance(0.6) ? a : 1 - a;
    devs.push(`<controller type='${type}' index='${a}'${model}/>`, `<controller type='${type}' index='${b}'${model}/>`);
    title = `${type} controllers with indexes ${a} and ${b}`;
  } else if (variant === 2) {
    // USB pairs, including EHCI masters with their UHCI companions.
    const models = ['piix3-uhci', 'ehci', 'nec-xhci', 'qemu-xhci', 'ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3'];
    const m1 = rng.pick(models);
    const m2 = rng.pick(models);
    const a = rng.int(0, 1);
    const b = rng.chance(0.7) ? a : 1 - a;
    devs.push(controller('usb', a, m1), controller('usb', b, m2));
    title = `usb controllers ${m1}@${a} and ${m2}@${b}`;
  } else if (variant === 3) {
    // A lone companion, or a companion with a master at another index.
    const comp = rng.pick(['ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3']);
    const idx = rng.int(0, 1);
    devs.push(controller('usb', idx, comp));
    if (rng.chance(0.5)) {
      const mIdx = rng.chance(0.5) ? idx : 1 - idx;
      devs.push(controller('usb', mIdx, 'ich9-ehci1'));
      title = `${comp}@${idx} with ich9-ehci1@${mIdx}`;
    } else {
      title = `lone ${comp}@${idx}`;
    }
  } else if (variant === 4) {
    // Roots: right or wrong model for the machine, index 0 or not.
    devs.splice(1, 1);
    const root = rng.pick(['pci-root', 'pcie-root']);
    const idx = rng.pick([0, 0, 1, 2]);
    devs.push(controller('pci', idx, root));
    title = `${root} with index ${idx} on ${machine}`;
  } else if (variant === 5) {
    // pci-bridge behind another bridge: index larger than the bus, or not.
    devs.push(...plumbing(machine, 3, false));
    const first = machine === 'q35' ? 4 : 1;
    if (machine === 'q35') {
      devs.push(controller('pci', first, 'pcie-to-pci-bridge', { addr: pciAddr(3, 0, 0) }));
    } else {
      devs.push(controller('pci', first, 'pci-bridge', { addr: pciAddr(0, 5, 0) }));
    }
    const idx = rng.pick([first - 1, first, first + 1, first + 2]);
    const own = idx === first ? first + 3 : idx;
    devs.push(controller('pci', own, 'pci-bridge', { addr: pciAddr(first, rng.int(1, 3), 0) }));
    title = `pci-bridge index ${own} on bus ${first}`;
  } else if (variant === 6) {
    const model = rng.pick(['qemu-xhci', 'nec-xhci']);
    const ports = rng.pick([1, 4, 8, 15, 15, 16, 20]);
    devs.push(controller('usb', 0, model, { attrs: `ports='${ports}'` }));
    title = `${model} with ports='${ports}'`;
  } else {
    // A pci-root/pcie-root with an address, or a normal one.
    devs.splice(1, 1);
    const root = machine === 'q35' ? 'pcie-root' : 'pci-root';
    const withAddr = rng.chance(0.6);
    devs.push(controller('pci', 0, root, withAddr ? { addr: pciAddr(0, rng.int(3, 6), 0) } : {}));
    title = `${root}${withAddr ? ' with an address' : ''}`;
  }
  return { title, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// PCI addresses: slot/function/bus/domain edits, including the chipset's reserved addresses.

/**
 * A device at `addr`: PCIe endpoints (virtio, hostdev) and, on q35 where the difference decides
 * which bus libvirt adds for a missing index, conventional PCI ones (e1000, rtl8139, lsilogic).
 */
function endpoint(rng: Rng, addr: string, k: number): string {
  switch (rng.int(0, 5)) {
    case 4:
      return nic({ mac: undefined, model: rng.pick(['e1000', 'rtl8139']), addr });
    case 5:
      return controller('scsi', 1 + k, 'lsilogic', { addr });
    case 0:
      return disk({ dev: `vd${'bcdefgh'[k % 7]}`, bus: 'virtio', addr });
    case 1:
      return nic({ mac: undefined, addr });
    case 2:
      return hostdevPci({ src: [0x04, 0x10 + k, rng.int(0, 7)], addr });
    default:
      return `<rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n      ${addr}\n    </rng>`;
  }
}

const pciAddressGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const variant = i % 4;
  let bus = 0;
  let slot: number;
  let fn: number;
  let extra = '';
  if (variant === 0) {
    // The chipset's slots: 00:00.x, 00:01.x (pc) and 00:1f.x (q35), 00:02.x (video).
    slot = machine === 'pc' ? rng.pick([0, 1, 1, 1, 2]) : rng.pick([0, 0x1f, 0x1f, 0x1f, 1, 2]);
    fn = rng.int(0, 7);
    if (machine === 'pc') {
      if (rng.chance(0.5)) {
        devs.push(controller('ide', 0));
      }
      if (rng.chance(0.3)) {
        devs.push(controller('usb', 0, rng.pick(['ehci', 'qemu-xhci'])));
      } else if (rng.chance(0.5)) {
        devs.push(controller('usb', 0, 'piix3-uhci'));
      }
    } else if (rng.chance(0.3)) {
      devs.push(controller('sata', 0));
    }
  } else if (variant === 1) {
    // Out-of-range numbers.
    slot = rng.pick([3, 0x1e, 0x1f, 0x20, 0x21]);
    fn = rng.pick([0, 7, 8, 9]);
    if (rng.chance(0.25)) {
      extra = `domain='0x000${rng.int(0, 1)}'`;
    }
  } else if (variant === 2) {
    // Buses that exist, and some that do not (libvirt adds controllers for those).
    devs.push(...plumbing(machine, 3, true));
    bus = rng.pick([0, 1, 2, 3, 4, 5, 8, 0xff, 0x100]);
    slot = rng.pick([0, 1, 2, 5]);
    fn = rng.pick([0, 0, 1]);
  } else {
    // Multifunction slots.
    slot = rng.int(3, 0x1e);
    fn = rng.int(0, 7);
    const mf = rng.pick(['', "multifunction='on'", "multifunction='off'"]);
    devs.push(endpoint(rng, pciAddr(0, slot, 0, mf), 5));
    fn = fn === 0 ? 1 : fn;
  }
  devs.push(endpoint(rng, pciAddr(bus, slot, fn, extra), 0));
  return {
    title: `device at ${bus.toString(16)}:${slot.toString(16)}.${fn}${extra ? ' ' + extra : ''} on ${machine}`,
    machine,
    devices: devs,
  };
};

// ---------------------------------------------------------------------------------------------
// Bus/slot fit: root ports and downstream ports have only slot 0; bridges and roots no slot 0.

const busSlotGen: Gen = (rng, i) => {
  const machine: Machine = i % 3 === 0 ? 'pc' : 'q35';
  const devs = [...baseDevices(machine), ...plumbing(machine, 3, true)];
  let title: string;
  if (machine === 'pc') {
    const slot = rng.pick([0, 0, 1, 2, 0x1f]);
    devs.push(endpoint(rng, pciAddr(1, slot, rng.pick([0, 0, 1])), 0));
    title = `endpoint on pci-bridge bus 1 slot ${slot}`;
  } else {
    const kind = rng.int(0, 3);
    if (kind === 0) {
      const bus = rng.int(1, 2);
      const slot = rng.pick([0, 0, 1, 2, 3]);
      devs.push(endpoint(rng, pciAddr(bus, slot, rng.pick([0, 0, 2])), 0));
      title = `endpoint on pcie-root-port bus ${bus} slot ${slot}`;
    } else if (kind === 1) {
      const slot = rng.pick([0, 0, 1, 2]);
      devs.push(endpoint(rng, pciAddr(4, slot, 0), 0));
      title = `endpoint on pcie-to-pci-bridge bus 4 slot ${slot}`;
    } else if (kind === 2) {
      // A controller on the wrong kind of bus.
      const model = rng.pick(['pcie-root-port', 'pcie-to-pci-bridge', 'pci-bridge', 'dmi-to-pci-bridge']);
      const bus = rng.pick([0, 1, 4]);
      const slot = bus === 0 ? rng.int(3, 6) : bus === 4 ? rng.int(1, 3) : 0;
      const inner = model === 'pcie-root-port' ? `<target chassis='20' port='0x20'/>` : undefined;
      devs.push(controller('pci', 5, model, { inner, addr: pciAddr(bus, slot, 0) }));
      title = `${model} (index 5) on bus ${bus} slot ${slot}`;
    } else {
      // A switch: upstream port on a root port, downstream ports on it; endpoints on each.
      devs.push(controller('pci', 5, 'pcie-switch-upstream-port', { addr: pciAddr(2, 0, 0) }));
      const dslot = rng.pick([0, 1]);
      devs.push(
        controller('pci', 6, 'pcie-switch-downstream-port', { inner: `<target chassis='6' port='0x0'/>`, addr: pciAddr(5, dslot, 0) })
      );
      const ebus = rng.pick([5, 6]);
      const eslot = rng.pick([0, 0, 1]);
      devs.push(endpoint(rng, pciAddr(ebus, eslot, 0), 0));
      title = `switch: downstream port at slot ${dslot}, endpoint on bus ${ebus} slot ${eslot}`;
    }
  }
  return { title, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// Duplicate PCI addresses.

const pciDuplicateGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine), ...plumbing(machine, 3, false)];
  const bus = machine === 'q35' ? rng.int(1, 3) : 0;
  const slot = machine === 'q35' ? 0 : rng.int(3, 10);
  const fn1 = rng.pick([0, 0, 1]);
  const sameSlot = machine === 'pc' ? rng.chance(0.7) : true;
  const fn2 = rng.chance(0.6) ? fn1 : rng.int(0, 3);
  const slot2 = sameSlot ? slot : slot + 1;
  devs.push(endpoint(rng, pciAddr(bus, slot, fn1), 0));
  if (rng.chance(0.2) && machine === 'pc') {
    devs.push(controller('pci', 1, 'pci-bridge', { addr: pciAddr(bus, slot2, fn2) }));
  } else if (rng.chance(0.2)) {
    devs.push(controller('usb', 1, rng.pick(['ehci', 'qemu-xhci']), { addr: pciAddr(bus, slot2, fn2) }));
  } else {
    devs.push(endpoint(rng, pciAddr(bus, slot2, fn2), 1));
  }
  // A controller vs a root port address on q35.
  if (machine === 'q35' && rng.chance(0.3)) {
    devs.push(endpoint(rng, pciAddr(0, 2, rng.int(0, 3)), 2));
  }
  return { title: `two devices at ${bus}:${slot}.${fn1} and ${bus}:${slot2}.${fn2}`, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// USB: ports beyond a controller's capacity, duplicates, hubs, missing buses, port syntax.

const USB_MODELS = ['piix3-uhci', 'ehci', 'nec-xhci', 'qemu-xhci', 'qemu-xhci', 'ich9-ehci1'];
const USB_PORTS: Record<string, number> = { 'piix3-uhci': 2, ehci: 6, 'nec-xhci': 4, 'qemu-xhci': 4, 'ich9-ehci1': 6 };

function usbDevice(rng: Rng, addr: string, k: number): string {
  switch (rng.int(0, 2)) {
    case 0:
      return usbInput(rng.pick(['tablet', 'mouse', 'keyboard']), addr);
    case 1:
      return hostdevUsb({ vendor: `0x${(0x1000 + k).toString(16)}`, product: `0x${(0x2000 + k).toString(16)}`, addr });
    default:
      return hostdevUsb({ bus: 1, device: 10 + k, addr });
  }
}

const usbGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const model = rng.pick(USB_MODELS);
  const portsAttr = model.includes('xhci') && rng.chance(0.5) ? rng.pick([2, 6, 8, 15]) : undefined;
  const ports = portsAttr ?? USB_PORTS[model]!;
  devs.push(controller('usb', 0, model, portsAttr ? { attrs: `ports='${portsAttr}'` } : {}));
  if (model === 'ich9-ehci1' && rng.chance(0.5)) {
    devs.push(controller('usb', 0, 'ich9-uhci1'));
  }
  const variant = i % 6;
  let title: string;
  if (variant === 0) {
    // Beyond capacity.
    const port = rng.int(Math.max(1, ports - 1), ports + 2);
    devs.push(usbDevice(rng, usbAddr(0, String(port)), 0));
    title = `${model}${portsAttr ? ` ports=${portsAttr}` : ''} (${ports} ports), device on port ${port}`;
  } else if (variant === 1) {
    // Duplicates.
    const p1 = rng.int(1, ports);
    const p2 = rng.chance(0.6) ? p1 : rng.int(1, ports);
    devs.push(usbDevice(rng, usbAddr(0, String(p1)), 0), usbDevice(rng, usbAddr(rng.chance(0.8) ? 0 : undefined, String(p2)), 1));
    title = `two USB devices on ports ${p1} and ${p2} of ${model}`;
  } else if (variant === 2) {
    // Missing bus: an address on bus 1 with or without a second controller.
    const second = rng.chance(0.4);
    if (second) {
      devs.push(controller('usb', 1, rng.pick(['ehci', 'qemu-xhci', 'piix3-uhci'])));
    }
    const bus = rng.pick([1, 1, 2]);
    devs.push(usbDevice(rng, usbAddr(bus, String(rng.int(1, 2))), 0));
    title = `USB device on bus ${bus}${second ? ' with a second controller (index 1)' : ' with one controller'}`;
  } else if (variant === 3) {
    // Hubs: a path through a hub, or through a port with no hub.
    const hubPort = rng.int(1, Math.min(ports, 3));
    const withHub = rng.chance(0.6);
    if (withHub) {
      devs.push(hub(usbAddr(0, String(hubPort))));
    }
    const via = rng.chance(0.8) ? hubPort : hubPort + 1;
    const leaf = rng.pick([1, 2, 8, 9]);
    devs.push(usbDevice(rng, usbAddr(0, `${via}.${leaf}`), 0));
    title = `${withHub ? `hub on port ${hubPort}` : 'no hub'}, device on port ${via}.${leaf}`;
  } else if (variant === 4) {
    // Port syntax.
    const port = rng.pick(['0x2', 'a', '1.1.1.1.1', '01', '1.', ' 1', '2', '0']);
    devs.push(usbDevice(rng, usbAddr(0, port), 0));
    title = `USB port '${port}'`;
  } else {
    // USB disabled, with or without USB devices.
    devs.splice(
      devs.findIndex((d) => d.startsWith("<controller type='usb'")),
      1
    );
    if (model === 'ich9-ehci1') {
      devs.splice(
        devs.findIndex((d) => d.includes('ich9-uhci1')),
        1
      );
    }
    devs.push(controller('usb', 0, 'none'));
    const withDev = rng.chance(0.5);
    if (withDev) {
      devs.push(usbDevice(rng, usbAddr(0, '1'), 0));
    }
    title = `USB disabled${withDev ? ' with a USB device at bus 0 port 1' : ''}`;
  }
  return { title, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// Disk targets: duplicates and names libvirt cannot read.

const TARGETS_OK = ['vda', 'vdb', 'vdz', 'vdaa', 'sda', 'sdb', 'hdc', 'xvda', 'ubda', 'sdab'];
const TARGETS_BAD = ['vda1', 'sda01', 'vdA', 'vda_1', 'xyz', 'nvme0n1', 'v', 'VDA', 'vd', 'hd1', 'da'];

const diskTargetGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine), controller('scsi', 0, 'virtio-scsi')];
  const busFor = (dev: string): string =>
    dev.startsWith('sd')
      ? machine === 'q35' && rng.chance(0.3)
        ? 'sata'
        : 'scsi'
      : dev.startsWith('hd')
        ? machine === 'pc'
          ? 'ide'
          : 'sata'
        : 'virtio';
  let title: string;
  if (i % 2 === 0) {
    const a = rng.pick(TARGETS_OK);
    const b = rng.chance(0.6) ? a : rng.pick(TARGETS_OK);
    devs.push(disk({ dev: a, bus: busFor(a) }), disk({ dev: b, bus: rng.chance(0.2) ? 'usb' : busFor(b) }));
    title = `disks ${a} and ${b}`;
  } else {
    const t = rng.chance(0.75) ? rng.pick(TARGETS_BAD) : rng.pick(TARGETS_OK);
    const bus = rng.pick(['virtio', 'scsi', machine === 'pc' ? 'ide' : 'sata']);
    const withAddr = bus !== 'virtio' && rng.chance(0.3);
    devs.push(disk({ dev: t, bus, addr: withAddr ? driveAddr(0, 0, 0, rng.int(0, 1)) : undefined }));
    title = `disk target '${t}' on ${bus}${withAddr ? ' with a drive address' : ''}`;
  }
  return { title, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// Drive addresses: explicit duplicates, explicit vs implied by the target name.

const driveGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const bus = rng.pick(machine === 'q35' ? ['scsi', 'scsi', 'sata'] : ['scsi', 'scsi', 'ide']);
  if (bus === 'scsi') {
    devs.push(controller('scsi', 0, 'virtio-scsi'));
  }
  const prefix = bus === 'scsi' || bus === 'sata' ? 'sd' : 'hd';
  const u1 = rng.int(0, 2);
  const u2 = rng.chance(0.5) ? u1 : rng.int(0, 2);
  const explicit2 = rng.chance(0.6);
  const d1 = disk({ dev: `${prefix}a`, bus, addr: driveAddr(0, 0, 0, u1) });
  const name2 = `${prefix}${'bcd'[u2] ?? 'b'}`;
  const d2 = disk({ dev: explicit2 ? `${prefix}x` : name2, bus, addr: explicit2 ? driveAddr(0, 0, 0, u2) : undefined });
  devs.push(d1, d2);
  return {
    title: `${bus} disks: ${prefix}a at unit ${u1}, ${explicit2 ? `${prefix}x at unit ${u2}` : `${name2} with the address its name implies`}`,
    machine,
    devices: devs,
  };
};

// ---------------------------------------------------------------------------------------------
// error_policy='retry' and the retry_* attributes (upstream libvirt rejects the policy).

const retryGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const ep = rng.pick(['retry', 'retry', 'stop', 'report', 'ignore', 'enospace', undefined]);
  const rp = rng.pick(['retry', 'stop', 'report', 'ignore', undefined, undefined]);
  const attrs = [ep && `error_policy='${ep}'`, rp && `rerror_policy='${rp}'`];
  if (rng.chance(0.4)) {
    attrs.push(`retry_interval='${rng.pick(['1000', '0', '-1'])}'`);
  }
  if (rng.chance(0.3)) {
    attrs.push(`retry_timeout='${rng.pick(['10000', '0'])}'`);
  }
  const bus = rng.pick(['virtio', 'virtio', 'scsi', machine === 'q35' ? 'sata' : 'ide']);
  if (bus === 'scsi') {
    devs.push(controller('scsi', 0, 'virtio-scsi'));
  }
  const dev = bus === 'virtio' ? 'vda' : bus === 'scsi' || bus === 'sata' ? 'sda' : 'hda';
  const driverAttrs = attrs.filter(Boolean).join(' ');
  devs.push(disk({ dev, bus, driverAttrs }));
  return { title: `${bus} disk with <driver ${driverAttrs || '(no policy)'}>`, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// Boot order: duplicates, and per-device boot together with <os><boot>.

const bootGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const orders = [rng.int(1, 3), rng.int(1, 3), rng.chance(0.5) ? rng.int(1, 4) : undefined];
  if (rng.chance(0.3)) {
    orders[0] = undefined;
  }
  devs.push(disk({ dev: 'vda', bus: 'virtio', boot: orders[0] }));
  devs.push(nic({ mac: mac(rng), boot: orders[1] }));
  if (rng.chance(0.5)) {
    devs.push(hostdevPci({ src: [4, 0x10, 1], boot: orders[2] }));
  } else {
    devs.push(disk({ dev: machine === 'q35' ? 'sda' : 'hdc', bus: machine === 'q35' ? 'sata' : 'ide', device: 'cdrom', boot: orders[2] }));
  }
  const osBoot = rng.chance(0.3) ? [rng.pick(['hd', 'cdrom', 'network'])] : [];
  const shown = orders.map((o) => (o === undefined ? '-' : String(o))).join(',');
  return {
    title: `boot orders ${shown}${osBoot.length ? ` with <os><boot dev='${osBoot[0]}'>` : ''}`,
    machine,
    devices: devs,
    extra: { osBoot },
  };
};

// ---------------------------------------------------------------------------------------------
// Host devices assigned twice.

const hostdevGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  let title: string;
  if (i % 3 !== 2) {
    const src: [number, number, number] = [rng.pick([4, 5]), rng.pick([0x10, 0x11]), rng.int(0, 2)];
    const src2: [number, number, number] = rng.chance(0.55) ? src : [src[0], src[1], (src[2] + 1) % 8];
    const asInterface = rng.chance(0.4);
    devs.push(hostdevPci({ src }));
    devs.push(asInterface ? interfaceHostdev({ src: src2, mac: mac(rng) }) : hostdevPci({ src: src2 }));
    title = `PCI host devices ${src.join(':')} and ${src2.join(':')}${asInterface ? ' (second as <interface type=hostdev>)' : ''}`;
  } else {
    const byId = rng.chance(0.5);
    if (byId) {
      const v = rng.pick(['0x1234', '0x046d']);
      const p1 = '0xc077';
      const p2 = rng.chance(0.6) ? p1 : '0xc078';
      devs.push(hostdevUsb({ vendor: v, product: p1 }), hostdevUsb({ vendor: v, product: p2 }));
      title = `USB host devices ${v}:${p1} and ${v}:${p2}`;
    } else {
      const d1 = rng.int(2, 4);
      const d2 = rng.chance(0.6) ? d1 : d1 + 1;
      devs.push(hostdevUsb({ bus: 1, device: d1 }), hostdevUsb({ bus: 1, device: d2 }));
      title = `USB host devices at 1:${d1} and 1:${d2}`;
    }
  }
  return { title, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// MAC syntax and the multicast bit.

const MACS = [
  '52:54:00:12:34:56',
  '52:54:0:1:2:3',
  '53:54:00:12:34:56',
  'ff:ff:ff:ff:ff:ff',
  '01:00:5e:00:00:01',
  'fe:54:00:12:34:56',
  '00:00:00:00:00:00',
  '52:54:00:12:34',
  '52:54:00:12:34:56:78',
  '52-54-00-12-34-56',
  '525400123456',
  '52:54:00:12:34:5g',
  '52:54:00:123:34:56',
  '52:54::12:34:56',
  'aa:bb:cc:dd:ee:ff',
  'AB:CD:EF:01:02:03',
  'AA:BB:CC:DD:EE:FF',
  ' 52:54:00:12:34:56',
  '52:54:00:12:34:56 ',
];

const macGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  const m = rng.chance(0.7)
    ? rng.pick(MACS)
    : mac(rng).replace(/^../, (o) => (parseInt(o, 16) | rng.int(0, 1)).toString(16).padStart(2, '0'));
  const asHostdev = rng.chance(0.2);
  devs.push(asHostdev ? interfaceHostdev({ src: [4, 0x10, 2], mac: m }) : nic({ mac: m }));
  return { title: `MAC '${m}'${asHostdev ? ' on <interface type=hostdev>' : ''}`, machine, devices: devs };
};

// ---------------------------------------------------------------------------------------------
// CPU topology vs <vcpu>.

const topologyGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const s = rng.int(1, 4);
  const c = rng.int(1, 4);
  const t = rng.int(1, 2);
  const d = rng.chance(0.3) ? rng.int(1, 2) : undefined;
  const product = s * c * t * (d ?? 1);
  const vcpu = rng.chance(0.5) ? product : rng.pick([1, 2, 4, 6, 8, product + 1, product * 2]);
  const topo = `<topology sockets='${s}'${d ? ` dies='${d}'` : ''} cores='${c}' threads='${t}'/>`;
  return { title: `${topo} with <vcpu>${vcpu}</vcpu>`, machine, devices: baseDevices(machine), extra: { vcpu, cpu: topo } };
};

// ---------------------------------------------------------------------------------------------
// Domain names.

const NAMES = [
  'a/b',
  'vm/',
  '/vm',
  'web-01',
  'web_01:prod',
  'vm.example.com',
  'vm with spaces',
  'vm-ü-ñ',
  '12345',
  'x'.repeat(70),
  'a//b',
  'vm\\back',
];

const nameGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const name = rng.pick(NAMES);
  return { title: `name '${name}'`, machine, devices: baseDevices(machine), extra: { name } };
};

// ---------------------------------------------------------------------------------------------
// Device models libvirt passes to QEMU (start-time), video, disk address types, other hostdev
// kinds and SCSI drive addresses, chardev sources, power-of-two sizes, the IOMMU.

/** baseDevices without its <video>, for generators that bring their own. */
function baseWithoutVideo(machine: Machine): string[] {
  return baseDevices(machine).filter((d) => !d.startsWith('<video>'));
}

const NIC_MODELS = [
  'virtio',
  'virtoi',
  'Virtio',
  'e1000',
  'e1000e',
  'e1000-e',
  'rtl8139',
  'rtl8193',
  'vmxnet3',
  'vmxnet',
  'ne2k_pci',
  'pcnet',
  'virtio-net-pci',
  'i82559er',
  'e100',
];

const nicModelGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const m = rng.pick(NIC_MODELS);
  const devs = [
    ...baseDevices(machine),
    `<interface type='user'>\n      <mac address='${mac(rng)}'/>\n      <model type='${m}'/>\n    </interface>`,
  ];
  return { title: `NIC model '${m}'`, machine, devices: devs };
};

const VIDEO_MODELS = ['vga', 'cirrus', 'qxl', 'virtio', 'bochs', 'ramfb', 'none'];

const videoGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const n = rng.int(1, 3);
  const vids: string[] = [];
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    const m = rng.pick(VIDEO_MODELS);
    const primary = rng.chance(0.25) ? " primary='yes'" : '';
    const mem = rng.chance(0.2) ? ` ${rng.pick(['ram', 'vram64', 'vgamem'])}='${rng.pick(['0', '16384', '65536'])}'` : '';
    const addr = m === 'ramfb' && rng.chance(0.4) ? `\n      ${pciAddr(0, 0x0a + k, 0)}` : '';
    vids.push(`<video>\n      <model type='${m}'${primary}${mem}/>${addr}\n    </video>`);
    parts.push(`${m}${primary ? '(primary)' : ''}${mem}${addr ? '@pci' : ''}`);
  }
  return { title: `video ${parts.join(', ')}`, machine, devices: [...baseWithoutVideo(machine), ...vids] };
};

const DISK_ADDRS: { bus: string; dev: string; addrs: string[] }[] = [
  { bus: 'sata', dev: 'sda', addrs: ['drive', 'pci', 'usb'] },
  { bus: 'scsi', dev: 'sdb', addrs: ['drive', 'pci'] },
  { bus: 'ide', dev: 'hdc', addrs: ['drive', 'pci'] },
  { bus: 'virtio', dev: 'vda', addrs: ['pci', 'drive', 'usb'] },
  { bus: 'usb', dev: 'sdc', addrs: ['usb', 'drive', 'pci'] },
];

const diskAddressGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const d = rng.pick(DISK_ADDRS.filter((x) => machine === 'q35' || x.bus !== 'sata'));
  const kind = rng.pick(d.addrs);
  const addr = kind === 'drive' ? driveAddr(0, 0, 0, d.bus === 'ide' ? 0 : 1) : kind === 'pci' ? pciAddr(0, 0x0b, 0) : usbAddr(0, '2');
  const bus = machine === 'pc' && d.bus === 'ide' && rng.chance(0.5) ? undefined : d.bus;
  const devs = [...baseDevices(machine), controller('usb', 0, 'qemu-xhci'), disk({ dev: d.dev, bus: bus ?? 'ide', addr })];
  if (bus === undefined) {
    devs[devs.length - 1] = devs[devs.length - 1]!.replace(" bus='ide'", '');
  }
  return { title: `${d.bus} disk ${d.dev}${bus ? '' : ' (bus from the name)'} with a ${kind} address`, machine, devices: devs };
};

function hostdevScsi(adapter: string, unit: number, guestUnit?: number): string {
  return `<hostdev mode='subsystem' type='scsi'>
      <source>
        <adapter name='${adapter}'/>
        <address bus='0' target='0' unit='${unit}'/>
      </source>${guestUnit === undefined ? '' : `\n      ${driveAddr(0, 0, 0, guestUnit)}`}
    </hostdev>`;
}

function hostdevMdev(uuid: string): string {
  return `<hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='${uuid}'/>
      </source>
    </hostdev>`;
}

const hostdevKindsGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  let title: string;
  if (i % 3 === 0) {
    const u1 = 'c2177883-f1bb-47f0-914d-32a22e3a8804';
    const u2 = rng.pick([u1, u1.toUpperCase(), u1.replace(/-/g, ''), 'c2177883-f1bb-47f0-914d-32a22e3a8805']);
    devs.push(hostdevMdev(u1), hostdevMdev(u2));
    title = `mdev ${u1} and ${u2}`;
  } else if (i % 3 === 1) {
    const a2 = rng.pick(['scsi_host0', 'scsi_host1']);
    const unit2 = rng.int(0, 1);
    const g1 = rng.chance(0.5) ? rng.int(0, 3) : undefined;
    const g2 = rng.chance(0.5) ? rng.int(0, 3) : undefined;
    devs.push(controller('scsi', 0, 'virtio-scsi'), hostdevScsi('scsi_host0', 0, g1), hostdevScsi(a2, unit2, g2));
    title = `SCSI hostdevs scsi_host0:0 (guest unit ${g1 ?? '-'}) and ${a2}:${unit2} (guest unit ${g2 ?? '-'})`;
  } else {
    const dev = rng.pick(['sda', 'sdb', 'sdc']);
    const explicit = rng.chance(0.3) ? rng.int(0, 2) : undefined;
    const g = rng.int(0, 2);
    devs.push(
      controller('scsi', 0, 'virtio-scsi'),
      disk({ dev, bus: 'scsi', addr: explicit === undefined ? undefined : driveAddr(0, 0, 0, explicit) }),
      hostdevScsi('scsi_host0', 0, g)
    );
    title = `SCSI disk ${dev}${explicit === undefined ? '' : ` at unit ${explicit}`} and a SCSI hostdev at guest unit ${g}`;
  }
  return { title, machine, devices: devs };
};

const CHARDEVS: string[] = [
  "<serial type='file'>\n      <target port='0'/>\n    </serial>",
  "<serial type='file'>\n      <source path='/tmp/lx-gen-serial.log'/>\n      <target port='0'/>\n    </serial>",
  "<serial type='tcp'>\n      <source mode='bind' host='127.0.0.1'/>\n      <target port='0'/>\n    </serial>",
  "<serial type='tcp'>\n      <source mode='bind' host='127.0.0.1' service='4555'/>\n      <target port='0'/>\n    </serial>",
  "<serial type='udp'>\n      <source mode='bind' host='127.0.0.1' service='4556'/>\n      <target port='0'/>\n    </serial>",
  "<serial type='udp'>\n      <source mode='connect' host='127.0.0.1' service='4557'/>\n      <target port='0'/>\n    </serial>",
  "<serial type='unix'>\n      <source mode='bind'/>\n      <target port='0'/>\n    </serial>",
  "<channel type='unix'>\n      <source mode='bind'/>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>",
  "<channel type='pipe'>\n      <target type='virtio' name='org.example.pipe'/>\n    </channel>",
  "<console type='file'>\n      <target type='virtio' port='0'/>\n    </console>",
  "<serial type='pty'>\n      <target port='0'/>\n    </serial>\n    <console type='file'>\n      <target type='serial' port='0'/>\n    </console>",
  "<parallel type='dev'>\n      <target port='0'/>\n    </parallel>",
];

const chardevGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const c = rng.pick(CHARDEVS);
  return { title: c.replace(/\s+/g, ' '), machine, devices: [...baseDevices(machine), c] };
};

const sizeGen: Gen = (rng, i) => {
  const machine = rng.pick(MACHINES);
  const devs = [...baseDevices(machine)];
  let title: string;
  if (i % 2 === 0) {
    const [n, unit] = rng.pick([
      ['4', 'M'],
      ['3', 'M'],
      ['4', 'MB'],
      ['512', 'KiB'],
      ['2048', 'KiB'],
      ['6', 'MiB'],
      ['1', 'G'],
    ] as const);
    devs.push(`<shmem name='lx-gen-${i}'>\n      <model type='ivshmem-plain'/>\n      <size unit='${unit}'>${n}</size>\n    </shmem>`);
    title = `shmem size ${n} ${unit}`;
  } else {
    const which = rng.pick(['rx_queue_size', 'tx_queue_size']);
    const n = rng.pick([256, 300, 512, 1000, 1024]);
    const m = rng.pick(['virtio', 'virtio', 'e1000']);
    devs.push(
      `<interface type='user'>\n      <model type='${m}'/>\n      <driver ${which === 'rx_queue_size' ? "name='qemu' " : ''}${which}='${n}'/>\n    </interface>`
    );
    title = `${m} NIC with ${which}=${n}`;
  }
  return { title, machine, devices: devs };
};

const iommuGen: Gen = (rng) => {
  const machine = rng.pick(MACHINES);
  const m = rng.pick(['intel', 'intel', 'virtio', 'smmuv3']);
  const driver = rng.chance(0.3) ? `\n      <driver ${rng.pick(["caching_mode='on'", "eim='on'", "iotlb='on'"])}/>` : '';
  const addr = rng.chance(0.25) ? `\n      ${rng.chance(0.5) ? pciAddr(0, 0x0c, 0) : driveAddr(0, 0, 0, 0)}` : '';
  const two = rng.chance(0.15);
  const el = driver || addr ? `<iommu model='${m}'>${driver}${addr}\n    </iommu>` : `<iommu model='${m}'/>`;
  return {
    title: `iommu ${m}${driver ? ' ' + driver.trim() : ''}${addr ? ' with address' : ''}${two ? ' twice' : ''}`,
    machine,
    devices: [...baseDevices(machine), el, ...(two ? [`<iommu model='${m}'/>`] : [])],
  };
};

/** Generators, each with its family (table row) and number of cases. */
export const GENERATORS: { family: string; count: number; gen: Gen }[] = [
  { family: 'controllers', count: 48, gen: controllerGen },
  { family: 'pci-address', count: 60, gen: pciAddressGen },
  { family: 'pci-bus-slot', count: 36, gen: busSlotGen },
  { family: 'pci-duplicate', count: 28, gen: pciDuplicateGen },
  { family: 'usb', count: 60, gen: usbGen },
  { family: 'disk-target', count: 34, gen: diskTargetGen },
  { family: 'drive-address', count: 24, gen: driveGen },
  { family: 'disk-retry', count: 20, gen: retryGen },
  { family: 'boot-order', count: 24, gen: bootGen },
  { family: 'hostdev', count: 24, gen: hostdevGen },
  { family: 'mac', count: 30, gen: macGen },
  { family: 'cpu-topology', count: 20, gen: topologyGen },
  { family: 'domain-name', count: 14, gen: nameGen },
  { family: 'nic-model', count: 16, gen: nicModelGen },
  { family: 'video', count: 24, gen: videoGen },
  { family: 'disk-address-type', count: 16, gen: diskAddressGen },
  { family: 'hostdev-kinds', count: 18, gen: hostdevKindsGen },
  { family: 'chardev', count: 16, gen: chardevGen },
  { family: 'sizes', count: 16, gen: sizeGen },
  { family: 'iommu', count: 16, gen: iommuGen },
  { family: 'disk-settings', count: 48, gen: covDiskGen },
  { family: 'controller-options', count: 36, gen: controllerOptionsGen },
  { family: 'domain-settings', count: 30, gen: domainSettingsGen },
  { family: 'disk-sources', count: 24, gen: diskSourcesGen },
  { family: 'hostdev-options', count: 22, gen: hostdevOptionsGen },
  { family: 'machine-options', count: 20, gen: machineOptionsGen },
  { family: 'qemu-namespace', count: 16, gen: qemuNamespaceGen },
  { family: 'memory-devices', count: 24, gen: memoryDevicesGen },
  { family: 'numa', count: 25, gen: numaGen },
  { family: 'cputune', count: 24, gen: cputuneGen },
  { family: 'shmem', count: 12, gen: shmemGen },
  { family: 'filesystems-tpm', count: 20, gen: filesystemTpmGen },
  { family: 'input-graphics-audio', count: 21, gen: inputGraphicsAudioGen },
  { family: 'peripherals', count: 20, gen: peripheralsGen },
  { family: 'nic-chardev', count: 20, gen: nicChardevGen },
];

export const DEFAULT_SEED = 20240501;

/** Every generated case for a seed, in a stable order. */
export function generateCases(seed: number): GeneratedCase[] {
  const out: GeneratedCase[] = [];
  for (const g of GENERATORS) {
    const rng = new Rng(seed ^ hash32(g.family));
    for (let i = 0; i < g.count; i++) {
      const r = g.gen(rng, i);
      const spec = { name: 'gen', machine: r.machine, devices: r.devices, ...r.extra };
      out.push({ id: `${g.family}-${String(i).padStart(3, '0')}`, family: g.family, title: r.title, xml: domainXml(spec) });
    }
  }
  return out;
}

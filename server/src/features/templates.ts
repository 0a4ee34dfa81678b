/**
 * Device templates: whole devices (or small groups of devices) as they appear in the user's
 * reference guides, offered as completions inside <devices> and at the top of an empty file.
 * Each one is computed from the current document, so the indexes, slots, ports, targets and MAC
 * addresses it inserts are free: inserting a template never creates a duplicate.
 *
 * Templates are snippets: text with numbered placeholders (and choices) the editor lets the user
 * tab through. The engine keeps them as data; the LSP edge renders them in snippet syntax.
 */
import { hex } from '../model/pci';
import type { DomainModel } from '../model/types';
import type { Flavor } from '../rules/types';
import { allocation, controllersOf } from '../model/allocate';
import { usbDisabled } from '../model/usb';

// ---------------------------------------------------------------------------
// snippets

/** A tab stop: `tab` 1, 2, ... in order; 0 is where the cursor ends. */
export interface Placeholder {
  readonly tab: number;
  /** What the placeholder holds until the user types over it (the first choice when there are choices). */
  readonly text: string;
  readonly choices?: readonly string[];
}

export type SnippetPart = string | Placeholder;
export type Snippet = readonly SnippetPart[];

/** Text and placeholders as a snippet: `snip\`<a b='${ph(1, 'x')}'/>\``. Numbers and strings are literal text. */
export function snip(strings: TemplateStringsArray, ...values: (string | number | Placeholder)[]): SnippetPart[] {
  const out: SnippetPart[] = [];
  const push = (s: string): void => {
    if (s === '') {
      return;
    }
    const last = out[out.length - 1];
    if (typeof last === 'string') {
      out[out.length - 1] = last + s;
    } else {
      out.push(s);
    }
  };
  strings.forEach((s, i) => {
    push(s);
    if (i < values.length) {
      const v = values[i]!;
      if (typeof v === 'object') {
        out.push(v);
      } else {
        push(String(v));
      }
    }
  });
  return out;
}

export function ph(tab: number, text: string, choices?: readonly string[]): Placeholder {
  return choices && choices.length > 0 ? { tab, text: choices[0]!, choices } : { tab, text };
}

/** The text a snippet inserts when every placeholder keeps its default. */
export function snippetText(s: Snippet): string {
  return s.map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

export function hasTabStops(s: Snippet): boolean {
  return s.some((p) => typeof p !== 'string');
}

/**
 * Snippets are written with two spaces per level; this re-indents every line after the first
 * to `base` plus `unit` per level.
 */
export function reindent(s: Snippet, base: string, unit: string): Snippet {
  const memo = new Map<number, string>();
  const lead = (spaces: number): string => {
    let r = memo.get(spaces);
    if (r === undefined) {
      r = base + unit.repeat(spaces >> 1) + (spaces & 1 ? ' ' : '');
      memo.set(spaces, r);
    }
    return r;
  };
  return s.map((p) => {
    if (typeof p !== 'string' || !p.includes('\n')) {
      return p;
    }
    const ls = p.split('\n');
    for (let i = 1; i < ls.length; i++) {
      const line = ls[i]!;
      let k = 0;
      while (line.charCodeAt(k) === 32) {
        k++;
      }
      ls[i] = lead(k) + line.slice(k);
    }
    return ls.join('\n');
  });
}

/** Joins snippets line by line. */
function lines(...parts: (Snippet | undefined | false)[]): SnippetPart[] {
  const out: SnippetPart[] = [];
  for (const p of parts) {
    if (!p) {
      continue;
    }
    if (out.length > 0) {
      out.push('\n');
    }
    out.push(...p);
  }
  // merge adjacent strings
  const merged: SnippetPart[] = [];
  for (const p of out) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') {
      merged[merged.length - 1] = last + p;
    } else {
      merged.push(p);
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------
// templates

interface TemplateEnv {
  model: DomainModel | undefined;
  flavor: Flavor | undefined;
  random: () => number;
  /** Top level of a file without a root element: a fragment holds one device, so only one-device templates. */
  topLevel: boolean;
}

export interface DeviceTemplate {
  id: string;
  /** Short name shown in the completion list. */
  label: string;
  /** One line: what gets inserted, with the computed values. */
  detail: string;
  /** Markdown: what the template is for and what to fill in. */
  description: string;
  /** Words the user may type to find it (after '<'). */
  keywords: string;
  snippet: Snippet;
}

const h2 = (n: number): string => hex(n, 2);
const h4 = (n: number): string => hex(n, 4);

function isPcieMachine(model: DomainModel | undefined): boolean {
  // i440fx has no PCIe root; q35 and ARM/RISC-V 'virt' machines (family 'other') do. A fragment's machine may be unknown.
  return model?.machine.family !== 'i440fx' || (model.kind === 'fragment' && model.machine.origin !== 'config');
}

function pcieTopology(env: TemplateEnv): DeviceTemplate | undefined {
  const { model } = env;
  if (env.topLevel || !isPcieMachine(model)) {
    return undefined;
  }
  // Root ports take indexes that are free as chassis numbers too (a port without one uses its index).
  const alloc = allocation(model);
  const [p1, bridge, p3, p4, p5] = [1, 2, 3, 4, 5].map(() => alloc.takeRootPortIndex()) as [number, number, number, number, number];
  const needRoot = model?.kind === 'domain' && !alloc.usedControllerIndexes('pci').has(0);
  const c = (i: number, m: string) => snip`<controller type='pci' index='${i}' model='${m}'/>`;
  return {
    id: 'pcie-topology',
    label: 'PCIe topology: root ports and a PCIe-to-PCI bridge',
    detail: `pcie-root-port ${p1}, ${p3}, ${p4}, ${p5} and pcie-to-pci-bridge ${bridge}`,
    description:
      'The short way to lay out PCIe: give each controller only its model and index and let libvirt choose chassis, ' +
      'port numbers and addresses. Root ports take one PCIe device each; the PCIe-to-PCI bridge gives a conventional PCI bus ' +
      'for devices that are not PCIe. Needs a PCIe machine such as q35.',
    keywords: 'pcie topology root port bridge controller',
    snippet: lines(
      needRoot && c(0, 'pcie-root'),
      c(p1, 'pcie-root-port'),
      c(bridge, 'pcie-to-pci-bridge'),
      c(p3, 'pcie-root-port'),
      c(p4, 'pcie-root-port'),
      c(p5, 'pcie-root-port')
    ),
  };
}

function pcieRootPort(env: TemplateEnv): DeviceTemplate | undefined {
  const { model } = env;
  if (!isPcieMachine(model)) {
    return undefined;
  }
  const alloc = allocation(model);
  const index = alloc.takeRootPortIndex();
  const chassis = index;
  const at = alloc.takePciPlacement('pcie-root-port');
  const port = alloc.takeRootPortNumber(at?.slot ?? 0);
  return {
    id: 'pcie-root-port',
    label: 'PCIe root port, fully specified',
    detail: `pcie-root-port index ${index}, chassis ${chassis}${at ? `, at ${h2(at.bus)}:${h2(at.slot)}.0` : ''}`,
    description:
      'A root port with everything written out: the QEMU device model, the chassis and port numbers, and its place on the PCIe root. ' +
      'Root ports cannot be hot-plugged, so add them to the persistent configuration.',
    keywords: 'pcie root port controller chassis',
    snippet: lines(
      snip`<controller type='pci' index='${index}' model='pcie-root-port'>`,
      snip`  <model name='pcie-root-port'/>`,
      snip`  <target chassis='${chassis}' port='${hex(port, 1)}'/>`,
      at && snip`  <address type='pci' domain='0x0000' bus='${h2(at.bus)}' slot='${h2(at.slot)}' function='0x0'/>`,
      snip`</controller>`
    ),
  };
}

function hostdevPci(env: TemplateEnv): DeviceTemplate {
  const { model } = env;
  const alloc = allocation(model);
  const src = alloc.takeHostPciAddress();
  const at = alloc.takePciPlacement();
  return {
    id: 'hostdev-pci',
    label: 'PCI passthrough (hostdev)',
    detail: `host device with VFIO${at ? `, guest address ${h2(at.bus)}:${h2(at.slot)}.0` : ''}`,
    description:
      'Gives the guest a host PCI device. Fill in the host address as `lspci` shows it (domain:bus:slot.function). ' +
      "With managed='yes' libvirt detaches the device from its host driver when the guest starts and gives it back afterwards.",
    keywords: 'hostdev pci passthrough vfio',
    snippet: lines(
      snip`<hostdev mode='subsystem' type='pci' managed='yes'>`,
      snip`  <driver name='vfio'/>`,
      snip`  <source>`,
      snip`    <address domain='${ph(1, h4(src.domain))}' bus='${ph(2, h2(src.bus))}' slot='${ph(3, h2(src.slot))}' function='${ph(4, hex(src.function, 1))}'/>`,
      snip`  </source>`,
      at && snip`  <address type='pci' domain='0x0000' bus='${h2(at.bus)}' slot='${h2(at.slot)}' function='0x0'/>`,
      snip`</hostdev>`
    ),
  };
}

function interfaceSriov(env: TemplateEnv): DeviceTemplate {
  const { model } = env;
  const alloc = allocation(model);
  const src = alloc.takeHostPciAddress({ bus: 2, slot: 0x10, function: 1 });
  const at = alloc.takePciPlacement();
  const mac = alloc.takeMac(env.random, 'qemu');
  return {
    id: 'interface-sriov',
    label: 'SR-IOV virtual function as a network interface',
    detail: `interface type='hostdev', MAC ${mac}`,
    description:
      'Passes an SR-IOV virtual function (VF) of a host network card to the guest as its network interface. Unlike a plain ' +
      "PCI hostdev, libvirt sets the VF's MAC address (and VLAN, when given) before the guest sees it. The source is the VF's host PCI address.",
    keywords: 'interface hostdev sriov sr-iov vf network',
    snippet: lines(
      snip`<interface type='hostdev' managed='yes'>`,
      snip`  <mac address='${ph(1, mac)}'/>`,
      snip`  <source>`,
      snip`    <address type='pci' domain='${ph(2, h4(src.domain))}' bus='${ph(3, h2(src.bus))}' slot='${ph(4, h2(src.slot))}' function='${ph(5, hex(src.function, 1))}'/>`,
      snip`  </source>`,
      at && snip`  <address type='pci' domain='0x0000' bus='${h2(at.bus)}' slot='${h2(at.slot)}' function='0x0'/>`,
      snip`</interface>`
    ),
  };
}

function usbControllers(env: TemplateEnv): DeviceTemplate | undefined {
  const { model } = env;
  if (env.topLevel || (model && usbDisabled(model))) {
    return undefined;
  }
  const alloc = allocation(model);
  const [uhci, ehci, xhci] = [alloc.takeControllerIndex('usb'), alloc.takeControllerIndex('usb'), alloc.takeControllerIndex('usb')];
  return {
    id: 'usb-controllers',
    label: 'USB controllers: UHCI, EHCI and xHCI',
    detail: `USB 1.1 (index ${uhci}), 2.0 (index ${ehci}) and 3.0 (index ${xhci})`,
    description:
      'One controller per USB generation, slowest first: UHCI for USB 1.1 (2 ports), EHCI for USB 2.0 (6 ports) and xHCI for USB 3.0. ' +
      'A USB device is plugged into the controller of its generation with `<address type="usb" bus="INDEX" port="N"/>`.',
    keywords: 'usb controller uhci ehci xhci',
    snippet: lines(
      snip`<controller type='usb' index='${uhci}' model='piix3-uhci'/>`,
      snip`<controller type='usb' index='${ehci}' model='ehci'/>`,
      snip`<controller type='usb' index='${xhci}' model='${ph(1, 'qemu-xhci', ['qemu-xhci', 'nec-xhci'])}'/>`
    ),
  };
}

function hostdevUsb(env: TemplateEnv): DeviceTemplate | undefined {
  const { model } = env;
  if (model && usbDisabled(model)) {
    return undefined;
  }
  const alloc = allocation(model);
  const ids = alloc.takeUsbIds(0x12d1, 0x0003);
  const at = alloc.takeUsbPort();
  return {
    id: 'hostdev-usb',
    label: 'USB passthrough (hostdev)',
    detail: `host USB device by vendor/product${at ? `, guest USB bus ${at.bus} port ${at.port}` : ''}`,
    description:
      'Gives the guest a host USB device, found by its vendor and product ids (the `ID vvvv:pppp` column of `lsusb`). ' +
      'The guest address plugs it into a free port of a USB controller of the domain.',
    keywords: 'hostdev usb passthrough vendor product',
    snippet: lines(
      snip`<hostdev mode='subsystem' type='usb' managed='yes'>`,
      snip`  <source>`,
      snip`    <vendor id='${ph(1, h4(ids.vendor))}'/>`,
      snip`    <product id='${ph(2, h4(ids.product))}'/>`,
      snip`  </source>`,
      at && snip`  <address type='usb' bus='${at.bus}' port='${at.port}'/>`,
      snip`</hostdev>`
    ),
  };
}

function virtioScsiDisk(env: TemplateEnv): DeviceTemplate {
  const { model } = env;
  const retry = env.flavor !== 'upstream';
  const alloc = allocation(model);
  const existing = controllersOf(model, 'scsi').find((c) => c.model === 'virtio-scsi' && c.controller);
  let index: number;
  let addController = false;
  if (existing) {
    index = existing.index;
  } else if (env.topLevel) {
    index = 0;
  } else {
    index = alloc.takeDiskControllerIndex('scsi');
    addController = true;
  }
  const unit = alloc.freeDrivePlace('scsi', index);
  const target = alloc.takeTarget('sd');
  const driver = retry
    ? snip`  <driver name='qemu' type='raw' cache='none' io='native' error_policy='retry' rerror_policy='retry' retry_interval='${ph(2, '2000')}' retry_timeout='${ph(3, '10000')}'/>`
    : snip`  <driver name='qemu' type='raw' cache='none' io='native' error_policy='stop'/>`;
  return {
    id: 'disk-virtio-scsi',
    label: retry ? 'virtio-scsi disk with I/O suspension (retry)' : 'virtio-scsi disk',
    detail: `${target} on virtio-scsi controller ${index}, unit ${unit.unit}${addController ? ' (adds the controller)' : ''}`,
    description: retry
      ? "A host block device as a SCSI disk on a virtio-scsi controller. When an I/O error occurs, openEuler's libvirt retries " +
        'every retry_interval milliseconds until retry_timeout milliseconds have passed before reporting it to the guest ' +
        "(error_policy='retry' exists only in openEuler's libvirt)."
      : "A host block device as a SCSI disk on a virtio-scsi controller; the guest is paused when a write fails (error_policy='stop').",
    keywords: 'disk scsi virtio-scsi block storage error_policy retry',
    snippet: lines(
      addController && snip`<controller type='scsi' index='${index}' model='virtio-scsi'/>`,
      snip`<disk type='block' device='disk'>`,
      driver,
      snip`  <source dev='${ph(1, '/dev/disk/by-id/CHANGE-ME')}'/>`,
      snip`  <target dev='${target}' bus='scsi'/>`,
      snip`  <address type='drive' controller='${index}' bus='${unit.bus}' target='${unit.target}' unit='${unit.unit}'/>`,
      snip`</disk>`
    ),
  };
}

function serialConsole(env: TemplateEnv): DeviceTemplate {
  const { model } = env;
  const port = allocation(model).freeSerialPort();
  const withConsole = !env.topLevel && !model?.devices.some((d) => d.kind === 'console');
  return {
    id: 'serial-console-pty',
    label: withConsole ? 'Serial port (pty) with console' : 'Serial port (pty)',
    detail: `serial port ${port}${withConsole ? ' and the console on it' : ''}`,
    description:
      'A guest serial port backed by a host pseudo-terminal; `virsh console DOMAIN` connects to it. ' +
      'The console element makes it the guest console (only the first console can be a serial one).',
    keywords: 'serial console pty tty',
    snippet: lines(
      snip`<serial type='pty'>`,
      snip`  <target port='${port}'/>`,
      snip`</serial>`,
      withConsole && snip`<console type='pty'>`,
      withConsole && snip`  <target type='serial'/>`,
      withConsole && snip`</console>`
    ),
  };
}

/** The templates that fit the document, computed from it. */
export function deviceTemplates(env: TemplateEnv): DeviceTemplate[] {
  const all = [
    pcieTopology(env),
    pcieRootPort(env),
    hostdevPci(env),
    interfaceSriov(env),
    usbControllers(env),
    hostdevUsb(env),
    virtioScsiDisk(env),
    serialConsole(env),
  ];
  return all.filter((t): t is DeviceTemplate => t !== undefined);
}

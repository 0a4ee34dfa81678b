/**
 * Starting points for a new file (empty, or without a root element yet): whole domains for the
 * usual machines (q35, pc, aarch64 virt), and the attach-device fragments the device templates do
 * not already give (a file-backed disk, a NIC, a USB controller). Like the device templates, the
 * values that must be free (MAC, disk target, controller index) come from the allocator, and every
 * starting point lints clean as inserted.
 */
import { allocation } from '../model/allocate';
import { ph, snip, type DeviceTemplate, type Snippet } from './templates';

interface DomainShape {
  id: string;
  label: string;
  arch: string;
  machine: string;
  emulator: string;
  features: string[];
  /** Extra lines in <os> after <type>. */
  os: string[];
  /** The disk bus the guest sees. */
  keywords: string;
  description: string;
}

const DOMAINS: DomainShape[] = [
  {
    id: 'domain-q35',
    label: 'New domain: x86_64, q35 (PCIe)',
    arch: 'x86_64',
    machine: 'q35',
    emulator: '/usr/bin/qemu-system-x86_64',
    features: ['<acpi/>', '<apic/>'],
    os: [],
    keywords: 'domain new q35 x86_64 pcie kvm vm',
    description:
      'A KVM guest on the q35 machine (PCIe, what virt-install chooses today): virtio disk and network, a serial console. ' +
      'libvirt adds the PCIe root ports, the PCI addresses and the USB controller when you define it.',
  },
  {
    id: 'domain-pc',
    label: 'New domain: x86_64, pc (i440fx)',
    arch: 'x86_64',
    machine: 'pc',
    emulator: '/usr/bin/qemu-system-x86_64',
    features: ['<acpi/>', '<apic/>'],
    os: [],
    keywords: 'domain new pc i440fx x86_64 legacy kvm vm',
    description:
      'A KVM guest on the older pc (i440fx) machine, a conventional PCI bus: for guests that need it. ' +
      'virtio disk and network, a serial console; libvirt assigns the PCI slots.',
  },
  {
    id: 'domain-aarch64-virt',
    label: 'New domain: aarch64, virt (UEFI)',
    arch: 'aarch64',
    machine: 'virt',
    emulator: '/usr/bin/qemu-system-aarch64',
    features: ['<acpi/>', "<gic version='3'/>"],
    os: [],
    keywords: 'domain new aarch64 arm64 virt uefi kvm vm',
    description:
      "An ARM64 KVM guest on QEMU's virt machine with UEFI firmware (firmware='efi' lets libvirt pick the AAVMF build) " +
      'and GICv3: virtio disk and network, a serial console.',
  },
];

function domainStarter(shape: DomainShape, random: () => number): DeviceTemplate {
  const alloc = allocation(undefined);
  const mac = alloc.takeMac(random, 'qemu');
  const name = ph(1, 'vm1');
  const efi = shape.arch === 'aarch64';
  const lines: Snippet[] = [
    snip`<domain type='kvm'>`,
    snip`  <name>${name}</name>`,
    snip`  <memory unit='GiB'>${ph(2, '4')}</memory>`,
    snip`  <vcpu placement='static'>${ph(3, '2')}</vcpu>`,
    efi ? snip`  <os firmware='efi'>` : snip`  <os>`,
    snip`    <type arch='${shape.arch}' machine='${shape.machine}'>hvm</type>`,
    snip`    <boot dev='hd'/>`,
    snip`  </os>`,
    snip`  <features>`,
    ...shape.features.map((f) => snip`    ${f}`),
    snip`  </features>`,
    snip`  <cpu mode='host-passthrough'/>`,
    snip`  <clock offset='utc'/>`,
    snip`  <on_poweroff>destroy</on_poweroff>`,
    snip`  <on_reboot>restart</on_reboot>`,
    snip`  <on_crash>destroy</on_crash>`,
    snip`  <devices>`,
    snip`    <emulator>${shape.emulator}</emulator>`,
    snip`    <disk type='file' device='disk'>`,
    snip`      <driver name='qemu' type='qcow2'/>`,
    snip`      <source file='/var/lib/libvirt/images/${name}.qcow2'/>`,
    snip`      <target dev='vda' bus='virtio'/>`,
    snip`    </disk>`,
    snip`    <interface type='network'>`,
    snip`      <mac address='${mac}'/>`,
    snip`      <source network='${ph(4, 'default')}'/>`,
    snip`      <model type='virtio'/>`,
    snip`    </interface>`,
    snip`    <serial type='pty'>`,
    snip`      <target port='0'/>`,
    snip`    </serial>`,
    snip`    <console type='pty'>`,
    snip`      <target type='serial' port='0'/>`,
    snip`    </console>`,
    snip`  </devices>`,
    snip`</domain>`,
  ];
  return {
    id: shape.id,
    label: shape.label,
    detail: `<domain type='kvm'>, ${shape.arch} machine '${shape.machine}'`,
    description: shape.description,
    keywords: shape.keywords,
    snippet: joinLines(lines),
  };
}

function joinLines(lines: Snippet[]): Snippet {
  const out: Snippet[number][] = [];
  lines.forEach((l, i) => {
    if (i > 0) {
      out.push('\n');
    }
    out.push(...l);
  });
  return out;
}

function diskFragment(): DeviceTemplate {
  const target = allocation(undefined).takeTarget('vd');
  return {
    id: 'fragment-disk',
    label: 'Disk to attach (qcow2 file, virtio)',
    detail: `virsh attach-device: disk ${target} from a qcow2 image`,
    description: 'A disk image as a virtio disk, for `virsh attach-device DOMAIN FILE`. Choose a target the domain does not use yet.',
    keywords: 'disk attach qcow2 file virtio fragment',
    snippet: joinLines([
      snip`<disk type='file' device='disk'>`,
      snip`  <driver name='qemu' type='qcow2'/>`,
      snip`  <source file='${ph(1, '/var/lib/libvirt/images/data.qcow2')}'/>`,
      snip`  <target dev='${ph(2, target)}' bus='virtio'/>`,
      snip`</disk>`,
    ]),
  };
}

function nicFragment(random: () => number): DeviceTemplate {
  const mac = allocation(undefined).takeMac(random, 'qemu');
  return {
    id: 'fragment-nic',
    label: 'Network interface to attach (virtio)',
    detail: `virsh attach-device: NIC on a libvirt network, MAC ${mac}`,
    description: 'A virtio network interface on a libvirt network (`virsh net-list` shows them), for `virsh attach-device`.',
    keywords: 'interface nic network attach virtio fragment',
    snippet: joinLines([
      snip`<interface type='network'>`,
      snip`  <mac address='${ph(1, mac)}'/>`,
      snip`  <source network='${ph(2, 'default')}'/>`,
      snip`  <model type='virtio'/>`,
      snip`</interface>`,
    ]),
  };
}

function usbControllerFragment(): DeviceTemplate {
  return {
    id: 'fragment-usb-controller',
    label: 'USB controller to add (xHCI)',
    detail: "a USB 3 controller: <controller type='usb' model='qemu-xhci'>",
    description: 'A USB 3 (xHCI) controller, for `virsh attach-device --config`. Give it an index the domain does not use yet.',
    keywords: 'controller usb xhci attach fragment',
    snippet: joinLines([snip`<controller type='usb' index='${ph(1, '1')}' model='${ph(2, 'qemu-xhci', ['qemu-xhci', 'nec-xhci'])}'/>`]),
  };
}

/** Whole domains and small fragments for a file without a root element. */
export function starterTemplates(random: () => number): DeviceTemplate[] {
  return [...DOMAINS.map((d) => domainStarter(d, random)), diskFragment(), nicFragment(random), usbControllerFragment()];
}

/**
 * Small XML builders for generated domains. Every generated case is a whole <domain> that a real
 * libvirt can `define`: type 'qemu' (no KVM needed), x86_64, the QEMU binary's default path.
 */

export type Machine = 'pc' | 'q35';

const h2 = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

/** `<address type='pci' .../>`; numbers are written in hex as libvirt writes them. */
export function pciAddr(bus: number, slot: number, fn = 0, extra = ''): string {
  const domain = extra.includes('domain=') ? '' : " domain='0x0000'";
  return `<address type='pci'${domain} bus='${h2(bus)}' slot='${h2(slot)}' function='0x${fn.toString(16)}'${extra ? ' ' + extra : ''}/>`;
}

export function usbAddr(bus: number | undefined, port: string): string {
  return `<address type='usb'${bus === undefined ? '' : ` bus='${bus}'`} port='${port}'/>`;
}

export function driveAddr(controller: number, bus: number, target: number, unit: number): string {
  return `<address type='drive' controller='${controller}' bus='${bus}' target='${target}' unit='${unit}'/>`;
}

const boot = (order: number | undefined): string => (order === undefined ? '' : `\n      <boot order='${order}'/>`);
const addrLine = (addr: string | undefined): string => (addr ? `\n      ${addr}` : '');

let imageCounter = 0;

export interface DiskOpts {
  dev: string;
  bus: string;
  device?: 'disk' | 'cdrom' | 'lun';
  addr?: string;
  boot?: number;
  driverAttrs?: string;
}

export function disk(o: DiskOpts): string {
  const device = o.device ?? 'disk';
  const src = device === 'cdrom' ? '' : `\n      <source file='/var/lib/libvirt/images/gen-${++imageCounter}.qcow2'/>`;
  const type = device === 'cdrom' ? 'raw' : 'qcow2';
  return `<disk type='file' device='${device}'>
      <driver name='qemu' type='${type}'${o.driverAttrs ? ' ' + o.driverAttrs : ''}/>${src}
      <target dev='${o.dev}' bus='${o.bus}'/>${device === 'cdrom' ? '\n      <readonly/>' : ''}${boot(o.boot)}${addrLine(o.addr)}
    </disk>`;
}

export function nic(o: { mac?: string; model?: string; addr?: string; boot?: number }): string {
  return `<interface type='network'>${o.mac === undefined ? '' : `\n      <mac address='${o.mac}'/>`}
      <source network='default'/>
      <model type='${o.model ?? 'virtio'}'/>${boot(o.boot)}${addrLine(o.addr)}
    </interface>`;
}

export function hostdevPci(o: { src: [number, number, number]; addr?: string; boot?: number }): string {
  const [b, s, f] = o.src;
  return `<hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='${h2(b)}' slot='${h2(s)}' function='0x${f.toString(16)}'/>
      </source>${boot(o.boot)}${addrLine(o.addr)}
    </hostdev>`;
}

export function interfaceHostdev(o: { src: [number, number, number]; mac?: string; addr?: string }): string {
  const [b, s, f] = o.src;
  return `<interface type='hostdev' managed='yes'>${o.mac ? `\n      <mac address='${o.mac}'/>` : ''}
      <source>
        <address type='pci' domain='0x0000' bus='${h2(b)}' slot='${h2(s)}' function='0x${f.toString(16)}'/>
      </source>${addrLine(o.addr)}
    </interface>`;
}

export function hostdevUsb(o: { vendor?: string; product?: string; bus?: number; device?: number; addr?: string }): string {
  const src =
    o.vendor !== undefined
      ? `<vendor id='${o.vendor}'/>\n        <product id='${o.product ?? '0x0001'}'/>`
      : `<address bus='${o.bus ?? 1}' device='${o.device ?? 2}'/>`;
  return `<hostdev mode='subsystem' type='usb' managed='yes'>
      <source>
        ${src}
      </source>${addrLine(o.addr)}
    </hostdev>`;
}

export function controller(
  type: string,
  index: number | string,
  model?: string,
  o: { addr?: string; attrs?: string; inner?: string } = {}
): string {
  const head = `<controller type='${type}' index='${index}'${model ? ` model='${model}'` : ''}${o.attrs ? ' ' + o.attrs : ''}`;
  const body = [o.inner, o.addr].filter(Boolean);
  return body.length === 0 ? `${head}/>` : `${head}>\n      ${body.join('\n      ')}\n    </controller>`;
}

export function usbInput(kind: 'tablet' | 'mouse' | 'keyboard', addr?: string): string {
  return addr ? `<input type='${kind}' bus='usb'>\n      ${addr}\n    </input>` : `<input type='${kind}' bus='usb'/>`;
}

export function hub(addr?: string): string {
  return addr ? `<hub type='usb'>\n      ${addr}\n    </hub>` : `<hub type='usb'/>`;
}

export interface DomainSpec {
  /** null: no <name> element at all. */
  name: string | null;
  machine: Machine;
  vcpu?: number;
  /** Inner XML of <cpu>, e.g. a <topology/>. */
  cpu?: string;
  osBoot?: string[];
  /** Lines inside <os> after <type> and the boot devices (a loader, <bios>...). */
  os?: string[];
  /** Domain-level elements after <vcpu> (<clock>, <seclabel>, <sysinfo>...). */
  head?: string[];
  /** Attributes of <domain> after type= (e.g. a namespace declaration). */
  rootAttrs?: string;
  /** Lines inside <features> after <acpi/>. */
  features?: string[];
  devices: string[];
}

/** Devices every generated domain of a machine type starts from (no explicit addresses). */
export function baseDevices(machine: Machine): string[] {
  return [
    `<emulator>/usr/bin/qemu-system-x86_64</emulator>`,
    machine === 'q35' ? controller('pci', 0, 'pcie-root') : controller('pci', 0, 'pci-root'),
    `<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>`,
    `<video>\n      <model type='${machine === 'q35' ? 'virtio' : 'cirrus'}'/>\n    </video>`,
    `<memballoon model='virtio'/>`,
  ];
}

/**
 * q35 PCIe plumbing with fixed addresses: root ports with indexes 1..n on 00:02.x (bus i is
 * root port i), optionally a pcie-to-pci-bridge (index n+1) behind the last root port.
 */
export function q35Ports(n: number, withBridge: boolean): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(
      controller('pci', i, 'pcie-root-port', {
        inner: `<target chassis='${i}' port='0x${(0x10 + i - 1).toString(16)}'/>`,
        addr: pciAddr(0, 2, i - 1, i === 1 ? "multifunction='on'" : ''),
      })
    );
  }
  if (withBridge) {
    out.push(controller('pci', n + 1, 'pcie-to-pci-bridge', { addr: pciAddr(n, 0, 0) }));
  }
  return out;
}

export function domainXml(spec: DomainSpec): string {
  const vcpu = spec.vcpu ?? 2;
  const os = [
    `    <type arch='x86_64' machine='${spec.machine}'>hvm</type>`,
    ...(spec.osBoot ?? []).map((d) => `    <boot dev='${d}'/>`),
    ...(spec.os ?? []).map((l) => `    ${l}`),
  ];
  return `<domain type='qemu'${spec.rootAttrs ? ' ' + spec.rootAttrs : ''}>
${spec.name === null ? '' : `  <name>${spec.name}</name>\n`}  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>${vcpu}</vcpu>
${(spec.head ?? []).map((l) => `  ${l}\n`).join('')}${spec.cpu ? `  <cpu>\n    ${spec.cpu}\n  </cpu>\n` : ''}  <os>
${os.join('\n')}
  </os>
  <features>
    <acpi/>
${(spec.features ?? []).map((l) => `    ${l}\n`).join('')}  </features>
  <devices>
    ${spec.devices.join('\n    ')}
  </devices>
</domain>
`;
}

export const hex2 = h2;

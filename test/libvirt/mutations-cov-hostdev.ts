/**
 * Generated domains for the settings of controllers, drive addresses, virtio-serial ports and host
 * devices (controllers.ts, hostdevs.ts): each case sets one option on a device that may or may not
 * take it, so libvirt accepts some and refuses others. The oracle is libvirt; nothing here decides.
 */
import { baseDevices, controller, disk, driveAddr, type Machine } from './build-domain';
import type { Rng } from './rng';

type Case = { title: string; machine: Machine; devices: string[] };

/** PCI controller models with the <target> options a case may give them. */
const PCI_MODELS: { model: string; machine: Machine }[] = [
  { model: 'pci-bridge', machine: 'pc' },
  { model: 'pci-expander-bus', machine: 'pc' },
  { model: 'pcie-root-port', machine: 'q35' },
  { model: 'pcie-switch-upstream-port', machine: 'q35' },
];
const TARGET_OPTIONS = ["chassisNr='3'", "chassis='3'", "port='0x12'", "busNr='200'", "hotplug='off'", "index='4'"];

const channel = (name: string, addr: string): string =>
  `<channel type='pty'>\n      <target type='virtio' name='org.example.${name}'/>\n      ${addr}\n    </channel>`;

export function controllerOptionsGen(rng: Rng, i: number): Case {
  const variant = i % 6;
  if (variant === 0) {
    const { model, machine } = rng.pick(PCI_MODELS);
    const opt = rng.pick(TARGET_OPTIONS);
    const devs = [...baseDevices(machine)];
    if (model === 'pcie-switch-upstream-port') {
      devs.push(controller('pci', 1, 'pcie-root-port', { inner: `<target chassis='1' port='0x10'/>` }));
    }
    devs.push(controller('pci', model === 'pcie-switch-upstream-port' ? 2 : 1, model, { inner: `<target ${opt}/>` }));
    return { title: `${model} with <target ${opt}>`, machine, devices: devs };
  }
  if (variant === 1) {
    const machine = rng.pick<Machine>(['pc', 'q35']);
    const model = rng.pick(['virtio-scsi', 'lsilogic', 'virtio-transitional']);
    const opt = rng.pick(["queues='2'", "cmd_per_lun='8'", "max_sectors='256'", "ioeventfd='on'"]);
    return {
      title: `${model} SCSI controller with <driver ${opt}>`,
      machine,
      devices: [...baseDevices(machine), controller('scsi', 0, model, { inner: `<driver ${opt}/>` })],
    };
  }
  if (variant === 2) {
    const machine = rng.pick<Machine>(['pc', 'q35']);
    const bus = rng.pick(machine === 'q35' ? ['scsi', 'sata'] : ['scsi', 'ide']);
    const model = rng.pick(['virtio-scsi', 'lsilogic']);
    const b = rng.chance(0.3) ? 1 : 0;
    const t = rng.chance(0.5) ? 1 : 0;
    const dev = bus === 'ide' ? 'hda' : 'sda';
    const devs = [...baseDevices(machine)];
    if (bus === 'scsi') {
      devs.push(controller('scsi', 0, model));
    }
    devs.push(disk({ dev, bus, addr: driveAddr(0, b, t, bus === 'ide' ? 1 : 0) }));
    return { title: `${bus === 'scsi' ? `${model} ` : ''}${bus} disk at bus ${b} target ${t}`, machine, devices: devs };
  }
  if (variant === 3) {
    const type = rng.pick(['pci', 'usb', 'scsi']);
    const attr = rng.pick(["sgio='filtered'", "rawio='yes'", "model='vfio-pci'", 'startupPolicy']);
    const source =
      type === 'pci'
        ? `<address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>`
        : type === 'usb'
          ? `<vendor id='0x1234'/>\n        <product id='0x5678'/>`
          : `<adapter name='scsi_host0'/>\n        <address bus='0' target='0' unit='0'/>`;
    const onSource = attr === 'startupPolicy' ? " startupPolicy='optional'" : '';
    const onHostdev = attr === 'startupPolicy' ? '' : ` ${attr}`;
    return {
      title: `${type} host device with ${attr}`,
      machine: 'q35',
      devices: [
        ...baseDevices('q35'),
        `<hostdev mode='subsystem' type='${type}'${type === 'scsi' ? '' : " managed='yes'"}${onHostdev}>\n      <source${onSource}>\n        ${source}\n      </source>\n    </hostdev>`,
      ],
    };
  }
  if (variant === 4) {
    const ports = rng.int(2, 4);
    const port = rng.int(1, 5);
    const twice = rng.chance(0.3);
    const devs = [...baseDevices('q35'), controller('virtio-serial', 0, undefined, { attrs: `ports='${ports}'` })];
    devs.push(channel('a', `<address type='virtio-serial' controller='0' bus='0' port='${port}'/>`));
    devs.push(channel('b', `<address type='virtio-serial' controller='0' bus='0'${twice ? ` port='${port}'` : ''}/>`));
    return {
      title: `virtio-serial ports='${ports}', a channel on port ${port}, another ${twice ? 'on it too' : 'without a port'}`,
      machine: 'q35',
      devices: devs,
    };
  }
  const which = rng.pick(['chassisNr', 'busNr']);
  const value = rng.pick([0, 1, 254, 255]);
  const model = which === 'chassisNr' ? 'pci-bridge' : 'pci-expander-bus';
  return {
    title: `${model} with ${which}='${value}'`,
    machine: 'pc',
    devices: [...baseDevices('pc'), controller('pci', 1, model, { inner: `<target ${which}='${value}'/>` })],
  };
}

/**
 * Generated domains for disk storage sources (disk-sources.ts), host device sources and settings
 * (hostdevs.ts), machine-bound controller models and the SMM TSEG size (controllers.ts, domain.ts)
 * and the qemu: namespace (qemu-namespace.ts). Each variant draws from both sides of a rule; the
 * host devices are never a real PCI or USB device of this host (no USB devices here, no PCI bus 6),
 * and none of these cases is started. libvirt is the judge; nothing here decides.
 */
import { baseDevices, controller, type DomainSpec, type Machine } from './build-domain';
import type { Rng } from './rng';

type Case = { title: string; machine: Machine; devices: string[]; extra?: Partial<DomainSpec> };

const IMG = '/var/lib/libvirt/images';
const SECRET = `<secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>`;
const QEMU_NS = `xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'`;

function diskXml(o: { type: string; device?: string; driver: string; source: string[]; target: string; ro?: boolean }): string {
  return [
    `<disk type='${o.type}' device='${o.device ?? 'disk'}'>`,
    `  ${o.driver}`,
    ...o.source.map((l) => `  ${l}`),
    `  ${o.target}`,
    ...(o.ro ? ['  <readonly/>'] : []),
    `</disk>`,
  ].join('\n    ');
}

const drv = (format: string | undefined, inner?: string): string =>
  inner
    ? `<driver name='qemu'${format ? ` type='${format}'` : ''}>\n        ${inner}\n      </driver>`
    : `<driver name='qemu'${format ? ` type='${format}'` : ''}/>`;

const NETWORK_SOURCES: Record<string, { name: string; host: string }> = {
  nbd: { name: 'export1', host: `<host name='h.example' port='10809'/>` },
  iscsi: { name: 'iqn.2013-07.com.example:iscsi-nopool/1', host: `<host name='h.example' port='3260'/>` },
  https: { name: 'images/x.img', host: `<host name='h.example' port='443'/>` },
  rbd: { name: 'pool/image', host: `<host name='mon.example' port='6789'/>` },
  nfs: { name: '/export/x.img', host: `<host name='h.example'/>` },
};

/** Disk storage sources: formats, directory (vvfat) disks, NFS hosts, metadata cache, encryption, tlsHostname. */
export function diskSourcesGen(rng: Rng, i: number): Case {
  const variant = i % 6;
  const machine: Machine = 'q35';
  const devs = [...baseDevices(machine)];
  const target = `<target dev='vda' bus='virtio'/>`;
  const file = [`<source file='${IMG}/gen-${i}.img'/>`];
  if (variant === 0) {
    const format = rng.pick(['raw', 'qcow2', 'cow', 'dir', 'iso', 'fat', 'vmdk', 'qed']);
    const device = rng.pick(['disk', 'disk', 'cdrom']);
    const t = device === 'cdrom' ? `<target dev='sda' bus='sata'/>` : target;
    return {
      title: `a file ${device} of format '${format}'`,
      machine,
      devices: [...devs, diskXml({ type: 'file', device, driver: drv(format), source: file, target: t, ro: device === 'cdrom' })],
    };
  }
  if (variant === 1) {
    const format = rng.pick([undefined, 'fat', 'fat', 'fat', 'raw', 'qcow2']);
    const device = rng.pick(['disk', 'disk', 'cdrom', 'floppy']);
    // Every other draw leaves the disk writable, which vvfat refuses.
    const ro = device === 'disk' && rng.chance(0.5) && i % 12 === 1;
    const t = device === 'cdrom' ? `<target dev='sda' bus='sata'/>` : device === 'floppy' ? `<target dev='fda' bus='fdc'/>` : target;
    return {
      title: `a directory ${device}${format ? ` of format '${format}'` : ' without a format'}${ro ? ', read-only' : ''}`,
      machine: device === 'floppy' ? 'pc' : machine,
      devices: [
        ...(device === 'floppy' ? baseDevices('pc') : devs),
        diskXml({ type: 'dir', device, driver: drv(format), source: [`<source dir='${IMG}'/>`], target: t, ro }),
      ],
    };
  }
  if (variant === 2) {
    const n = rng.pick([1, 1, 2]);
    const transport = rng.pick(['', '', 'tcp', 'unix', 'rdma']);
    const port = rng.chance(0.3);
    const hosts = Array.from({ length: n }, (_, k) =>
      transport === 'unix'
        ? `  <host transport='unix' socket='/run/nfs-${k}.sock'/>`
        : `  <host name='h${k}.example'${transport ? ` transport='${transport}'` : ''}${port ? ` port='2049'` : ''}/>`
    );
    return {
      title: `an NFS disk with ${n} host(s)${transport ? ` over ${transport}` : ''}${port ? ' and a port' : ''}`,
      machine,
      devices: [
        ...devs,
        diskXml({
          type: 'network',
          driver: drv('raw'),
          source: [`<source protocol='nfs' name='/export/x.img'>`, ...hosts, `</source>`],
          target,
        }),
      ],
    };
  }
  if (variant === 3) {
    const format = rng.pick(['raw', 'qcow2', 'qcow2', 'qed', 'vmdk']);
    const [size, unit] = rng.pick([
      ['1024', 'KiB'],
      ['1', 'MiB'],
      ['0', 'KiB'],
      ['65536', 'bytes'],
    ]);
    return {
      title: `metadata cache of ${size} ${unit} on a '${format}' image`,
      machine,
      devices: [
        ...devs,
        diskXml({
          type: 'file',
          driver: drv(format, `<metadata_cache>\n          <max_size unit='${unit}'>${size}</max_size>\n        </metadata_cache>`),
          source: file,
          target,
        }),
      ],
    };
  }
  if (variant === 4) {
    const enc = rng.pick(['luks', 'luks', 'luks2', 'qcow']);
    const engine = rng.pick(['', '', 'qemu', 'librbd']);
    const format = rng.pick(['raw', 'qcow2', 'vmdk']);
    const rbd = rng.chance(0.35);
    const encEl = [`  <encryption format='${enc}'${engine ? ` engine='${engine}'` : ''}>`, `    ${SECRET}`, `  </encryption>`];
    const source = rbd
      ? [`<source protocol='rbd' name='pool/image'>`, `  ${NETWORK_SOURCES.rbd!.host}`, ...encEl, `</source>`]
      : [`<source file='${IMG}/gen-${i}.img'>`, ...encEl, `</source>`];
    return {
      title: `${enc} encryption${engine ? ` (engine ${engine})` : ''} on a ${rbd ? 'RBD' : 'file'} '${format}' disk`,
      machine,
      devices: [...devs, diskXml({ type: rbd ? 'network' : 'file', driver: drv(format), source, target })],
    };
  }
  const protocol = rng.pick(['nbd', 'nbd', 'iscsi', 'https', 'rbd']);
  const tls = rng.chance(0.75);
  const s = NETWORK_SOURCES[protocol]!;
  return {
    title: `a ${protocol} disk${tls ? ' with tlsHostname' : ''}`,
    machine,
    devices: [
      ...devs,
      diskXml({
        type: 'network',
        driver: drv('raw'),
        source: [`<source protocol='${protocol}' name='${s.name}'${tls ? ` tlsHostname='h.example'` : ''}>`, `  ${s.host}`, `</source>`],
        target,
        ro: protocol === 'https',
      }),
    ],
  };
}

/** A fake PCI source: this host has no PCI bus 6. */
const PCI_SOURCE = `<address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>`;
const SCSI_SOURCE = `<adapter name='scsi_host0'/>\n        <address bus='0' target='0' unit='0'/>`;
const ISCSI_SOURCE = (hosts: number, port: boolean): string =>
  Array.from({ length: hosts }, (_, k) => `<host name='t${k}.example'${port ? ` port='3260'` : ''}/>`).join('\n        ');

function hostdevXml(attrs: string, source: string, inner: string[] = []): string {
  return [`<hostdev mode='subsystem' ${attrs}>`, `  ${source}`, ...inner.map((l) => `  ${l}`), `</hostdev>`].join('\n    ');
}

const KINDS: Record<string, { attrs: string; source: string }> = {
  usb: {
    attrs: "type='usb' managed='yes'",
    source: `<source>\n        <vendor id='0x1234'/>\n        <product id='0x5678'/>\n      </source>`,
  },
  pci: { attrs: "type='pci' managed='yes'", source: `<source>\n        ${PCI_SOURCE}\n      </source>` },
  scsi: { attrs: "type='scsi'", source: `<source>\n        ${SCSI_SOURCE}\n      </source>` },
  iscsi: {
    attrs: "type='scsi'",
    source: `<source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/1'>\n        ${ISCSI_SOURCE(1, true)}\n      </source>`,
  },
  mdev: {
    attrs: "type='mdev' model='vfio-pci'",
    source: `<source>\n        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>\n      </source>`,
  },
  vhost: { attrs: "type='scsi_host' model='virtio'", source: `<source protocol='vhost' wwpn='naa.5123456789abcde0'/>` },
};

/** Host device sources and settings: incomplete USB/iSCSI sources, settings of another kind, boot orders. */
export function hostdevOptionsGen(rng: Rng, i: number): Case {
  const variant = i % 5;
  const machine: Machine = 'q35';
  const devs = [...baseDevices(machine)];
  if (variant === 0) {
    // Define only: libvirt looks for a USB device when the guest starts, never here.
    const ids = rng.pick(['vendor', 'product', 'both', 'both+address']);
    const lines = [
      ...(ids !== 'product' ? [`<vendor id='0x1234'/>`] : []),
      ...(ids !== 'vendor' ? [`<product id='0x5678'/>`] : []),
      ...(ids === 'both+address' ? [`<address bus='1' device='7'/>`] : []),
    ];
    return {
      title: `a USB host device source with ${ids}`,
      machine,
      devices: [...devs, hostdevXml(KINDS.usb!.attrs, `<source>\n        ${lines.join('\n        ')}\n      </source>`)],
    };
  }
  if (variant === 1) {
    const hosts = rng.pick([1, 1, 2, 3]);
    const port = rng.chance(0.5);
    const auth = rng.chance(0.3)
      ? `\n        <auth username='u'>\n          <secret type='iscsi' usage='libvirtiscsi'/>\n        </auth>`
      : '';
    return {
      title: `an iSCSI host device with ${hosts} host(s)${port ? ' and ports' : ''}${auth ? ', with auth' : ''}`,
      machine,
      devices: [
        ...devs,
        hostdevXml(
          "type='scsi'",
          `<source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/1'>\n        ${ISCSI_SOURCE(hosts, port)}${auth}\n      </source>`
        ),
      ],
    };
  }
  if (variant === 2) {
    const setting = rng.pick(["sgio='filtered'", "sgio='unfiltered'", "rawio='yes'", 'startupPolicy']);
    const kind = rng.pick(setting === 'startupPolicy' ? ['usb', 'usb', 'scsi', 'pci'] : ['scsi', 'scsi', 'iscsi', 'mdev', 'vhost', 'usb']);
    const k = KINDS[kind]!;
    const source = setting === 'startupPolicy' ? k.source.replace('<source', "<source startupPolicy='optional'") : k.source;
    return {
      title: `a ${kind} host device with ${setting}`,
      machine,
      devices: [...devs, hostdevXml(setting === 'startupPolicy' ? k.attrs : `${k.attrs} ${setting}`, source)],
    };
  }
  if (variant === 3) {
    const kind = rng.pick(['mdev', 'mdev', 'vhost', 'scsi', 'iscsi', 'usb']);
    const order = rng.int(1, 3);
    const k = KINDS[kind]!;
    return {
      title: `a ${kind} host device with <boot order='${order}'/>`,
      machine,
      devices: [...devs, hostdevXml(k.attrs, k.source, [`<boot order='${order}'/>`])],
    };
  }
  const kind = rng.pick(['pci', 'pci', 'usb', 'scsi']);
  const option = rng.pick(['teaming-transient', 'teaming-persistent', 'writeFiltering-no', 'writeFiltering-yes']);
  const k = KINDS[kind]!;
  const teaming = option.startsWith('teaming');
  const source = teaming ? k.source : k.source.replace('<source', `<source writeFiltering='${option.slice('writeFiltering-'.length)}'`);
  const inner = teaming
    ? [`<teaming type='${option.slice('teaming-'.length)}'${option === 'teaming-transient' ? " persistent='ua-net0'" : ''}/>`]
    : [];
  const iface = `<interface type='network'>\n      <mac address='52:54:00:aa:bb:cc'/>\n      <source network='default'/>\n      <model type='virtio'/>\n      <teaming type='persistent'/>\n      <alias name='ua-net0'/>\n    </interface>`;
  return {
    title: `a ${kind} host device with ${option}`,
    machine,
    devices: [...devs, ...(teaming ? [iface] : []), hostdevXml(k.attrs, source, inner)],
  };
}

/** Controller models a machine type may not take, and the SMM TSEG size (q35 only, whole MiB). */
export function machineOptionsGen(rng: Rng, i: number): Case {
  const variant = i % 4;
  const machine = variant === 2 ? 'q35' : rng.pick<Machine>(['pc', 'q35']);
  const devs = [...baseDevices(machine)];
  if (variant < 2) {
    const model =
      variant === 0
        ? rng.pick(['qusb1', 'qusb2', 'qemu-xhci', 'piix3-uhci', 'ich9-ehci1', 'nec-xhci'])
        : rng.pick(['pci-expander-bus', 'pcie-expander-bus']);
    const el = variant === 1 ? controller('pci', 1, model) : controller('usb', 0, model);
    return { title: `a ${model} controller on ${machine}`, machine, devices: [...devs, el] };
  }
  const state = rng.pick(['on', 'on', 'on', 'off']);
  const [size, unit] = rng.pick([
    ['48', 'MiB'],
    ['16', 'M'],
    ['1024', 'KiB'],
    ['1536', 'KiB'],
    ['16777216', 'bytes'],
    ['1000000', 'b'],
    ['1', 'GiB'],
  ]);
  const smm = `<smm state='${state}'>\n      <tseg unit='${unit}'>${size}</tseg>\n    </smm>`;
  return { title: `SMM ${state} with a TSEG of ${size} ${unit} on ${machine}`, machine, devices: devs, extra: { features: [smm] } };
}

/** The qemu: namespace: environment names, property overrides, arguments and capabilities. */
export function qemuNamespaceGen(rng: Rng, i: number): Case {
  const variant = i % 3;
  const machine: Machine = 'q35';
  const prefix = rng.chance(0.2) ? 'q' : 'qemu';
  const rootAttrs = QEMU_NS.replace('xmlns:qemu', `xmlns:${prefix}`);
  const p = (s: string): string => s.replace(/<(\/?)qemu:/g, `<$1${prefix}:`);
  const devs = [
    ...baseDevices(machine),
    `<disk type='file' device='disk'>\n      <source file='${IMG}/gen-${i}.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n      <alias name='ua-disk0'/>\n    </disk>`,
  ];
  if (variant === 0) {
    const name = rng.pick(['_VAR1', 'VAR', 'x', '1VAR', '9', 'A_1', '_']);
    const arg = rng.chance(0.4);
    const el = p(
      `<qemu:commandline>\n    ${arg ? `<qemu:arg value='-no-user-config'/>\n    ` : ''}<qemu:env name='${name}' value='v'/>\n  </qemu:commandline>`
    );
    return {
      title: `qemu:env name='${name}'${arg ? ' after an argument' : ''} (prefix ${prefix})`,
      machine,
      devices: devs,
      extra: { rootAttrs, head: [el] },
    };
  }
  if (variant === 1) {
    const name = rng.pick(['id', 'bootindex', 'queue-size', 'share-rw', 'serial']);
    const type = rng.pick(['string', 'signed', 'unsigned', 'bool', 'remove']);
    const value = rng.pick([undefined, '-5', '+7', '7', '1x', 'true', 'yes', '']);
    const prop = `<qemu:property name='${name}' type='${type}'${value === undefined ? '' : ` value='${value}'`}/>`;
    const el = p(
      `<qemu:override>\n    <qemu:device alias='ua-disk0'>\n      <qemu:frontend>\n        ${prop}\n      </qemu:frontend>\n    </qemu:device>\n  </qemu:override>`
    );
    return {
      title: `qemu:property ${name} of type ${type}${value === undefined ? ' without a value' : ` = '${value}'`} (prefix ${prefix})`,
      machine,
      devices: devs,
      extra: { rootAttrs, head: [el] },
    };
  }
  const op = rng.pick(['add', 'del']);
  const cap = rng.pick(['blockdev', 'drive', 'vnc']);
  const env = rng.pick(['_A', '2A']);
  const el = p(
    `<qemu:capabilities>\n    <qemu:${op} capability='${cap}'/>\n  </qemu:capabilities>\n  <qemu:commandline>\n    <qemu:env name='${env}' value='1'/>\n  </qemu:commandline>`
  );
  return {
    title: `qemu:capabilities ${op} ${cap} with env '${env}' (prefix ${prefix})`,
    machine,
    devices: devs,
    extra: { rootAttrs, head: [el] },
  };
}

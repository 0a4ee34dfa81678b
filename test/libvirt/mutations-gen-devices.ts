/**
 * Generated domains for the front-end device families: filesystems and TPMs
 * (rules/filesystems.ts, tpm.ts), input devices, graphics listens and audio backends (input.ts,
 * graphics.ts, audio.ts), watchdogs, smartcards, USB redirection and vsock (peripherals.ts), NIC
 * options and guest IPs (interfaces.ts), and character device sources and targets (chardevs.ts).
 * Each variant draws from both sides of a rule; libvirt is the oracle, nothing here decides what
 * is valid. No case names a real host device (no evdev, no TPM passthrough, no hostdev).
 */
import { baseDevices, controller, pciAddr, usbAddr, type DomainSpec, type Machine } from './build-domain';
import type { Rng } from './rng';

type Generated = { title: string; machine: Machine; devices: string[]; extra?: Partial<DomainSpec> };

const oneLine = (s: string): string => s.replace(/\s+/g, ' ');

/** The base devices without the default VNC display (for cases that bring their own graphics). */
function devicesWithoutGraphics(machine: Machine): string[] {
  return baseDevices(machine).filter((d) => !d.startsWith('<graphics'));
}

function element(name: string, attrs: string, inner: string[]): string {
  return inner.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>\n      ${inner.join('\n      ')}\n    </${name}>`;
}

// ---------------------------------------------------------------------------------------------
// Filesystems and TPMs.

function filesystem(rng: Rng, tag: string): string {
  const driver = rng.pick(['virtiofs', 'virtiofs', 'virtiofs', 'path', 'handle', '']);
  const access = rng.pick(['', '', 'passthrough', 'mapped', 'squash']);
  const option = rng.pick(['', '', 'readonly', 'fmode', 'multidevs', 'wrpolicy', 'model', 'format', 'boot', 'socket', 'queue']);
  const attrs = [
    access ? ` accessmode='${access}'` : '',
    option === 'fmode' ? ` fmode='0644'` : '',
    option === 'multidevs' ? ` multidevs='remap'` : '',
    option === 'model' ? ` model='virtio'` : '',
  ].join('');
  const driverAttrs = [
    driver ? ` type='${driver}'` : '',
    option === 'wrpolicy' ? ` wrpolicy='immediate'` : '',
    option === 'format' ? ` format='raw'` : '',
    option === 'queue' ? ` queue='1024'` : '',
  ].join('');
  const inner = [
    ...(driverAttrs ? [`<driver${driverAttrs}/>`] : []),
    option === 'socket' ? `<source socket='/run/lx-virtiofsd-${tag}.sock'/>` : `<source dir='/srv/${tag}'/>`,
    `<target dir='${tag}'/>`,
    ...(option === 'readonly' ? ['<readonly/>'] : []),
    ...(option === 'boot' ? ["<boot order='1'/>"] : []),
  ];
  return element('filesystem', ` type='mount'${attrs}`, inner);
}

function memorySharing(rng: Rng): Partial<DomainSpec> {
  const how = rng.pick(['none', 'backing', 'backing', 'numa-shared', 'numa-mixed']);
  if (how === 'backing') {
    return { head: ['<memoryBacking>', "  <access mode='shared'/>", '</memoryBacking>'] };
  }
  if (how === 'none') {
    return {};
  }
  const second = how === 'numa-shared' ? " memAccess='shared'" : '';
  return {
    cpu: [
      '<numa>',
      `      <cell id='0' cpus='0' memory='128' unit='MiB' memAccess='shared'/>`,
      `      <cell id='1' cpus='1' memory='128' unit='MiB'${second}/>`,
      '    </numa>',
    ].join('\n'),
  };
}

function tpm(rng: Rng): string {
  const model = rng.pick(['tpm-tis', 'tpm-tis', 'tpm-crb']);
  const backend = rng.pick(['emulator', 'emulator', 'emulator', 'external']);
  if (backend === 'external') {
    const source = rng.pick([
      `<source type='unix' mode='connect' path='/run/lx-swtpm.sock'/>`,
      `<source type='unix' path='/run/lx-swtpm.sock'/>`,
      `<source mode='connect' path='/run/lx-swtpm.sock'/>`,
      `<source type='unix' mode='connect'/>`,
    ]);
    return `<tpm model='${model}'>\n      <backend type='external'>\n        ${source}\n      </backend>\n    </tpm>`;
  }
  const version = rng.pick(['', '', '1.2', '2.0', '2.0']);
  const banks = rng.chance(0.5) ? rng.shuffle(['sha1', 'sha256', 'sha384', 'sha512', 'md5']).slice(0, rng.int(1, 3)) : [];
  const inner = banks.length
    ? `\n        <active_pcr_banks>\n${banks.map((b) => `          <${b}/>`).join('\n')}\n        </active_pcr_banks>\n      `
    : '';
  const open = `<backend type='emulator'${version ? ` version='${version}'` : ''}`;
  return `<tpm model='${model}'>\n      ${inner ? `${open}>${inner}</backend>` : `${open}/>`}\n    </tpm>`;
}

export function filesystemTpmGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const devices = [...baseDevices(machine)];
  if (i % 2 === 0) {
    const tags = rng.chance(0.2) ? ['share', 'share'] : rng.chance(0.3) ? ['share', 'other'] : ['share'];
    const fs = tags.map((t) => filesystem(rng, t));
    const extra = memorySharing(rng);
    const mem = extra.head
      ? 'shared backing'
      : extra.cpu
        ? extra.cpu.includes("'1' cpus='1' memory='128' unit='MiB' memAccess")
          ? 'shared NUMA cells'
          : 'one shared NUMA cell'
        : 'private memory';
    return { title: `${fs.map(oneLine).join(' ')} with ${mem}`, machine, devices: [...devices, ...fs], extra };
  }
  const t = [tpm(rng), ...(rng.chance(0.15) ? [tpm(rng)] : [])];
  return { title: t.map(oneLine).join(' '), machine, devices: [...devices, ...t] };
}

// ---------------------------------------------------------------------------------------------
// Input devices, graphics listens, audio backends.

function input(rng: Rng): string {
  const type = rng.pick(['tablet', 'mouse', 'keyboard']);
  const bus = rng.pick(['usb', 'usb', 'ps2', 'virtio', 'virtio', 'xen', '']);
  const model = rng.pick(['', '', '', 'virtio', 'virtio-transitional', 'virtio-non-transitional']);
  const addr = rng.pick(['', '', '', 'pci', 'usb']);
  const inner = addr === 'pci' ? [pciAddr(0, 0x0a, 0)] : addr === 'usb' ? [usbAddr(0, String(rng.int(1, 3)))] : [];
  return element('input', ` type='${type}'${bus ? ` bus='${bus}'` : ''}${model ? ` model='${model}'` : ''}`, inner);
}

function graphics(rng: Rng): string {
  const type = rng.pick(['vnc', 'vnc', 'spice', 'spice', 'rdp']);
  const listen = rng.pick(['address', 'address', 'network', 'socket', 'none', 'bare']);
  const attrTwist = rng.pick(['', '', 'listen-same', 'listen-other', 'socket-attr', 'network-attr']);
  const sock = '/run/lx-gfx.sock';
  const listenEl =
    listen === 'address'
      ? `<listen type='address' address='127.0.0.1'/>`
      : listen === 'network'
        ? `<listen type='network' network='default'/>`
        : listen === 'socket'
          ? `<listen type='socket' socket='${sock}'/>`
          : listen === 'none'
            ? `<listen type='none'/>`
            : '';
  const attrs =
    attrTwist === 'listen-same'
      ? ` listen='127.0.0.1'`
      : attrTwist === 'listen-other'
        ? ` listen='127.0.0.2'`
        : attrTwist === 'socket-attr'
          ? ` socket='${rng.pick([sock, '/run/lx-other.sock'])}'`
          : attrTwist === 'network-attr'
            ? ` network='default'`
            : '';
  const port = type === 'rdp' || listen === 'socket' || listen === 'none' ? '' : ` autoport='yes'`;
  return element('graphics', ` type='${type}'${port}${attrs}`, listenEl ? [listenEl] : []);
}

function audioCase(rng: Rng, machine: Machine): { title: string; devices: string[] } {
  const ids = rng.pick([[1], [1], [1, 2], [1, 1], [2]]);
  const types = ids.map(() => rng.pick(['none', 'none', 'spice', 'pulseaudio']));
  const settings = rng.pick(['', '', 'fixed-mixing', 'fixed-nomixing', 'notfixed']);
  const audios = ids.map((id, k) => {
    const out =
      k === 0 && settings
        ? [
            `<output${settings === 'fixed-mixing' ? " mixingEngine='yes' fixedSettings='yes'" : settings === 'fixed-nomixing' ? " mixingEngine='no' fixedSettings='yes'" : " fixedSettings='no'"}>`,
            `  <settings frequency='44100' channels='2' format='s16'/>`,
            `</output>`,
          ]
        : [];
    return element('audio', ` id='${id}' type='${types[k]}'`, out);
  });
  const soundRef = rng.pick([0, 1, 1, 2, 3]);
  const sound = element('sound', ` model='${machine === 'q35' ? 'ich9' : 'ac97'}'`, soundRef ? [`<audio id='${soundRef}'/>`] : []);
  const gfxType = rng.pick(['vnc', 'vnc', 'spice']);
  const gfxRef = rng.pick([0, 0, 1, 2]);
  const gfx = element(
    'graphics',
    ` type='${gfxType}' autoport='yes'${gfxType === 'vnc' ? " listen='127.0.0.1'" : ''}`,
    gfxRef && gfxType === 'vnc' ? [`<audio id='${gfxRef}'/>`] : []
  );
  return {
    title: `${audios.map(oneLine).join(' ')}; ${oneLine(sound)}; ${oneLine(gfx)}`,
    devices: [...devicesWithoutGraphics(machine), sound, gfx, ...audios],
  };
}

export function inputGraphicsAudioGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const variant = i % 3;
  if (variant === 0) {
    const inputs = [input(rng), ...(rng.chance(0.3) ? [input(rng)] : [])];
    const devices = [...baseDevices(machine), controller('usb', 0, 'qemu-xhci'), ...inputs];
    return { title: inputs.map(oneLine).join(' '), machine, devices };
  }
  if (variant === 1) {
    const g = graphics(rng);
    return { title: oneLine(g), machine, devices: [...devicesWithoutGraphics(machine), g] };
  }
  const a = audioCase(rng, machine);
  return { title: a.title, machine, devices: a.devices };
}

// ---------------------------------------------------------------------------------------------
// Watchdogs, smartcards, USB redirection, vsock.

function watchdog(rng: Rng, machine: Machine): string {
  const model = rng.pick(machine === 'q35' ? ['i6300esb', 'ib700', 'diag288', 'itco'] : ['i6300esb', 'ib700', 'diag288']);
  const addr = rng.pick(['', '', 'pci', 'isa']);
  const inner = addr === 'pci' ? [pciAddr(0, 0x0b, 0)] : addr === 'isa' ? ["<address type='isa' iobase='0x443'/>"] : [];
  return element('watchdog', ` model='${model}' action='${rng.pick(['reset', 'poweroff', 'pause'])}'`, inner);
}

function smartcard(rng: Rng): string {
  const mode = rng.pick(['host', 'host-certificates', 'host-certificates']);
  const certs = mode === 'host' ? [] : Array.from({ length: rng.pick([1, 3, 3]) }, (_, k) => `<certificate>cert${k + 1}</certificate>`);
  const db = mode === 'host' || rng.chance(0.4) ? [] : [`<database>${rng.pick(['/etc/pki/nssdb', 'nssdb'])}</database>`];
  const addr = rng.pick(['', "<address type='ccid' controller='0' slot='0'/>", pciAddr(0, 0x0c, 0)]);
  return element('smartcard', ` mode='${mode}'`, [...certs, ...db, ...(addr ? [addr] : [])]);
}

function redirdev(rng: Rng): string[] {
  const addr = rng.pick(['', usbAddr(0, '3'), pciAddr(0, 0x0d, 0)]);
  const dev = element('redirdev', ` bus='usb' type='spicevmc'`, addr ? [addr] : []);
  const filter = rng.chance(0.5)
    ? [element('redirfilter', '', [`<usbdev class='${rng.pick(['0x08', '0x08', '0x0800', '-1'])}' allow='yes'/>`, `<usbdev allow='no'/>`])]
    : [];
  return [dev, ...filter];
}

function vsock(rng: Rng): string {
  const cid = rng.pick([
    "<cid auto='yes'/>",
    "<cid auto='no' address='3'/>",
    "<cid auto='no' address='2'/>",
    "<cid auto='no' address='1'/>",
    "<cid auto='no' address='4294967295'/>",
  ]);
  return element('vsock', ` model='virtio'`, [cid]);
}

export function peripheralsGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const variant = i % 4;
  if (variant === 0) {
    const w = watchdog(rng, machine);
    return { title: `${oneLine(w)} on ${machine}`, machine, devices: [...baseDevices(machine), w] };
  }
  if (variant === 1) {
    const s = smartcard(rng);
    return { title: oneLine(s), machine, devices: [...baseDevices(machine), controller('usb', 0, 'qemu-xhci'), controller('ccid', 0), s] };
  }
  if (variant === 2) {
    const r = redirdev(rng);
    const devices = [
      ...devicesWithoutGraphics(machine),
      `<graphics type='spice' autoport='yes'/>`,
      controller('usb', 0, 'qemu-xhci'),
      ...r,
    ];
    return { title: r.map(oneLine).join(' '), machine, devices };
  }
  const v = vsock(rng);
  return { title: oneLine(v), machine, devices: [...baseDevices(machine), v] };
}

// ---------------------------------------------------------------------------------------------
// NIC options, guest IPs, character devices.

function nicCase(rng: Rng): string {
  const type = rng.pick(['user', 'user', 'network', 'bridge', 'ethernet', 'direct', 'udp']);
  const source =
    type === 'network'
      ? [`<source network='default'/>`]
      : type === 'bridge'
        ? [`<source bridge='${rng.pick(['br0', 'ovsbr0'])}'/>`]
        : type === 'direct'
          ? [`<source dev='lx-nodev0' mode='bridge'/>`]
          : type === 'udp'
            ? rng.chance(0.6)
              ? [`<source address='192.0.2.1' port='5555'>`, `  <local address='192.0.2.2' port='5556'/>`, `</source>`]
              : [`<source address='192.0.2.1' port='5555'/>`]
            : [];
  const option = rng.pick(['ip', 'ip', 'mtu', 'coalesce', 'isolated', 'virtualport', 'managed-no', 'tx-queue', '']);
  const opts: string[] = [];
  if (option === 'ip') {
    const ips = rng.pick([
      [`<ip address='10.0.2.15' prefix='24'/>`],
      [`<ip address='10.0.2.15' prefix='${rng.pick(['8', '30', '31'])}'/>`],
      [`<ip family='ipv6' address='fd00::5' prefix='${rng.pick(['64', '64', '96'])}'/>`],
      [`<ip address='10.0.2.15' prefix='24'/>`, `<ip address='10.0.2.16' prefix='24'/>`],
      [`<ip address='10.0.2.15' prefix='24'/>`, `<ip family='ipv6' address='fd00::5' prefix='64'/>`],
      [`<ip address='10.0.2.15' prefix='24' peer='10.0.2.2'/>`],
      [`<ip address='10.0.2.15' prefix='24'/>`, `<route address='192.168.7.0' prefix='24' gateway='10.0.2.2'/>`],
    ]);
    opts.push(...ips);
  } else if (option === 'mtu') {
    opts.push(`<mtu size='${rng.pick(['1400', '9000'])}'/>`);
  } else if (option === 'coalesce') {
    opts.push(`<coalesce>`, `  <rx>`, `    <frames max='7'/>`, `  </rx>`, `</coalesce>`);
  } else if (option === 'isolated') {
    opts.push(`<port isolated='yes'/>`);
  } else if (option === 'virtualport') {
    opts.push(`<virtualport type='openvswitch'/>`);
  } else if (option === 'managed-no') {
    opts.push(`<target dev='lx-tap0' managed='no'/>`);
  }
  const model = option === 'tx-queue' ? [`<driver tx_queue_size='${rng.pick(['256', '300', '1024'])}'/>`] : [];
  return element('interface', ` type='${type}'`, [...source, `<model type='virtio'/>`, ...model, ...opts]);
}

function serialOrChannel(rng: Rng): string[] {
  const kind = rng.pick(['serial-source', 'serial-target', 'channel', 'console']);
  if (kind === 'serial-source') {
    const src = rng.pick([
      ['file', [`<source path='/var/log/lx-serial.log'/>`]],
      ['file', []],
      ['tcp', [`<source mode='connect' host='127.0.0.1' service='4555'/>`]],
      ['tcp', [`<source mode='connect' service='4555'/>`]],
      ['tcp', [`<source mode='bind' host='127.0.0.1' service='4555'>`, `  <reconnect enabled='yes' timeout='5'/>`, `</source>`]],
      [
        'tcp',
        [
          `<source mode='connect' host='127.0.0.1' service='4555'>`,
          `  <reconnect enabled='yes' timeout='${rng.pick(['0', '5'])}'/>`,
          `</source>`,
        ],
      ],
      ['udp', [`<source mode='bind' service='4444'/>`, `<source mode='connect' host='127.0.0.1' service='4445'/>`]],
      ['udp', [`<source mode='bind' service='4444'/>`]],
      ['unix', [`<source mode='bind' path='/run/lx-serial.sock'/>`]],
      ['unix', [`<source mode='bind'/>`]],
      ['pty', []],
    ] as const);
    return [element('serial', ` type='${src[0]}'`, [...src[1], `<target type='isa-serial' port='0'/>`])];
  }
  if (kind === 'serial-target') {
    const target = rng.pick([
      [`<target type='isa-serial' port='${rng.pick(['0', '1', '3', '4'])}'/>`],
      [`<target type='isa-serial' port='0'>`, `  <model name='${rng.pick(['isa-serial', 'pci-serial', 'pl011'])}'/>`, `</target>`],
      [`<target type='pci-serial'/>`, pciAddr(0, 0x0e, 0)],
      [`<target type='isa-serial'/>`, pciAddr(0, 0x0e, 0)],
      [`<target type='usb-serial'/>`, rng.pick([usbAddr(0, '2'), pciAddr(0, 0x0e, 0)])],
      [`<target type='system-serial'/>`],
    ]);
    const ports = rng.chance(0.25) ? [element('serial', ` type='pty'`, [`<target type='isa-serial' port='1'/>`])] : [];
    return [
      element('serial', ` type='pty'`, target),
      ...ports,
      ...(target.some((l) => l.includes('usb')) ? [controller('usb', 0, 'qemu-xhci')] : []),
    ];
  }
  if (kind === 'channel') {
    const ch = rng.pick([
      [`tcp`, [`<source mode='connect' host='127.0.0.1' service='4600'/>`, `<target type='guestfwd' address='10.0.2.1' port='4600'/>`]],
      [`tcp`, [`<source mode='connect' host='127.0.0.1' service='4600'/>`, `<target type='guestfwd' address='fd00::1' port='4600'/>`]],
      [`tcp`, [`<source mode='connect' host='127.0.0.1' service='4600'/>`, `<target type='guestfwd' port='4600'/>`]],
      [`unix`, [`<target type='virtio' name='org.qemu.guest_agent.0'/>`]],
      [`unix`, [`<target type='guestfwd' address='10.0.2.1' port='4600'/>`]],
      [`spicevmc`, [`<target type='virtio' name='com.redhat.spice.0'/>`]],
      [
        `spiceport`,
        [`<source channel='${rng.pick(['org.example.port', 'org example', ''])}'/>`, `<target type='virtio' name='org.example.port'/>`],
      ],
      [`pty`, [`<target name='org.example.x'/>`]],
    ] as const);
    const spice = rng.chance(0.5);
    return [element('channel', ` type='${ch[0]}'`, [...ch[1]]), ...(spice ? [`<graphics type='spice' autoport='yes'/>`] : [])];
  }
  const consoles = rng.pick([
    [`<console type='pty'>\n      <target type='serial' port='0'/>\n    </console>`],
    [
      `<console type='pty'>\n      <target type='serial' port='0'/>\n    </console>`,
      `<console type='pty'>\n      <target type='serial' port='1'/>\n    </console>`,
    ],
    [`<console type='pty'>\n      <target type='virtio' port='0'/>\n    </console>`],
    [`<console type='unix'>\n      <target type='virtio' port='1'/>\n    </console>`],
  ]);
  return [...(rng.chance(0.5) ? [element('serial', ` type='pty'`, [`<target type='isa-serial' port='0'/>`])] : []), ...consoles];
}

export function nicChardevGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  if (i % 2 === 0) {
    const n = nicCase(rng);
    return { title: oneLine(n), machine, devices: [...baseDevices(machine), n] };
  }
  const c = serialOrChannel(rng);
  return { title: c.map(oneLine).join(' '), machine, devices: [...baseDevices(machine), ...c] };
}

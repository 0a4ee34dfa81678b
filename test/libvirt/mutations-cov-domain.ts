/**
 * Generated domains for the domain-level families (rules/firmware.ts, clock.ts, domain.ts): timers
 * and their settings, panic devices, security labels, fw_cfg entries and loaders, each drawn from
 * defects and their near misses. libvirt is the oracle; nothing here decides what is valid.
 */
import { baseDevices, type DomainSpec, type Machine } from './build-domain';
import type { Rng } from './rng';

type Generated = { title: string; machine: Machine; devices: string[]; extra?: Partial<DomainSpec> };

const TIMERS = ['rtc', 'pit', 'hpet', 'kvmclock', 'hypervclock', 'tsc', 'platform'];
const TIMER_ATTRS: [string, string[]][] = [
  ['tickpolicy', ['delay', 'catchup', 'merge', 'discard']],
  ['track', ['guest', 'wall', 'boot']],
  ['frequency', ['0', '1000']],
  ['mode', ['auto', 'native']],
  ['present', ['yes', 'no']],
];

function timer(rng: Rng): string {
  const name = rng.pick(TIMERS);
  const [attr, values] = rng.pick(TIMER_ATTRS);
  return `<timer name='${name}' ${attr}='${rng.pick(values)}'/>`;
}

function panic(rng: Rng): string {
  const model = rng.pick(['isa', 'hyperv', 's390', 'pseries', undefined]);
  const address = rng.pick(['', "\n      <address type='isa' iobase='0x505'/>", '']);
  const open = model ? `<panic model='${model}'` : '<panic';
  return address ? `${open}>${address}\n    </panic>` : `${open}/>`;
}

function seclabel(rng: Rng): string[] {
  const type = rng.pick(['dynamic', 'static', 'none']);
  const model = rng.pick(["model='dac' ", "model='dac' ", '']);
  const relabel = rng.pick(['', "relabel='yes' ", "relabel='no' "]);
  const label = type === 'static' && rng.chance(0.6) ? '\n  <label>+0:+0</label>\n' : '';
  return [label ? `<seclabel type='${type}' ${model}${relabel}>${label}</seclabel>` : `<seclabel type='${type}' ${model}${relabel}/>`];
}

function fwcfg(rng: Rng): string[] {
  const name = rng.pick(['opt/com.example/a', 'opt/ovmf/a', 'example', 'opt/org.qemu/b']);
  const entry = rng.chance(0.8) ? `<entry name='${name}'>1</entry>` : `<entry name='${name}'/>`;
  return ["<sysinfo type='fwcfg'>", `  ${entry}`, '</sysinfo>'];
}

function loader(rng: Rng): string[] {
  return rng.pick([
    ["<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>"],
    [
      "<loader readonly='yes' type='pflash' stateless='yes'>/usr/share/OVMF/OVMF_CODE.fd</loader>",
      "<nvram template='/usr/share/OVMF/OVMF_VARS.fd'/>",
    ],
    ["<loader secure='no'/>"],
    ["<loader stateless='no'/>"],
    ['<nvram>/var/lib/libvirt/qemu/nvram/lx-gen_VARS.fd</nvram>'],
    [],
  ]);
}

export function domainSettingsGen(rng: Rng, i: number): Generated {
  const machine: Machine = rng.pick(['pc', 'q35']);
  const devices = [...baseDevices(machine)];
  const variant = i % 5;
  if (variant === 0) {
    const t = [timer(rng), ...(rng.chance(0.4) ? [timer(rng)] : [])];
    return {
      title: `clock with ${t.join(' ')}`,
      machine,
      devices,
      extra: { head: ["<clock offset='utc'>", ...t.map((x) => `  ${x}`), '</clock>'] },
    };
  }
  if (variant === 1) {
    const p = [panic(rng), ...(rng.chance(0.3) ? [panic(rng)] : [])];
    return { title: p.map((x) => x.replace(/\s+/g, ' ')).join(' '), machine, devices: [...devices, ...p] };
  }
  if (variant === 2) {
    const s = [...seclabel(rng), ...(rng.chance(0.3) ? seclabel(rng) : [])];
    return { title: s.join(' ').replace(/\s+/g, ' '), machine, devices, extra: { head: s } };
  }
  if (variant === 3) {
    const f = fwcfg(rng);
    return { title: f.join(' '), machine, devices, extra: { head: f } };
  }
  const l = loader(rng);
  return { title: `os ${l.join(' ')}`, machine, devices, extra: { os: l } };
}

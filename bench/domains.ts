/**
 * Documents the benchmarks run on. TYPICAL is a ~200-line q35 guest as virt-manager writes it
 * (every device with the address libvirt assigned); the big ones come from bench/completion.ts's
 * generator so that both benchmarks measure the same documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bigDomain } from './completion';

export { bigDomain };

const hex2 = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

function rootPorts(n: number): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const fn = (i - 1) % 8;
    const slot = 2 + Math.floor((i - 1) / 8);
    out.push(`    <controller type='pci' index='${i}' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='${i}' port='${hex2(0x10 + i - 1)}'/>
      <alias name='pci.${i}'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='${hex2(slot)}' function='0x${fn}'${fn === 0 ? " multifunction='on'" : ''}/>
    </controller>`);
  }
  return out.join('\n');
}

/** A virt-manager style q35 domain of about 200 lines. `name` varies it for the CLI folder. */
export function typicalDomain(name = 'fedora-workstation', uuidTail = '0123456789ab'): string {
  return `<domain type='kvm'>
  <name>${name}</name>
  <uuid>5f7c3e9a-1b2d-4c8e-9f10-${uuidTail}</uuid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://fedoraproject.org/fedora/39"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>4194304</currentMemory>
  <vcpu placement='static'>4</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
    <vmport state='off'/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'>
    <topology sockets='1' dies='1' cores='2' threads='2'/>
  </cpu>
  <clock offset='utc'>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' discard='unmap'/>
      <source file='/var/lib/libvirt/images/${name}.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source file='/var/lib/libvirt/images/${name}-data.img'/>
      <target dev='vdb' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x08' slot='0x00' function='0x0'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/Fedora-Workstation-Live-x86_64-39.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <controller type='usb' index='0' model='qemu-xhci' ports='15'>
      <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
    </controller>
    <controller type='pci' index='0' model='pcie-root'/>
${rootPorts(14)}
    <controller type='sata' index='0'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
    </controller>
    <controller type='virtio-serial' index='0'>
      <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
    </controller>
    <controller type='scsi' index='0' model='virtio-scsi'>
      <address type='pci' domain='0x0000' bus='0x09' slot='0x00' function='0x0'/>
    </controller>
    <interface type='network'>
      <mac address='52:54:00:3a:7c:19'/>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x0000' bus='0x04' slot='0x10' function='0x1'/>
      </source>
      <address type='pci' domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/>
    </hostdev>
    <serial type='pty'>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
      <address type='virtio-serial' controller='0' bus='0' port='1'/>
    </channel>
    <channel type='spicevmc'>
      <target type='virtio' name='com.redhat.spice.0'/>
      <address type='virtio-serial' controller='0' bus='0' port='2'/>
    </channel>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
    </input>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <graphics type='spice' autoport='yes'>
      <listen type='address'/>
      <image compression='off'/>
    </graphics>
    <sound model='ich9'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>
    </sound>
    <audio id='1' type='spice'/>
    <video>
      <model type='virtio' heads='1' primary='yes'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
    </video>
    <redirdev bus='usb' type='spicevmc'>
      <address type='usb' bus='0' port='2'/>
    </redirdev>
    <redirdev bus='usb' type='spicevmc'>
      <address type='usb' bus='0' port='3'/>
    </redirdev>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>
    </memballoon>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>
    </rng>
  </devices>
</domain>
`;
}

export const TYPICAL = typicalDomain();

/**
 * A folder of about `n` domains for the CLI comparison: the real-world fixtures written by other
 * tools, the seed domains, and typical domains with different names to make up the number.
 * Returns the file paths.
 */
export function writeDomainFolder(dir: string, repo: string, n = 200): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const sub of ['test/fixtures/real-world', 'test/fixtures/seeds']) {
    const abs = path.join(repo, sub);
    if (!fs.existsSync(abs)) {
      continue;
    }
    for (const f of fs.readdirSync(abs).sort()) {
      if (files.length >= n / 2 || !f.endsWith('.xml')) {
        continue;
      }
      const text = fs.readFileSync(path.join(abs, f), 'utf8');
      if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<domain\b/.test(text)) {
        continue;
      }
      const out = path.join(dir, `${String(files.length).padStart(3, '0')}-${f}`);
      fs.writeFileSync(out, text);
      files.push(out);
    }
  }
  for (let i = 0; files.length < n; i++) {
    const out = path.join(dir, `${String(files.length).padStart(3, '0')}-typical-${i}.xml`);
    fs.writeFileSync(out, typicalDomain(`guest-${i}`, (0x100000000000 + i).toString(16).slice(-12)));
    files.push(out);
  }
  return files;
}

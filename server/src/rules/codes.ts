/**
 * THE table of finding codes. A code is public API: it appears in settings, in the CLI's output
 * and in docs, so it is never renamed or reused. Severity here is the default; users override
 * it per code (libvirt.diagnostics.severity / --severity code=level).
 *
 * `absence`: the finding says something is missing elsewhere in the document. Such findings
 * are held back while the document has syntax errors, because a broken element may be the
 * missing piece.
 *
 * `across`: the finding compares several domains linted together (rules/fleet.ts), never one
 * document alone.
 */
import type { Severity } from './types';

interface CodeInfo {
  severity: Severity;
  /** One line: what the code means. */
  summary: string;
  absence?: boolean;
  across?: boolean;
}

export const CODES = {
  'xml-syntax': { severity: 'error', summary: 'The text is not well-formed XML, so libvirt cannot read it.' },

  // Controllers
  'controller-index-duplicate': {
    severity: 'error',
    summary:
      'Two controllers of the same type share an index. USB companion controllers (ich9-uhci1/2/3) may share the index of their EHCI master.',
  },
  'controller-usb-master-missing': {
    severity: 'error',
    summary: 'The only USB controllers are companions (ich9-uhci1/2/3): libvirt needs a USB controller that is not a companion.',
    absence: true,
  },
  'controller-usb-master-at-start': {
    severity: 'error',
    summary:
      'A USB companion controller (ich9-uhci1/2/3) has no ich9-ehci1 at its own index to be its master: virsh define accepts it, but QEMU refuses to start the guest.',
    absence: true,
  },
  'controller-pci-root-index': {
    severity: 'error',
    summary: 'pci-root and pcie-root must be the PCI controller with index 0, and index 0 must be the root the machine type expects.',
  },
  'controller-pci-root-address': { severity: 'error', summary: 'A pci-root or pcie-root controller cannot have an <address>.' },
  'controller-pci-index-range': { severity: 'error', summary: 'PCI controller indexes go up to 255.' },
  'controller-bridge-order': {
    severity: 'error',
    summary: 'A pci-bridge must have a larger index than the bus it is plugged into.',
  },
  'controller-chassis-duplicate': {
    severity: 'error',
    summary:
      'Two PCIe root ports or downstream ports use the same chassis number: virsh define accepts it, but QEMU refuses to start the guest.',
  },
  'controller-usb-ports-range': { severity: 'error', summary: 'nec-xhci and qemu-xhci controllers support at most 15 ports.' },

  // PCI addresses
  'pci-address-zero': {
    severity: 'warning',
    summary:
      'Bus 0, slot 0 is the host bridge. libvirt treats an address 0000:00:00.x as no address at all, silently drops it and places the device elsewhere.',
  },
  'pci-address-reserved': {
    severity: 'error',
    summary:
      'The address belongs to the chipset: on i440fx 00:01.0 and 00:01.3 (PIIX3), 00:01.1 (IDE) and 00:01.2 (PIIX3 USB); on q35 00:1f.0, 00:1f.2 (SATA) and 00:1f.3 (ICH9).',
  },
  'pci-address-reserved-at-start': {
    severity: 'error',
    summary: 'On i440fx, 00:01.1 is the built-in IDE controller: virsh define accepts the address, but QEMU refuses to start the guest.',
  },
  'pci-chipset-address': {
    severity: 'error',
    summary: 'The primary IDE, SATA and PIIX3 USB controllers have fixed PCI addresses on their machine types.',
  },
  'pci-slot-guest-range': {
    severity: 'warning',
    summary:
      'openEuler documents guest slots 0x03-0x1e for passthrough devices on bus 0: 0x00 is the host bridge, 0x01 the IDE/USB chipset, 0x02 the video card and 0x1f its pvchannel.',
  },
  'pci-address-range': {
    severity: 'error',
    summary: 'PCI address out of range: domain must be 0, bus at most 0xff, slot at most 0x1f, function at most 0x7.',
  },
  'pci-address-duplicate': { severity: 'error', summary: 'Two devices use the same PCI address (bus, slot and function).' },
  'pci-slot-bus-mismatch': {
    severity: 'error',
    summary:
      'The slot does not exist on this bus: PCIe root ports and downstream ports have only slot 0; pci-root, pcie-root and PCI bridges have no slot 0.',
  },
  'pci-bus-incompatible': {
    severity: 'error',
    summary: 'The device cannot be plugged into the controller that provides this bus (for example a pcie-root-port on a pci-bridge).',
  },

  // USB
  'usb-port-range': {
    severity: 'error',
    summary:
      'The USB port does not exist: piix3-uhci has 2 ports, ehci 6, nec-xhci and qemu-xhci 4 unless ports= says otherwise, a USB hub 8.',
  },
  'usb-port-syntax': { severity: 'error', summary: 'A USB port is 1 to 4 dot-separated decimal numbers, such as 1 or 1.2.' },
  'usb-hub-missing': { severity: 'error', summary: 'A USB port path goes through a port that has no hub.', absence: true },
  'usb-address-duplicate': { severity: 'error', summary: 'Two USB devices use the same bus and port.' },
  'usb-bus-missing': { severity: 'error', summary: 'No USB controller has the index this address names as its bus.', absence: true },

  // Disks
  'disk-target-duplicate': { severity: 'error', summary: 'Two disks use the same target device name.' },
  'disk-target-invalid': {
    severity: 'error',
    summary: 'A disk target name is a prefix (hd, sd, vd, xvd, ubd, fd) followed by letters, with no partition number.',
  },
  'disk-drive-address-duplicate': { severity: 'error', summary: 'Two disks use the same drive address (controller, bus, target, unit).' },
  'disk-retry-unsupported': {
    severity: 'error',
    summary:
      "error_policy='retry' and retry_interval/retry_timeout exist only in openEuler's libvirt; upstream libvirt rejects the policy.",
  },
  'disk-retry-flavor-unknown': {
    severity: 'information',
    summary:
      "error_policy='retry' is an openEuler extension. Set libvirt.flavor to 'openeuler' or 'upstream' to check it for your libvirt.",
  },
  'disk-retry-value': {
    severity: 'error',
    summary: 'retry_interval and retry_timeout are whole milliseconds from 0 to 9223372036854775807.',
  },
  'disk-retry-without-policy': {
    severity: 'warning',
    summary: "retry_interval and retry_timeout only take effect with error_policy='retry' or rerror_policy='retry'.",
  },
  'disk-retry-bus': {
    severity: 'warning',
    summary: 'I/O error retry is supported only for virtio-blk (bus virtio) and virtio-scsi (bus scsi) disks.',
  },
  'disk-address-type': {
    severity: 'error',
    summary:
      "A disk's <address> type does not fit its bus: ide, sata, scsi and fdc disks take a drive address, usb disks a usb one, virtio disks a pci one.",
  },
  'disk-option-device': {
    severity: 'error',
    summary:
      "A disk setting its device type does not take: rawio, sgio and <reservations> need device='lun', tray='open' needs a cdrom or floppy.",
  },
  'disk-iotune-conflict': {
    severity: 'error',
    summary: 'An <iotune> limit is given both as a total and as a read or write limit of the same kind.',
  },
  'scsi-drive-address-conflict': {
    severity: 'error',
    summary: 'A SCSI host device uses the drive address (controller, bus, target, unit) of a SCSI disk or of another SCSI host device.',
  },

  // Boot order
  'boot-order-duplicate': { severity: 'error', summary: 'Two devices have the same <boot order>.' },
  'boot-order-with-os-boot': {
    severity: 'error',
    summary: 'Per-device <boot order> cannot be combined with <os><boot dev>: use one or the other.',
  },

  // Host devices
  'hostdev-duplicate': {
    severity: 'error',
    summary: 'The same host device is assigned twice (by <hostdev> or <interface type="hostdev">).',
  },
  'hostdev-address-type': {
    severity: 'error',
    summary:
      "A <hostdev>'s guest <address> type does not fit its kind: PCI takes pci (or unassigned), SCSI drive, vhost-scsi pci or ccw, USB usb.",
  },

  // Interfaces
  'mac-invalid': { severity: 'error', summary: 'A MAC address is six colon-separated hexadecimal octets.' },
  'mac-multicast': {
    severity: 'error',
    summary: 'The first octet of a guest MAC address must be even: an odd first octet is a multicast address.',
  },
  'nic-model-unknown': {
    severity: 'error',
    summary:
      'A network card <model type> that QEMU does not have (a misspelt virtio, say): virsh define accepts it, but QEMU refuses to start the guest.',
  },
  'nic-vhostuser-model': { severity: 'error', summary: "An <interface type='vhostuser'> needs a virtio <model>." },
  'virtio-option-non-virtio': {
    severity: 'error',
    summary:
      "virtio's <driver> options (iommu, ats, packed, page_per_vq; ioeventfd on disks) on a NIC, video device or disk that is not virtio.",
  },

  // Video (rules/video.ts)
  'video-primary-duplicate': { severity: 'error', summary: "More than one video device has primary='yes'." },
  'video-secondary-model': {
    severity: 'error',
    summary: 'Only qxl and virtio video devices can be secondary: vga, cirrus, bochs, ramfb and the others must be the primary one.',
  },
  'video-none-not-alone': { severity: 'error', summary: "A video device of model 'none' must be the only video device." },
  'video-qxl-attribute': {
    severity: 'error',
    summary: 'The ram, vram64 and vgamem attributes of a video <model> are for qxl only.',
  },
  'video-ramfb-address': { severity: 'error', summary: 'A ramfb video device cannot have an <address>.' },
  'video-setting-invalid': {
    severity: 'error',
    summary:
      'A video <model> setting its model does not take or a value out of range: several heads, a <resolution>, 3D acceleration, qxl vgamem or vga vram under 1 MiB.',
  },

  // Character devices (rules/chardevs.ts)
  'chardev-source-missing': {
    severity: 'error',
    summary:
      'A serial, parallel, console or channel device lacks the host side its type needs: a source path (file, dev, pipe, unix), host and service (tcp), a connect service (udp).',
  },

  // Sizes that must be powers of two (rules/sizes.ts)
  'shmem-size-at-start': {
    severity: 'error',
    summary:
      'A <shmem> size that is not a power of two or is under 1 MiB: virsh define accepts it, but libvirt refuses to start the guest.',
  },
  'nic-queue-size': { severity: 'error', summary: 'rx_queue_size and tx_queue_size of a virtio NIC must be powers of two.' },

  // IOMMU (rules/iommu.ts)
  'iommu-duplicate': { severity: 'error', summary: 'A guest can have only one <iommu>.' },
  'iommu-machine': {
    severity: 'error',
    summary: 'The IOMMU model does not exist on this machine type: intel needs q35, virtio q35 or ARM virt, smmuv3 ARM virt.',
  },
  'iommu-requirement': {
    severity: 'error',
    summary:
      "The IOMMU lacks what it needs: a virtio IOMMU needs <acpi/>, intremap='on' needs <ioapic driver='qemu'/>, eim='on' needs intremap='on'.",
  },
  'iommu-option-unsupported': {
    severity: 'error',
    summary: 'An IOMMU setting its model does not take: intel-only driver attributes on virtio or smmuv3, an <address> on intel or smmuv3.',
  },

  // Devices the machine type cannot carry (rules/machine-devices.ts)
  'machine-no-pci': {
    severity: 'error',
    summary: 'The isapc machine has no PCI bus, yet a device (or one libvirt adds by itself: memballoon, USB controller, video) needs one.',
    absence: true,
  },

  // Domain-wide
  'cpu-topology-mismatch': {
    severity: 'error',
    summary: 'sockets x dies x cores x threads must equal the number of vCPUs in <vcpu>.',
  },
  'domain-name-invalid': { severity: 'error', summary: 'The domain name is missing or contains a character libvirt refuses.' },
  'domain-name-style': {
    severity: 'warning',
    summary: 'openEuler asks for names of at most 64 characters made of letters, digits, _, - and :, and not made of digits only.',
  },
  'graphics-vnc-password-length': {
    severity: 'error',
    summary: 'A VNC password is at most 8 characters long: VNC authentication uses only 8 (the QEMU driver refuses longer ones).',
  },
  'graphics-vnc-open': {
    severity: 'warning',
    summary: 'A VNC console listens on every network address without a password: anyone who can reach the host can take over the guest.',
  },
  'os-type-missing': {
    severity: 'error',
    summary: 'The domain has no <os><type> (hvm for QEMU/KVM): libvirt refuses a domain without its OS type.',
    absence: true,
  },
  'sysinfo-uuid-mismatch': {
    severity: 'error',
    summary: "The SMBIOS system uuid in <sysinfo> differs from the domain's <uuid>: libvirt refuses the domain.",
  },
  'seclabel-model-duplicate': {
    severity: 'error',
    summary: 'Two domain <seclabel> elements for the same security model (dac, selinux, apparmor): libvirt takes one per model.',
  },
  'vcpu-current-above-max': {
    severity: 'error',
    summary: "<vcpu current='N'> is more than the maximum number of vCPUs (<vcpu>'s text).",
  },
  'lifecycle-action-unsupported': {
    severity: 'error',
    summary:
      "A lifecycle action the QEMU driver refuses: 'rename-restart' anywhere, 'preserve' on power-off or reboot, or restart on power-off with destroy on reboot.",
  },
  'device-single-duplicate': {
    severity: 'error',
    summary: 'A second watchdog, memory balloon, vsock or nvram device: libvirt supports one per domain.',
  },
  'domain-element-duplicate': {
    severity: 'error',
    summary:
      'An element libvirt takes once appears twice: <genid>, <resource>, an <os><acpi><table>, a perf event or keywrap cipher of one name.',
  },
  'features-value-invalid': {
    severity: 'error',
    summary:
      'A feature value libvirt refuses: KVM dirty-ring size (power of two, 1024-65536), Hyper-V spinlock retries (>= 4095), vendor_id (<= 12 characters).',
  },
  'clock-attribute-missing': {
    severity: 'error',
    summary: "<clock offset='timezone'> without timezone=, or offset='absolute' without start=.",
    absence: true,
  },

  // Memory and memory hotplug (rules/memory.ts)
  'memory-missing': {
    severity: 'error',
    summary: 'The domain has no memory size: neither <memory> nor NUMA cells with memory (or the size is 0).',
    absence: true,
  },
  'memory-max-slots-missing': {
    severity: 'error',
    summary: '<maxMemory> needs both a size and slots= (the number of hotplug slots): libvirt refuses one without the other.',
  },
  'memory-max-too-small': {
    severity: 'error',
    summary: "<maxMemory> is smaller than the guest's memory (with NUMA cells: their sum plus the memory devices).",
  },
  'memory-hotplug-max-missing': {
    severity: 'error',
    summary: "A memory device (<memory model='dimm'>...) needs memory hotplug: the domain has no <maxMemory slots=...>.",
    absence: true,
  },
  'memory-hotplug-numa-missing': {
    severity: 'error',
    summary: 'Memory hotplug (<maxMemory>) needs at least one guest NUMA cell on x86 and most architectures (not ppc64).',
    absence: true,
  },
  'memory-slot-range': {
    severity: 'error',
    summary: 'A DIMM slot number must be below <maxMemory slots>, and there cannot be more memory devices than slots.',
  },
  'memory-address-duplicate': {
    severity: 'error',
    summary: 'Two memory devices use the same DIMM slot or the same base address.',
  },
  'memory-target-node-missing': {
    severity: 'error',
    summary: 'With guest NUMA cells, a dimm, nvdimm or virtio-mem device needs <target><node> (its cell).',
    absence: true,
  },
  'memory-target-node-range': {
    severity: 'error',
    summary: "A memory device's <target><node> names a NUMA cell the guest does not have.",
    absence: true,
  },
  'memory-dimm-acpi-at-start': {
    severity: 'error',
    summary:
      'A DIMM on an x86 guest without <features><acpi/>: virsh define accepts it, but QEMU refuses to start the guest (memory hotplug goes through ACPI).',
    absence: true,
  },
  'memory-hugepage-size-zero': { severity: 'error', summary: 'A <hugepages><page size> of 0.' },

  // Guest NUMA cells and what names them (rules/numa.ts)
  'numa-cell-id-duplicate': { severity: 'error', summary: 'Two NUMA cells have the same id (a cell without id takes its position).' },
  'numa-cell-id-range': {
    severity: 'error',
    summary: 'NUMA cell ids must be 0 to the number of cells minus one, each once: no gaps, starting at 0.',
  },
  'numa-cpus-overlap': { severity: 'error', summary: 'A vCPU is in the cpus= of two NUMA cells.' },
  'numa-cpus-range': { severity: 'error', summary: "A NUMA cell's cpus= names a vCPU beyond <vcpu>." },
  'numa-distance-cell-missing': {
    severity: 'error',
    summary: 'A NUMA distance (<sibling id>) is to a cell the guest does not have.',
    absence: true,
  },
  'numa-distance-value': {
    severity: 'error',
    summary: 'A NUMA distance must be 10 from a cell to itself and 11 to 255 to another cell.',
  },
  'numatune-memnode-cell': {
    severity: 'error',
    summary: '<numatune><memnode cellid> names a NUMA cell the guest does not have.',
    absence: true,
  },
  'numatune-memnode-duplicate': { severity: 'error', summary: 'Two <numatune><memnode> elements for the same NUMA cell.' },
  'numa-hugepage-nodeset': {
    severity: 'error',
    summary: '<memoryBacking><hugepages><page nodeset> names a NUMA node the guest does not have.',
    absence: true,
  },
  'numa-expander-node': {
    severity: 'error',
    summary: 'A pci-expander-bus or pcie-expander-bus is for a NUMA node (<target><node>) the guest does not have.',
    absence: true,
  },
  'numatune-nodeset-missing': {
    severity: 'error',
    summary: "<numatune><memory placement='static'> without nodeset=: libvirt needs the host nodes.",
    absence: true,
  },
  'numatune-memnode-auto': {
    severity: 'error',
    summary: "<numatune><memnode> together with placement='auto': libvirt refuses per-cell binding with automatic placement.",
  },
  'numa-hugepage-overlap': {
    severity: 'error',
    summary: 'Two hugepage sizes for the same NUMA node, or two sizes without nodeset= (each node takes one size).',
  },

  // vCPU and I/O thread tuning (rules/cputune.ts)
  'cputune-sched-overlap': {
    severity: 'error',
    summary: 'Two <vcpusched> (or two <iothreadsched>) elements name the same vCPU (I/O thread).',
  },
  'cputune-vcpu-missing': { severity: 'error', summary: '<vcpusched vcpus> names a vCPU beyond <vcpu>.', absence: true },
  'cputune-vcpupin-ignored': {
    severity: 'warning',
    summary: 'A <vcpupin> for a vCPU beyond <vcpu>: libvirt accepts it and silently drops it.',
  },
  'cputune-iothread-missing': {
    severity: 'error',
    summary: '<iothreadpin> or <iothreadsched> names an I/O thread the guest does not have (<iothreads>, <iothreadids>).',
    absence: true,
  },
  'cputune-pin-duplicate': { severity: 'error', summary: 'Two <vcpupin> for one vCPU, or two <iothreadpin> for one I/O thread.' },

  // Suppression comments (rules/suppress.ts)
  'suppression-unused': {
    severity: 'information',
    summary: 'A libvirt-lint-disable comment names a code that is not reported where it applies (or no code at all): it can go.',
  },
  'cputune-iothread-id-duplicate': { severity: 'error', summary: 'An I/O thread id is listed twice in <iothreadids>.' },
  'cputune-vcpus-id-range': { severity: 'error', summary: "A <vcpus><vcpu id> beyond <vcpu>'s maximum." },
  'cputune-emulator-duplicate': { severity: 'error', summary: 'A second <emulatorpin> or <emulatorsched> in <cputune>.' },
  'cputune-bitmap-empty': {
    severity: 'error',
    summary: 'A cpuset or scheduler list that names no CPU (such as 0,^0).',
  },

  // Conflicts between domains linted together (rules/fleet.ts)
  'fleet-name-duplicate': {
    severity: 'error',
    summary: 'Two domains for the same host have the same name: libvirt refuses to define the second one (or replaces the first).',
    across: true,
  },
  'fleet-uuid-duplicate': {
    severity: 'error',
    summary: 'Two domains for the same host have the same UUID: libvirt refuses to define the second one.',
    across: true,
  },
  'fleet-mac-duplicate': {
    severity: 'warning',
    summary:
      'Two domains have a NIC with the same MAC address: libvirt accepts both, but on one network the guests steal each other traffic.',
    across: true,
  },
  'fleet-hostdev-shared': {
    severity: 'error',
    summary:
      'The same host PCI or USB device is assigned to two domains on one host: libvirt accepts both, but refuses to start the second while the first runs.',
    across: true,
  },
  'fleet-disk-shared': {
    severity: 'error',
    summary:
      'Two domains on one host open the same disk image writable without <shareable/>: QEMU locks the image and refuses to start the second while the first runs (unlocked, both would corrupt it).',
    across: true,
  },
  'fleet-graphics-port-duplicate': {
    severity: 'error',
    summary:
      'Two domains on one host ask for the same fixed VNC or SPICE port: libvirt accepts both, but the second cannot start while the first runs.',
    across: true,
  },

  // The host the domain is checked against (rules/host.ts): only with a host profile (--connect, --host-snapshot)
  'host-arch-unsupported': {
    severity: 'error',
    summary: 'The host has no emulator for this guest architecture: libvirt refuses to define the domain there.',
  },
  'host-virt-type-unsupported': {
    severity: 'error',
    summary:
      'The host cannot run this domain type (kvm without /dev/kvm, hvf, xen...) for the architecture: libvirt refuses to define the domain there.',
  },
  'host-machine-unsupported': {
    severity: 'error',
    summary:
      "The host's emulator does not offer this machine type (often a newer QEMU's pc-q35-X.Y): libvirt refuses to define the domain there.",
  },
  'host-device-unsupported': {
    severity: 'error',
    summary:
      "A disk bus or device, video model, graphics type, TPM or RNG model or backend that the host's domcapabilities leave out of their list: libvirt refuses to define the domain there.",
  },
  'host-vcpu-above-max': {
    severity: 'error',
    summary: 'More vCPUs than the machine type takes on this host: libvirt refuses to define the domain there.',
  },
  'host-cpu-model-unusable': {
    severity: 'error',
    summary:
      "A custom CPU model the host's domcapabilities do not list, or list as not usable there (with check other than 'none'): libvirt defines the domain but refuses to start it.",
  },
  'host-memory-above-host': {
    severity: 'error',
    summary:
      "More memory than the host has: libvirt defines the domain, but QEMU cannot allocate the guest's RAM and the start fails (unless the host overcommits memory or has swap for it).",
  },
  'host-device-missing': {
    severity: 'error',
    summary:
      'The host device a <hostdev> or <interface type="hostdev"> names is not on the host: libvirt defines the domain but refuses to start it.',
  },
  'host-pci-passthrough-unsupported': {
    severity: 'error',
    summary: 'The host has no IOMMU (or it is off), so no PCI device can be passed through: libvirt refuses to start the domain.',
  },
  'host-iommu-group-split': {
    severity: 'error',
    summary:
      "The device's IOMMU group has another endpoint still bound to a host driver and not assigned with it: VFIO refuses a group that is not wholly given to the guest.",
  },
  'host-device-in-use': {
    severity: 'warning',
    summary:
      "managed='no' but a host driver still holds the PCI device: detach it first (virsh nodedev-detach) or let libvirt do it (managed='yes').",
  },
  'host-sriov-pf-with-vfs': {
    severity: 'warning',
    summary:
      'An SR-IOV physical function whose virtual functions are enabled is assigned whole: the VFs go with it (usually a VF was meant).',
  },

  // Structure against libvirt's schema (schemas/domain.json), where libvirt agrees with it
  'schema-unknown-element': {
    severity: 'warning',
    summary: "An element libvirt's schema does not have in this place: libvirt silently ignores it (often a misspelt name).",
  },
  'schema-unknown-attribute': {
    severity: 'warning',
    summary: "An attribute libvirt's schema does not have on this element: libvirt silently ignores it (often a misspelt name).",
  },
  'schema-unknown-feature': {
    severity: 'error',
    summary:
      'An element <features> (or its <hyperv>, <kvm> or <xen> group) does not have: unlike elsewhere, libvirt refuses the domain over an unknown feature.',
  },
  'schema-invalid-value': {
    severity: 'error',
    summary: 'A value libvirt cannot read: not one of the allowed values, not a number, or out of range.',
  },
  'schema-validate-only': {
    severity: 'warning',
    summary:
      "Only libvirt's schema check (virt-xml-validate, virsh define --validate) refuses this: a value breaking one of the schema's patterns, or a required attribute or element, or a bad value, that libvirt itself does without or ignores.",
  },
  'schema-missing-attribute': { severity: 'error', summary: 'A required attribute is missing: libvirt refuses the element without it.' },
  'schema-missing-element': {
    severity: 'error',
    summary: 'A required child element is missing (a <disk> without <target>...): libvirt refuses the element without it.',
    absence: true,
  },

  // Target version (libvirt.targetVersion / --target-version): pieces newer than the libvirt the file is for
  'target-version-refused': {
    severity: 'error',
    summary: 'An element, attribute or value that came after the target libvirt release, which refuses it (virsh define fails there).',
  },
  'target-version-ignored': {
    severity: 'warning',
    summary: 'An element or attribute that came after the target libvirt release, which drops it without a word.',
  },
  'target-version-newer': {
    severity: 'warning',
    summary:
      "An element, attribute or value that is not in the target libvirt release's schema (it came later): that release may refuse it or ignore it.",
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as Code[];

export function isCode(s: string): s is Code {
  return Object.prototype.hasOwnProperty.call(CODES, s);
}

export function codeInfo(code: Code): CodeInfo {
  return CODES[code];
}

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
  'controller-pci-option-invalid': {
    severity: 'error',
    summary:
      "A PCI controller setting its model does not take (chassisNr is for pci-bridge, chassis and port for root and downstream ports, busNr and <node> for expander buses), or a <model name> that is not its model's.",
  },
  'controller-pci-target-invalid': {
    severity: 'error',
    summary:
      'A PCI controller <target> value libvirt refuses: chassisNr outside 1-255, busNr outside 1-254, index outside 0-30 or 0 on another controller than index 0, a <node> on the root.',
  },
  'controller-driver-option': {
    severity: 'error',
    summary: 'A controller <driver> option only virtio-scsi controllers take: queues, cmd_per_lun, max_sectors, ioeventfd, iothread.',
  },
  'controller-model-unsupported': {
    severity: 'error',
    summary:
      'A controller the QEMU driver cannot give this guest: a buslogic SCSI controller, ncr53c90 off its machine or not first, a second IDE controller on i440fx.',
  },
  'controller-usb-none-conflict': {
    severity: 'error',
    summary: "A USB controller with model='none' (no USB) next to another USB controller.",
  },
  'virtio-serial-port-duplicate': { severity: 'error', summary: 'Two devices use the same virtio-serial port of one controller.' },
  'virtio-serial-port-range': {
    severity: 'error',
    summary:
      "A virtio-serial address names a port the controller does not have (ports are 0 to the controller's ports - 1; 31 by default), or the controller it names has no free port left.",
  },
  'drive-address-unsupported': {
    severity: 'error',
    summary:
      'A drive address its controller does not have: SCSI bus other than 0, a target other than 0 on lsilogic, IDE, SATA and floppy, a second IDE or floppy controller.',
  },
  'controller-model-machine': {
    severity: 'error',
    summary:
      'A controller model the QEMU driver refuses on this machine: qusb1/qusb2 anywhere, pci-expander-bus off i440fx, pcie-expander-bus off q35 and ARM virt.',
  },

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
  'address-type-unsupported': {
    severity: 'error',
    summary:
      "A device address of a type the guest cannot have: ccw (s390 channel I/O) on a machine that is not s390-ccw-virtio, 'unassigned' on anything but a <hostdev>.",
  },
  'device-pci-option': {
    severity: 'error',
    summary: 'An <acpi index> or a <rom> on a device that is not on PCI (a USB, SCSI or SATA device, say): libvirt refuses them.',
  },
  'device-rom-disabled': {
    severity: 'error',
    summary: "<rom enabled='no'> together with bar or file: a disabled ROM cannot be tuned.",
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
      "A disk setting its device type does not take: rawio, sgio and <reservations> need device='lun', tray='open' needs a cdrom or floppy, a lun sets no wwn, vendor, product or scsi serial, rotation_rate needs device='disk'.",
  },
  'disk-iotune-conflict': {
    severity: 'error',
    summary: 'An <iotune> limit is given both as a total and as a read or write limit of the same kind.',
  },
  'disk-bus-device': {
    severity: 'error',
    summary: "A disk's device and bus do not go together: a cdrom on virtio, a floppy off fdc, a non-floppy on fdc, a lun off scsi/virtio.",
  },
  'disk-option-bus': {
    severity: 'error',
    summary:
      'A disk setting its bus does not take (readonly ide/sata, removable off usb, wwn, vendor, geometry, virtio-only options, I/O threads).',
  },
  'disk-copy-on-read': { severity: 'error', summary: "copy_on_read='on' on a disk that is read-only, removable media or a lun." },
  'disk-io-native-cache': { severity: 'error', summary: "io='native' without cache='none' or cache='directsync'." },

  'disk-vhostuser-option': {
    severity: 'error',
    summary: 'A vhost-user disk carries a setting libvirt does not support for it, or is not on the virtio bus.',
  },
  'disk-iothread-missing': { severity: 'error', summary: "A disk's driver names an I/O thread the guest does not have.", absence: true },
  'disk-lun-source': {
    severity: 'error',
    summary: "A device='lun' disk's source is not a raw host block device or iSCSI LUN (file, other protocol, format, slice, encryption).",
  },
  'disk-iotune-group': {
    severity: 'error',
    summary: 'An <iotune> group_name without limits, or disks of one throttle group with different limits.',
  },
  'disk-iotune-range': { severity: 'error', summary: 'An <iotune> limit above the largest value QEMU takes (10^15).' },
  'disk-serial-invalid': {
    severity: 'error',
    summary: 'A disk <serial> with characters QEMU refuses (only letters, digits, space, - _ . +).',
  },
  'disk-vendor-product-invalid': {
    severity: 'error',
    summary: 'A disk <vendor> longer than 8 or <product> longer than 16 characters, or not printable.',
  },
  'disk-transient-unsupported': {
    severity: 'error',
    summary:
      "A <transient/> disk that is empty, read-only, not a file, not device='disk', or shares its backing image on a bus that cannot.",
  },
  'disk-driver-name': { severity: 'error', summary: "A disk <driver name> other than 'qemu' for the QEMU driver." },
  'disk-shareable-format': { severity: 'error', summary: 'A writable <shareable/> disk whose format is not raw.' },
  'disk-source-missing': { severity: 'error', summary: "A device='disk' disk without a source (only a cdrom or floppy may be empty)." },
  'disk-startup-policy': {
    severity: 'error',
    summary: "A startupPolicy on a disk that is not local storage, or 'requisite' on a disk that is not a cdrom or floppy.",
  },
  'disk-sgio-unfiltered': {
    severity: 'error',
    summary: "sgio='unfiltered' on a disk or SCSI <hostdev>, which libvirt no longer supports.",
  },
  'disk-auth-protocol': {
    severity: 'error',
    summary: 'A disk <auth> on a network protocol that takes no credentials (nbd, gluster, nfs, tftp, sheepdog, vxhs).',
  },
  'disk-encryption-cipher': {
    severity: 'error',
    summary: 'A <cipher> in the luks <encryption> of a disk definition (it belongs to a storage volume).',
  },
  'disk-backing-store-incomplete': { severity: 'error', summary: "A <backingStore type='...'> without its <format type> or its <source>." },
  'lease-incomplete': { severity: 'error', summary: "A <lease> without a <key>, a <target> or the target's path." },
  'blkiotune-device-path-missing': { severity: 'error', summary: 'A <blkiotune> <device> without the <path> of the host device.' },
  'disk-source-invalid': {
    severity: 'error',
    summary:
      "A disk <source> libvirt's parser refuses: NVMe or vhost-user source incomplete, NVMe namespace 0, slice, cookie or host incomplete, rbd/gluster name without a pool.",
  },
  'scsi-drive-address-conflict': {
    severity: 'error',
    summary: 'A SCSI host device uses the drive address (controller, bus, target, unit) of a SCSI disk or of another SCSI host device.',
  },

  // Disk storage sources the QEMU driver refuses (rules/disk-sources.ts)
  'disk-source-format': {
    severity: 'error',
    summary: "A disk format QEMU does not take (cow, dir, iso), 'fat' off a dir disk, or a dir disk whose format is not 'fat'.",
  },
  'disk-source-fat-readonly': { severity: 'error', summary: "A <disk type='dir'> (a directory shown as a FAT disk) without <readonly/>." },
  'disk-source-nfs-host': { severity: 'error', summary: 'An nfs network disk with other than one <host>, a non-TCP transport, or a port.' },
  'disk-source-option': {
    severity: 'error',
    summary: 'A disk source option for another format or protocol: metadata_cache off qcow2, tlsHostname off NBD.',
  },
  'disk-source-encryption': {
    severity: 'error',
    summary:
      "Disk encryption the QEMU driver refuses: format='qcow', luks2 with the qemu engine, luks off raw/qcow2, librbd off a network disk.",
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
  'hostdev-source-incomplete': {
    severity: 'error',
    summary:
      'A host device <source> libvirt cannot use: a USB <vendor> without its <product> (or the reverse), an iSCSI source with more than one <host>.',
  },
  'hostdev-attribute-type': {
    severity: 'error',
    summary:
      "A <hostdev> setting for another kind of host device: startupPolicy is USB's, sgio and rawio SCSI's, model mdev's and vhost-scsi's, <teaming> PCI's.",
  },
  'hostdev-caps-mode': {
    severity: 'error',
    summary: "<hostdev mode='capabilities'> is for containers (LXC): the QEMU driver refuses it.",
  },
  'hostdev-boot-unsupported': {
    severity: 'error',
    summary: 'A mediated device (vfio-pci) or a vhost-scsi host device has a <boot order>: QEMU cannot boot from them.',
  },
  'hostdev-option-unsupported': {
    severity: 'error',
    summary:
      "A host device option libvirt 9.0 refuses with QEMU: sgio='unfiltered', writeFiltering on a PCI source, a <teaming> that is not type='transient'.",
  },
  'hostdev-mdev-display': {
    severity: 'error',
    summary: "A mediated device with display='on' but no <graphics>, or ramfb='on' on more than one mediated device.",
  },

  // Interfaces
  'mac-invalid': { severity: 'error', summary: 'A MAC address is six colon-separated hexadecimal octets.' },
  'mac-multicast': {
    severity: 'error',
    summary: 'The first octet of a guest MAC address must be even: an odd first octet is a multicast address.',
  },
  'nic-option-unsupported': {
    severity: 'error',
    summary:
      "An interface setting its type does not take: <virtualport>, <mtu>, <coalesce>, <port isolated='yes'/>, an unmanaged tap, teaming, a udp source without <local>, reconnect on a vhost-user server socket.",
  },
  'nic-guest-ip-unsupported': {
    severity: 'error',
    summary:
      'Guest-side <ip> or <route> the QEMU driver cannot set: only a user NIC takes them, one IPv4 address (prefix 4 to 27) and one IPv6 address (prefix 64), no peer, no route.',
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
  'chardev-source-invalid': {
    severity: 'error',
    summary:
      'A character device source libvirt refuses: a spiceport/dbus channel name missing or with odd characters, half an nmdm pair, <reconnect> on a listening socket or with timeout 0, spicevmc/spiceport without SPICE graphics.',
  },
  'chardev-target-invalid': {
    severity: 'error',
    summary:
      'A character device target libvirt refuses: a channel without target type, a guestfwd without IPv4 address, spicevmc off a virtio channel, a serial address, model or target the machine does not fit, more than four ISA serial ports, a second serial console.',
  },
  'chardev-element-duplicate': {
    severity: 'error',
    summary: 'A character device with two <source>s (three for udp), two <log>s or two <protocol>s.',
  },

  // Filesystem shares (rules/filesystems.ts)
  'filesystem-option-unsupported': {
    severity: 'error',
    summary:
      'A <filesystem> setting the QEMU driver refuses: a type other than mount, fmode/dmode without accessmode mapped, the loop/nbd/ploop drivers, a boot order on 9p, virtiofs read-only, mapped, with wrpolicy, model, format or multidevs.',
  },
  'filesystem-shared-memory-missing': {
    severity: 'error',
    summary:
      "A virtiofs share in a guest whose memory is not shared (<memoryBacking><access mode='shared'/> or memAccess='shared' NUMA cells).",
  },
  'filesystem-target-duplicate': { severity: 'error', summary: 'Two virtiofs shares with the same target tag.' },

  // Input devices (rules/input.ts)
  'input-option-unsupported': {
    severity: 'error',
    summary:
      'An <input> bus or setting its type does not take: ps2 for a tablet, the xen bus in a hvm guest, a bus on evdev, a virtio model off the virtio bus, a transitional virtio model, a USB device with another address type, evdev without <source dev>.',
  },

  // Graphics listens and D-Bus displays (rules/graphics.ts)
  'graphics-listen-invalid': {
    severity: 'error',
    summary:
      'A <graphics> listen or D-Bus display libvirt refuses: socket/none listens off VNC and SPICE, a first listen contradicting listen=/socket=, network= or socket= on the wrong listen type, p2p with an address, non-D-Bus audio on a D-Bus display.',
  },

  // Audio backends (rules/audio.ts)
  'audio-id-missing': { severity: 'error', summary: 'A <sound> or VNC display names an <audio id> the domain does not have.' },
  'audio-id-duplicate': { severity: 'error', summary: 'Two <audio> backends with the same id.' },
  'audio-option-unsupported': {
    severity: 'error',
    summary:
      'An <audio> setting libvirt refuses: fixedSettings without mixingEngine, <settings> without fixedSettings, a spice backend without SPICE graphics.',
  },

  // Watchdogs, smartcards, vsock, USB redirection, aliases (rules/peripherals.ts)
  'watchdog-model-unsupported': {
    severity: 'error',
    summary: 'A watchdog placed where its model cannot go: i6300esb off PCI, ib700 or diag288 with an address, diag288 off s390.',
  },
  'smartcard-option-invalid': {
    severity: 'error',
    summary:
      'A smartcard libvirt refuses: host-certificates without exactly three certificates, a relative database path, an address that is not ccid.',
  },
  'redirdev-option-invalid': {
    severity: 'error',
    summary: 'A USB redirection device with an address that is not USB, or a <redirfilter> USB class above 0xff.',
  },
  'vsock-cid-invalid': { severity: 'error', summary: 'A vsock guest CID of 1 or 2 (reserved): guest CIDs start at 3.' },
  'device-alias-duplicate': { severity: 'error', summary: 'Two devices with the same user alias (ua-...).' },

  // TPM devices (rules/tpm.ts)
  'tpm-option-unsupported': {
    severity: 'error',
    summary:
      'A <tpm> setting libvirt refuses: TPM 1.2 with tpm-crb or tpm-spapr, <active_pcr_banks> on a TPM that is not 2.0 or naming an unknown bank, an external backend source without type or socket path.',
  },
  'tpm-duplicate': {
    severity: 'error',
    summary: 'Too many TPMs (two that are not the spapr-tpm-proxy, or more than two), or two <backend>s in one <tpm>.',
  },

  // Sizes that must be powers of two (rules/sizes.ts)
  'shmem-size-at-start': {
    severity: 'error',
    summary:
      'A <shmem> size that is not a power of two or is under 1 MiB: virsh define accepts it, but libvirt refuses to start the guest.',
  },
  'shmem-name-invalid': { severity: 'error', summary: "A <shmem> name containing '/' or equal to '.' or '..'." },
  'shmem-msi-server': { severity: 'error', summary: 'A <shmem><msi> without <server>: MSI needs the doorbell server.', absence: true },
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
    summary:
      'Two <seclabel> elements for the same security model (dac, selinux, apparmor), in the domain or on one device: libvirt takes one per model.',
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
    summary:
      'A second watchdog, memory balloon, vsock or nvram device, or a second panic device of one model: libvirt supports one per domain.',
  },
  'domain-element-duplicate': {
    severity: 'error',
    summary:
      'An element libvirt takes once appears twice: <genid>, <resource>, an <os><acpi><table>, <redirfilter>, a perf event or keywrap cipher of one name.',
  },
  'features-value-invalid': {
    severity: 'error',
    summary:
      'A feature value libvirt refuses: KVM dirty-ring size (power of two, 1024-65536), Hyper-V spinlock retries (>= 4095), vendor_id (<= 12 characters, and given when on).',
  },
  'features-smm-tseg': {
    severity: 'error',
    summary: 'An SMM TSEG size (<features><smm><tseg>) on a machine other than q35, or not a whole number of MiB.',
  },
  'clock-attribute-missing': {
    severity: 'error',
    summary: "<clock offset='timezone'> without timezone=, or offset='absolute' without start=.",
    absence: true,
  },

  'seclabel-relabel-conflict': {
    severity: 'error',
    summary:
      "A device's <seclabel> override whose relabel= contradicts it: a <label> with relabel='no', or an override of a domain label that does not relabel.",
  },
  'seclabel-label-missing': {
    severity: 'error',
    summary: 'A static <seclabel> without its <label>.',
    absence: true,
  },
  'seclabel-model-missing': {
    severity: 'error',
    summary:
      "A <seclabel> without model= where libvirt cannot take the host's: one of several labels, or a static label or a dynamic one with <baselabel>.",
    absence: true,
  },
  'sysinfo-value-invalid': {
    severity: 'error',
    summary:
      "A <sysinfo> value libvirt or QEMU refuses: a BIOS date not mm/dd/yy(yy), a system uuid that is not a UUID, a fw_cfg entry without a value or file, or named outside 'opt/' or in QEMU's own 'opt/ovmf/', 'opt/org.qemu/'.",
  },
  'panic-model-unsupported': {
    severity: 'error',
    summary: "A panic device model the guest's architecture does not have: 's390' off s390, 'pseries' off ppc64 pSeries, 'hyperv' off x86.",
  },
  'panic-address-unsupported': {
    severity: 'error',
    summary: "An <address> on a panic device that takes none (s390, pseries, hyperv) or, for model 'isa', one that is not type='isa'.",
  },
  'console-serial-not-first': {
    severity: 'error',
    summary: 'A <console> after the first one that is a serial console (target type serial, or none given): only the first console can be.',
  },
  'resctrl-kvm-only': {
    severity: 'error',
    summary: "<cputune><cachetune> or <memorytune> on a domain that is not type='kvm': the QEMU driver refuses it.",
  },
  'vcpu-eim-required': {
    severity: 'error',
    summary: "More than 255 vCPUs on an x86 q35 guest without an intel IOMMU with eim='on' (extended interrupt mode).",
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
  'memory-source-path-missing': {
    severity: 'error',
    summary: 'An nvdimm or virtio-pmem memory device without <source><path> (the host file or device backing it).',
    absence: true,
  },
  'memory-model-option': {
    severity: 'error',
    summary:
      "A memory device option its model does not take: discard='yes' on nvdimm or virtio-pmem, <uuid> on an NVDIMM (but on ppc64), access='private' or <node> on virtio-pmem, <address> on sgx-epc.",
  },
  'memory-nvdimm-label-size': {
    severity: 'error',
    summary: 'An NVDIMM label size under 128 KiB, or not smaller than the NVDIMM.',
  },
  'memory-virtio-mem-size': {
    severity: 'error',
    summary:
      'virtio-mem sizes libvirt refuses: a block size that is not a power of two or is under 2 MiB (x86), a requested size above <size> or not a whole number of blocks.',
  },
  'memory-devices-exceed': {
    severity: 'error',
    summary: 'Without NUMA cells, memory devices adding up to more than <memory>.',
  },
  'memory-balloon-model': { severity: 'error', summary: "<memballoon model='xen'> in a QEMU/KVM domain." },
  'memory-shared-required': {
    severity: 'error',
    summary: "A vhost-user disk with the guest's memory not shared (memoryBacking access, or a NUMA cell's memAccess).",
    absence: true,
  },

  'memory-hugepages-backing': {
    severity: 'error',
    summary: "<hugepages> with a memory backing that cannot give them: allocation mode='ondemand' or an anonymous source.",
  },

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
  'numatune-duplicate': { severity: 'error', summary: 'More than one <numatune> element.' },
  'numatune-memnode-mode': {
    severity: 'error',
    summary: "<numatune><memory mode='restrictive'> with a <memnode> of another mode (strict is the default).",
  },
  'numa-nodeset-empty': {
    severity: 'error',
    summary: "A numatune nodeset or a memory device's nodemask that selects no host NUMA node (such as 0,^0).",
  },
  'numa-cache-level': { severity: 'error', summary: 'A NUMA cell cache level above 3, or the same level twice in one cell.' },
  'numa-interconnect-node': {
    severity: 'error',
    summary: 'A NUMA latency or bandwidth between cells the guest does not have, or from an initiator cell without vCPUs.',
    absence: true,
  },
  'numa-interconnect-cache': {
    severity: 'error',
    summary: 'A NUMA latency or bandwidth cache= level the target cell describes no <cache> for.',
    absence: true,
  },
  'numa-interconnect-duplicate': {
    severity: 'error',
    summary: 'The same NUMA latency or bandwidth twice, or a link between two cells given both ways round.',
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

  // Firmware: <os firmware>, <loader>, <nvram>, <bios> (rules/firmware.ts)
  'firmware-autoselect-conflict': {
    severity: 'error',
    summary:
      "<os firmware='efi|bios'> with what it chooses itself: a loader readonly=, type= or path, an nvram template=, secure='no', or (with 'bios') an <nvram>.",
  },
  'firmware-autoselect-missing': {
    severity: 'error',
    summary: "No <os firmware=> where one is needed: <firmware><feature> to choose by, or a <loader>/<nvram> without the loader's path.",
    absence: true,
  },
  'loader-stateless-conflict': {
    severity: 'error',
    summary:
      "A stateless loader with an <nvram> or nvram template=, or stateless='no' where there is no NVRAM (not pflash, or firmware='bios').",
  },
  'firmware-uefi-acpi': {
    severity: 'error',
    summary: "UEFI firmware (firmware='efi' or a pflash loader) on x86 without <features><acpi/>.",
    absence: true,
  },
  'secure-boot-requirement': {
    severity: 'error',
    summary:
      "<loader secure='yes'> without what QEMU needs for it: a q35 machine, an x86_64 guest and (without firmware=) <smm state='on'/>.",
  },
  'nvram-source-unsupported': {
    severity: 'error',
    summary: 'An <nvram> the QEMU driver cannot use: of type dir, volume, nvme or vhostuser, or with <slices> or <reservations>.',
  },
  'bios-serial-missing': {
    severity: 'error',
    summary: "<bios useserial='yes'> on a guest with no serial port to send the BIOS output to.",
    absence: true,
  },

  // Clock and timers (rules/clock.ts)
  'timer-attribute-unsupported': {
    severity: 'error',
    summary:
      "A <timer> setting that timer does not have: tickpolicy on kvmclock/hypervclock, frequency or mode off tsc, track off rtc, <catchup> without tickpolicy='catchup'.",
  },
  'timer-unsupported': {
    severity: 'error',
    summary:
      "A timer QEMU does not have here: 'platform', 'armvtimer' off KVM ARM virt, rtc track='boot', rtc tickpolicy merge/discard, pit tickpolicy merge.",
  },
  'clock-start-range': {
    severity: 'error',
    summary: "<clock offset='absolute' start=> after 9999-12-31T23:59:59 (253402300799).",
  },

  // Features the machine cannot have (rules/features.ts)
  'feature-machine-unsupported': {
    severity: 'error',
    summary:
      'A <features> entry for another machine: the pSeries ones (hpt, htm, nested-hv, ccf-assist, cfpc, sbbc, ibs) off ppc64 pseries, gic off ARM virt.',
  },
  'feature-tcg-invalid': {
    severity: 'error',
    summary: "<features><tcg> on a domain that is not type='qemu', or a tb-cache that is not a whole number of MiB.",
  },

  // The guest CPU's address bits and cache (rules/cpu.ts)
  'cpu-maxphysaddr-invalid': {
    severity: 'error',
    summary: "<cpu><maxphysaddr> with bits= for mode='passthrough', or without bits= for mode='emulate'.",
  },
  'cpu-cache-invalid': {
    severity: 'error',
    summary:
      "<cpu><cache> the QEMU driver refuses: mode='emulate' not at level 3, mode='passthrough' off host-passthrough/maximum CPUs, a level for passthrough or disable.",
  },

  // Suppression comments (rules/suppress.ts)
  'suppression-unused': {
    severity: 'information',
    summary: 'A libvirt-lint-disable comment names a code that is not reported where it applies (or no code at all): it can go.',
  },
  'cputune-iothread-id-duplicate': { severity: 'error', summary: 'An I/O thread id is listed twice in <iothreadids>.' },
  'cputune-vcpus-id-range': { severity: 'error', summary: "A <vcpus><vcpu id> beyond <vcpu>'s maximum." },
  'cputune-vcpu0': {
    severity: 'error',
    summary: '<vcpus> makes vCPU 0 offline, hotpluggable or not first in order: the QEMU driver refuses it.',
  },
  'cputune-vcpus-order-mixed': {
    severity: 'error',
    summary: 'Some enabled vCPUs in <vcpus> have an order and others none: all or none must have one.',
  },
  'cputune-vcpus-order': {
    severity: 'error',
    summary: "A vCPU with hotpluggable='no' after a hotpluggable one, or ordered below the vCPU before it.",
  },
  'cputune-emulator-duplicate': { severity: 'error', summary: 'A second <emulatorpin> or <emulatorsched> in <cputune>.' },
  'cputune-bitmap-empty': {
    severity: 'error',
    summary: 'A cpuset or scheduler list that names no CPU (such as 0,^0).',
  },
  'cputune-vcpu-offline-fixed': {
    severity: 'error',
    summary: "A <vcpus><vcpu> both enabled='no' and hotpluggable='no': it could never come online.",
  },
  'cputune-sched-ids-missing': {
    severity: 'error',
    summary: '<vcpusched> without vcpus=, or <iothreadsched> without iothreads=.',
    absence: true,
  },
  'cputune-thread-pool': {
    severity: 'error',
    summary: "An I/O thread pool with thread_pool_max='0', or a thread_pool_min above thread_pool_max (or without one).",
  },
  'cputune-shares-range': { severity: 'error', summary: '<cputune><shares> outside 2 to 262144 (0 leaves it unset).' },
  'cputune-resctrl-vcpus-missing': {
    severity: 'error',
    summary: 'A <cachetune>, <memorytune> or resctrl <monitor> without vcpus=.',
    absence: true,
  },
  'cputune-resctrl-overlap': {
    severity: 'error',
    summary: 'Two <cachetune>/<memorytune> groups whose vcpus overlap, or two <cachetune> with the same vcpus.',
  },
  'cputune-monitor-vcpus': {
    severity: 'error',
    summary: "A resctrl <monitor> whose vcpus name no guest vCPU, leave its group's vcpus, repeat or overlap another monitor's.",
  },
  'cputune-monitor-level': { severity: 'error', summary: 'A cache <monitor> of a level other than 3.' },
  'cputune-blkio-path-duplicate': { severity: 'error', summary: 'Two <blkiotune><device> entries for the same path.' },

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

  // The QEMU driver's own elements, xmlns:qemu (rules/qemu-namespace.ts)
  'qemu-namespace-invalid': {
    severity: 'error',
    summary:
      "A qemu: namespace value libvirt refuses: an env name starting with a digit, an override of 'id', a property value missing, unreadable for its type, or given to 'remove'.",
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

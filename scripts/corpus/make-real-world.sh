#!/usr/bin/env bash
# make-real-world.sh: regenerate test/fixtures/real-world/, a corpus of domain XML written by
# OTHER projects, not by us:
#   virt-install-NAME.xml      what `virt-install --print-xml --dry-run` (virt-manager) writes
#   libvirt-dumpxml-NAME.xml   what libvirt's QEMU driver keeps after `virsh define` of that file
#                              (`virsh dumpxml`: every controller and address libvirt assigns)
# Every file kept has been accepted by `virsh -c qemu:///system define`; a configuration that
# virt-install refuses or libvirt rejects is reported and left out. README.md in the output folder
# is rewritten with the tool versions and the exact virt-install arguments of each file.
#
# Usage:
#   scripts/corpus/make-real-world.sh [OUTPUT_DIR]     (default: test/fixtures/real-world)
#
# Needs root and `scripts/setup/system-deps.sh libvirt corpus`. Starts libvirt with
# scripts/setup/libvirt-daemon.sh if qemu:///system does not answer (and stops it again at the
# end). Side effects on that libvirt, all undone on exit: domains named rw-*, one at a time, and
# a transient storage pool for /var/lib/libvirt/images (virt-install insists on a pool for disk
# paths; without ours it would define an autostarting one). No network access, nothing starts.
# Output is deterministic: UUIDs and MAC addresses are derived from the configuration's name.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$REPO/test/fixtures/real-world}
URI=qemu:///system
IMAGES=/var/lib/libvirt/images
POOL=rw-corpus-images
PREFIX=rw-

log() { echo "make-real-world: $*" >&2; }
die() {
  echo "make-real-world: error: $*" >&2
  exit 1
}

for tool in virt-install virsh md5sum; do
  command -v "$tool" > /dev/null \
    || die "$tool not found; install with: scripts/setup/system-deps.sh libvirt corpus"
done

# ---------------------------------------------------------------------------------------------
# Deterministic identifiers, so regenerating gives the same files.
uuid_for() {
  local h
  h=$(printf 'libvirt-xml real-world %s' "$1" | md5sum | cut -c1-32)
  echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"
}
mac_for() { # NAME INDEX
  local h
  h=$(printf 'libvirt-xml real-world %s nic %s' "$1" "$2" | md5sum)
  echo "52:54:00:${h:0:2}:${h:2:2}:${h:4:2}"
}

# ---------------------------------------------------------------------------------------------
# The configurations. config NAME sets DESC and ARGS (virt-install arguments besides the common
# ones: --connect --print-xml --dry-run --virt-type qemu --import --noautoconsole --name --uuid).
# --virt-type qemu: the files define on hosts without /dev/kvm too (on a KVM host virt-install
# would write type="kvm" and a host CPU model).
CONFIGS=(
  q35-virtio
  pc-i440fx-ide
  q35-sata-cdrom
  q35-virtio-scsi
  pc-scsi-lsilogic
  q35-multi-nic
  q35-usb3-xhci
  pc-usb2-ehci-uhci
  q35-spice-qxl
  q35-headless-serial
  q35-rng-balloon-watchdog
  q35-explicit-pcie-addresses
  q35-hostdev-pci
  win10-q35
  win11-uefi-tpm
  q35-uefi-secure-boot
  q35-filesystem-9p
  q35-virtiofs
  q35-tpm-sound
  pc-legacy-devices
  q35-cpu-topology-numa-iothreads
  q35-network-disks
  q35-smartcard-usbredir
  pc-minimal
)

# Commas inside virt-install option values are virt-install's own syntax, not array separators.
# shellcheck disable=SC2054
config() {
  local n=$1
  local img=$IMAGES/$n
  case "$n" in
    q35-virtio)
      DESC="Fedora 37 guest on q35: virtio disk (qcow2), virtio NIC on the default network, VNC, virtio video"
      ARGS=(--osinfo fedora37 --machine q35 --memory 2048 --vcpus 2
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc,listen=127.0.0.1 --video virtio)
      ;;
    pc-i440fx-ide)
      DESC="Debian 10 guest on i440fx (pc): IDE disk and IDE cdrom, e1000 NIC, piix3-uhci USB, VNC, cirrus video"
      ARGS=(--osinfo debian10 --machine pc --memory 1024 --vcpus 1
        --disk "path=$img.qcow2,size=10,format=qcow2,bus=ide"
        --disk device=cdrom,bus=ide
        --network "network=default,model=e1000,mac=$(mac_for "$n" 0)"
        --controller usb,model=piix3-uhci --input tablet,bus=usb
        --graphics vnc --video cirrus)
      ;;
    q35-sata-cdrom)
      DESC="Ubuntu 22.04 on q35: SATA disk, SATA cdrom with an ISO, boot order cdrom then disk, e1000e NIC"
      ARGS=(--osinfo ubuntu22.04 --machine q35 --memory 4096 --vcpus 2
        --disk "path=$img.qcow2,size=25,format=qcow2,bus=sata"
        --disk "path=$IMAGES/ubuntu-22.04.3-live-server-amd64.iso,device=cdrom,bus=sata,size=2"
        --boot cdrom,hd
        --network "network=default,model=e1000e,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    q35-virtio-scsi)
      DESC="RHEL 9 on q35: virtio-scsi controller with two SCSI disks and a SCSI cdrom, discard/cache options"
      ARGS=(--osinfo rhel9.0 --machine q35 --memory 4096 --vcpus 4
        --controller scsi,model=virtio-scsi
        --disk "path=$img-root.qcow2,size=30,format=qcow2,bus=scsi,cache=none,io=native,discard=unmap"
        --disk "path=$img-data.raw,size=100,format=raw,bus=scsi,cache=writeback"
        --disk device=cdrom,bus=scsi
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    pc-scsi-lsilogic)
      DESC="CentOS Stream 9 on i440fx: lsilogic SCSI controller and SCSI disk, rtl8139 NIC"
      ARGS=(--osinfo centos-stream9 --machine pc --memory 2048 --vcpus 2
        --controller scsi,model=lsilogic
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=scsi"
        --network "network=default,model=rtl8139,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    q35-multi-nic)
      DESC="q35 router VM with five NICs: virtio (network), e1000 (bridge), e1000e (network), rtl8139 (user), macvtap direct"
      ARGS=(--osinfo linux2022 --machine q35 --memory 1024 --vcpus 2
        --disk "path=$img.qcow2,size=8,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --network "bridge=br0,model=e1000,mac=$(mac_for "$n" 1)"
        --network "network=isolated,model=e1000e,mac=$(mac_for "$n" 2)"
        --network "user,model=rtl8139,mac=$(mac_for "$n" 3)"
        --network "type=direct,source=eth0,source.mode=bridge,model=virtio,mac=$(mac_for "$n" 4)"
        --graphics none)
      ;;
    q35-usb3-xhci)
      DESC="q35 with a qemu-xhci USB 3 controller (15 ports), USB tablet, keyboard and mouse"
      ARGS=(--osinfo fedora36 --machine q35 --memory 2048 --vcpus 2
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --controller usb3
        --input tablet,bus=usb --input keyboard,bus=usb --input mouse,bus=usb
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    pc-usb2-ehci-uhci)
      DESC="i440fx with a USB 2 controller: ich9-ehci1 plus three uhci companions (master startport), USB tablet"
      ARGS=(--osinfo ubuntu20.04 --machine pc --memory 2048 --vcpus 2
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --controller usb2 --input tablet,bus=usb
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    q35-spice-qxl)
      DESC="Desktop guest on q35: SPICE graphics, qxl video, spicevmc channel, two USB redirection devices, ich9 sound"
      ARGS=(--osinfo fedora37 --machine q35 --memory 4096 --vcpus 4
        --disk "path=$img.qcow2,size=40,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics spice,listen=127.0.0.1 --video qxl --channel spicevmc
        --redirdev usb,type=spicevmc --redirdev usb,type=spicevmc --sound ich9)
      ;;
    q35-headless-serial)
      DESC="Headless server on q35: no graphics, serial pty, virtio console, TCP serial, guest agent channel"
      ARGS=(--osinfo debian11 --machine q35 --memory 1024 --vcpus 1
        --disk "path=$img.qcow2,size=10,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics none
        --serial pty --serial tcp,host=127.0.0.1:4555,mode=bind,protocol.type=telnet
        --console pty,target.type=virtio
        --channel unix,target.type=virtio,name=org.qemu.guest_agent.0)
      ;;
    q35-rng-balloon-watchdog)
      DESC="q35 with virtio RNG (/dev/urandom), virtio memballoon with stats period, i6300esb watchdog, pvpanic"
      ARGS=(--osinfo rhel8.6 --machine q35 --memory 2048 --vcpus 2
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --rng /dev/urandom --memballoon virtio,stats.period=10
        --watchdog i6300esb,action=reset --panic default
        --graphics vnc)
      ;;
    q35-explicit-pcie-addresses)
      DESC="q35 with explicit pcie-root-port and pcie-to-pci-bridge controllers and explicit PCI addresses on devices"
      ARGS=(--osinfo linux2022 --machine q35 --memory 2048 --vcpus 2
        --controller pci,model=pcie-root,index=0
        --controller pci,model=pcie-root-port,index=1,address.type=pci,address.domain=0,address.bus=0,address.slot=2,address.function=0,address.multifunction=on
        --controller pci,model=pcie-root-port,index=2,address.type=pci,address.domain=0,address.bus=0,address.slot=2,address.function=1
        --controller pci,model=pcie-root-port,index=3,address.type=pci,address.domain=0,address.bus=0,address.slot=2,address.function=2
        --controller pci,model=pcie-to-pci-bridge,index=4,address.type=pci,address.domain=0,address.bus=3,address.slot=0,address.function=0
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio,address.type=pci,address.domain=0,address.bus=1,address.slot=0,address.function=0"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0),address.type=pci,address.domain=0,address.bus=2,address.slot=0,address.function=0"
        --network "network=default,model=e1000,mac=$(mac_for "$n" 1),address.type=pci,address.domain=0,address.bus=4,address.slot=1,address.function=0"
        --graphics vnc)
      ;;
    q35-hostdev-pci)
      # virt-install's --hostdev looks the device up among the host's node devices and refuses
      # an address that does not exist here; its --xml XPath option writes the same element.
      DESC="q35 with PCI passthrough of host device 0000:04:10.1 (managed), written with virt-install --xml"
      ARGS=(--osinfo rhel9.0 --machine q35 --memory 4096 --vcpus 4
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc
        --xml ./devices/hostdev/@mode=subsystem --xml ./devices/hostdev/@type=pci
        --xml ./devices/hostdev/@managed=yes
        --xml ./devices/hostdev/source/address/@domain=0x0000
        --xml ./devices/hostdev/source/address/@bus=0x04
        --xml ./devices/hostdev/source/address/@slot=0x10
        --xml ./devices/hostdev/source/address/@function=0x1)
      ;;
    win10-q35)
      DESC="Windows 10 on q35 as virt-install sets it up: Hyper-V enlightenments, localtime clock, SATA disk and cdrom, e1000e, USB tablet"
      ARGS=(--osinfo win10 --machine q35 --memory 4096 --vcpus 2
        --disk "path=$img.qcow2,size=64,format=qcow2"
        --disk "path=$IMAGES/Win10_22H2_English_x64.iso,device=cdrom,size=6"
        --network "network=default,mac=$(mac_for "$n" 0)"
        --graphics spice --video qxl)
      ;;
    win11-uefi-tpm)
      DESC="Windows 11 on q35: UEFI firmware auto-selection, emulated TPM 2.0 (tpm-crb), SPICE, SATA disk"
      ARGS=(--osinfo win11 --machine q35 --memory 8192 --vcpus 4
        --disk "path=$img.qcow2,size=80,format=qcow2"
        --network "network=default,mac=$(mac_for "$n" 0)"
        --graphics spice)
      ;;
    q35-uefi-secure-boot)
      DESC="q35 with UEFI firmware auto-selection requiring secure boot and SMM"
      ARGS=(--osinfo fedora37 --machine q35 --memory 2048 --vcpus 2
        --boot uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes,firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=yes
        --features smm.state=on
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    q35-filesystem-9p)
      DESC="q35 sharing a host folder over 9p (filesystem type mount, accessmode mapped)"
      ARGS=(--osinfo debian11 --machine q35 --memory 1024 --vcpus 1
        --disk "path=$img.qcow2,size=10,format=qcow2,bus=virtio"
        --filesystem /srv/share,hostshare,mode=mapped
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics none)
      ;;
    q35-virtiofs)
      DESC="q35 sharing a host folder with virtiofs (shared memfd memory backing)"
      ARGS=(--osinfo fedora37 --machine q35 --memory 2048 --vcpus 2
        --memorybacking source.type=memfd,access.mode=shared
        --filesystem driver.type=virtiofs,source.dir=/srv/share,target.dir=share
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics none)
      ;;
    q35-tpm-sound)
      DESC="q35 (BIOS) with an emulated TPM 2.0 on tpm-tis, ich9 HDA sound and an ac97 card"
      ARGS=(--osinfo ubuntu22.04 --machine q35 --memory 2048 --vcpus 2
        --disk "path=$img.qcow2,size=20,format=qcow2,bus=virtio"
        --tpm emulator,model=tpm-tis,version=2.0 --sound ich9 --sound ac97
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics vnc)
      ;;
    pc-legacy-devices)
      DESC="i440fx with legacy devices: raw IDE disk, ib700 watchdog, ES1370 and SB16 sound, VGA video, rtl8139, boot menu (virt-install still adds USB 2 and a tablet)"
      ARGS=(--osinfo generic --machine pc --memory 512 --vcpus 1
        --disk "path=$img.img,size=2,format=raw,bus=ide"
        --watchdog ib700,action=poweroff --sound es1370 --sound sb16
        --network "network=default,model=rtl8139,mac=$(mac_for "$n" 0)"
        --boot hd,cdrom,menu=on --graphics vnc --video vga)
      ;;
    q35-cpu-topology-numa-iothreads)
      DESC="q35 with CPU topology (1 socket, 4 cores, 2 threads), two guest NUMA cells, two iothreads used by virtio disks"
      ARGS=(--osinfo rhel9.0 --machine q35 --memory 8192 --vcpus 8,sockets=1,dies=1,cores=4,threads=2
        --cpu qemu64,cell0.id=0,cell0.cpus=0-3,cell0.memory=4194304,cell1.id=1,cell1.cpus=4-7,cell1.memory=4194304
        --iothreads 2
        --disk "path=$img-os.qcow2,size=20,format=qcow2,bus=virtio,driver.iothread=1"
        --disk "path=$img-db.raw,size=200,format=raw,bus=virtio,driver.iothread=2,cache=none,io=native"
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0),driver.queues=4"
        --graphics none)
      ;;
    q35-network-disks)
      DESC="q35 with network disks: Ceph RBD on virtio, iSCSI LUN on SCSI, plus vsock and guest agent"
      ARGS=(--osinfo linux2022 --machine q35 --memory 2048 --vcpus 2
        --disk source.protocol=rbd,source.name=rbd/vm1-root,source.host0.name=ceph-mon1.example.com,source.host0.port=6789,bus=virtio,format=raw
        --disk source.protocol=iscsi,source.name=iqn.2013-06.com.example:storage/1,source.host0.name=iscsi.example.com,source.host0.port=3260,bus=scsi
        --vsock cid.auto=yes
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)"
        --graphics none)
      ;;
    q35-smartcard-usbredir)
      DESC="q35 desktop with SPICE, smartcard passthrough over spicevmc, USB redirection and a USB 2 controller"
      ARGS=(--osinfo rhel8.6 --machine q35 --memory 4096 --vcpus 2
        --disk "path=$img.qcow2,size=30,format=qcow2,bus=virtio"
        --controller usb2 --graphics spice --video qxl
        --smartcard passthrough,type=spicevmc --redirdev usb,type=spicevmc
        --network "network=default,model=virtio,mac=$(mac_for "$n" 0)")
      ;;
    pc-minimal)
      DESC="Smallest i440fx guest: one disk, no network, no graphics, no sound, no USB, no memballoon"
      ARGS=(--osinfo generic --machine pc --memory 256 --vcpus 1
        --disk "path=$img.raw,size=1,format=raw,bus=virtio"
        --network none --graphics none --sound none --controller usb,model=none
        --memballoon none)
      ;;
    *)
      die "no configuration named $n"
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
[[ $EUID -eq 0 ]] || die "needs root (it uses the qemu:///system libvirt)"

# One run at a time: two runs would destroy each other's storage pool, and virt-install would
# then define its own autostarting pool.
mkdir -p /run/lock
exec 9> /run/lock/libvirt-xml-make-real-world.lock
flock -n 9 || die "another make-real-world.sh is running (lock /run/lock/libvirt-xml-make-real-world.lock)"

STARTED_DAEMON=0
POOL_CREATED=0
CURRENT_DOMAIN=""
WORK=$(mktemp -d "${TMPDIR:-/tmp}/make-real-world.XXXXXX")

v() { virsh -q -c "$URI" "$@"; }

undefine_quietly() {
  v undefine --nvram "$1" > /dev/null 2>&1 || v undefine "$1" > /dev/null 2>&1 || true
}

cleanup() {
  local rc=$?
  if [[ -n $CURRENT_DOMAIN ]]; then
    undefine_quietly "$CURRENT_DOMAIN"
  fi
  if ((POOL_CREATED == 1)); then
    v pool-destroy "$POOL" > /dev/null 2>&1 || true
  fi
  if ((STARTED_DAEMON == 1)); then
    "$REPO/scripts/setup/libvirt-daemon.sh" stop >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$REPO/scripts/setup/libvirt-daemon.sh" status > /dev/null 2>&1; then
  "$REPO/scripts/setup/libvirt-daemon.sh" start >&2 9>&-
  STARTED_DAEMON=1
fi

# virt-install wants every disk path inside a storage pool and defines an autostarting pool for
# the folder otherwise. Give it a transient one (gone when destroyed) unless a pool already
# covers the folder.
mkdir -p "$IMAGES"
covered=0
while read -r p; do
  [[ -n $p ]] || continue
  if v pool-dumpxml "$p" 2> /dev/null | grep -q "<path>$IMAGES</path>"; then
    covered=1
    log "storage pool '$p' already covers $IMAGES"
  fi
done < <(v pool-list --all --name 2> /dev/null)
if ((covered == 0)); then
  v pool-create-as "$POOL" dir --target "$IMAGES" > /dev/null
  POOL_CREATED=1
fi

# --check all=off: virt-install's host-state checks (free space in the pool, disk paths or MACs
# used by other domains) would make the output depend on the machine; they change no XML.
COMMON=(--connect "$URI" --print-xml --dry-run --virt-type qemu --import --noautoconsole
  --check all=off)
kept=()
dropped=()
declare -A desc_of=() args_of=()

for n in "${CONFIGS[@]}"; do
  config "$n"
  dom=$PREFIX$n
  vi_file=$WORK/virt-install-$n.xml
  dump_file=$WORK/libvirt-dumpxml-$n.xml
  cmd=(virt-install "${COMMON[@]}" --name "$dom" --uuid "$(uuid_for "$n")" "${ARGS[@]}")

  if ((POOL_CREATED == 1)) && ! v pool-info "$POOL" > /dev/null 2>&1; then
    die "storage pool $POOL vanished; stopping before virt-install defines its own"
  fi
  if v dominfo "$dom" > /dev/null 2>&1; then
    log "$n: undefining a leftover domain $dom from an earlier run"
    undefine_quietly "$dom"
  fi

  if ! "${cmd[@]}" > "$vi_file" 2> "$WORK/err"; then
    why=$(sed -n '/ERROR/,$p' "$WORK/err" | tr -s ' \n' ' ' | sed 's/^ *ERROR *//' | cut -c1-300)
    log "$n: DROPPED, virt-install refused it: ${why:-$(tail -n 1 "$WORK/err")}"
    dropped+=("$n (virt-install: ${why:-exit status not 0})")
    rm -f "$vi_file"
    continue
  fi

  CURRENT_DOMAIN=$dom
  if ! v define "$vi_file" > /dev/null 2> "$WORK/err"; then
    why=$(sed -n 's/^error: //p' "$WORK/err" | tail -n 1)
    log "$n: DROPPED, libvirt rejected virt-install's XML: $why"
    dropped+=("$n (virsh define: $why)")
    rm -f "$vi_file"
    CURRENT_DOMAIN=""
    continue
  fi
  v dumpxml --inactive "$dom" > "$dump_file"
  undefine_quietly "$dom"

  # The dumped XML must define too (it should: it is libvirt's own output).
  if ! v define "$dump_file" > /dev/null 2> "$WORK/err"; then
    log "$n: libvirt's own dumpxml output does not define again, keeping only virt-install's: $(head -n 1 "$WORK/err")"
    rm -f "$dump_file"
  fi
  undefine_quietly "$dom"
  CURRENT_DOMAIN=""

  kept+=("$n")
  desc_of[$n]=$DESC
  args_of[$n]="${ARGS[*]}"
  log "$n: ok"
done

((${#kept[@]} > 0)) || die "no configuration produced a file libvirt accepts"

# Schema check, reported (not a reason to drop: libvirt's define is the verdict that counts).
schema_note="virt-xml-validate not installed; schema not checked"
if command -v virt-xml-validate > /dev/null && command -v xmllint > /dev/null; then
  invalid=()
  for f in "$WORK"/*.xml; do
    virt-xml-validate "$f" domain > /dev/null 2>&1 || invalid+=("$(basename "$f")")
  done
  total=$(find "$WORK" -maxdepth 1 -name '*.xml' | wc -l)
  if ((${#invalid[@]} == 0)); then
    schema_note="all $total files also pass \`virt-xml-validate FILE domain\` (libvirt's RelaxNG schema)"
  else
    schema_note="\`virt-xml-validate FILE domain\` (libvirt's RelaxNG schema) rejects: ${invalid[*]}"
    log "schema: $schema_note"
  fi
fi

# ---------------------------------------------------------------------------------------------
# README with versions and the exact arguments, then replace the old generated files.
deb_version() { dpkg-query -W -f='${Version}' "$1" 2> /dev/null || echo unknown; }
hv=$(v version | sed -n 's/^Running hypervisor: //p')
lv=$(v version | sed -n 's/^Using API: //p')

{
  cat << EOF
# Real-world domain XML (generated, do not edit by hand)

Domain XML written by other projects, used as realistic input: the linter should have nothing
(or only deliberate, documented findings) to say about them.

- \`virt-install-NAME.xml\`: what virt-manager's \`virt-install --print-xml --dry-run\` writes for
  the configuration below (its defaults for the OS, controllers, devices).
- \`libvirt-dumpxml-NAME.xml\`: the same file after \`virsh -c qemu:///system define\`, as
  \`virsh dumpxml --inactive\` returns it: libvirt fills in every controller, PCI/USB/drive
  address, and default it assigns. The most realistic input there is.

Every file here was accepted by \`virsh -c qemu:///system define\` (libvirt's QEMU driver);
$schema_note.
Configurations that virt-install refused or libvirt rejected were left out (listed at the end).

## How they were made

    sudo scripts/corpus/make-real-world.sh      # regenerates this folder, README included

(needs \`scripts/setup/system-deps.sh libvirt corpus\`; starts and stops libvirt itself via
\`scripts/setup/libvirt-daemon.sh\` if it is not running). Common virt-install arguments:
\`${COMMON[*]} --name ${PREFIX}NAME --uuid UUID\` (UUID and MAC addresses derived from NAME so the
output is reproducible). \`--virt-type qemu\` keeps them definable on hosts without /dev/kvm; on a
KVM host virt-install writes \`type="kvm"\` and a host CPU model instead. Disk images do not exist
(\`--dry-run\`); their paths are under $IMAGES.

Tool versions (Debian 12 packages):

| tool | version |
|---|---|
| virt-install (virtinst) | $(virt-install --version) ($(deb_version virtinst)) |
| osinfo-db | $(deb_version osinfo-db) |
| libvirt (libvirt-daemon) | ${lv:-unknown} ($(deb_version libvirt-daemon)) |
| QEMU (qemu-system-x86) | ${hv:-unknown} ($(deb_version qemu-system-x86)) |

## Files

| NAME | what it is | virt-install arguments |
|---|---|---|
EOF
  for n in "${kept[@]}"; do
    # shellcheck disable=SC2016 # the backquotes are Markdown code spans
    printf '| %s | %s | `%s` |\n' "$n" "${desc_of[$n]}" "${args_of[$n]//|/\\|}"
  done
  echo
  if ((${#dropped[@]} > 0)); then
    echo "## Left out at the last generation"
    echo
    for d in "${dropped[@]}"; do
      printf -- '- %s\n' "$d"
    done
  fi
} > "$WORK/README.md"

mkdir -p "$OUT"
find "$OUT" -maxdepth 1 -type f \( -name 'virt-install-*.xml' -o -name 'libvirt-dumpxml-*.xml' \) -delete
cp "$WORK"/virt-install-*.xml "$OUT"/
cp "$WORK"/libvirt-dumpxml-*.xml "$OUT"/ 2> /dev/null || true
cp "$WORK/README.md" "$OUT/README.md"
log "wrote ${#kept[@]} configurations ($(find "$OUT" -maxdepth 1 -name '*.xml' | wc -l) XML files) to $OUT"
if ((${#dropped[@]} > 0)); then
  log "left out: ${dropped[*]}"
fi

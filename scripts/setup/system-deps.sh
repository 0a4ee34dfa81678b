#!/usr/bin/env bash
# system-deps.sh: install the Debian packages that the test suite's real components need
# (a real libvirt with the QEMU driver, virt-install for the real-world corpus, Neovim as a second
# LSP client, and what code-server + headless Chromium need to run VS Code integration tests).
#
# Usage:
#   scripts/setup/system-deps.sh [--check] [--list] [GROUP...]
#
#   GROUP    one or more of: libvirt corpus neovim precommit vscode   (none = all groups)
#   --check  install nothing; exit 1 (listing them) if any package of the groups is missing
#   --list   print the packages of the groups, one per line, and exit
#
# Only missing packages are installed; `apt-get update` runs once, and only when something has to
# be installed. Recommends are not installed (they would drag in systemd, GUI stacks and ~270 more
# packages); the few optional packages that matter are listed explicitly below.
# Needs root (or passwordless sudo) when something is missing; without it, prints the command
# to run and exits 2. Works without a terminal (CI=true, no stdin).
set -euo pipefail

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

# Packages per group. Keep the comments: they say why each package is here.
group_packages() {
  case "$1" in
    libvirt)
      # virsh, virt-xml-validate (+ xmllint, which libvirt-clients does not pull in),
      # libvirtd/virtlogd and the QEMU driver, QEMU itself (qemu:///system needs the binary),
      # qemu-utils (qemu-img, used by libvirt/virt-install for disk images),
      # ovmf (UEFI firmware descriptors, so <os firmware='efi'> domains define),
      # swtpm/swtpm-tools (emulated TPM devices), procps (pgrep/ps in our start script).
      echo libvirt-clients libxml2-utils libvirt-daemon libvirt-daemon-driver-qemu \
        qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools procps
      ;;
    corpus)
      # virt-install --print-xml writes domain XML the way another project does.
      echo virtinst
      ;;
    neovim)
      echo neovim
      ;;
    precommit)
      # pre-commit runs our .pre-commit-hooks.yaml for real (it clones the repo with git).
      echo pre-commit git
      ;;
    vscode)
      # code-server's native modules (kerberos needs krb5 headers + pkg-config; node-gyp needs a
      # compiler, make and python3), ripgrep stands in for @vscode/ripgrep's GitHub download,
      # Chromium drives the workbench, fonts make screenshots readable, curl/ca-certificates for
      # the smoke test and npm.
      echo chromium fonts-liberation libkrb5-dev pkg-config ripgrep g++ make python3 \
        curl ca-certificates
      ;;
    *)
      return 1
      ;;
  esac
}

ALL_GROUPS=(libvirt corpus neovim precommit vscode)
mode=install
groups=()
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --list) mode=list ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      echo "system-deps: unknown option '$arg'" >&2
      usage >&2
      exit 64
      ;;
    *)
      if ! group_packages "$arg" > /dev/null; then
        echo "system-deps: unknown group '$arg' (known: ${ALL_GROUPS[*]})" >&2
        exit 64
      fi
      groups+=("$arg")
      ;;
  esac
done
if [[ ${#groups[@]} -eq 0 ]]; then
  groups=("${ALL_GROUPS[@]}")
fi

# Collect the packages of the requested groups, without duplicates, in a stable order.
wanted=()
declare -A seen=()
for g in "${groups[@]}"; do
  read -r -a pkgs <<< "$(group_packages "$g")"
  for p in "${pkgs[@]}"; do
    if [[ -z "${seen[$p]:-}" ]]; then
      seen[$p]=1
      wanted+=("$p")
    fi
  done
done

if [[ $mode == list ]]; then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

if ! command -v dpkg-query > /dev/null; then
  echo "system-deps: this script is for Debian/Ubuntu (dpkg-query not found)." >&2
  exit 2
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2> /dev/null || true)" == installed ]]
}

missing=()
for p in "${wanted[@]}"; do
  if ! is_installed "$p"; then
    missing+=("$p")
  fi
done

echo "system-deps: groups: ${groups[*]}"
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-deps: all ${#wanted[@]} packages already installed, nothing to do."
  exit 0
fi
echo "system-deps: missing ${#missing[@]} of ${#wanted[@]} packages: ${missing[*]}"

if [[ $mode == check ]]; then
  exit 1
fi

apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=300)
sudo_cmd=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
    sudo_cmd=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    echo "system-deps: not root and no passwordless sudo; install them as root with:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install ${apt_opts[*]} ${missing[*]}" >&2
    exit 2
  fi
fi

export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
echo "system-deps: + apt-get update"
"${sudo_cmd[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update
echo "system-deps: + apt-get install ${apt_opts[*]} ${missing[*]}"
"${sudo_cmd[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}"

still=()
for p in "${missing[@]}"; do
  if ! is_installed "$p"; then
    still+=("$p")
  fi
done
if [[ ${#still[@]} -ne 0 ]]; then
  echo "system-deps: still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "system-deps: installed ${#missing[@]} packages in $((SECONDS - start)) s."

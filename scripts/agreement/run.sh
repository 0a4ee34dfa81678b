#!/usr/bin/env bash
# npm run test:libvirt — agreement with a real libvirt (test/libvirt/agreement.test.ts).
#
# Makes sure libvirt's QEMU driver answers (starts libvirtd with scripts/setup/libvirt-daemon.sh
# when we are root and it does not), runs the suite, and stops the daemon again only if this
# script started it (LIBVIRT_XML_KEEP_DAEMON=1 leaves it running). Without root and without a
# daemon the suite falls back to test:///default and says so; under CI=true that fallback fails.
# TAP goes to $TAP_DIR/libvirt.tap (default out/tap). Extra arguments go to node --test.
set -uo pipefail
cd "$(dirname "$0")/../.."

TAP_DIR=${TAP_DIR:-$PWD/out/tap}
mkdir -p "$TAP_DIR"
if [ ! -f out/test/libvirt/agreement.test.js ] || [ ! -f out/test/libvirt/hints.test.js ] || [ ! -f out/test/libvirt/host.test.js ]; then
  echo "test:libvirt: out/test/libvirt/agreement.test.js is missing; run: npm run compile-tests" >&2
  exit 2
fi

started=0
if ! command -v virsh > /dev/null; then
  echo "test:libvirt: virsh is not installed (scripts/setup/system-deps.sh libvirt)" >&2
elif bash scripts/setup/libvirt-daemon.sh status > /dev/null 2>&1; then
  :
elif [ "$(id -u)" = 0 ]; then
  if bash scripts/setup/libvirt-daemon.sh start; then
    started=1
  else
    echo "test:libvirt: could not start libvirtd; the suite will say what it can check" >&2
  fi
else
  echo "test:libvirt: qemu:///system does not answer and we are not root to start it (sudo scripts/setup/libvirt-daemon.sh start)" >&2
fi

node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TAP_DIR/libvirt.tap" \
  "$@" out/test/libvirt/agreement.test.js out/test/libvirt/hints.test.js out/test/libvirt/host.test.js
rc=$?

if [ "$started" = 1 ] && [ "${LIBVIRT_XML_KEEP_DAEMON:-}" != 1 ]; then
  bash scripts/setup/libvirt-daemon.sh stop || true
fi
exit $rc

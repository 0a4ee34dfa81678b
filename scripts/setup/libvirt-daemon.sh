#!/usr/bin/env bash
# libvirt-daemon.sh: start/stop a real libvirt with the QEMU driver (virtlogd + libvirtd, no
# systemd needed) so tests can ask `virsh -c qemu:///system define` for libvirt's own verdict on a
# domain XML.
#
# Usage:
#   scripts/setup/libvirt-daemon.sh start    # no-op if `virsh -c qemu:///system version` answers
#   scripts/setup/libvirt-daemon.sh stop     # stops only the daemons this script started
#   scripts/setup/libvirt-daemon.sh status   # exit 0 if qemu:///system answers, 3 if not
#
# Environment:
#   LIBVIRT_XML_STATE_DIR       pid files and daemon logs (default /run/libvirt-xml-tests)
#   LIBVIRT_XML_DAEMON_TIMEOUT  seconds to wait for qemu:///system to answer (default 30)
#
# `start` needs root (the packages come from scripts/setup/system-deps.sh libvirt). It creates the
# kvm/libvirt-qemu groups and the libvirt-qemu user if missing (without them the QEMU driver fails
# to initialise) and writes /etc/libvirt/qemu.conf with user/group root (an existing different
# qemu.conf is kept as qemu.conf.libvirt-xml-orig). Daemons listen on their unix sockets only.
set -euo pipefail

URI=qemu:///system
STATE_DIR=${LIBVIRT_XML_STATE_DIR:-/run/libvirt-xml-tests}
TIMEOUT=${LIBVIRT_XML_DAEMON_TIMEOUT:-30}
QEMU_CONF=/etc/libvirt/qemu.conf
MARKER='# Written by libvirt-xml scripts/setup/libvirt-daemon.sh for tests.'

log() { echo "libvirt-daemon: $*"; }
die() {
  echo "libvirt-daemon: error: $*" >&2
  exit 1
}

answers() { timeout 10 virsh -q -c "$URI" version > /dev/null 2>&1; }

# The pid recorded in $STATE_DIR/NAME.pid, if that process is still a NAME daemon.
recorded_pid() {
  local name=$1 file="$STATE_DIR/$1.pid" pid comm
  [[ -r $file ]] || return 1
  pid=$(tr -dc '0-9' < "$file")
  [[ -n $pid ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2> /dev/null) || return 1
  [[ $comm == "$name" ]] || return 1
  echo "$pid"
}

show_logs() {
  local f
  for f in "$STATE_DIR/virtlogd.log" "$STATE_DIR/libvirtd.log"; do
    if [[ -s $f ]]; then
      echo "----- last lines of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

ensure_accounts() {
  if ! getent group kvm > /dev/null; then
    log "creating group kvm"
    groupadd -r kvm
  fi
  if ! getent group libvirt-qemu > /dev/null; then
    log "creating group libvirt-qemu"
    groupadd -r libvirt-qemu
  fi
  if ! getent passwd libvirt-qemu > /dev/null; then
    log "creating user libvirt-qemu (the QEMU driver fails to initialise without it)"
    useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  fi
}

ensure_qemu_conf() {
  local want
  want=$(printf '%s\nuser = "root"\ngroup = "root"\n' "$MARKER")
  if [[ -f $QEMU_CONF ]] && [[ "$(cat "$QEMU_CONF")" == "$want" ]]; then
    return 0
  fi
  if [[ -f $QEMU_CONF ]] && ! grep -qF "$MARKER" "$QEMU_CONF"; then
    log "keeping the existing $QEMU_CONF as $QEMU_CONF.libvirt-xml-orig"
    cp -p "$QEMU_CONF" "$QEMU_CONF.libvirt-xml-orig"
  fi
  log "writing $QEMU_CONF (QEMU runs as root/root)"
  mkdir -p "$(dirname "$QEMU_CONF")"
  printf '%s\n' "$want" > "$QEMU_CONF"
}

# start_daemon NAME: start /usr/sbin/NAME -d unless a NAME process already runs.
start_daemon() {
  local name=$1 bin pid
  if pid=$(recorded_pid "$name"); then
    log "$name already running (pid $pid, started by this script)"
    return 0
  fi
  if pgrep -x "$name" > /dev/null; then
    log "$name already running (pid $(pgrep -x "$name" | tr '\n' ' ')), not started by this script; using it"
    return 0
  fi
  bin=$(command -v "$name" || true)
  [[ -n $bin ]] || bin=/usr/sbin/$name
  [[ -x $bin ]] || die "$name not found; install it with: scripts/setup/system-deps.sh libvirt"
  rm -f "$STATE_DIR/$name.pid"
  log "+ $bin --daemon --pid-file $STATE_DIR/$name.pid (log: $STATE_DIR/$name.log)"
  # Warnings and errors go to a file we can show when something goes wrong.
  # The daemon must inherit no file descriptor but 0-2: a caller's lock (`flock /tmp/libvirt-daemon.lock
  # ...`, our own fd 9) held open by libvirtd would be held for as long as libvirtd runs, and every
  # later `flock` on it would wait forever (seen: a daemon restarted inside the lock).
  if ! (
    for fd in $(ls /proc/$BASHPID/fd); do
      ((fd > 2)) && eval "exec $fd>&-"
    done
    LIBVIRT_LOG_OUTPUTS="3:file:$STATE_DIR/$name.log" exec "$bin" --daemon --pid-file "$STATE_DIR/$name.pid"
  ); then
    show_logs
    die "$name failed to start"
  fi
  # --daemon returns once the child has initialised; the pid file appears right after.
  local i
  for ((i = 0; i < 50; i++)); do
    pid=$(recorded_pid "$name") && break
    sleep 0.1
  done
  [[ -n ${pid:-} ]] || {
    show_logs
    die "$name did not write $STATE_DIR/$name.pid"
  }
  log "$name started, pid $pid"
}

stop_daemon() {
  local name=$1 pid i
  if ! pid=$(recorded_pid "$name"); then
    rm -f "$STATE_DIR/$name.pid"
    return 1
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2> /dev/null || true
  for ((i = 0; i < 100; i++)); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    log "$name (pid $pid) still running after 10 s, sending SIGKILL"
    kill -KILL "$pid" 2> /dev/null || true
  fi
  rm -f "$STATE_DIR/$name.pid"
  return 0
}

# Serialise concurrent start/stop calls (parallel test workers) on a lock in the state dir.
take_lock() {
  exec 9> "$STATE_DIR/lock"
  flock -w 120 9 || die "another libvirt-daemon.sh call holds $STATE_DIR/lock"
}

cmd_start() {
  command -v virsh > /dev/null || die "virsh not found; install it with: scripts/setup/system-deps.sh libvirt"
  if answers; then
    log "$URI already answers; nothing to do."
    virsh -q -c "$URI" version | sed 's/^/libvirt-daemon:   /'
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "starting libvirtd for $URI needs root (run: sudo $0 start)"
  command -v qemu-system-x86_64 > /dev/null \
    || die "qemu-system-x86_64 not found; install it with: scripts/setup/system-deps.sh libvirt"

  mkdir -p "$STATE_DIR" /var/log/libvirt /run/libvirt /var/lib/libvirt
  take_lock
  if answers; then
    log "$URI answers (started by a concurrent call); nothing to do."
    return 0
  fi
  ensure_accounts
  ensure_qemu_conf

  local started_before=0
  recorded_pid libvirtd > /dev/null && started_before=1
  start_daemon virtlogd
  start_daemon libvirtd

  log "waiting up to ${TIMEOUT} s for $URI to answer"
  local deadline=$((SECONDS + TIMEOUT))
  until answers; do
    if ((SECONDS >= deadline)); then
      echo "libvirt-daemon: error: $URI did not answer within ${TIMEOUT} s." >&2
      timeout 10 virsh -c "$URI" version >&2 || true
      show_logs
      if ((started_before == 0)); then
        stop_daemon libvirtd || true
        stop_daemon virtlogd || true
      fi
      exit 1
    fi
    sleep 0.2
  done
  log "$URI answers:"
  virsh -q -c "$URI" version | sed 's/^/libvirt-daemon:   /'
}

cmd_stop() {
  local running any=0
  if [[ -d $STATE_DIR && -w $STATE_DIR ]]; then
    take_lock
  fi
  if answers; then
    running=$(timeout 10 virsh -q -c "$URI" list --name 2> /dev/null | sed '/^$/d' | tr '\n' ' ')
    if [[ -n $running ]]; then
      log "warning: domains still running (their QEMU processes outlive libvirtd): $running"
    fi
  fi
  stop_daemon libvirtd && any=1
  stop_daemon virtlogd && any=1
  if ((any == 0)); then
    log "no daemon started by this script is running (state: $STATE_DIR); leaving others alone."
  else
    log "stopped."
  fi
}

cmd_status() {
  local name pid
  for name in virtlogd libvirtd; do
    if pid=$(recorded_pid "$name"); then
      log "$name: running, pid $pid (started by this script)"
    elif pgrep -x "$name" > /dev/null; then
      log "$name: running, pid $(pgrep -x "$name" | tr '\n' ' ')(not started by this script)"
    else
      log "$name: not running"
    fi
  done
  if command -v virsh > /dev/null && answers; then
    log "$URI answers:"
    virsh -q -c "$URI" version | sed 's/^/libvirt-daemon:   /'
    return 0
  fi
  log "$URI does not answer"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 64
    ;;
esac

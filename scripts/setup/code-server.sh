#!/usr/bin/env bash
# code-server.sh: install code-server (a full VS Code 1.100.3 build with a Node extension host)
# from the npm registry, so the extension's integration tests run inside a real VS Code on a
# machine that cannot reach Microsoft's download servers. The package's own postinstall cannot
# run here (it refuses root and downloads ripgrep from GitHub), so its steps are done by hand.
#
# Usage:
#   scripts/setup/code-server.sh            install if needed; print the binary's path on stdout
#   scripts/setup/code-server.sh --smoke    also start it on 127.0.0.1 (free port), fetch the
#                                           workbench page with curl, stop it
#   scripts/setup/code-server.sh --force    reinstall even if the marker says it is complete
#
# Progress goes to stderr; stdout gets only the binary path, so callers can do
#   CODE_SERVER=$(scripts/setup/code-server.sh)
#
# Environment:
#   CODE_SERVER_DIR      install folder (default: <repo>/.cache/code-server, git-ignored)
#   CODE_SERVER_VERSION  default 4.100.3, the newest whose engines.node admits Node 20
#
# Needs the Debian packages of `scripts/setup/system-deps.sh vscode` (compiler, krb5 headers,
# pkg-config, ripgrep). Idempotent: a marker file records version and Node ABI; with it present
# the script only prints the path. Installs into a staging folder, then renames it into place.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=${CODE_SERVER_VERSION:-4.100.3}
DEST=${CODE_SERVER_DIR:-$REPO/.cache/code-server}
BIN=$DEST/node_modules/.bin/code-server
MARKER=$DEST/.install-complete

smoke=0
force=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    --force) force=1 ;;
    -h | --help)
      sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "code-server.sh: unknown argument '$arg'" >&2
      exit 64
      ;;
  esac
done

log() { echo "code-server.sh: $*" >&2; }
die() {
  echo "code-server.sh: error: $*" >&2
  exit 1
}
run() {
  log "+ $*"
  "$@" >&2
}
# code-server writes a default config.yaml (with a password) and logs under the XDG folders on
# every run, even for --version; keep them out of $HOME: cs HOME_DIR BIN ARGS...
cs() {
  local home=$1
  shift
  env XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" "$@"
}
version_of() {
  cs "$2" "$1" --version 2> /dev/null | grep -m 1 -E '^[0-9]+\.[0-9]+\.[0-9]+ '
}

command -v node > /dev/null || die "node not found (Node 20 is needed)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
node_abi=$(node -p 'process.versions.modules')
want_marker="code-server@$VERSION node-abi=$node_abi"

installed() {
  [[ -f $MARKER && -x $BIN ]] && [[ "$(cat "$MARKER")" == "$want_marker" ]]
}

install() {
  [[ $node_major == 20 ]] \
    || log "warning: Node $node_major; code-server $VERSION declares engines.node 20"
  local missing=() tool
  for tool in rg pkg-config g++ make python3; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  [[ -f /usr/include/gssapi/gssapi.h ]] || missing+=("krb5 headers (libkrb5-dev)")
  if [[ ${#missing[@]} -ne 0 ]]; then
    die "missing: ${missing[*]}; install them with: scripts/setup/system-deps.sh vscode"
  fi

  # node-gyp would download Node's headers from nodejs.org, which is not reachable; point it at
  # the headers installed with Node when npm has no nodedir configured.
  if [[ -z ${npm_config_nodedir:-} ]] && [[ -z "$(npm config get nodedir 2> /dev/null | sed '/^undefined$/d')" ]]; then
    local prefix
    prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
    if [[ -f $prefix/include/node/node_version.h ]]; then
      export npm_config_nodedir=$prefix
      log "using Node headers from $prefix/include/node"
    fi
  fi

  local stage=$DEST.partial
  rm -rf "$stage"
  mkdir -p "$stage"
  # Our own package.json, or npm would walk up and install into the repository's node_modules.
  printf '{ "name": "code-server-install", "private": true }\n' > "$stage/package.json"
  local npm_quiet=(--no-audit --no-fund --loglevel=error)

  log "installing code-server@$VERSION into $DEST (about 70 s and 320 MB the first time)"
  (
    cd "$stage"
    run npm install "${npm_quiet[@]}" --ignore-scripts --no-save "code-server@$VERSION"
    run npm rebuild "${npm_quiet[@]}" argon2
    cd node_modules/code-server/lib/vscode
    run npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts
    # node-pty's install step runs `npx node-gyp`, which would ask for confirmation.
    run env npm_config_yes=true npm rebuild "${npm_quiet[@]}" kerberos node-pty @parcel/watcher \
      @vscode/spdlog @vscode/deviceid native-watchdog
    # @vscode/ripgrep's postinstall downloads rg from GitHub; Debian's ripgrep does the same job.
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
    (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
    cd extensions
    run npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts
  )
  [[ -x $stage/node_modules/.bin/code-server ]] || die "install finished without $BIN"
  local v
  v=$(version_of "$stage/node_modules/.bin/code-server" "$stage/.home") \
    || die "the installed code-server does not run (--version failed)"
  log "installed: $v"
  echo "$want_marker" > "$stage/.install-complete"
  rm -rf "$DEST"
  mv "$stage" "$DEST"
}

# Start on 127.0.0.1 with port 0 (the kernel picks a free one), read the port from its log,
# fetch the workbench page, stop it by its pid.
smoke_test() {
  local tmp pid port="" i page
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/code-server-smoke.XXXXXX")
  mkdir -p "$tmp/ud" "$tmp/ext" "$tmp/ws"
  : > "$tmp/log"
  log "smoke test: starting code-server on 127.0.0.1 (state in $tmp)"
  # Not through cs(): a backgrounded function would be a subshell, and $! its pid, not code-server's.
  env XDG_CONFIG_HOME="$tmp/home/config" XDG_DATA_HOME="$tmp/home/data" \
    XDG_CACHE_HOME="$tmp/home/cache" "$BIN" --auth none --bind-addr 127.0.0.1:0 --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$tmp/ud" --extensions-dir "$tmp/ext" "$tmp/ws" > "$tmp/log" 2>&1 &
  pid=$!
  # shellcheck disable=SC2064 # expand now: the trap must kill this pid and remove this folder
  trap "kill $pid 2> /dev/null || true; rm -rf '$tmp'" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  for ((i = 0; i < 300; i++)); do
    port=$(sed -n 's|.*HTTP server listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$tmp/log" | head -n 1 || true)
    [[ -n $port ]] && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    cat "$tmp/log" >&2
    die "smoke test: code-server did not report a listening port within 30 s"
  fi
  page=$(curl -fsS --max-time 20 "http://127.0.0.1:$port/?folder=$tmp/ws") || {
    cat "$tmp/log" >&2
    die "smoke test: GET http://127.0.0.1:$port/ failed"
  }
  local js js_bytes
  js=$(grep -o 'src="[^"]*/workbench/workbench\.js"' <<< "$page" | head -n 1 | sed 's/^src="//; s/"$//' || true)
  [[ -n $js ]] || die "smoke test: the page from port $port does not load the VS Code workbench"
  js_bytes=$(curl -fsS --max-time 20 "http://127.0.0.1:$port/$js" | wc -c) \
    || die "smoke test: GET $js failed"
  log "smoke test: workbench page (${#page} bytes) and workbench.js ($js_bytes bytes) served on 127.0.0.1:$port; stopping pid $pid"
  kill "$pid"
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  rm -rf "$tmp"
  trap - EXIT
}

if ((force == 1)) || ! installed; then
  mkdir -p "$(dirname "$DEST")"
  # One installer at a time (parallel test jobs may call this script together).
  exec 9> "$DEST.lock"
  flock -w 900 9 || die "another install holds $DEST.lock"
  if ((force == 1)) || ! installed; then
    install
  fi
  exec 9>&-
else
  log "code-server@$VERSION already installed in $DEST"
fi

if ((smoke == 1)); then
  log "version: $(version_of "$BIN" "$DEST/.home")"
  smoke_test
fi
echo "$BIN"

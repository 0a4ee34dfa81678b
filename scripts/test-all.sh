#!/usr/bin/env bash
# The project's whole test run (`npm test`): installs what the suites need, builds, then runs
# every suite and prints one closing line "N passed, N failed".
#
# Suites (each an npm script that writes TAP to $TAP_DIR/<name>.tap or prints its own counts):
#   static   tsc, eslint (layer guards), prettier
#   unit     node:test, engine + LSP in-process + CLI            (always)
#   libvirt  agreement with a real libvirt (test:///default + QEMU driver)
#   neovim   the stdio server under Neovim headless
#   vscode   the extension inside a real VS Code (code-server)
#   fuzz     seeded hostile input through engine and stdio server
#
# A suite that cannot run says why. Under CI=true a skipped suite or test counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

SUITES=(${TEST_SUITES:-static unit libvirt neovim vscode fuzz})
export TAP_DIR="${TAP_DIR:-$PWD/out/tap}"
rm -rf "$TAP_DIR" && mkdir -p "$TAP_DIR"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi
if [ "$(id -u)" = 0 ] || [ "${CI:-}" = true ]; then
  bash scripts/setup/system-deps.sh || { echo "system packages could not be installed"; exit 1; }
fi

step "build"
npm run --silent build || exit 1
npm run --silent compile-tests || exit 1

# One libvirt daemon for every suite that needs it, stopped at the end only if we started it
# (its stop is not reference-counted, so suites themselves must not stop it).
started_daemon=0
if [ "$(id -u)" = 0 ] && ! bash scripts/setup/libvirt-daemon.sh status >/dev/null 2>&1; then
  step "libvirt daemon"
  if bash scripts/setup/libvirt-daemon.sh start; then started_daemon=1; else echo "the libvirt daemon did not start; suites that need it will say so"; fi
fi
cleanup() { if [ "$started_daemon" = 1 ]; then bash scripts/setup/libvirt-daemon.sh stop >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

passed=0 failed=0 skipped=0
declare -a report=()
for s in "${SUITES[@]}"; do
  step "suite: $s"
  if ! npm run --silent "test:$s"; then
    suite_failed=1
  else
    suite_failed=0
  fi
  p=0 f=0 k=0
  for tap in "$TAP_DIR/$s".tap "$TAP_DIR/$s".*.tap; do
    [ -f "$tap" ] || continue
    p=$((p + $(awk '/^# pass /{s+=$3} END{print s+0}' "$tap")))
    f=$((f + $(awk '/^# fail /{s+=$3} /^# cancelled /{s+=$3} END{print s+0}' "$tap")))
    k=$((k + $(awk '/^# skipped /{s+=$3} /^# todo /{s+=$3} END{print s+0}' "$tap")))
  done
  if [ -f "$TAP_DIR/$s.counts" ]; then # suites not on node:test write "passed failed skipped"
    read -r cp cf ck < "$TAP_DIR/$s.counts"
    p=$((p + cp)); f=$((f + cf)); k=$((k + ck))
  fi
  if [ "$suite_failed" = 1 ] && [ "$f" = 0 ]; then f=1; fi   # crashed before counting
  if [ $((p + f + k)) = 0 ]; then echo "suite $s ran no test"; f=$((f + 1)); fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
  report+=("$(printf '%-8s %5d passed %3d failed %3d skipped' "$s" "$p" "$f" "$k")")
done

step "summary"
printf '%s\n' "${report[@]}"
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
  echo "CI=true: $skipped skipped test(s) count as failures"
  failed=$((failed + skipped)); skipped=0
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]

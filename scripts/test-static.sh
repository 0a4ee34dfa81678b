#!/usr/bin/env bash
# The 'static' suite of npm test: types (tsc, strict; the .mjs scripts through their JSDoc with
# tsconfig.scripts.json), lint rules incl. the layer guards (eslint), formatting (prettier), and no
# export that nothing imports (scripts/check-unused-exports.mjs).
# Writes "PASSED FAILED SKIPPED" to $TAP_DIR/static.counts.
set -uo pipefail
cd "$(dirname "$0")/.."
TAP_DIR="${TAP_DIR:-$PWD/out/tap}"
mkdir -p "$TAP_DIR"
passed=0 failed=0
check() {
  local name=$1; shift
  echo "-- $name: $*"
  if "$@"; then echo "ok - $name"; passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}
check typecheck npx tsc -p tsconfig.json --noEmit --tsBuildInfoFile out/typecheck.tsbuildinfo
check typecheck-scripts npx tsc -p tsconfig.scripts.json
check eslint npx eslint --max-warnings 0 lib server client test bench scripts eslint.config.mjs
check prettier npx prettier --check --log-level warn .
check unused-exports node scripts/check-unused-exports.mjs --check
echo "$passed $failed 0" > "$TAP_DIR/static.counts"
echo "static: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Quick start: install the npm dependencies, build, and lint the bundled examples.
# examples/mistakes.xml holds the mistakes people make by hand, so findings (and exit status 1
# from the linter) are the expected result here; this script itself succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a]=process.versions.node.split(".");if(+a<20){console.error("libvirt-xml needs Node 20 or newer, this is "+process.version);process.exit(1)}'
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
echo "== build"
npm run --silent build
echo
echo "== node dist/cli.js examples/    (libvirt-lint on the bundled examples)"
echo
status=0
node dist/cli.js examples/ || status=$?
echo
case "$status" in
  0) echo "No errors found." ;;
  1) echo "libvirt-lint exits with 1 when it finds errors, as it did on examples/mistakes.xml: that file is wrong on purpose." ;;
  *) echo "libvirt-lint could not run (exit $status)"; exit "$status" ;;
esac
echo "Next: 'node dist/cli.js --help', 'npm test', or 'npm run package' for the VS Code extension."

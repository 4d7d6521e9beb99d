#!/usr/bin/env bash
# One-time (and cheap on repeat) set-up: node modules and the compiled harness.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
# tsc is quick when nothing changed, but skip it entirely if dist is newer than every source.
if [ ! -f dist/harness/cli.js ] || [ -n "$(find harness scenarios test tsconfig.json -newer dist/harness/cli.js -print -quit)" ]; then
  echo "setup: compiling TypeScript" >&2
  npx tsc -p tsconfig.json
  touch dist/harness/cli.js
fi

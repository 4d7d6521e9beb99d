#!/usr/bin/env bash
# npm run scenario -- ...: installs dependencies and compiles when needed, then runs the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node dist/harness/cli.js "$@"

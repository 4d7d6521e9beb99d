#!/usr/bin/env bash
# npm run bench [-- SCENARIO] [--warm-only] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node dist/harness/bench.js "$@"

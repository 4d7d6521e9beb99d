#!/usr/bin/env bash
# npm test: unit tests, then integration tests against real containers (engine bootstrap and
# image builds included). Ends with "N passed, N failed" from jest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2 || exit 1
mkdir -p results
rm -f results/jest.json
npx jest --runInBand --json --outputFile=results/jest.json "$@"
node scripts/jest-summary.js results/jest.json

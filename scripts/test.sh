#!/usr/bin/env bash
# The whole test suite: install, lint + format check, type check, build, then every mocha test (unit, against
# the emulator, and end-to-end through the real Pulumi engine). Extra arguments go to mocha.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-system-deps.sh
echo "== lint and format (eslint + prettier)"
npx eslint --max-warnings 0 .
echo "== type check (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json
echo "== build (tsc)"
npx tsc -p tsconfig.build.json
echo "== Pulumi CLI"
bin="$(bash scripts/pulumi-cli.sh)"
export PATH="$bin:$PATH"
echo "using $(command -v pulumi) ($(pulumi version))"
echo "== tests (mocha)"
if [[ $# -gt 0 ]]; then
  npx mocha "$@"
else
  npx mocha 'test/**/*.test.ts'
fi

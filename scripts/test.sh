#!/usr/bin/env bash
# The whole test suite: install, lint + format check, type check and build (side by side), then every mocha test
# (unit, against the emulator, and end-to-end through the real Pulumi engine) in a few processes side by side
# (scripts/run-tests.ts). Extra arguments go to one mocha process instead (one file, say). Prints its time at the
# end. `--quick` (npm run test:quick): lint, types and the tests that start no engine, language host or build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
quick=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
  shift
fi
bash scripts/ensure-deps.sh
$quick || bash scripts/ensure-system-deps.sh

echo "== lint and format (eslint + prettier), type check (tsc --noEmit), build (tsc), side by side"
logs="$(mktemp -d)"
npx eslint --max-warnings 0 . >"$logs/lint" 2>&1 &
lint=$!
npx tsc --noEmit -p tsconfig.json >"$logs/types" 2>&1 &
types=$!
npx tsc -p tsconfig.build.json >"$logs/build" 2>&1 &
build=$!
failed=0
for step in lint:$lint types:$types build:$build; do
  if ! wait "${step#*:}"; then
    echo "-- ${step%%:*} failed:"
    failed=1
  fi
  cat "$logs/${step%%:*}"
done
rm -rf "$logs"
[[ $failed == 0 ]] || exit 1

if $quick; then
  echo "== tests that start no engine (mocha)"
  npx ts-node --transpile-only scripts/run-tests.ts --quick
  echo "test:quick: $((SECONDS - started)) s"
  exit 0
fi

echo "== Pulumi CLI"
bin="$(bash scripts/pulumi-cli.sh)"
export PATH="$bin:$PATH"
echo "using $(command -v pulumi) ($(pulumi version))"
echo "== tests (mocha)"
# what the test processes share is made once, before they start
npx ts-node --transpile-only -e 'require("./test/support/test-stack").linkThisPackage(); require("./test/support/faces").linkPluginSdk()'
status=0
if [[ $# -gt 0 ]]; then
  npx mocha "$@" || status=$?
else
  npx ts-node --transpile-only scripts/run-tests.ts || status=$?
fi
echo "npm test: $((SECONDS - started)) s ($(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s), exit $status"
exit $status

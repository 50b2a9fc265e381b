#!/usr/bin/env bash
# Every benchmark, then their one-line summaries together. Figures and ratios are measured in the same run;
# nothing here fails on a slow machine (only a benchmark that cannot run exits non-zero).
#   npm run bench                 all of them (about 14 minutes on 2 cores)
#   BENCH_STACK_ROUNDS=1 npm run bench   fewer rounds of the pulumi up / preview timings
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
echo "== build (tsc)"
npx tsc -p tsconfig.build.json
bin="$(bash scripts/pulumi-cli.sh)"
export PATH="$bin:$PATH"
command -v curl >/dev/null || { echo "bench: the curl comparison needs curl (apt-get install -y curl)" >&2; exit 1; }
echo "using $(command -v pulumi) ($(pulumi version)), node $(node --version)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
started=$SECONDS
run() {
  echo
  echo "######## $1"
  local t=$SECONDS
  npx --no-install ts-node --transpile-only "$1" 2>&1 | tee -a "$log"
  echo "(${1}: $((SECONDS - t)) s)"
}
run bench/lateness.ts
run bench/new-resources-lateness.ts
run bench/stack.ts
run bench/plugin-stack.ts
run bench/sea-startup.ts
# 5p again with the release's self-contained plugin installed instead of the launcher
sea_tarball="$(npm run --silent release -- --platforms linux-amd64 | tail -1)/pulumi-resource-pe-v$(node -p 'require("./package.json").version')-linux-amd64.tar.gz"
echo "######## bench/plugin-stack.ts (preview, the self-contained plugin)"
BENCH_PLUGIN_PARTS=preview BENCH_PE_TARBALL="$sea_tarball" npx --no-install ts-node --transpile-only bench/plugin-stack.ts 2>&1 |
  sed 's/^SUMMARY \(.*\)/SUMMARY [self-contained plugin] \1/' | tee -a "$log"
run bench/emulator-throughput.ts
run bench/scheduled-refresh.ts
run bench/converge.ts
# emulator-throughput.ts prints no summary line of its own: make one from its figures
{
  echo "SUMMARY emulator (no goal): GET /jobs/:id $(grep -oE '[0-9]+ req/s' "$log" | tail -1)," \
    "10,000-node deploy at max time scale $(grep -oE 'total [0-9]+ ms' "$log" | tail -1)"
} >>"$log"
# bench/client-wait.ts (waitForJob's schedule in isolation, ~2.5 min) takes no short mode and the budget
# is ten minutes: run it on its own with `npx ts-node --transpile-only bench/client-wait.ts`.

echo
echo "================ summary ($((SECONDS - started)) s)"
grep '^SUMMARY ' "$log" | sed 's/^SUMMARY /  /'

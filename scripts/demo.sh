#!/usr/bin/env bash
# The demo: `pulumi up` of the root Pulumi.yaml program with a local backend under .demo/ (ignored by git).
#   npm run demo              deploy and print the outputs
#   npm run demo -- destroy   destroy the demo stack
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
npx tsc -p tsconfig.build.json
export PATH="$(bash scripts/pulumi-cli.sh):$PATH"
mkdir -p .demo/state .demo/home
export PULUMI_BACKEND_URL="file://$PWD/.demo/state" PULUMI_HOME="$PWD/.demo/home"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-demo}" PULUMI_SKIP_UPDATE_CHECK=true
pulumi stack select --create demo --non-interactive >/dev/null
if [[ "${1:-}" == "destroy" ]]; then
  pulumi destroy --yes --skip-preview --non-interactive
  exit 0
fi
pulumi up --yes --skip-preview --non-interactive
echo
echo "Outputs:"
pulumi stack output --json
echo
echo "Destroy with: npm run demo -- destroy"

#!/usr/bin/env bash
# Installs the npm dependencies exactly as package-lock.json pins them, when they are missing or stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.pe-lock-hash
want="$(sha256sum package-lock.json | cut -c1-64)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "ensure-deps: npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi

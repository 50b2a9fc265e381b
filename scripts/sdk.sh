#!/usr/bin/env bash
# Writes the four SDKs (Node.js, Python, Go, .NET) of the plugin's package from the committed schema
# (provider/plugin/schema.json) at package.json's version, then pins the Go SDK's go.sum (go mod tidy):
#   bash scripts/sdk.sh [out]     (out: default sdk/; test/plugin/schema.test.ts writes into a temp folder)
# `npm run sdk` regenerates the schema first (npm run schema), then runs this.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/sdk}"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

bash "$root/scripts/gen-sdk.sh" --schema "$root/provider/plugin/schema.json" --out "$out" --version "$version"
# Pulumi's modules are not in the public checksum database (see scripts/pulumi-cli.sh).
(cd "$out/go" && GOFLAGS=-mod=mod GONOSUMDB='github.com/pulumi/*' GOTOOLCHAIN=local go mod tidy)
echo "sdk: $out at version $version" >&2

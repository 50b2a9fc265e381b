#!/usr/bin/env bash
# Writes a Pulumi package's SDKs (Node.js, Python, Go, .NET) from its schema with Pulumi's own code generators:
#   bash scripts/gen-sdk.sh --schema schema.json --out sdk --version 0.1.0 [--language nodejs,python,go,dotnet]
# The arguments are tools/sdkgen's (see tools/sdkgen/main.go). The generator is built from the Go module proxy
# once, with its .NET helper (tools/sdkgen/dotnet), into a cache outside the clone:
#   ${PE_SDKGEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/sdkgen}/<version>-<hash>/bin
# where <version> is the Pulumi pkg/v3 version of tools/sdkgen/go.mod and <hash> covers both modules' sources.
# Build progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tools/sdkgen"

version="$(grep -oE 'github.com/pulumi/pulumi/pkg/v3 v[0-9][^ ]*' "$src/go.mod" | head -1 | cut -d' ' -f2)"
hash="$(cd "$src" && cat go.mod go.sum $(LC_ALL=C ls ./*.go) dotnet/go.mod dotnet/go.sum \
  $(LC_ALL=C ls dotnet/*.go) | sha256sum | cut -c1-12)"
cache="${PE_SDKGEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/sdkgen}"
bin="$cache/$version-$hash/bin"

if [[ ! -x "$bin/sdkgen" || ! -x "$bin/sdkgen-dotnet" ]]; then
  command -v go >/dev/null || { echo "gen-sdk: no Go toolchain to build the SDK generator with" >&2; exit 1; }
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock 9 # another run may be building it: wait for it
  if [[ ! -x "$bin/sdkgen" || ! -x "$bin/sdkgen-dotnet" ]]; then
    echo "gen-sdk: building the SDK generator (Pulumi pkg $version) into $bin (first time only)..." >&2
    start=$SECONDS
    work="$(mktemp -d "$cache/build.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    # Pulumi's modules are not in the public checksum database; go.sum in each module folder pins their hashes.
    export GOFLAGS=-mod=readonly GONOSUMDB='github.com/pulumi/*' GOTOOLCHAIN=local
    go -C "$src" build -trimpath -ldflags "-s -w" -o "$work/sdkgen" . >&2
    go -C "$src/dotnet" build -trimpath -ldflags "-s -w" -o "$work/sdkgen-dotnet" . >&2
    mkdir -p "$bin"
    mv -f "$work/sdkgen-dotnet" "$bin/sdkgen-dotnet"
    mv -f "$work/sdkgen" "$bin/sdkgen"
    rm -rf "$work"
    trap - EXIT
    echo "gen-sdk: built in $((SECONDS - start)) s" >&2
  fi
  exec 9>&-
fi

exec "$bin/sdkgen" "$@"

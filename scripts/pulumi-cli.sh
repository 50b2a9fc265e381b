#!/usr/bin/env bash
# Prints a directory to put first on PATH so that `pulumi` runs the real Pulumi engine.
#
# A `pulumi` already on PATH is used as it is (set PE_PULUMI_FORCE_BUILD=1 to ignore it). Otherwise the
# Pulumi CLI pinned in tools/pulumi-cli/go.mod (the version of the pinned @pulumi/pulumi) is built from the
# Go module proxy, with a small Node.js language host, once, into a cache outside the clone:
#   ${PE_PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/pulumi-cli}/<version>-<hash>/bin
# Later runs and fresh clones reuse it. Build progress goes to stderr; only the directory goes to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tools/pulumi-cli"

if [[ "${PE_PULUMI_FORCE_BUILD:-}" != "1" ]] && existing="$(command -v pulumi 2>/dev/null)"; then
  dirname "$existing"
  exit 0
fi

version="$(grep -oE 'github.com/pulumi/pulumi/pkg/v3 v[0-9][^ ]*' "$src/go.mod" | head -1 | cut -d' ' -f2)"
hash="$(cat "$src/go.mod" "$src/go.sum" "$src/language-host/main.go" "$src/tools.go" | sha256sum | cut -c1-12)"
cache="${PE_PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/pulumi-cli}"
target="$cache/$version-$hash"

if [[ -x "$target/bin/pulumi" && -x "$target/bin/pulumi-language-nodejs" ]]; then
  echo "$target/bin"
  exit 0
fi

command -v go >/dev/null || { echo "pulumi-cli: no 'pulumi' on PATH and no Go toolchain to build it; install one of them" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another run may be building the same version: wait for it
if [[ -x "$target/bin/pulumi" && -x "$target/bin/pulumi-language-nodejs" ]]; then
  echo "$target/bin"
  exit 0
fi

echo "pulumi-cli: building Pulumi CLI $version from Go modules into $target (first time only, several minutes)..." >&2
start=$SECONDS
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
(
  cd "$src"
  # Pulumi's modules are not in the public checksum database; go.sum in this folder pins their hashes.
  export GOFLAGS=-mod=readonly GONOSUMDB='github.com/pulumi/*' GOTOOLCHAIN=local
  go build -trimpath -ldflags "$ldflags" -o "$work/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  go build -trimpath -ldflags "-s -w -X main.version=${version#v}" -o "$work/bin/pulumi-language-nodejs" ./language-host
) >&2
# What the engine launches for dynamic providers: the SDK's own dynamic-provider entry, resolved from the program.
cat >"$work/bin/pulumi-resource-pulumi-nodejs" <<'LAUNCHER'
#!/bin/sh
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
LAUNCHER
chmod +x "$work/bin/pulumi-resource-pulumi-nodejs"
rm -rf "$target"
mv "$work" "$target"
trap - EXIT
echo "pulumi-cli: built in $((SECONDS - start)) s" >&2
echo "$target/bin"

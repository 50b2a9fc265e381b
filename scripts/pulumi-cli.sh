#!/usr/bin/env bash
# Prints a directory to put first on PATH so that `pulumi` runs the real Pulumi engine.
#
# A `pulumi` already on PATH is used as it is (set PE_PULUMI_FORCE_BUILD=1 to ignore it): nothing is built for
# it. Pulumi releases bundle the language hosts; when that `pulumi` has no pulumi-language-yaml next to it or on
# PATH, a line on stderr says how to get one (YAML programs need it), and the directory is printed all the same.
#
# Otherwise everything is built from the Go module proxy, once, into a cache outside the clone:
#   ${PE_PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/pulumi-cli}/<version>-<hash>/bin
# holding
#   pulumi                         the Pulumi CLI pinned in tools/pulumi-cli/go.mod (the pinned @pulumi/pulumi's)
#   pulumi-language-nodejs         the project's small language host (tools/pulumi-cli/language-host), also
#   pulumi-language-python           installed under these names: it runs the language its name says
#   pulumi-language-go
#   pulumi-language-yaml           Pulumi YAML's language host, pinned in tools/pulumi-yaml/go.mod (a module of
#                                    its own: it is built against older Pulumi pkg/sdk versions than the CLI)
#   pulumi-resource-pulumi-nodejs  what the engine launches for dynamic providers
# <hash> covers the sources of all of them. A bin folder lacking one of them gets just that one: a hard link to the
# same binary in another bin folder that built it from the same sources, else a build. Later runs and fresh clones
# reuse it all. Build progress goes to stderr; only the directory goes to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tools/pulumi-cli"
yaml_src="$root/tools/pulumi-yaml"

if [[ "${PE_PULUMI_FORCE_BUILD:-}" != "1" ]] && existing="$(command -v pulumi 2>/dev/null)"; then
  dir="$(dirname "$existing")"
  if [[ ! -x "$dir/pulumi-language-yaml" ]] && ! command -v pulumi-language-yaml >/dev/null 2>&1; then
    echo "pulumi-cli: no pulumi-language-yaml next to $existing or on PATH, so YAML programs will not run;" \
      "put one there (go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v1.25.0)," \
      "or set PE_PULUMI_FORCE_BUILD=1 to use this project's build" >&2
  fi
  echo "$dir"
  exit 0
fi

version="$(grep -oE 'github.com/pulumi/pulumi/pkg/v3 v[0-9][^ ]*' "$src/go.mod" | head -1 | cut -d' ' -f2)"
yaml_version="$(grep -oE 'github.com/pulumi/pulumi-yaml v[0-9][^ ]*' "$yaml_src/go.mod" | head -1 | cut -d' ' -f2)"
# What each binary is built from: a binary another bin folder built from the same sources is reused from there.
key() { (cd "$root/tools" && cat "$@" | sha256sum | cut -c1-12); }
cli_key="$(key pulumi-cli/go.mod pulumi-cli/go.sum pulumi-cli/tools.go)"
host_key="$(key pulumi-cli/go.mod pulumi-cli/go.sum $(cd "$root/tools" && LC_ALL=C ls pulumi-cli/language-host/* | grep -v '_test\.go$'))"
yaml_key="$(key pulumi-yaml/go.mod pulumi-yaml/go.sum pulumi-yaml/tools.go)"
hash="$(echo "$cli_key $host_key $yaml_key" | sha256sum | cut -c1-12)"
cache="${PE_PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/pulumi-cli}"
target="$cache/$version-$hash"
binaries=(pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-go pulumi-language-yaml
  pulumi-resource-pulumi-nodejs)

complete() {
  local name
  for name in "${binaries[@]}"; do
    [[ -x "$target/bin/$name" ]] || return 1
  done
}

if complete; then
  echo "$target/bin"
  exit 0
fi

command -v go >/dev/null || { echo "pulumi-cli: no 'pulumi' on PATH and no Go toolchain to build it; install one of them" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another run may be building the same version: wait for it
if complete; then
  echo "$target/bin"
  exit 0
fi

mkdir -p "$target/bin/.keys"
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Pulumi's modules are not in the public checksum database; go.sum in each module folder pins their hashes.
export GOFLAGS=-mod=readonly GONOSUMDB='github.com/pulumi/*' GOTOOLCHAIN=local

same_file() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }

# provide NAME KEY WHAT COMMAND...: puts NAME into the bin folder unless it is there: a hard link to the same
# binary built from the same sources (KEY) in another bin folder, else COMMAND's build of $work/NAME (timed, its
# output on stderr; WHAT names it, "" for no message), moved into place whole, so that an interrupted build leaves nothing half-made.
provide() {
  local name="$1" key="$2" what="$3" stamp other start
  shift 3
  [[ -x "$target/bin/$name" ]] && return 0
  for stamp in "$cache"/*/bin/.keys/"$name"; do
    other="$(dirname "$(dirname "$stamp")")/$name"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$key" && -x "$other" ]] &&
      same_file "$other" "$work/$name"; then
      echo "pulumi-cli: $name reused from $(dirname "$other")" >&2
      break
    fi
  done
  if [[ ! -x "$work/$name" ]]; then
    start=$SECONDS
    [[ -z "$what" ]] || echo "pulumi-cli: building $what into $target/bin (first time only)..." >&2
    "$@" >&2
    chmod +x "$work/$name"
    [[ -z "$what" ]] || echo "pulumi-cli: $name built in $((SECONDS - start)) s" >&2
  fi
  echo "$key" >"$target/bin/.keys/$name"
  mv -f "$work/$name" "$target/bin/$name"
}

provide pulumi "$cli_key" "Pulumi CLI $version (several minutes)" \
  go -C "$src" build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$work/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
# One binary under three names: it runs the language its name says.
provide pulumi-language-nodejs "$host_key" "the language hosts (Node.js, Python, Go)" \
  go -C "$src" build -trimpath -ldflags "-s -w -X main.version=${version#v}" -o "$work/pulumi-language-nodejs" ./language-host
for name in pulumi-language-python pulumi-language-go; do
  provide "$name" "$host_key" "" same_file "$target/bin/pulumi-language-nodejs" "$work/$name"
done
provide pulumi-language-yaml "$yaml_key" "Pulumi YAML language host $yaml_version (a few minutes)" \
  go -C "$yaml_src" build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" \
  -o "$work/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
# What the engine launches for dynamic providers: the SDK's own dynamic-provider entry, resolved from the program.
write_launcher() {
  cat >"$work/pulumi-resource-pulumi-nodejs" <<'LAUNCHER'
#!/bin/sh
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
LAUNCHER
}
provide pulumi-resource-pulumi-nodejs launcher "" write_launcher

echo "$target/bin"

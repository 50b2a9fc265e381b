#!/usr/bin/env bash
# Builds the provider plugin as a Pulumi plugin tarball and prints its path (nothing else goes to stdout):
#   npm run --silent plugin   ->   dist/plugin/pulumi-resource-pe-v<version>-linux-amd64.tar.gz
# Install it with: pulumi plugin install resource pe <version> --file <that path>
#
# The tarball holds:
#   pulumi-resource-pe    a launcher: checks for Node.js >= 20 on PATH, then runs bin/pulumi-resource-pe.js
#   bin/                  the plugin bundled into one file with its dependencies (scripts/bundle-plugin.ts): the
#                         bundle (plugin.js, the schema inside), V8's code cache of it, and the launcher that starts it
#   package.json          name and version (the plugin reports it)
# It is plain JavaScript (no native modules, no node_modules), so it runs wherever Node.js does; the name says
# linux-amd64, the platform Pulumi asks for here. The archive is sorted, owned by root and dated by the last commit;
# every file but the code cache is the same bytes for the same sources (V8's cache differs from build to build, and
# a Node.js of another version rejects it and writes its own at its first start).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version="$(node -p 'require("./package.json").version')"
name="pulumi-resource-pe"
out="$root/dist/plugin"
tarball="$out/$name-v$version-linux-amd64.tar.gz"

mkdir -p "$out"
stage="$(mktemp -d "$out/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
started=$SECONDS

# 1. The JavaScript, compiled from the sources into the stage (never stale files from an older dist/).
echo "plugin: compiling (tsc)" >&2
npx tsc -p tsconfig.build.json --outDir "$stage/dist" --declaration false --sourceMap false >&2
rm -rf "$stage/dist/emulator"
[[ -f "$stage/dist/provider/plugin/main.js" && -f "$stage/dist/provider/plugin/schema.json" ]] || {
  echo "plugin: the build has no dist/provider/plugin/main.js or schema.json" >&2
  exit 1
}

# 2. One file: the plugin and its dependencies, bundled from the compiled JavaScript, with its code cache.
echo "plugin: bundling (esbuild)" >&2
npx ts-node --transpile-only scripts/bundle-plugin.ts "$stage/dist" "$stage/bin" >&2
rm -rf "$stage/dist"

# 3. The package.json the plugin reads its version from, without the project's scripts and dev tools.
node -e '
  const p = require(process.argv[1]);
  const out = {
    name: "pulumi-resource-pe",
    version: p.version,
    description: "The Pulumi provider plugin for Puppet Enterprise (package pe).",
    license: p.license,
    private: true,
    main: "bin/pulumi-resource-pe.js",
    engines: p.engines,
  };
  require("node:fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
' "$root/package.json" "$stage/package.json"

# 4. The launcher the engine starts.
cat >"$stage/$name" <<'EOF'
#!/bin/sh
# pulumi-resource-pe: the Pulumi provider plugin for Puppet Enterprise, run with the Node.js on PATH (>= 20).
if ! command -v node >/dev/null 2>&1; then
  echo "pulumi-resource-pe: Node.js >= 20 is needed on PATH to run this plugin, and no node was found" >&2
  exit 1
fi
node_version="$(node --version 2>/dev/null)"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
case "$node_major" in
  '' | *[!0-9]*) node_major=0 ;;
esac
if [ "$node_major" -lt 20 ]; then
  echo "pulumi-resource-pe: Node.js >= 20 is needed on PATH to run this plugin; $(command -v node) is ${node_version:-of unknown version}" >&2
  exit 1
fi
exec node "$(dirname "$0")/bin/pulumi-resource-pe.js" "$@"
EOF
chmod 755 "$stage/$name"

# 5. The archive.
mtime="@$(git log -1 --format=%ct 2>/dev/null || echo 0)"
rm -f "$tarball"
tar -C "$stage" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
  --mode='u+rwX,go+rX,go-w' -cf - "$name" package.json bin | gzip -n >"$tarball.tmp"
mv -f "$tarball.tmp" "$tarball"
echo "plugin: $(du -h "$tarball" | cut -f1) in $((SECONDS - started)) s" >&2
echo "$tarball"

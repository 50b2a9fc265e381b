#!/usr/bin/env bash
# Builds the provider plugin as a Pulumi plugin tarball and prints its path (nothing else goes to stdout):
#   npm run --silent plugin   ->   dist/plugin/pulumi-resource-pe-v<version>-linux-amd64.tar.gz
# Install it with: pulumi plugin install resource pe <version> --file <that path>
#
# The tarball holds:
#   pulumi-resource-pe    a launcher: checks for Node.js >= 20 on PATH, then runs dist/provider/plugin/main.js
#   dist/provider, dist/puppet-type    the compiled JavaScript (built afresh here, without .d.ts or source maps;
#                         dist/provider/plugin/schema.json is the schema the plugin serves)
#   package.json          name, version (the plugin reports it) and dependencies
#   node_modules          the production dependencies, exactly as package-lock.json pins them (npm ci)
# It is plain JavaScript (no native modules), so it runs wherever Node.js does; the name says linux-amd64, the
# platform Pulumi asks for here. The archive is reproducible: sorted, owned by root, dated by the last commit.
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

# 2. The production dependencies: npm ci needs the project's own package.json beside its lock file.
echo "plugin: production dependencies (npm ci --omit=dev)" >&2
cp package.json package-lock.json "$stage/"
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >&2)
# what the plugin does not need: npm's bookkeeping and the command links (symlinks)
rm -rf "$stage/node_modules/.bin" "$stage/node_modules/.package-lock.json" "$stage/package-lock.json"
find "$stage/node_modules" -type d -name .bin -prune -exec rm -rf {} +
if [[ -n "$(find "$stage/node_modules" -type l -print -quit)" ]]; then
  echo "plugin: node_modules holds symlinks, which a plugin tarball should not" >&2
  exit 1
fi

# 3. The package.json the plugin reads its version from, without the project's scripts and dev tools.
node -e '
  const p = require(process.argv[1]);
  const out = {
    name: "pulumi-resource-pe",
    version: p.version,
    description: "The Pulumi provider plugin for Puppet Enterprise (package pe).",
    license: p.license,
    private: true,
    main: "dist/provider/plugin/main.js",
    engines: p.engines,
    dependencies: p.dependencies,
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
exec node "$(dirname "$0")/dist/provider/plugin/main.js" "$@"
EOF
chmod 755 "$stage/$name"

# 5. The archive, the same bytes for the same inputs.
mtime="@$(git log -1 --format=%ct 2>/dev/null || echo 0)"
rm -f "$tarball"
tar -C "$stage" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
  --mode='u+rwX,go+rX,go-w' -cf - "$name" package.json dist node_modules | gzip -n >"$tarball.tmp"
mv -f "$tarball.tmp" "$tarball"
echo "plugin: $(du -h "$tarball" | cut -f1) in $((SECONDS - started)) s" >&2
echo "$tarball"

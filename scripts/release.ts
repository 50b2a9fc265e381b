// `npm run release`: everything a release publishes, built into dist/release/ (uploads nothing; the release workflow,
// .github/workflows/release.yml, runs this and publishes what it made). Prints the folder's path as its last line.
//
//   pulumi-resource-pe-v<version>-<os>-<arch>.tar.gz   the plugin, self-contained (a Node.js SEA), per platform
//   pulumi_pe-<version>-py3-none-any.whl, pulumi_pe-<version>.tar.gz   the Python SDK (wheel and sdist)
//   pulumi-pe-<version>.tgz              the Node.js SDK, compiled to JavaScript with types (npm pack)
//   pulumi-pe-orchestrator-<version>.tgz the dynamic provider and the emulator (npm pack of this package)
//   goproxy/                             the Go SDK's module as a Go module proxy serves it (GOPROXY=file://...)
//   schema.json                          the package's schema
//   checksums.txt                        sha256 of every file above (`sha256sum -c checksums.txt`)
//
// Options: --platforms linux-amd64,... (default all five). Progress goes to stderr.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleOnly } from "./bundle-plugin";
import { compileNodeSdk } from "./node-sdk";
import { PLATFORMS, PLUGIN_NODE_VERSION, platformName } from "./release/node-binaries";
import { buildSeaPlugin, executableName } from "./release/sea-plugin";
import { goModuleProxy } from "./release/go-module";
import { pythonDistributions } from "./release/python-dist";

const root = path.resolve(__dirname, "..");
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  version: string;
};
const version = packageJson.version;
const out = path.join(root, "dist", "release");

const begun = Date.now();
/** A line on stderr, with the seconds since the release began (where its time goes). */
const log = (message: string) =>
  process.stderr.write(
    `release: ${String(Math.round((Date.now() - begun) / 1000)).padStart(4)} s  ${message}\n`,
  );
const run = (command: string, args: string[], cwd = root) =>
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

/** The date of the last commit: archives of the same sources are the same bytes. */
const mtime = (() => {
  try {
    return `@${run("git", ["log", "-1", "--format=%ct"]).trim()}`;
  } catch {
    return "@0";
  }
})();

function tarball(dir: string, files: string[], target: string): void {
  const tar = path.join(path.dirname(target), `${path.basename(target)}.tar`);
  run("tar", [
    "-C",
    dir,
    "--sort=name",
    "--format=gnu",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    `--mtime=${mtime}`,
    "--mode=u+rwX,go+rX,go-w",
    "-cf",
    tar,
    ...files,
  ]);
  // -6 (gzip's default): a 110 MB executable packs in a third of -9's time, 0.6% larger
  run("gzip", ["-n", "-6", "-f", tar]);
  fs.renameSync(`${tar}.gz`, target);
}

function main(): void {
  const only = process.argv.includes("--platforms")
    ? process.argv[process.argv.indexOf("--platforms") + 1].split(",")
    : undefined;
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // inside the clone: the Node.js SDK compiles against its @pulumi/pulumi
  const work = fs.mkdtempSync(path.join(root, "dist", "release-work-"));
  try {
    // 1. The plugin: compiled, bundled for the Node.js it runs on, one executable per platform.
    // one build serves the plugin's bundle and the dynamic provider's tarball (packed below without its prepack)
    log("compiling (tsc)");
    run("npx", ["tsc", "-p", "tsconfig.build.json"]);
    const dist = path.join(root, "dist");
    const bundle = path.join(work, "plugin.js");
    bundleOnly(dist, bundle, `node${PLUGIN_NODE_VERSION.split(".")[0]}`);
    for (const platform of PLATFORMS.filter((p) => !only || only.includes(platformName(p)))) {
      log(`plugin for ${platformName(platform)} (Node.js ${PLUGIN_NODE_VERSION} single executable)`);
      const stage = path.join(work, "stage", platformName(platform));
      buildSeaPlugin(bundle, platform, stage, path.join(work, "sea"));
      const target = path.join(out, `pulumi-resource-pe-v${version}-${platformName(platform)}.tar.gz`);
      tarball(stage, [executableName(platform)], target);
    }

    // 2. The schema, and the SDKs as their registries want them.
    fs.copyFileSync(path.join(root, "provider", "plugin", "schema.json"), path.join(out, "schema.json"));
    log("Python SDK: wheel and sdist");
    pythonDistributions(path.join(root, "sdk", "python"), out, work);
    log("Node.js SDK: compiled, npm pack");
    const sdkBin = compileNodeSdk(path.join(root, "sdk", "nodejs"), path.join(work, "sdk-nodejs"));
    run("npm", ["pack", "--silent", "--pack-destination", out], sdkBin);
    log("Go SDK: the module as a proxy serves it");
    goModuleProxy(path.join(root, "sdk", "go"), version, path.join(out, "goproxy"));
    log("the dynamic provider: npm pack");
    run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", out]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  // 3. Checksums of everything, as sha256sum writes them.
  const files = (fs.readdirSync(out, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => fs.statSync(path.join(out, f)).isFile())
    .sort();
  const sums = files.map(
    (f) =>
      `${createHash("sha256")
        .update(fs.readFileSync(path.join(out, f)))
        .digest("hex")}  ${f}`,
  );
  fs.writeFileSync(path.join(out, "checksums.txt"), `${sums.join("\n")}\n`);
  for (const f of files)
    log(`${(fs.statSync(path.join(out, f)).size / 1e6).toFixed(1).padStart(7)} MB  ${f}`);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  process.stdout.write(`${out}\n`);
}

main();

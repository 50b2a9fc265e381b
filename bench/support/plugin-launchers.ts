// The plugins of the plugin benchmarks (bench/plugin-stack.ts): `pe` (this clone's plugin, bundled as the tarball
// ships it) and `noop` (a provider plugin that does nothing: the floor), started by the engine either as users
// run them, installed in PULUMI_HOME (`pulumi plugin install --file`), or from a folder on PATH. Each start is
// noted in $BENCH_PLUGIN_STARTS (when set, through NODE_OPTIONS' --require of a one-line counter), so that a
// benchmark can count how many times the engine starts a plugin during one operation.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pluginBinDir } from "../../test/support/plugin";
import { repoRoot } from "../../test/support/pulumi-cli";

/** The no-op provider's one resource type: inputs as PlanRun's a benchmark passes (planName, params). */
export const NOOP_TYPE = "noop:index:Noop";
const NOOP_VERSION = "0.0.1";

const noopSchema = {
  name: "noop",
  version: NOOP_VERSION,
  resources: {
    [NOOP_TYPE]: {
      inputProperties: {
        planName: { type: "string" },
        params: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } },
      },
      properties: {
        planName: { type: "string" },
        params: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } },
      },
    },
  },
};

/**
 * The floor's provider: the same SDK provider server the plugin runs on (`@pulumi/pulumi/provider`'s `main`),
 * serving a schema of one resource whose create returns at once (check and diff: the server's defaults), as
 * bench/stack.ts's no-op dynamic resource does. Nothing else is loaded.
 */
const noopPlugin = `// written by bench/support/plugin-launchers.ts
const { main } = require(${JSON.stringify(require.resolve("@pulumi/pulumi/provider"))});
const schema = ${JSON.stringify(JSON.stringify(noopSchema))};
main(
  {
    version: "${NOOP_VERSION}",
    schema,
    async create(_urn, inputs) {
      return { id: String(Math.random()).slice(2), outs: inputs };
    },
  },
  process.argv.slice(2),
);
`;

const startCounter = `// written by bench/support/plugin-launchers.ts: notes this plugin start
require("node:fs").appendFileSync(process.env.BENCH_PLUGIN_STARTS, require("node:path").basename(process.argv[1]) + "\\n");
`;

const benchDir = path.join(repoRoot, ".pulumi-test", "bench-plugins");

/** The no-op plugin's launcher (`node noop-plugin.js`), written into the bench's folder. */
export function noopLauncher(): string {
  const noopStage = path.join(benchDir, "noop-stage");
  fs.mkdirSync(noopStage, { recursive: true });
  writeIfChanged(path.join(noopStage, "noop-plugin.js"), noopPlugin, 0o644);
  const launcher = path.join(noopStage, "pulumi-resource-noop");
  writeIfChanged(launcher, `#!/bin/sh\nexec node "$(dirname "$0")/noop-plugin.js" "$@"\n`, 0o755);
  return launcher;
}

function writeIfChanged(file: string, text: string, mode: number): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.writeFileSync(`${file}.tmp`, text, { mode });
  fs.renameSync(`${file}.tmp`, file);
}

/** The launcher the plugin benchmarks time: BENCH_PLUGIN_MAIN (another build's entry), else the bundled plugin's. */
export function pluginMain(): string {
  if (process.env.BENCH_PLUGIN_MAIN) return path.resolve(process.env.BENCH_PLUGIN_MAIN);
  return path.join(pluginBinDir(), "bin", "pulumi-resource-pe.js");
}

/** The environment that makes every plugin start of a command note itself in `startsFile`. */
export function countingStarts(startsFile: string): Record<string, string> {
  const counter = path.join(benchDir, "count-start.js");
  fs.mkdirSync(benchDir, { recursive: true });
  writeIfChanged(counter, startCounter, 0o644);
  return { BENCH_PLUGIN_STARTS: startsFile, NODE_OPTIONS: `--require ${counter}` };
}

/** The folder holding both plugins' launchers, for a stack's PATH (the engine then starts them from PATH). */
export function benchPluginBinDir(): string {
  const dir = path.join(benchDir, "bin");
  fs.mkdirSync(dir, { recursive: true });
  const noopMain = path.join(dir, "noop-plugin.js");
  writeIfChanged(noopMain, noopPlugin, 0o644);
  writeIfChanged(path.join(dir, "pulumi-resource-noop"), `#!/bin/sh\nexec node "${noopMain}" "$@"\n`, 0o755);
  writeIfChanged(
    path.join(dir, "pulumi-resource-pe"),
    `#!/bin/sh\nexec node "${pluginMain()}" "$@"\n`,
    0o755,
  );
  return dir;
}

/**
 * Installs both plugins into `pulumiHome` as users install one: pe from `npm run plugin`'s tarball (built here),
 * noop from a tarball of its launcher and script. `pulumi` is the CLI to install with.
 */
export function installBenchPlugins(pulumi: string, env: NodeJS.ProcessEnv): void {
  // BENCH_PE_TARBALL: another build of pe, e.g. the release's self-contained one (dist/release/...-linux-amd64)
  const tarball =
    process.env.BENCH_PE_TARBALL ??
    execFileSync("npm", ["run", "--silent", "plugin"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  const version = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
  ).version;
  const noopStage = path.dirname(noopLauncher());
  const noopTarball = path.join(benchDir, `pulumi-resource-noop-v${NOOP_VERSION}-linux-amd64.tar.gz`);
  execFileSync("tar", ["-C", noopStage, "-czf", noopTarball, "pulumi-resource-noop", "noop-plugin.js"]);
  for (const [name, v, file] of [
    ["pe", version, tarball],
    ["noop", NOOP_VERSION, noopTarball],
  ])
    execFileSync(pulumi, ["plugin", "install", "resource", name, v, "--file", file, "--reinstall"], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
}

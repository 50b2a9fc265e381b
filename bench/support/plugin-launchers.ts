// Launchers for the plugin benchmarks (bench/plugin-stack.ts): `pulumi-resource-pe` (this clone's built plugin)
// and `pulumi-resource-noop` (a provider plugin that does nothing: the floor), in one folder for a stack's PATH.
// Each launcher appends its name to $BENCH_PLUGIN_STARTS (when set) before it starts, so that a benchmark can
// count how many times the engine starts a plugin during one operation.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../test/support/pulumi-cli";

/**
 * The built plugin's entry (after `npx tsc -p tsconfig.build.json`); BENCH_PLUGIN_MAIN names another build's
 * (a copy of an earlier dist/ inside this clone, for a before/after comparison).
 */
export const pluginMain = path.resolve(
  process.env.BENCH_PLUGIN_MAIN ?? path.join(repoRoot, "dist", "provider", "plugin", "main.js"),
);

/** The no-op provider's one resource type: inputs as PlanRun's a benchmark passes (planName, params). */
export const NOOP_TYPE = "noop:index:Noop";

const noopSchema = {
  name: "noop",
  version: "0.0.1",
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
    version: "0.0.1",
    schema,
    async create(_urn, inputs) {
      return { id: String(Math.random()).slice(2), outs: inputs };
    },
  },
  process.argv.slice(2),
);
`;

function launcher(name: string, entry: string): string {
  return (
    `#!/bin/sh\n` +
    `[ -n "$BENCH_PLUGIN_STARTS" ] && echo ${name} >> "$BENCH_PLUGIN_STARTS"\n` +
    `exec node "${entry}" "$@"\n`
  );
}

function writeIfChanged(file: string, text: string, mode: number): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.writeFileSync(`${file}.tmp`, text, { mode });
  fs.renameSync(`${file}.tmp`, file);
}

/** The folder holding both launchers (under .pulumi-test/, so that the no-op plugin resolves this clone's SDK). */
export function benchPluginBinDir(): string {
  const dir = path.join(repoRoot, ".pulumi-test", "bench-plugin-bin");
  fs.mkdirSync(dir, { recursive: true });
  const noopMain = path.join(dir, "noop-plugin.js");
  writeIfChanged(noopMain, noopPlugin, 0o644);
  writeIfChanged(path.join(dir, "pulumi-resource-noop"), launcher("noop", noopMain), 0o755);
  writeIfChanged(path.join(dir, "pulumi-resource-pe"), launcher("pe", pluginMain), 0o755);
  return dir;
}

// The self-contained plugin's start-up (issue: every user pays it on every preview and up): the release's
// linux-amd64 executable (a Node.js 22 single executable application with V8's code cache, scripts/release/) beside
// today's launcher (`node` on PATH running the bundle from its code cache, npm run plugin) and a no-op plugin on
// the same SDK server (`node noop-plugin.js`): spawn to the gRPC port on stdout, kinds interleaved, median of RUNS.
// Goal: the SEA's time at most half of the launcher's. Run (after `npx tsc -p tsconfig.build.json`):
//   npx ts-node --transpile-only bench/sea-startup.ts        BENCH_SEA_RUNS=15 (the default)
// The preview ratio (5p) of the SEA: BENCH_PLUGIN_PARTS=preview BENCH_PE_TARBALL=<its tarball> bench/plugin-stack.ts
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleOnly, bundlePlugin } from "../scripts/bundle-plugin";
import { PLATFORMS } from "../scripts/release/node-binaries";
import { buildSeaPlugin } from "../scripts/release/sea-plugin";
import { measurePluginStartup } from "../test/support/plugin-startup";
import { repoRoot } from "../test/support/pulumi-cli";
import { machine, mark, median, ms, summary } from "./support/common";
import { noopLauncher } from "./support/plugin-launchers";

const RUNS = Number(process.env.BENCH_SEA_RUNS ?? 15);

async function main(): Promise<void> {
  console.log(
    `machine: ${machine()}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const dist = path.join(repoRoot, "dist");
  const work = fs.mkdtempSync(path.join(repoRoot, ".pulumi-test", "bench-sea-"));
  try {
    const launcherDir = path.join(work, "launcher");
    bundlePlugin(dist, launcherDir);
    const launcher = path.join(work, "pulumi-resource-pe");
    fs.writeFileSync(launcher, `#!/bin/sh\nexec node "${launcherDir}/pulumi-resource-pe.js" "$@"\n`, {
      mode: 0o755,
    });
    const bundle = path.join(work, "sea-plugin.js");
    bundleOnly(dist, bundle, "node22");
    const linux = PLATFORMS.find((p) => p.os === "linux" && p.arch === "amd64")!;
    const sea = buildSeaPlugin(bundle, linux, path.join(work, "sea"), path.join(work, "sea-work"));
    const kinds = { launcher, sea, noop: noopLauncher() };
    const times: Record<string, number[]> = { launcher: [], sea: [], noop: [] };
    for (const file of Object.values(kinds)) await measurePluginStartup(file); // warm the page cache
    for (let round = 0; round < RUNS; round++)
      for (const [kind, file] of Object.entries(kinds))
        times[kind].push((await measurePluginStartup(file)).ms);
    const [l, s, n] = [median(times.launcher), median(times.sea), median(times.noop)];
    console.log(`\n== plugin start-up: spawn to its gRPC port (median of ${RUNS}, interleaved)`);
    console.log(`launcher (node on PATH, bundle, code cache): ${ms(l)}`);
    console.log(
      `self-contained (Node.js 22 SEA, code cache):  ${ms(s)} (${(s / l).toFixed(2)}x the launcher)`,
    );
    console.log(`no-op plugin (node, the SDK's server alone):  ${ms(n)}`);
    console.log(`SEA size: ${(fs.statSync(sea).size / 1e6).toFixed(1)} MB`);
    summary(
      "plugin start-up, self-contained (goal: at most half the launcher's)",
      `SEA ${ms(s)} vs launcher ${ms(l)} (${(s / l).toFixed(2)}x) ${mark(s <= l / 2)}; no-op plugin ${ms(n)}`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();

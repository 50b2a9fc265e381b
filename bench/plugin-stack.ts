// Benchmarks 3 and 5 for the plugin face (pulumi-resource-pe), beside bench/stack.ts's for the dynamic face, and
// the plugin's start-up. Through the real `pulumi` CLI (file backend) and YAML programs (pulumi-language-yaml: no
// SDK to build) against the emulator. Run (after `npx tsc -p tsconfig.build.json`, with `pulumi` on PATH):
//   npx ts-node --transpile-only bench/plugin-stack.ts
//   BENCH_PLUGIN_PARTS=scale,preview,startup (the default; any of them)   BENCH_STACK_ROUNDS=3 (the default)
//   BENCH_PLUGIN_COUNTS=1,100 (the default)   BENCH_PLUGIN_MAIN=<another build's plugin entry, for start-up>
//   BENCH_PLUGIN_FROM=installed (the default: both plugins installed in PULUMI_HOME from tarballs, as users install
//   one; the engine then caches their schemas) or path (both found on PATH: the engine asks each start's schema)
//
// 3p. Stack scale: wall time of `pulumi up --skip-preview` of a YAML program of N `pe:index:PlanRun`s whose plan
//     jobs finish at once (a 0 s plan), divided by that of the same YAML program with N `noop:index:Noop`s: a
//     provider plugin on the same SDK provider server whose create returns at once (bench/support/
//     plugin-launchers.ts), as bench/stack.ts's floor is a dynamic provider whose create returns at once. Same
//     engine, same language host, same default parallelism, a plugin started the same way. Fresh stack per run;
//     kinds alternate; median of ROUNDS runs.
// 5p. Preview: a no-change `pulumi preview` of examples/yaml-pipeline (CodeDeploy → EnvironmentDeploy → TaskRun →
//     PlanRun, deployed once before) divided by that of an empty YAML program (deployed too): what the plugin
//     costs a preview, its start included (one installed, two found on PATH). Beside them, for comparison only, 4
//     resources of the no-op plugin: what any Node.js plugin on the SDK's provider server costs (not bundled, so
//     its start is a little slower than ours). Kinds alternate; median of ROUNDS runs.
// Start-up: spawn of `node <bundle launcher> 127.0.0.1:<port>` (a listener standing in for the
//     engine) to the gRPC port on its stdout, median of 10, beside `node -e 0`; the same time seen from the plugin's
//     own process; `pulumi package get-schema <launcher>`, median of 5.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator";
import { pathWithoutPlugin } from "../test/support/plugin";
import { pulumiBinDir, repoRoot } from "../test/support/pulumi-cli";
import { TestStack } from "../test/support/test-stack";
import { machine, mark, median, ms, summary } from "./support/common";
import { planWorld } from "./support/plan-world";
import {
  benchPluginBinDir,
  countingStarts as startsEnv,
  installBenchPlugins,
  NOOP_TYPE,
  pluginMain,
} from "./support/plugin-launchers";

const COUNTS = (process.env.BENCH_PLUGIN_COUNTS ?? "1,100").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_STACK_ROUNDS ?? 3);
const GOAL_RATIO = 1.3;
const STARTUP_RUNS = 10;
const SCHEMA_RUNS = 5;
const FROM = process.env.BENCH_PLUGIN_FROM === "path" ? "path" : "installed";
/** The PULUMI_HOME every stack of the bench shares in `installed` mode: the plugins and the engine's schema cache. */
const benchHome = path.join(repoRoot, ".pulumi-test", "bench-plugins", "home");

type Kind = "noop" | "plan";

/** A YAML program of `count` resources of one type, each with a PlanRun's inputs (as bench/stack.ts's). */
function yamlProgram(project: string, type: string, count: number): string {
  const resources = Array.from(
    { length: count },
    (_, i) =>
      `  r${i}:\n    type: ${type}\n    properties:\n      planName: bench::instant\n      params:\n        index: ${i}\n`,
  );
  return `name: ${project}\nruntime: yaml\nresources:\n${resources.join("")}`;
}

/** The YAML pipeline users start from (and the tests run), against the emulator's built-in world. */
const pipelineProgram = fs.readFileSync(
  path.join(repoRoot, "examples", "yaml-pipeline", "Pulumi.yaml"),
  "utf8",
);

const emptyProgram = "name: bench-yaml-empty\nruntime: yaml\n";

/** A YAML stack that finds the bench's plugins installed in the shared PULUMI_HOME, or on its PATH. */
async function yamlStack(project: string, program: string, emu?: Emulator): Promise<TestStack> {
  const env: Record<string, string> =
    FROM === "installed"
      ? { PATH: pathWithoutPlugin(), PULUMI_HOME: benchHome }
      : { PATH: [benchPluginBinDir(), pulumiBinDir(), process.env.PATH ?? ""].join(path.delimiter) };
  const stack = await TestStack.create({ project, files: { "Pulumi.yaml": program }, env });
  if (emu) {
    await stack.setConfig("pe:serviceUrl", emu.url);
    await stack.setConfig("pe:codeManagerUrl", emu.url);
    await stack.setConfig("pe:cacert", emu.caFile);
    await stack.setConfig("pe:token", emu.adminToken, { secret: true });
  }
  return stack;
}

/** Runs one command of a stack with its plugin starts noted; returns them with the command's result. */
async function countingStarts<T>(stack: TestStack, run: (env: Record<string, string>) => Promise<T>) {
  const file = path.join(stack.dir, ".plugin-starts");
  fs.rmSync(file, { force: true });
  const result = await run(startsEnv(file));
  const starts = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
  return { result, starts: starts.length };
}

function requestKinds(emu: Emulator, from: number): string {
  const byKind = new Map<string, number>();
  for (const r of emu.requests.slice(from)) {
    const key = `${r.method} ${r.path.replace(/\/orchestrator\/v1/, "").replace(/\/\d+/g, "/:id")}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  return [...byKind].map(([k, n]) => `${k} ×${n}`).join(", ");
}

const startsPerOperation: string[] = [];

async function stackScale(): Promise<void> {
  console.log(
    `== 3p. stack scale (plugin): pulumi up of a YAML program of N pe:index:PlanRun (0 s plans) / the same ` +
      `program of N ${NOOP_TYPE} (a no-op plugin), median of ${ROUNDS}`,
  );
  const emu = await startEmulator({ quiet: true, timeScale: 1, world: planWorld });
  const results: Record<Kind, Record<number, number[]>> = { noop: {}, plan: {} };
  try {
    for (const count of COUNTS) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of ["noop", "plan"] as const) {
          const project = `bench-plugin-${kind}-${count}-${round}`;
          const type = kind === "noop" ? NOOP_TYPE : "pe:index:PlanRun";
          const stack = await yamlStack(
            project,
            yamlProgram(project, type, count),
            kind === "plan" ? emu : undefined,
          );
          try {
            const before = emu.requests.length;
            const { result: up, starts } = await countingStarts(stack, (env) =>
              stack.pulumi(["up", "--yes", "--skip-preview"], env),
            );
            if (up.code !== 0)
              throw new Error(`pulumi up (${kind}, ${count}) failed\n${up.stdout}\n${up.stderr}`);
            (results[kind][count] ??= []).push(up.elapsedMs);
            if (count === 100 && round === 0) {
              startsPerOperation.push(`up of 100 ${kind === "plan" ? "PlanRuns" : "no-ops"}: ${starts}`);
              if (kind === "plan")
                console.log(
                  `   (100 PlanRuns: ${emu.requests.length - before} requests: ${requestKinds(emu, before)})`,
                );
            }
          } finally {
            await stack.remove();
          }
        }
      }
    }
  } finally {
    await emu.stop();
  }
  console.log("| resources | no-op plugin up (floor) | PlanRun up (plugin) | ratio | goal |");
  console.log("| --- | --- | --- | --- | --- |");
  const lines: string[] = [];
  for (const count of COUNTS) {
    const floor = median(results.noop[count]);
    const ours = median(results.plan[count]);
    const ratio = ours / floor;
    const goal = count === 100 ? `≤ ${GOAL_RATIO}x ${mark(ratio <= GOAL_RATIO)}` : "–";
    console.log(`| ${count} | ${ms(floor)} | ${ms(ours)} | ${ratio.toFixed(2)}x | ${goal} |`);
    lines.push(
      `${count}: ${ratio.toFixed(2)}x (${(ours / 1000).toFixed(1)} s vs ${(floor / 1000).toFixed(1)} s)`,
    );
  }
  const most = Math.max(...COUNTS);
  const ratioMost = median(results.plan[most]) / median(results.noop[most]);
  const goal =
    most === 100
      ? ` — goal ≤ ${GOAL_RATIO}x at 100 ${mark(ratioMost <= GOAL_RATIO)}`
      : " (the goal is at 100)";
  summary("3p stack scale (plugin, YAML)", `up time / no-op plugin floor: ${lines.join(", ")}${goal}`);
}

type PreviewKind = "empty" | "noop" | "pipeline";

async function pipelinePreview(): Promise<void> {
  console.log(
    `\n== 5p. preview (plugin): no-change pulumi preview of the YAML pipeline (CodeDeploy → EnvironmentDeploy → ` +
      `TaskRun → PlanRun) / of an empty YAML program, median of ${ROUNDS}`,
  );
  const emu = await startEmulator({ quiet: true, timeScale: 100 });
  const stacks: Record<PreviewKind, TestStack> = {
    empty: await yamlStack("bench-yaml-empty", emptyProgram),
    // not the goal's floor: what any plugin on the SDK's provider server costs a preview (its two starts)
    noop: await yamlStack("bench-yaml-noop", yamlProgram("bench-yaml-noop", NOOP_TYPE, 4)),
    pipeline: await yamlStack("yaml-pipeline", pipelineProgram, emu),
  };
  const kinds = Object.keys(stacks) as PreviewKind[];
  try {
    for (const kind of kinds) {
      const up = await stacks[kind].up();
      if (up.code !== 0) throw new Error(`pulumi up (${kind}) failed\n${up.stdout}\n${up.stderr}`);
    }
    const previews: Record<PreviewKind, number[]> = { empty: [], noop: [], pipeline: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of kinds) {
        const stack = stacks[kind];
        const before = emu.requests.length;
        const { result: p, starts } = await countingStarts(stack, (env) => stack.pulumi(["preview"], env));
        if (p.code !== 0) throw new Error(`pulumi preview (${kind}) failed\n${p.stdout}\n${p.stderr}`);
        if (/\b(to create|to update|to replace|to delete)\b/.test(p.stdout))
          throw new Error(`the ${kind} program's preview is not a no-change one\n${p.stdout}`);
        previews[kind].push(p.elapsedMs);
        if (kind === "pipeline" && round === 0) {
          startsPerOperation.push(`no-change preview of the pipeline: ${starts}`);
          const requests = emu.requests.length - before;
          console.log(
            `   (pipeline preview: ${requests} requests${requests ? `: ${requestKinds(emu, before)}` : ""})`,
          );
        }
      }
    }
    const floor = median(previews.empty);
    const ours = median(previews.pipeline);
    const noop = median(previews.noop);
    const ratio = ours / floor;
    const goal = `goal ≤ ${GOAL_RATIO}x ${mark(ratio <= GOAL_RATIO)}`;
    console.log("| program | no-change preview | ratio | goal |");
    console.log("| --- | --- | --- | --- |");
    console.log(`| empty YAML program (floor) | ${ms(floor)} | 1.00x | – |`);
    console.log(
      `| 4 ${NOOP_TYPE} (a no-op plugin: not the floor, for comparison) | ${ms(noop)} | ${(noop / floor).toFixed(2)}x | – |`,
    );
    console.log(
      `| YAML pipeline, 4 pe resources | ${ms(ours)} | ${ratio.toFixed(2)}x | ≤ ${GOAL_RATIO}x ${mark(ratio <= GOAL_RATIO)} |`,
    );
    summary(
      "5p preview (plugin, YAML)",
      `no-change preview of the 4-resource pipeline ${(ours / 1000).toFixed(1)} s vs empty program ` +
        `${(floor / 1000).toFixed(1)} s: ${ratio.toFixed(2)}x (${goal}); 4 no-op plugin resources ` +
        `${(noop / floor).toFixed(2)}x`,
    );
  } finally {
    for (const kind of kinds) await stacks[kind].remove();
    await emu.stop();
  }
}

/** A preload for the plugin's process: the time since the process started when it first writes to stdout (the port). */
const portTimer = `
const fs = require("node:fs");
const { performance } = require("node:perf_hooks");
const write = process.stdout.write;
process.stdout.write = function () {
  fs.writeFileSync(process.env.BENCH_PORT_TIME, JSON.stringify({ sinceStart: performance.now() }));
  process.stdout.write = write;
  return write.apply(this, arguments);
};
`;

interface StartupRun {
  spawnToPortMs: number;
  sinceStart?: number;
}

/** Spawns the plugin as the engine would, until it prints its port; then kills it. */
async function startOnce(engineAddress: string, timed: boolean): Promise<StartupRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plugin-start-"));
  const timesFile = path.join(dir, "times.json");
  const preload = path.join(dir, "port-timer.js");
  fs.writeFileSync(preload, portTimer);
  const args = [...(timed ? ["--require", preload] : []), pluginMain(), engineAddress];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, BENCH_PORT_TIME: timesFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (/^\d+\n/.test(stdout)) resolve();
      });
      child.once("exit", (code) =>
        reject(new Error(`the plugin exited (${code}) before its port\n${stderr}`)),
      );
    });
    const spawnToPortMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (!timed) return { spawnToPortMs };
    const times = JSON.parse(fs.readFileSync(timesFile, "utf8")) as Omit<StartupRun, "spawnToPortMs">;
    return { spawnToPortMs, ...times };
  } finally {
    child.kill();
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startup(): Promise<void> {
  console.log(
    `\n== plugin start-up: node ${path.relative(repoRoot, pluginMain())} <engine> to its port (median of ${STARTUP_RUNS}), ` +
      `pulumi package get-schema (median of ${SCHEMA_RUNS})`,
  );
  // something listening at the engine's address, so that the plugin's watch of its engine finds one
  const engine = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", () => resolve()));
  const address = `127.0.0.1:${(engine.address() as net.AddressInfo).port}`;
  const plain: number[] = [];
  const timed: StartupRun[] = [];
  try {
    for (let i = 0; i < STARTUP_RUNS; i++) plain.push((await startOnce(address, false)).spawnToPortMs);
    for (let i = 0; i < 5; i++) timed.push(await startOnce(address, true));
  } finally {
    engine.close();
  }
  const nodeOnly: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await new Promise<void>((resolve) => spawn(process.execPath, ["-e", "0"]).once("exit", () => resolve()));
    nodeOnly.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const schemaStack = await yamlStack("bench-get-schema", emptyProgram);
  const schema: number[] = [];
  try {
    for (let i = 0; i < SCHEMA_RUNS; i++) {
      const r = await schemaStack.pulumi([
        "package",
        "get-schema",
        path.join(benchPluginBinDir(), "pulumi-resource-pe"),
      ]);
      if (r.code !== 0 || !r.stdout.includes('"pe:index:PlanRun"'))
        throw new Error(`pulumi package get-schema failed\n${r.stdout}\n${r.stderr}`);
      schema.push(r.elapsedMs);
    }
  } finally {
    await schemaStack.remove();
  }
  const toPort = median(plain);
  console.log(`spawn to port: ${ms(toPort)} (runs: ${plain.map((v) => Math.round(v)).join(", ")} ms)`);
  console.log(`node -e 0 (node's own start and exit): ${ms(median(nodeOnly))}`);
  console.log(
    `in the plugin's process (median of ${timed.length}): port printed ` +
      `${ms(median(timed.map((t) => t.sinceStart ?? 0)))} after the process started (node's own start included)`,
  );
  console.log(`pulumi package get-schema <launcher>: ${ms(median(schema))}`);
  if (startsPerOperation.length) console.log(`plugin starts: ${startsPerOperation.join("; ")}`);
  summary(
    "plugin start-up (no goal)",
    `spawn to gRPC port ${ms(toPort)} (median of ${STARTUP_RUNS}; node alone ${ms(median(nodeOnly))}), ` +
      `pulumi package get-schema ${ms(median(schema))}` +
      (startsPerOperation.length ? `; starts per operation: ${startsPerOperation.join(", ")}` : ""),
  );
}

async function main(): Promise<void> {
  console.log(
    `machine: ${machine()}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
  );
  const which = new Set((process.env.BENCH_PLUGIN_PARTS ?? "scale,preview,startup").split(","));
  if (!fs.existsSync(path.join(repoRoot, "dist", "provider", "plugin", "main.js")))
    throw new Error("dist/provider/plugin/main.js is missing: npx tsc -p tsconfig.build.json");
  console.log(
    `plugins: ${FROM === "installed" ? "installed in PULUMI_HOME from tarballs" : "found on PATH"}`,
  );
  if (FROM === "installed") {
    fs.rmSync(benchHome, { recursive: true, force: true });
    installBenchPlugins(path.join(pulumiBinDir(), "pulumi"), {
      ...process.env,
      PULUMI_HOME: benchHome,
      PULUMI_SKIP_UPDATE_CHECK: "true",
    });
  }
  if (which.has("scale")) await stackScale();
  if (which.has("preview")) await pipelinePreview();
  if (which.has("startup")) await startup();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

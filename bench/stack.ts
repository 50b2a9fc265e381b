// Benchmarks 3, 4 and 5, through the real `pulumi` CLI (file backend) against the emulator.
// Run (after `npx tsc -p tsconfig.build.json`, with `pulumi` on PATH):
//   npx ts-node --transpile-only bench/stack.ts
//
// 3. Stack scale: wall time of `pulumi up --skip-preview` creating 1, 10 and 100 PlanRuns whose plan jobs
//    finish at once (a 0 s plan), divided by the wall time of the same program with no-op dynamic resources
//    (a dynamic provider whose create returns at once): same engine, same default parallelism, same
//    TypeScript program start-up. Fresh stack per run; kinds alternate; median of ROUNDS runs.
// 4. Huge job: one EnvironmentDeploy of 10,000 nodes chosen by a PQL query (100 at a time, 30 s runs =
//    3,000 job seconds, run at ×150 = 20 s): peak RSS (VmHWM) of the engine's dynamic-provider process,
//    size of the resource in `pulumi stack export`, requests the emulator received during `up`.
// 5. Footprint: size of the serialized provider (`__provider`) stored in each resource's state, and the
//    time of `pulumi preview` of the deployed 100-PlanRun stack beside the 100-no-op stack's (goal ≤ 1.3x).
import * as fs from "node:fs";
import { type Emulator, startEmulator } from "../emulator";
import { emulatorStack } from "../test/support/emulator-stack";
import { TestStack } from "../test/support/test-stack";
import { kb, machine, mark, mb, median, ms, summary } from "./support/common";
import { planWorld } from "./support/plan-world";

const COUNTS = [1, 10, 100];
const ROUNDS = Number(process.env.BENCH_STACK_ROUNDS ?? 3);
const GOAL_RATIO_100 = 1.3;
const GOAL_STATE_BYTES = 64 * 1024;
const GOAL_RSS_BYTES = 200 * 1024 * 1024;
const GOAL_PROVIDER_BYTES = 10 * 1024;
const HUGE_NODES = 10_000;

const noopProgram = `
import * as pulumi from "@pulumi/pulumi";
const count = Number(new pulumi.Config("bench").require("count"));
const provider: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: String(Math.random()).slice(2), outs: {} };
  },
};
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(provider, name, {}, {});
  }
}
for (let i = 0; i < count; i++) new Noop("r" + i);
`;

const planProgram = `
import * as pulumi from "@pulumi/pulumi";
import { PlanRun } from "pulumi-pe-orchestrator";
const count = Number(new pulumi.Config("bench").require("count"));
for (let i = 0; i < count; i++) new PlanRun("r" + i, { planName: "bench::instant", params: { index: i } });
`;

const hugeProgram = `
import { EnvironmentDeploy } from "pulumi-pe-orchestrator";
const deploy = new EnvironmentDeploy("huge", {
  environment: "production",
  query: 'nodes[certname] { certname ~ "example.com" }',
  waitTimeoutSeconds: 3600,
});
export const nodeCount = deploy.nodeCount;
export const state = deploy.state;
`;

type Kind = "noop" | "plan";
/** Peak RSS of the provider process over the stack-scale runs: the no-op's is the SDK's own floor. */
const peakRss: Record<Kind, number> = { noop: 0, plan: 0 };

interface StackRun {
  stack: TestStack;
  upMs: number;
}

async function upOnce(kind: Kind, count: number, emu: Emulator | undefined): Promise<StackRun> {
  const files = { "index.ts": kind === "noop" ? noopProgram : planProgram };
  const stack = await TestStack.create({ project: `bench-${kind}`, files });
  if (emu) {
    await stack.setConfig("pe:serviceUrl", emu.url);
    await stack.setConfig("pe:cacert", emu.caFile);
    await stack.setConfig("pe:token", emu.adminToken, { secret: true });
  }
  await stack.setConfig("bench:count", String(count));
  const rss = watchProviderRss(fs.realpathSync(stack.dir));
  const up = await stack.up();
  peakRss[kind] = Math.max(peakRss[kind], rss.stop());
  if (up.code !== 0) throw new Error(`pulumi up (${kind}, ${count}) failed\n${up.stdout}\n${up.stderr}`);
  return { stack, upMs: up.elapsedMs };
}

/** Peak RSS of the dynamic-provider processes started for one project folder (sampled every 50 ms). */
function watchProviderRss(projectDir: string): { stop: () => number } {
  const peaks = new Map<number, number>();
  const sample = () => {
    for (const entry of fs.readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes("dynamic-provider")) continue;
        if (fs.readlinkSync(`/proc/${pid}/cwd`) !== projectDir) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, Number(hwm[1]) * 1024));
      } catch {
        // the process ended between listing and reading
      }
    }
  };
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(0, ...peaks.values());
    },
  };
}

async function stackScale(): Promise<{
  lines: string[];
  planStack: TestStack;
  noopStack: TestStack;
  emu: Emulator;
}> {
  console.log(
    `== 3. stack scale: pulumi up of N PlanRuns (0 s plans) / N no-op dynamic resources, median of ${ROUNDS}`,
  );
  const emu = await startEmulator({ quiet: true, timeScale: 1, world: planWorld });
  const results: Record<Kind, Record<number, number[]>> = { noop: {}, plan: {} };
  let planStack: TestStack | undefined;
  let noopStack: TestStack | undefined;
  for (const count of COUNTS) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["noop", "plan"] as const) {
        const before = emu.requests.length;
        const { stack, upMs } = await upOnce(kind, count, kind === "plan" ? emu : undefined);
        if (kind === "plan" && count === 100 && round === 0) {
          const byKind = new Map<string, number>();
          for (const r of emu.requests.slice(before)) {
            const key = `${r.method} ${r.path.replace(/\/orchestrator\/v1/, "").replace(/\/\d+/g, "/:id")}`;
            byKind.set(key, (byKind.get(key) ?? 0) + 1);
          }
          const list = [...byKind].map(([k, n]) => `${k} ×${n}`).join(", ");
          console.log(`   (100 PlanRuns: ${emu.requests.length - before} requests: ${list})`);
        }
        (results[kind][count] ??= []).push(upMs);
        const keep = count === 100 && round === 0;
        if (keep && kind === "plan") planStack = stack;
        else if (keep) noopStack = stack;
        else await stack.remove();
      }
    }
  }
  console.log("| resources | no-op up (floor) | PlanRun up | ratio | goal |");
  console.log("| --- | --- | --- | --- | --- |");
  const lines: string[] = [];
  for (const count of COUNTS) {
    const floor = median(results.noop[count]);
    const ours = median(results.plan[count]);
    const ratio = ours / floor;
    const goal = count === 100 ? `≤ ${GOAL_RATIO_100}x ${mark(ratio <= GOAL_RATIO_100)}` : "–";
    console.log(`| ${count} | ${ms(floor)} | ${ms(ours)} | ${ratio.toFixed(2)}x | ${goal} |`);
    lines.push(
      `${count}: ${ratio.toFixed(2)}x (${(ours / 1000).toFixed(1)} s vs ${(floor / 1000).toFixed(1)} s)`,
    );
  }
  const ratio100 = median(results.plan[100]) / median(results.noop[100]);
  summary(
    "3 stack scale",
    `up time / no-op floor: ${lines.join(", ")} — goal ≤ ${GOAL_RATIO_100}x at 100 ${mark(ratio100 <= GOAL_RATIO_100)}`,
  );
  return { lines, planStack: planStack!, noopStack: noopStack!, emu };
}

async function footprint(planStack: TestStack, noopStack: TestStack): Promise<void> {
  console.log("\n== 5. footprint: serialized provider per resource, pulumi preview of 100 resources");
  const exported = await planStack.exportState();
  const planRuns = (exported.deployment.resources ?? []).filter((r) => r.type.endsWith(":PlanRun"));
  const providerSizes = planRuns.map(
    (r) => String(r.outputs?.__provider ?? r.inputs?.__provider ?? "").length,
  );
  const resourceSizes = planRuns.map((r) => JSON.stringify(r).length);
  const providerBytes = Math.max(...providerSizes);
  const noopExport = await noopStack.exportState();
  const noopRes = (noopExport.deployment.resources ?? []).find((r) => r.type.includes("dynamic"));
  const noopProviderBytes = String(noopRes?.outputs?.__provider ?? noopRes?.inputs?.__provider ?? "").length;
  const previews: Record<"plan" | "noop", number[]> = { plan: [], noop: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, stack] of [
      ["noop", noopStack],
      ["plan", planStack],
    ] as const) {
      const p = await stack.preview();
      if (p.code !== 0) throw new Error(`pulumi preview (${kind}) failed\n${p.stdout}\n${p.stderr}`);
      previews[kind].push(p.elapsedMs);
    }
  }
  const okProvider = providerBytes < GOAL_PROVIDER_BYTES;
  console.log(
    `serialized provider per PlanRun: ${kb(providerBytes)} (goal < ${kb(GOAL_PROVIDER_BYTES)} ${mark(okProvider)}); ` +
      `the no-op's: ${kb(noopProviderBytes)}; whole PlanRun resource in state: ${kb(median(resourceSizes))}`,
  );
  const previewPlan = median(previews.plan);
  const previewNoop = median(previews.noop);
  const previewRatio = previewPlan / previewNoop;
  const previewGoal = `goal ≤ ${GOAL_RATIO_100}x ${mark(previewRatio <= GOAL_RATIO_100)}`;
  console.log(
    `pulumi preview, 100 deployed resources, no changes: PlanRun ${ms(previewPlan)}, no-op ${ms(previewNoop)} ` +
      `(${previewRatio.toFixed(2)}x the floor; ${previewGoal})`,
  );
  summary(
    "5 footprint",
    `serialized provider ${kb(providerBytes)} per resource (goal < 10 KB ${mark(okProvider)}); ` +
      `preview of 100 PlanRuns ${(previewPlan / 1000).toFixed(1)} s (${previewRatio.toFixed(2)}x no-op, ${previewGoal})`,
  );
}

async function hugeJob(): Promise<void> {
  console.log(
    `\n== 4. huge job: EnvironmentDeploy of ${HUGE_NODES.toLocaleString("en")} nodes through pulumi up`,
  );
  const nodes = Array.from({ length: HUGE_NODES }, (_, i) => ({
    certname: `n${String(i).padStart(5, "0")}.example.com`,
  }));
  const { emu, stack } = await emulatorStack({
    project: "bench-huge",
    files: { "index.ts": hugeProgram },
    emulator: {
      timeScale: 150,
      world: {
        environments: [{ name: "production" }],
        nodes,
        settings: { concurrency: 100, runSeconds: 30 },
      },
    },
  });
  try {
    const rss = watchProviderRss(fs.realpathSync(stack.dir));
    const before = emu.requests.length;
    const up = await stack.up();
    const peak = rss.stop();
    if (up.code !== 0) throw new Error(`pulumi up (huge) failed\n${up.stdout}\n${up.stderr}`);
    const requests = emu.requests.slice(before);
    const byKind = new Map<string, number>();
    for (const r of requests) {
      const key = `${r.method} ${r.path.replace(/\/orchestrator\/v1/, "").replace(/\/\d+/g, "/:id")}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    const exported = await stack.exportState();
    const resource = (exported.deployment.resources ?? []).find((r) => r.type.endsWith(":EnvironmentDeploy"));
    const stateBytes = JSON.stringify(resource).length;
    const outputs = await stack.outputs();
    const okState = stateBytes < GOAL_STATE_BYTES;
    const okRss = peak > 0 && peak < GOAL_RSS_BYTES;
    console.log(
      `job: ${String(outputs.state)}, ${String(outputs.nodeCount)} nodes; up took ${ms(up.elapsedMs)} ` +
        `(the job: 3,000 s at ×150 ≈ 20 s; the wait's clock is real, so requests are those of a 20 s job)`,
    );
    console.log(
      `provider peak RSS: ${mb(peak)} (goal < 200 MB ${mark(okRss)}); for comparison, over the stack-scale ` +
        `runs: no-op provider ${mb(peakRss.noop)}, 100 PlanRuns ${mb(peakRss.plan)}`,
    );
    console.log(`resource state: ${kb(stateBytes)} (goal < 64 KB ${mark(okState)})`);
    console.log(
      `requests during up: ${requests.length} (${[...byKind].map(([k, n]) => `${k} ×${n}`).join(", ")})`,
    );
    summary(
      "4 huge job",
      `10,000 nodes: provider peak RSS ${mb(peak)} (goal < 200 MB ${mark(okRss)}), state ${kb(stateBytes)} ` +
        `(goal < 64 KB ${mark(okState)}), ${requests.length} requests`,
    );
  } finally {
    await stack.remove();
    await emu.stop();
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}\n`);
  const which = new Set((process.env.BENCH_STACK_PARTS ?? "scale,footprint,huge").split(","));
  if (which.has("scale") || which.has("footprint")) {
    const { planStack, noopStack, emu } = await stackScale();
    try {
      if (which.has("footprint")) await footprint(planStack, noopStack);
    } finally {
      await planStack.remove();
      await noopStack.remove();
      await emu.stop();
    }
  }
  if (which.has("huge")) await hugeJob();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

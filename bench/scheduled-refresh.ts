// Scheduled jobs (issue 20): the requests a `pulumi refresh` of 100 scheduled resources makes, through the real
// `pulumi` CLI (file backend) against the emulator, for each face. Goal: one list read of the schedules, not 100
// reads by id; and for their last runs' jobs, one list of recent jobs, not a read per job.
// Run (after `npx tsc -p tsconfig.build.json`, with `pulumi` on PATH):
//   npx ts-node --transpile-only bench/scheduled-refresh.ts
//   BENCH_FACES=dynamic,plugin (the default; either)   BENCH_SCHEDULES=100 (the default)
//
// Each face: one stack of N ScheduledTasks (package status on a node, daily from a start a minute ahead), `up`,
// a `refresh` before their first run, then a `refresh` after it (each lastRun then names a job and its state).
import type { Emulator } from "../emulator";
import { ScheduledJobsClient } from "../provider/pe";
import { adminClient, emulatorStack } from "../test/support/emulator-stack";
import { type Face, programFor, stackOptionsFor } from "../test/support/faces";
import type { TestStack } from "../test/support/test-stack";
import { machine, mark, ms, sleepMs, summary } from "./support/common";

const FACES = (process.env.BENCH_FACES ?? "dynamic,plugin").split(",") as Face[];
const COUNT = Number(process.env.BENCH_SCHEDULES ?? 100);
const SCHEDULED = "/orchestrator/v1/scheduled_jobs/environment_jobs";
const LEAD_MS = 60_000;

const program = `
import * as pulumi from "@pulumi/pulumi";
import { ScheduledTask } from "pulumi-pe-orchestrator";
const config = new pulumi.Config("bench");
const count = Number(config.require("count"));
for (let i = 0; i < count; i++)
  new ScheduledTask("s" + i, {
    task: "package",
    params: { action: "status", name: "pkg" + i },
    nodes: ["node1.example.com"],
    schedule: { startTime: config.require("start"), intervalSeconds: 86400 },
    description: "bench " + i,
  });
`;

interface Counts {
  list: number;
  byId: number;
  jobLists: number;
  jobReads: number;
  other: number;
  total: number;
  wallMs: number;
}

/** The requests the emulator answered during `run`, by what they read. */
async function counted(emu: Emulator, run: () => Promise<void>): Promise<Counts> {
  const from = emu.requests.length;
  const started = Date.now();
  await run();
  const wallMs = Date.now() - started;
  const made = emu.requests.slice(from);
  const is = (test: (path: string, method: string) => boolean) =>
    made.filter((r) => test(r.path, r.method)).length;
  const list = is((p, m) => m === "GET" && p === SCHEDULED);
  const byId = is((p, m) => m === "GET" && p.startsWith(`${SCHEDULED}/`));
  const jobLists = is((p, m) => m === "GET" && /\/orchestrator\/v1\/(plan_)?jobs$/.test(p));
  const jobReads = is((p, m) => m === "GET" && /\/orchestrator\/v1\/(plan_)?jobs\/\d+$/.test(p));
  return {
    list,
    byId,
    jobLists,
    jobReads,
    other: made.length - list - byId - jobLists - jobReads,
    total: made.length,
    wallMs,
  };
}

const line = (what: string, c: Counts) =>
  `  ${what.padEnd(28)} ${String(c.total).padStart(4)} requests: ${c.list} schedule list, ${c.byId} schedule by id, ` +
  `${c.jobLists} job list, ${c.jobReads} job by id, ${c.other} other (${ms(c.wallMs)})`;

async function ok(stack: TestStack, args: string[]): Promise<void> {
  const result = await stack.pulumi(args);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")}: ${result.stdout}${result.stderr}`);
}

async function bench(face: Face): Promise<{ before: Counts; after: Counts }> {
  const { emu, stack } = await emulatorStack({
    project: `bench-scheduled-${face}`,
    files: { "index.ts": programFor(face, program) },
    ...stackOptionsFor(face),
    emulator: { timeScale: 100 },
  });
  const pe = new ScheduledJobsClient(adminClient(emu));
  try {
    const start = new Date(Date.now() + LEAD_MS).toISOString();
    await stack.setConfig("bench:count", String(COUNT));
    await stack.setConfig("bench:start", start);
    await ok(stack, ["up", "--yes", "--skip-preview"]);
    const before = await counted(emu, () => ok(stack, ["refresh", "--yes", "--skip-preview"]));
    // wait for every schedule's first run
    const due = Date.parse(start);
    await sleepMs(Math.max(0, due - Date.now()));
    for (let i = 0; i < 120; i++) {
      const items = await pe.listAll();
      if (items.length >= COUNT && items.every((s) => s.last_run?.job?.name !== undefined)) break;
      await sleepMs(500);
    }
    await sleepMs(1000); // their jobs end (a package status on one node, at x100)
    const after = await counted(emu, () => ok(stack, ["refresh", "--yes", "--skip-preview"]));
    return { before, after };
  } finally {
    pe.orchestrator.close();
    await stack.remove();
    await emu.stop();
  }
}

async function main(): Promise<void> {
  console.log(`scheduled jobs: the requests of a refresh of ${COUNT} ScheduledTasks (${machine()})`);
  const summaries: string[] = [];
  for (const face of FACES) {
    const { before, after } = await bench(face);
    console.log(`${face}:`);
    console.log(line("refresh before any run", before));
    console.log(line("refresh after each ran once", after));
    const good = before.list === 1 && before.byId === 0 && after.list === 1 && after.byId === 0;
    summaries.push(
      `${face} ${before.total} requests (${before.list} list), after runs ${after.total} (${after.list} list, ` +
        `${after.jobLists} job list, ${after.jobReads} job reads) ${mark(good)}`,
    );
  }
  summary(`scheduled refresh of ${COUNT} (goal: 1 list read, not ${COUNT})`, summaries.join("; "));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

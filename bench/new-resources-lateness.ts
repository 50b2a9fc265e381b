// Benchmarks 1 and 2 for TaskRun and CodeDeploy (issue 13): how late after the job's (or code deploy's) end
// the resource's create returns, and how many requests it makes, beside what a user writes with curl.
// Run: npx ts-node --transpile-only bench/new-resources-lateness.ts [task] [code]   (no argument: both)
//
// TaskRun: the dynamic provider's own `providers.TaskRun.create`, in-process, against an in-process emulator
// over HTTPS (as bench/lateness.ts does for EnvironmentDeploy): 10 single-node runs of a task with no
// parameters, started 200 ms apart, for 2 s and 30 s tasks (each node's run time ±2% around it), in real time.
// - cold: a fresh orchestrator, no earlier job: nothing earlier to predict from (no PuppetDB is configured in
//   either mode: a node's agent runs say nothing about how long a task takes);
// - warm: the same runs again after a restart on the same state, every node's time changed by up to ±2%;
// - script: bench/curl-poll.sh POSTing /command/task, then GET /jobs/:id with `sleep 1` until terminal.
// The job's end is the emulator's (its recorded creation instant + its schedule's end, from its state file).
//
// CodeDeploy: `providers.CodeDeploy.create` of one environment against the emulator's Code Manager
// (/code-manager/v1, `settings.codeDeploySeconds` = 10), 10 deploys started 200 ms apart, each of its own
// environment (Code Manager runs deploys of one environment one after the other: ten of `production` would
// measure its queue), beside `curl -X POST /deploys` with `{"environments":[...],"wait":true}` (one held
// request). The deploy's end is the emulator's `endAt` (code-manager.json); lateness = answer − end.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator, type WorldInput } from "../emulator";
import { providers } from "../provider/dynamic";
import { mark, median, percentile, sleepMs, summary } from "./support/common";

const JOBS = 10;
const STAGGER_MS = 200;
const TASK_SECONDS = [2, 30];
const CODE_DEPLOY_SECONDS = 10;
const GOAL_P50_MS = 100;
const TASK = "bench::wait";

interface Sample {
  lateMs: number;
  requests: number;
}
type TaskResult = Record<"cold" | "warm" | "script", Sample[]>;
type CodeResult = Record<"provider" | "curl", Sample[]>;

/** ±2% around 1, one value per job; the rerun's is shuffled so no node keeps its run time. */
const spread = (i: number) => 1 + ((i / (JOBS - 1)) * 2 - 1) * 0.02;
const rerun = (i: number) => spread((i * 7 + 3) % JOBS);
const names = (prefix: string) => Array.from({ length: JOBS }, (_, i) => `${prefix}-${i}`);

function taskWorld(seconds: number, again: boolean): WorldInput {
  return {
    environments: [{ name: "production" }],
    nodes: [
      ...names("p").map((n, i) => ({
        certname: `${n}.example.com`,
        runSeconds: seconds * spread(i) * (again ? rerun(i) : 1),
      })),
      ...names("s").map((n, i) => ({ certname: `${n}.example.com`, runSeconds: seconds * spread(i) })),
    ],
    tasks: [{ name: TASK }],
    settings: { concurrency: 100 },
  };
}

function codeWorld(): WorldInput {
  return {
    environments: [...names("p"), ...names("s")].map((name) => ({ name })),
    nodes: [{ certname: "node1.example.com" }],
    settings: { codeDeploySeconds: CODE_DEPLOY_SECONDS },
  };
}

async function configure(emu: Emulator): Promise<void> {
  const config: Record<string, string> = {
    "pe:serviceUrl": emu.url,
    "pe:codeManagerUrl": emu.codeManagerUrl,
    "pe:cacert": emu.caFile,
    "pe:token": emu.adminToken,
  };
  const get = { get: (key: string) => config[key] };
  await providers.TaskRun.configure!({ config: get } as never);
}

/** When each job ended (epoch ms), from the emulator's state file (written on stop). */
function jobEnds(stateDir: string): Map<string, number> {
  const state = JSON.parse(fs.readFileSync(path.join(stateDir, "state.json"), "utf8")) as {
    jobs: Array<{ name: number; createdAt: number; nodes: Array<{ end: number }> }>;
  };
  return new Map(
    state.jobs.map((j) => [String(j.name), j.createdAt + Math.max(0, ...j.nodes.map((n) => n.end))]),
  );
}

/** When each code deploy ended (epoch ms), by environment, from the emulator's code-manager.json. */
function codeDeployEnds(stateDir: string): Map<string, number> {
  const state = JSON.parse(fs.readFileSync(path.join(stateDir, "code-manager.json"), "utf8")) as {
    deploys: Array<{ environment: string; endAt: number }>;
  };
  return new Map(state.deploys.map((d) => [d.environment, d.endAt]));
}

/**
 * Requests one create made: those about its own job, its POST, and its share of every request about no
 * one job (job lists, task metadata): the creates share one client.
 */
function requestsFor(job: string, seen: ReadonlyArray<{ path: string }>, creates: number): number {
  const own = seen.filter((r) => new RegExp(`/jobs/${job}(/|$)`).test(r.path)).length;
  const shared = seen.filter((r) => !/\/jobs\/\d+/.test(r.path) && !r.path.endsWith("/command/task")).length;
  return own + 1 + shared / creates;
}

async function staggered<T>(items: string[], run: (item: string) => Promise<T>): Promise<T[]> {
  return Promise.all(
    items.map(async (item, i) => {
      await sleepMs(i * STAGGER_MS);
      return run(item);
    }),
  );
}

const urn = (type: string, name: string) =>
  `urn:pulumi:bench::lateness::pulumi-nodejs:dynamic/pe-orchestrator:${type}::${name}`;

async function taskProvider(seconds: number, stateDir: string, again: boolean): Promise<Sample[]> {
  const emu = await startEmulator({ quiet: true, stateDir, world: taskWorld(seconds, again) });
  await configure(emu);
  const runs = await staggered(names("p"), async (n) => {
    const { id } = await providers.TaskRun.create({
      task: TASK,
      nodes: [`${n}.example.com`],
      __urn: urn("TaskRun", n),
    });
    return { job: id, returnedAt: Date.now() };
  });
  const seen = [...emu.requests];
  await emu.stop();
  const ends = jobEnds(stateDir);
  return runs.map((r) => ({
    lateMs: r.returnedAt - ends.get(r.job)!,
    requests: requestsFor(r.job, seen, runs.length),
  }));
}

function spawnLines(command: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out.trim().split("\n")) : reject(new Error(`${command} exited ${code}: ${out}`)),
    );
  });
}

/** The curl + sleep 1 script: lateness = its last answer − the job's end; requests = its lines. */
async function taskScript(seconds: number, stateDir: string): Promise<Sample[]> {
  const emu = await startEmulator({ quiet: true, stateDir, world: taskWorld(seconds, false) });
  const script = path.join(__dirname, "curl-poll.sh");
  const outputs = await staggered(names("s"), (n) => {
    const body = JSON.stringify({ task: TASK, params: {}, scope: { nodes: [`${n}.example.com`] } });
    return spawnLines("bash", [script, emu.url, emu.adminToken, emu.caFile, body, "1", "task"]);
  });
  await emu.stop();
  const ends = jobEnds(stateDir);
  return outputs.map((lines) => {
    const job = lines[0].split(" ")[3];
    const answeredAt = Number(lines[lines.length - 1].split(" ")[2]) * 1000;
    return { lateMs: answeredAt - ends.get(job)!, requests: lines.length };
  });
}

async function taskCase(seconds: number): Promise<TaskResult> {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "bench-task-")));
  try {
    const cold = await taskProvider(seconds, dirs[0], false);
    const warm = await taskProvider(seconds, dirs[0], true);
    const script = await taskScript(seconds, dirs[1]);
    return { cold, warm, script };
  } finally {
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
}

/** `curl` of POST /deploys with wait: true: one held request; prints when it was answered (epoch s). */
function curlDeploy(emu: Emulator, environment: string): Promise<string[]> {
  const body = JSON.stringify({ environments: [environment], wait: true });
  const cmd =
    `curl -sS --fail --cacert "$1" -H "X-Authentication: $2" -H "Content-Type: application/json" ` +
    `-X POST --data "$3" "$4/deploys" >/dev/null && echo $EPOCHREALTIME`;
  return spawnLines("bash", ["-c", cmd, "curl", emu.caFile, emu.adminToken, body, emu.codeManagerUrl]);
}

async function codeCase(): Promise<CodeResult> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-code-"));
  try {
    const emu = await startEmulator({ quiet: true, stateDir, world: codeWorld() });
    await configure(emu);
    const prov = await staggered(names("p"), async (env) => {
      await providers.CodeDeploy.create({ environments: [env], __urn: urn("CodeDeploy", env) });
      return { env, answeredAt: Date.now() };
    });
    const provRequests = emu.requests.length / JOBS;
    const before = emu.requests.length;
    const curl = await staggered(names("s"), async (env) => ({
      env,
      answeredAt: Number((await curlDeploy(emu, env))[0]) * 1000,
    }));
    const curlRequests = (emu.requests.length - before) / JOBS;
    await emu.stop();
    const ends = codeDeployEnds(stateDir);
    const late = (r: { env: string; answeredAt: number }, requests: number) => ({
      lateMs: r.answeredAt - ends.get(r.env)!,
      requests,
    });
    return {
      provider: prov.map((r) => late(r, provRequests)),
      curl: curl.map((r) => late(r, curlRequests)),
    };
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- parent: each case in its own process

/** Each case in a fresh process: no client, cache or history left over from another. */
function child<T>(which: string): T {
  const proc = spawnSync(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_NEW_RESOURCES_CASE: which },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const line = proc.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (proc.status !== 0 || !line) throw new Error(`case ${which} exited ${proc.status}\n${proc.stdout}`);
  return JSON.parse(line.slice("RESULT ".length)) as T;
}

function row(what: string, samples: Sample[], goal: string): string {
  const late = samples.map((s) => s.lateMs);
  const req = samples.map((s) => s.requests);
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  return (
    `| ${what} | ${Math.round(median(late))} ms | ${Math.round(percentile(late, 95))} ms | ${goal} | ` +
    `${fmt(median(req))} / ${fmt(Math.max(...req))} |`
  );
}

async function main(): Promise<void> {
  const own = process.env.BENCH_NEW_RESOURCES_CASE;
  if (own) {
    const result = own === "code" ? await codeCase() : await taskCase(Number(own));
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  const args = process.argv.slice(2);
  const want = (what: string) => args.length === 0 || args.includes(what);
  console.log(
    `== 1, 2 (TaskRun, CodeDeploy). lateness after the end and requests: create (in-process) vs curl\n` +
      `${JOBS} single-node task runs per mode and length, ${JOBS} one-environment code deploys (${CODE_DEPLOY_SECONDS} s)\n`,
  );
  console.log("| resource | mode | late p50 | late p95 | goal p50 | requests p50 / max |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  const figures: string[] = [];
  const missed: string[] = [];
  if (want("task")) {
    for (const seconds of TASK_SECONDS) {
      const r = child<TaskResult>(String(seconds));
      const scriptP50 = median(r.script.map((s) => s.lateMs));
      const p50 = (mode: "cold" | "warm") => median(r[mode].map((s) => s.lateMs));
      // cold: never behind the script; warm (predicted): also under 100 ms
      const coldOk = p50("cold") <= scriptP50;
      const warmLimit = Math.min(GOAL_P50_MS, scriptP50);
      const warmOk = p50("warm") < warmLimit;
      if (!coldOk) missed.push(`TaskRun ${seconds} s cold`);
      if (!warmOk) missed.push(`TaskRun ${seconds} s warm`);
      console.log(
        row(`TaskRun ${seconds} s | cold`, r.cold, `≤ ${Math.round(scriptP50)} ms ${mark(coldOk)}`),
      );
      console.log(
        row(`TaskRun ${seconds} s | warm`, r.warm, `< ${Math.round(warmLimit)} ms ${mark(warmOk)}`),
      );
      console.log(row(`TaskRun ${seconds} s | curl + sleep 1`, r.script, "–"));
      const fig = (s: Sample[]) =>
        `${Math.round(median(s.map((x) => x.lateMs)))} ms/${median(s.map((x) => x.requests))} req`;
      figures.push(`task ${seconds} s: cold ${fig(r.cold)}, warm ${fig(r.warm)}, script ${fig(r.script)}`);
    }
  }
  if (want("code")) {
    const r = child<CodeResult>("code");
    const curlP50 = median(r.curl.map((s) => s.lateMs));
    const provP50 = median(r.provider.map((s) => s.lateMs));
    const ok = provP50 <= curlP50;
    if (!ok) missed.push("CodeDeploy");
    console.log(
      row(
        `CodeDeploy ${CODE_DEPLOY_SECONDS} s | create`,
        r.provider,
        `≤ ${Math.round(curlP50)} ms ${mark(ok)}`,
      ),
    );
    console.log(row(`CodeDeploy ${CODE_DEPLOY_SECONDS} s | curl wait: true`, r.curl, "–"));
    figures.push(
      `code deploy: create ${Math.round(provP50)} ms/${median(r.provider.map((s) => s.requests))} req, curl ${Math.round(curlP50)} ms/1 req`,
    );
  }
  const verdict = missed.length === 0 ? "✓ all goals met" : `✗ missed: ${missed.join(", ")}`;
  console.log(`\n${verdict}`);
  summary("1-2 TaskRun/CodeDeploy lateness/requests", `${figures.join("; ")} — ${verdict}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { defaultWorld, type WorldInput } from "../../emulator";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import { type Face, forEachFace, programFor, stackOptionsFor, typeOf } from "../support/faces";
import type { CommandResult } from "../support/test-stack";
import { itEachSideBySide, output, type ScenarioRun, scoreScenario, waitUntil } from "./support/reliability";

// `pulumi up` interrupted while it waits on a deploy and a plan run that would take a minute each, through the
// real engine and either face: Ctrl-C (SIGINT) ends `up` within 2 s and a CI runner's SIGTERM within 10 s, with
// the running jobs recorded, and the next `up` waits for them without starting others; with stopOnCancel the
// jobs are stopped instead; `kill -9` of `pulumi` leaves no process behind, and the next `up` takes the jobs.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";
const stopOnCancel = new pulumi.Config("demo").getBoolean("stopOnCancel");
const deploy = new EnvironmentDeploy("web", {
  environment: "production",
  nodes: ["node1.example.com", "node2.example.com", "node3.example.com", "node4.example.com", "node5.example.com"],
  concurrency: 1,
  stopOnCancel,
});
const plan = new PlanRun("minute", { planName: "demo::minute", stopOnCancel });
export const deployJob = deploy.jobId;
export const deployState = deploy.state;
export const planJob = plan.jobId;
export const planState = plan.state;
`;
const EXPECTED_JOBS = 2;
/** Real time: the deploy runs five 12 s Puppet runs one after the other, the plan 60 s. */
const world: WorldInput = {
  ...defaultWorld,
  settings: { ...defaultWorld.settings, runSeconds: 12 },
  plans: [...(defaultWorld.plans ?? []), { name: "demo::minute", seconds: 60, result: "done" }],
};
/** How long `up` may take to end after the signal; one Ctrl-C (SIGINT) ends it within 2 s, through either face. */
const END_WITHIN_MS = 10_000;
const CTRL_C_ENDS_WITHIN_MS = 2_000;
/** How long the processes `pulumi` started may outlive it after a `kill -9`. */
const GONE_WITHIN_MS = 10_000;
const CONCURRENCY = 4;

type Setup = ScenarioRun & { face: Face };

/** `pulumi up` in the background; resolves `started` once both waits poll, and `done` with its result. */
function upUntilWaiting(s: Setup) {
  const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
    cwd: s.stack.dir,
    env: s.stack.environment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const started = Date.now();
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const result = { code: code ?? -1, stdout, stderr, elapsedMs: Date.now() - started };
      s.outputs.push(result);
      resolve(result);
    });
  });
  // both waits poll, and sleep for a while: the signal lands mid-wait, not mid-request
  const waiting = waitUntil(
    () =>
      s.emu.requests.some((r) => /\/jobs\/\d+/.test(r.path)) &&
      s.emu.requests.some((r) => /\/plan_jobs\/\d+/.test(r.path)),
    "both waits started",
  ).then(() => new Promise((resolve) => setTimeout(resolve, 1500)));
  return { child, done, waiting };
}

/** The jobs recorded in state, by resource name. */
async function recorded(s: Setup): Promise<Record<string, { id?: string; state?: unknown }>> {
  const state = await s.stack.exportState();
  const types = [typeOf(s.face, "EnvironmentDeploy"), typeOf(s.face, "PlanRun")];
  return Object.fromEntries(
    (state.deployment.resources ?? [])
      .filter((r) => types.includes(r.type))
      .map((r) => [r.urn.split("::").pop() ?? "", { id: r.id, state: r.outputs?.state }]),
  );
}

/**
 * The status line of a resource waiting on `job` ("PlanRun: plan job 1"): "started" comes first, and the
 * elapsed time of the running lines never goes back and moves at least every 5 s.
 */
function assertLiveStatus(text: string, job: string): void {
  const started = text.indexOf(`${job} started`);
  const firstRunning = text.indexOf(`${job} running (`);
  if (started >= 0) assert.ok(started < firstRunning, `"started" after a progress line:\n${text}`);
  const seconds = [...text.matchAll(new RegExp(`${job} running \\((\\d+)s\\)`, "g"))].map((m) =>
    Number(m[1]),
  );
  assert.ok(seconds.length >= 5, `status lines: ${seconds.join(", ")}`);
  for (let i = 1; i < seconds.length; i++) {
    assert.ok(seconds[i] >= seconds[i - 1], `back in time: ${seconds.join(", ")}`);
    assert.ok(seconds[i] - seconds[i - 1] <= 5, `frozen for more than 5 s: ${seconds.join(", ")}`);
  }
}

/** Signals `pulumi` mid-wait and checks that `up` ended within 10 s (2 s for Ctrl-C); returns its result. */
async function interrupt(s: Setup, signal: NodeJS.Signals): Promise<CommandResult & { endedMs: number }> {
  const up = upUntilWaiting(s);
  await up.waiting;
  const sentAt = Date.now();
  up.child.kill(signal);
  const result = await up.done;
  const tookMs = Date.now() - sentAt;
  const within = signal === "SIGINT" ? CTRL_C_ENDS_WITHIN_MS : END_WITHIN_MS;
  assert.ok(tookMs <= within, `up ended ${tookMs} ms after ${signal}\n${output(result)}`);
  assert.notEqual(result.code, 0, output(result));
  return { ...result, endedMs: tookMs };
}

/** A cancelled `up` recorded both jobs as running; the next `up` waits for them and starts none. */
function cancelled(signal: NodeJS.Signals) {
  return async (s: Setup): Promise<string> => {
    const first = await interrupt(s, signal);
    const text = output(first);
    assert.match(
      text,
      /EnvironmentDeploy: cancelled; job 1 keeps running in PE \(state running, https:\/\/[^)]+\/jobs\/1\); the next `pulumi up` waits for it \(or `pulumi refresh` reads it\)/,
    );
    assert.match(
      text,
      /PlanRun: cancelled; plan job 1 keeps running in PE \(state running, https:\/\/[^)]+\/plan_jobs\/1\)/,
    );
    assert.deepEqual(await recorded(s), {
      web: { id: "1", state: "running" },
      minute: { id: "1", state: "running" },
    });
    const client = adminClient(s.emu);
    try {
      assert.equal((await client.getJob("1")).state, "running", "the job keeps running in PE");
      assert.equal((await client.getPlanJob("1")).state, "running");
    } finally {
      client.close();
    }
    const next = await s.stack.up();
    s.outputs.push(next);
    assert.equal(next.code, 0, output(next));
    assert.deepEqual(await s.stack.outputs(), {
      deployJob: "1",
      deployState: "finished",
      planJob: "1",
      planState: "success",
    });
    assert.equal(commandRequests(s.emu).length, EXPECTED_JOBS, "no second job");
    // the next up waited most of a minute: its status lines kept moving
    assertLiveStatus(output(next), "PlanRun: plan job 1");
    return `up ended ${(first.endedMs / 1000).toFixed(1)} s after ${signal}; next up waited for jobs 1`;
  };
}

const scenarios: Array<{ name: string; run(s: Setup): Promise<string> }> = [
  { name: "interrupts: Ctrl-C (SIGINT) mid-wait", run: cancelled("SIGINT") },
  { name: "interrupts: SIGTERM mid-wait", run: cancelled("SIGTERM") },
  {
    name: "interrupts: Ctrl-C with stopOnCancel",
    async run(s) {
      await s.stack.setConfig("demo:stopOnCancel", "true");
      const first = await interrupt(s, "SIGINT");
      const text = output(first);
      assert.match(text, /EnvironmentDeploy: cancelled; job 1 was stopped in PE \(stopOnCancel\)/);
      assert.match(text, /PlanRun: cancelled; plan job 1 was stopped in PE \(stopOnCancel\)/);
      assert.ok(commandRequests(s.emu).some((p) => p.endsWith("/command/stop")));
      assert.ok(commandRequests(s.emu).some((p) => p.endsWith("/command/stop_plan")));
      // the running Puppet run completes (a stop is not a kill), the queued ones are skipped
      const client = adminClient(s.emu);
      try {
        await waitUntil(
          async () => (await client.getJob("1")).state === "stopped",
          "the deploy ends stopped",
          30_000,
        );
        const plan = await client.getPlanJob("1");
        assert.equal(plan.state, "failure");
        assert.match(JSON.stringify(plan.result), /plan-stopped/);
      } finally {
        client.close();
      }
      // the next up records how they ended (stopped jobs are failures) and starts nothing; both fail, so
      // --continue-on-error lets the engine update the second after the first failed (their order is a race)
      const next = await s.stack.up(["--continue-on-error"]);
      s.outputs.push(next);
      assert.notEqual(next.code, 0, output(next));
      assert.match(output(next), /job 1 had failed \(state stopped\)/);
      assert.equal(commandRequests(s.emu).filter((p) => /deploy|plan_run/.test(p)).length, EXPECTED_JOBS);
      return `up ended ${(first.endedMs / 1000).toFixed(1)} s after SIGINT, jobs stopped; next up recorded them`;
    },
  },
  {
    name: "interrupts: kill -9 of pulumi mid-wait",
    async run(s) {
      const up = upUntilWaiting(s);
      await up.waiting;
      const started = descendants(up.child.pid!);
      assert.ok(started.length >= 3, `the engine's plugins and program: ${started.join(", ")}`);
      up.child.kill("SIGKILL");
      await up.done;
      const killedAt = Date.now();
      await waitUntil(
        () => alive(started).length === 0,
        "no process pulumi started is alive",
        GONE_WITHIN_MS,
      );
      const goneMs = Date.now() - killedAt;
      // the user recovers as the engine asks (see "After a crash" in the README)
      await s.stack.pulumiOk(["cancel", "--yes"]);
      await s.stack.pulumiOk(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
      const next = await s.stack.up();
      s.outputs.push(next);
      assert.equal(next.code, 0, output(next));
      assert.match(output(next), /started by an interrupted run/);
      assert.deepEqual(await s.stack.outputs(), {
        deployJob: "1",
        deployState: "finished",
        planJob: "1",
        planState: "success",
      });
      return `all ${started.length} processes gone ${(goneMs / 1000).toFixed(1)} s after the kill; next up took jobs 1`;
    },
  },
];

/** Process ids under `root` (its children, theirs, ...), from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents)
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
  };
  walk(root);
  return found;
}

/** Those of `pids` still running (a zombie has exited). */
function alive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
      return false;
    }
  });
}

/** A scenario's name as the scoreboard shows it: the plugin's rows say so. */
const titleOf = (face: Face, scenario: (typeof scenarios)[number]) =>
  face === "dynamic" ? scenario.name : `${scenario.name} (plugin)`;

async function runScenario(face: Face, scenario: (typeof scenarios)[number]): Promise<void> {
  const { emu, stack } = await emulatorStack({
    project: "interrupts",
    files: { "index.ts": programFor(face, program) },
    emulator: { world, timeScale: 1 },
    ...stackOptionsFor(face),
  });
  const s: Setup = { emu, stack, outputs: [], face };
  await scoreScenario(titleOf(face, scenario), s, () => scenario.run(s), { expectedJobs: EXPECTED_JOBS });
}

forEachFace((face) =>
  describe(`reliability: Ctrl-C, SIGTERM and kill -9 of \`pulumi up\` mid-wait (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    // each scenario mostly waits on a minute-long job: run them side by side
    itEachSideBySide(
      scenarios,
      (scenario) => titleOf(face, scenario),
      (scenario) => runScenario(face, scenario),
      CONCURRENCY,
    );
  }),
);

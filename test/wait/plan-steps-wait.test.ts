import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { JobWaitError, type OrchestratorClient, planTaskJobIds, stopPlanJob } from "../../provider/pe";
import { type WaitProgress, waitForPlanJob } from "../../provider/wait";
import { describePlanError } from "../../provider/kinds/describe-plan-error";
import { clientFor, startTestEmulator } from "../support/emulator";

// The plan wait against plans whose steps run as task jobs: progress names the running step and its node counts,
// the result lists the task jobs, and a stop at the deadline stops the plan AND the task job it left running.
describe("waitForPlanJob: plan steps as task jobs", () => {
  let emu: Emulator;
  let client: OrchestratorClient;

  before(async () => {
    emu = await startTestEmulator({ timeScale: 20 }); // a canary step (10 s) takes 0.5 s
    client = clientFor(emu);
  });
  after(async () => {
    client?.close();
    await emu?.stop();
  });

  it("reports the running step and its task job's node counts, and returns taskJobIds", async () => {
    const run = await client.planRun({
      plan_name: "canary",
      params: { nodes: ["node1.example.com", "node2.example.com", "node5.example.com"], command: "uptime" },
    });
    const progress: WaitProgress[] = [];
    const done = await waitForPlanJob(client, run.name, {
      onProgress: (p) => progress.push(p),
      poll: { maxMs: 100 },
      history: false,
    });
    assert.equal(done.state, "success");
    assert.equal(done.taskJobIds.length, 2);
    // The same jobs from the plan's `*_start` events alone (a record without `status`).
    assert.deepEqual(await planTaskJobIds(client, run.name), done.taskJobIds);
    const jobs = await Promise.all(done.taskJobIds.map((id) => client.getJob(id)));
    for (const job of jobs) assert.equal(job.options?.plan_job, Number(run.name));
    const steps = progress.filter((p) => p.step).map((p) => p.step!);
    assert.deepEqual([...new Set(steps.map((s) => s.jobName))], done.taskJobIds, "each step in turn");
    const second = progress.find((p) => p.step?.number === 2 && p.step.nodeCount !== undefined);
    assert.ok(second, JSON.stringify(progress));
    assert.equal(second.step?.action, "command");
    assert.equal(second.step?.nodeCount, 2, "the rest: node2 and node5");
    const counted = Object.values(second.nodeStates).reduce((a, b) => a + b, 0);
    assert.equal(counted, 2, `node counts are the step's: ${JSON.stringify(second.nodeStates)}`);
  });

  it("reads the running step's task job when the step starts, then at most once a second", async () => {
    const run = await client.planRun({
      plan_name: "canary",
      params: { nodes: ["node1.example.com", "node2.example.com"], command: "uptime" },
    });
    const before = emu.requests.length;
    // polls every 50 to 100 ms: without the bound, each would read the step's job too
    const done = await waitForPlanJob(client, run.name, { poll: { maxMs: 100 }, history: false });
    assert.equal(done.state, "success");
    const made = emu.requests.slice(before);
    const polls = made.filter((r) => r.path === `/orchestrator/v1/plan_jobs/${run.name}/events`).length;
    for (const jobName of done.taskJobIds) {
      const reads = made.filter((r) => r.method === "GET" && r.path === `/orchestrator/v1/jobs/${jobName}`);
      const spanMs = reads.length > 1 ? reads.at(-1)!.at - reads[0].at : 0;
      assert.ok(reads.length >= 1, `step job ${jobName} read`);
      assert.ok(reads.length <= 1 + Math.floor(spanMs / 1000) + 1, `${reads.length} reads in ${spanMs} ms`);
    }
    assert.ok(
      polls > done.taskJobIds.length * 2,
      `${polls} event polls: the wait polled more often than it read`,
    );
  });

  it("at the deadline stops the plan and the task job it left running, and the error lists it", async () => {
    const run = await client.planRun({
      plan_name: "demo::sleep",
      params: { targets: ["node1.example.com", "node2.example.com"] },
    });
    let taskJob: string | undefined;
    await assert.rejects(
      waitForPlanJob(client, run.name, {
        timeoutMs: 400,
        history: false,
        onProgress: (p) => (taskJob ??= p.step?.jobName),
      }),
      (e: Error) => {
        assert.ok(e instanceof JobWaitError, String(e));
        assert.equal(e.reason, "deadline");
        assert.equal(e.stopped, true);
        assert.equal(e.taskJobsStopped.length, 1);
        assert.match(
          e.message,
          /the job was stopped, and so were the task job it started and left running: \d+/,
        );
        taskJob = e.taskJobsStopped[0];
        return true;
      },
    );
    const stopPosts = emu.requests.filter((r) => r.method === "POST" && r.path.endsWith("/command/stop"));
    assert.equal(stopPosts.length, 1);
    const job = await client.getJob(taskJob!);
    assert.match(job.state, /stopping|stopped/);
    assert.equal(job.options?.plan_job, Number(run.name));
    const plan = await waitForPlanJob(client, run.name, { history: false });
    assert.equal(plan.state, "failure");
    assert.deepEqual(plan.taskJobIds, [taskJob]);
    assert.equal((await client.getJob(taskJob!)).state, "stopped");
  });

  it("stopPlanJob leaves finished task jobs alone", async () => {
    const run = await client.planRun({
      plan_name: "canary",
      params: { nodes: ["node3.example.com"], command: "true" },
    });
    const done = await waitForPlanJob(client, run.name, { history: false });
    const outcome = await stopPlanJob(client, run.name);
    assert.deepEqual(outcome, { taskJobsStopped: [], taskJobsNotStopped: [] });
    assert.equal((await client.getJob(done.taskJobIds[0])).state, "finished");
  });

  it("a failed plan's description names the failed step, its targets and their messages", async () => {
    const run = await client.planRun({
      plan_name: "canary",
      params: { nodes: ["node1.example.com", "offline.example.com", "node2.example.com"], command: "whoami" },
    });
    const done = await waitForPlanJob(client, run.name, { history: false });
    assert.equal(done.state, "failure");
    const error = done.error!;
    const line = describePlanError({
      error: { kind: error.kind ?? null, msg: error.msg ?? null, details: error.details as never },
      taskJobIds: done.taskJobIds,
    });
    assert.match(line, /^plan error bolt\/run-failure: Plan failed: run_command 'whoami' failed on 1 target/);
    assert.match(line, /failed step: run_command 'whoami'/);
    assert.match(
      line,
      /failed on 1: offline\.example\.com \(Error running command on offline\.example\.com: .*not connected/,
    );
    assert.doesNotMatch(line, /node2\.example\.com \(/, "targets that succeeded are not listed");
    assert.match(line, new RegExp(`task jobs: ${done.taskJobIds.join(", ")}$`));
  });
});

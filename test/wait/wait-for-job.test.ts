import * as assert from "node:assert/strict";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../emulator";
import { type Job, JobWaitError, type OrchestratorClient } from "../../provider/pe";
import { type WaitProgress, waitForJob, waitForPlanJob } from "../../provider/wait";
import { clientFor, startTestEmulator, testWorld } from "../support/emulator";

/** A full garbage collection, without starting node with --expose-gc. */
v8.setFlagsFromString("--expose-gc");
const forceGc = vm.runInNewContext("gc") as () => void;

describe("waitForJob / waitForPlanJob against the emulator", () => {
  let emu: Emulator;
  let client: OrchestratorClient;

  before(async () => {
    emu = await startTestEmulator({ timeScale: 60 }); // a 30 s Puppet run takes 0.5 s
    client = clientFor(emu);
  });
  after(async () => {
    client?.close();
    await emu?.stop();
  });

  it("waits for a deploy that succeeds, reporting progress per state change", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com", "node4.example.com"] },
    });
    const progress: WaitProgress[] = [];
    const result = await waitForJob(client, job.name, { onProgress: (p) => progress.push(p) });
    assert.equal(result.state, "finished");
    assert.deepEqual(result.nodeStates, { finished: 2 });
    assert.equal(result.nodes.total, 2);
    assert.ok(result.requests >= 3 && result.requests < 25, `${result.requests} requests`);
    assert.equal(progress[0].state, "running");
    assert.equal(progress.at(-1)?.state, "finished");
    assert.match(progress.at(-1)?.lastMessage ?? "", /./);
    assert.ok(progress.some((p) => p.nodeStates.running === 2));
  });

  it("waits for a deploy that fails and lists the failed node", async () => {
    const { job } = await client.deploy({
      environment: "development",
      scope: { nodes: ["node3.example.com", "node1.example.com"] },
    });
    const result = await waitForJob(client, job.name);
    assert.equal(result.state, "failed");
    assert.equal(result.nodes.failed[0].name, "node3.example.com");
    assert.equal(result.nodes.failed[0].status, "failed");
  });

  it("tolerates stopping and ends on stopped", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com"] },
    });
    const states: string[] = [];
    // polls every 50 ms: the stop's short `stopping` state is seen
    const waiting = waitForJob(client, job.name, {
      onProgress: (p) => states.push(p.state),
      poll: { unpredictedMs: 50 },
    });
    await new Promise((r) => setTimeout(r, 100));
    await client.stop(job.name);
    const result = await waiting;
    assert.equal(result.state, "stopped");
    assert.ok(states.includes("stopping"), states.join(","));
  });

  it("stops a job that outlives the deadline and names it in the error", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node2.example.com"] },
    });
    await assert.rejects(waitForJob(client, job.name, { timeoutMs: 150 }), (e: Error) => {
      assert.ok(e instanceof JobWaitError);
      assert.equal(e.reason, "deadline");
      assert.equal(e.stopped, true);
      assert.match(
        e.message,
        new RegExp(
          `job ${job.name} \\(${emu.apiUrl}/jobs/${job.name}\\) did not finish .*the job was stopped`,
        ),
      );
      return true;
    });
    assert.ok(emu.requests.some((r) => r.method === "POST" && r.path.endsWith("/command/stop")));
    assert.match((await client.getJob(job.name)).state, /stopping|stopped/);
  });

  it("stops a plan job that outlives the deadline with stop_plan", async () => {
    const run = await client.planRun({ plan_name: "demo::slow" });
    await assert.rejects(
      waitForPlanJob(client, run.name, { timeoutMs: 100 }),
      /plan job \d+ .* the job was stopped/,
    );
    const final = await waitForPlanJob(client, run.name);
    assert.equal(final.state, "failure");
  });

  it("honours an AbortSignal and says the job may still be running", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com"] },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    await assert.rejects(waitForJob(client, job.name, { signal: controller.signal }), (e: Error) => {
      assert.ok(e instanceof JobWaitError);
      assert.equal(e.reason, "aborted");
      assert.match(e.message, /wait was cancelled.*may still be running/);
      return true;
    });
  });

  it("returns a plan's result, a failed plan's error, and waits through pending", async () => {
    const ok = await client.planRun({
      plan_name: "canary",
      params: { nodes: ["node1.example.com"], command: "id" },
    });
    const done = await waitForPlanJob(client, ok.name);
    assert.equal(done.state, "success");
    // Bolt's canary returns a ResultSet; its one step ran as a task job of the plan.
    assert.deepEqual(
      (done.result as Array<{ target: string; status: string }>).map((r) => `${r.target} ${r.status}`),
      ["node1.example.com success"],
    );
    assert.equal(done.taskJobIds.length, 1);
    assert.equal((await client.getJob(done.taskJobIds[0])).options?.plan_job, Number(ok.name));

    const bad = await client.planRun({ plan_name: "demo::fail" });
    const failed = await waitForPlanJob(client, bad.name);
    assert.equal(failed.state, "failure");
    assert.equal(failed.error?.kind, "bolt/run-failure");

    const pending = await client.planRun({ plan_name: "demo::pending" });
    const states: string[] = [];
    const after = await waitForPlanJob(client, pending.name, { onProgress: (p) => states.push(p.state) });
    assert.equal(after.state, "success");
    assert.equal(states[0], "pending");
  });

  it("re-reads the token file once when the token expires mid-wait", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pe-token-"));
    const file = join(dir, "token");
    writeFileSync(file, "ops-token-1\n");
    const viaFile = clientFor(emu, { token: undefined, tokenFile: file });
    const { job } = await viaFile.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com"] },
    });
    setTimeout(() => {
      emu.expireToken("ops-token-1");
      writeFileSync(file, "ops-token-2\n"); // what puppet-access login does
    }, 100);
    const result = await waitForJob(viaFile, job.name);
    assert.equal(result.state, "finished");

    // expired again and nobody logged in: the wait fails, says so, and names the still-running job
    const second = await viaFile.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com"] },
    });
    setTimeout(() => emu.expireToken("ops-token-2"), 100);
    await assert.rejects(waitForJob(viaFile, second.job.name), (e: Error) => {
      assert.ok(e instanceof JobWaitError);
      assert.equal(e.reason, "request-failed");
      assert.match(
        e.message,
        /could not be polled: .*401 puppetlabs\.rbac\/token-expired.*puppet-access login.*may still be running/,
      );
      return true;
    });
    viaFile.close();
  });

  it("predicts the end from the previous run of the same deploy (one GET /jobs, which also gives the record)", async () => {
    const deploy = () =>
      client.deploy({ environment: "production", scope: { nodes: ["node5.example.com"] } });
    const first = await waitForJob(client, (await deploy()).job.name);
    const before = emu.requests.length;
    const second = await waitForJob(client, (await deploy()).job.name);
    assert.equal(second.estimate?.source, "history");
    assert.equal(second.estimate?.durationMs, (first.job.duration ?? 0) * 1000);
    const made = emu.requests.slice(before).filter((r) => r.method === "GET");
    assert.equal(made.filter((r) => r.path.endsWith("/jobs")).length, 1);
    assert.equal(made[0].path, "/orchestrator/v1/jobs", "the list is the first request");
    // the next request is the first poll, in the predicted end's window (the job takes 0.5 s)
    assert.ok(made[1].at - made[0].at >= 300, "no separate record read");
  });

  it("predicts a deploy no job resembles from its nodes' last Puppet runs (one PuppetDB query)", async () => {
    const fresh = await startTestEmulator({ timeScale: 60 });
    const viaPdb = clientFor(fresh, { puppetdbUrl: fresh.url });
    try {
      const { job } = await viaPdb.deploy({
        environment: "production",
        scope: { nodes: ["node1.example.com", "node2.example.com"] },
      });
      const result = await waitForJob(viaPdb, job.name);
      assert.equal(result.state, "finished");
      // each node's scheduled agent run: 30 world seconds, 500 ms at ×60
      assert.equal(result.estimate?.basis, "each node's last Puppet run (PuppetDB)");
      assert.equal(result.estimate?.durationMs, 500);
      assert.equal(fresh.requests.filter((r) => r.path.startsWith("/pdb/query/v4")).length, 1);
      const other = await viaPdb.deploy({
        environment: "production",
        scope: { nodes: ["node3.example.com"] },
      });
      const again = await waitForJob(viaPdb, other.job.name, { history: false });
      assert.equal(again.estimate, undefined, "history: false asks PuppetDB nothing either");
      assert.equal(fresh.requests.filter((r) => r.path.startsWith("/pdb/query/v4")).length, 1);
      // a PuppetDB that does not answer within a second: the wait goes on without it
      fresh.setFaults({ rules: [{ method: "POST", path: "^/pdb/", action: "latency", ms: 5000 }] });
      const slow = await viaPdb.deploy({
        environment: "production",
        scope: { nodes: ["node3.example.com", "node4.example.com", "node5.example.com"] },
      });
      const started = Date.now();
      // a garbage collection while the look-up is held must not lose its time bound (it once did: a collected
      // `AbortSignal.timeout` inside `AbortSignal.any` never fires)
      const collect = setTimeout(forceGc, 200);
      const unpredicted = await waitForJob(viaPdb, slow.job.name);
      clearTimeout(collect);
      fresh.setFaults({ rules: [] });
      assert.notEqual(
        unpredicted.estimate?.source,
        "history",
        `no such job before, no PuppetDB answer in time: ${JSON.stringify(unpredicted.estimate)}`,
      );
      assert.ok(Date.now() - started < 4000, `${Date.now() - started} ms`);
    } finally {
      viaPdb.close();
      await fresh.stop();
    }
  });

  it("a wait with nothing to predict from predicts from a like job that ends meanwhile (recentNow)", async () => {
    const fresh = await startTestEmulator({ timeScale: 10 }); // a 30 s Puppet run takes 3 s
    const viaFresh = clientFor(fresh);
    try {
      const { first, second } = await likeJobsSideBySide(viaFresh);
      assert.equal(first.estimate, undefined, "nothing predicted the first");
      assert.equal(second.estimate?.source, "history", `the second: ${JSON.stringify(second.estimate)}`);
    } finally {
      viaFresh.close();
      await fresh.stop();
    }
  });

  it("a job that outlives what a like job predicted on the way goes back to the 1 s grid, not sparser", async () => {
    // ×10: node1's run takes 3 s, node2's 6 s. The second wait learns 3 s from the first job by its 2 s poll,
    // outlives it, and must see its own end within a grid interval, not after the overrun's longer polls.
    const fresh = await startTestEmulator({
      timeScale: 10,
      world: {
        ...testWorld,
        nodes: [
          { certname: "node1.example.com", runSeconds: 30 },
          { certname: "node2.example.com", runSeconds: 60 },
        ],
      },
    });
    const viaFresh = clientFor(fresh);
    try {
      const { second } = await likeJobsSideBySide(viaFresh);
      const late = Date.now() - Date.parse(second.job.finished_timestamp ?? "");
      const reads = fresh.requests.filter(
        (r) => r.path === `/orchestrator/v1/jobs/${second.job.name}`,
      ).length;
      // it learnt 3 s: polls around 3 s (σ = 30 ms apart; 10 reads in all) where the grid alone makes 7 or 8
      assert.ok(reads >= 9, `${reads} record reads: nothing was learnt`);
      assert.equal(second.estimate, undefined, "the prediction it outlived is dropped");
      assert.ok(late < 1500, `seen ${late} ms after its end`);
    } finally {
      viaFresh.close();
      await fresh.stop();
    }
  });

  it("makes no history request with history: false, and takes an environment hint", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node5.example.com"] },
    });
    const before = emu.requests.length;
    const result = await waitForJob(client, job.name, { history: false });
    assert.equal(result.estimate, undefined);
    assert.ok(!emu.requests.slice(before).some((r) => r.path === "/orchestrator/v1/jobs"));
    const next = await client.deploy({ environment: "production", scope: { nodes: ["node5.example.com"] } });
    const hinted = await waitForJob(client, next.job.name, { history: { environment: "development" } });
    // no run of this scope in development, but the node ran Puppet in production: that predicts it
    assert.equal(hinted.estimate?.basis, "same nodes, other job");
    await assert.rejects(
      waitForJob(client, next.job.name, { history: { environment: "" } }),
      /wait option history.*environment/,
    );
  });

  it("waits as before when the server refuses the history list", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node5.example.com"] },
    });
    emu.setFaults({ rules: [{ method: "GET", path: "/jobs$", action: "error", status: 403, count: 1 }] });
    const result = await waitForJob(client, job.name);
    emu.setFaults({ rules: [] });
    assert.equal(result.state, "finished");
    assert.equal(result.estimate, undefined);
  });

  it("predicts a plan job's end from the last successful run of the same plan", async () => {
    await waitForPlanJob(
      client,
      (await client.planRun({ plan_name: "facts::info", params: { targets: ["node1.example.com"] } })).name,
    );
    const second = await waitForPlanJob(
      client,
      (await client.planRun({ plan_name: "facts::info", params: { targets: ["node1.example.com"] } })).name,
      {
        history: { planName: "facts::info" },
      },
    );
    assert.equal(second.state, "success");
    assert.equal(second.estimate?.source, "history");
  });

  it("extrapolates a deploy's end from its waves of nodes", async () => {
    const { job } = await client.deploy({
      environment: "production",
      concurrency: 2,
      scope: {
        nodes: [
          "node1.example.com",
          "node2.example.com",
          "node4.example.com",
          "node5.example.com",
          "node3.example.com",
        ],
      },
    });
    const estimates: number[] = [];
    const result = await waitForJob(client, job.name, {
      history: false,
      onProgress: (p) => {
        if (p.estimate?.source === "progress") estimates.push(p.estimate.durationMs);
      },
    });
    assert.equal(result.state, "finished");
    // three waves of 0.5 s: once the first has finished the prediction is about 1.5 s (a poll that comes late on
    // a loaded machine may later see runs overdue and stretch it, which is not what this checks)
    assert.ok(estimates.length > 0, "a progress estimate was made");
    assert.ok(
      estimates.some((ms) => ms > 1200 && ms < 2200),
      `predicted ${estimates.join(", ")} ms`,
    );
  });

  it("summarises a 10,000-node job without listing every node", async function () {
    this.timeout(120_000);
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({
      certname: `n${i}.example.com`,
      runSeconds: 1,
      ...(i % 1000 === 7
        ? { runs: { production: { status: "failed" as const, message: `broken ${i}` } } }
        : {}),
    }));
    const big = await startTestEmulator({
      timeScale: 1000,
      world: { ...testWorld, settings: { concurrency: 10_000, runSeconds: 1 }, nodes },
    });
    try {
      const c = clientFor(big);
      const { job } = await c.deploy({ environment: "production", scope: { query: "nodes[certname] { }" } });
      const result = await waitForJob(c, job.name, { nodeSummaryLimit: 5 });
      assert.equal(result.state, "failed");
      assert.equal(result.nodes.total, 10_000);
      assert.deepEqual(result.nodes.counts, { finished: 9990, failed: 10 });
      assert.equal(result.nodes.failed.length, 5);
      assert.equal(result.nodes.others.length, 5);
      assert.equal(result.nodes.truncated, true);
      c.close();
    } finally {
      await big.stop();
    }
  });
});

/**
 * Two one-node deploys 2.2 s apart (node1, then node2), waited for side by side with nothing to predict from but
 * the list the waits share: empty at the start, then the first job once its wait has seen it end. Both waits
 * start with the second job and poll 1, 2, 3… s later: a 3 s first job, 0.8 s from its end then, is seen at
 * the first poll, a second before the second wait's poll at 2 s.
 */
async function likeJobsSideBySide(client: OrchestratorClient) {
  const deploy = (node: string) =>
    client.deploy({ environment: "production", scope: { nodes: [node] } }).then((r) => r.job.name);
  const firstJob = await deploy("node1.example.com");
  await new Promise((resolve) => setTimeout(resolve, 2200));
  const secondJob = await deploy("node2.example.com");
  const seenEnd: Job[] = [];
  const shared = { recent: async () => [], recentNow: () => seenEnd };
  const [first, second] = await Promise.all([
    waitForJob(client, firstJob, shared).then((r) => {
      seenEnd.unshift(r.job);
      return r;
    }),
    waitForJob(client, secondJob, shared),
  ]);
  return { first, second };
}

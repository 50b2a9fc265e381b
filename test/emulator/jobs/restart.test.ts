import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { call, finishedJob, finishedPlanJob, quietEmulator } from "../helpers";

describe("emulator restart with --state-dir", () => {
  it("keeps history, ends interrupted jobs failed/failure, continues id counters, keeps CA and token", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-restart-"));
    const first = await quietEmulator({ stateDir, timeScale: 100 });
    const done = (
      await call(first, "POST", "/command/deploy", {
        body: { environment: "production", scope: { nodes: ["node1.example.com"] } },
      })
    ).body.job.name;
    await finishedJob(first, done);
    const donePlan = (
      await call(first, "POST", "/command/plan_run", {
        body: { plan_name: "facts::info", params: { targets: "node1.example.com" } },
      })
    ).body.name;
    await finishedPlanJob(first, donePlan);
    const running = (
      await call(first, "POST", "/command/deploy", { body: { environment: "production", concurrency: 1 } })
    ).body.job.name;
    const runningPlan = (
      await call(first, "POST", "/command/plan_run", { body: { plan_name: "demo::slow" } })
    ).body.name;
    const before = (await call(first, "GET", `/jobs/${done}`)).body;
    const token = first.adminToken;
    const ca = first.caPem;
    await first.stop();

    const second = await quietEmulator({ stateDir, timeScale: 100 });
    try {
      assert.equal(second.adminToken, token);
      assert.equal(second.caPem, ca);
      // Finished records are there unchanged (URLs follow the new port).
      const after = (await call(second, "GET", `/jobs/${done}`)).body;
      assert.deepEqual(
        { ...after, id: "", nodes: "", report: "", events: "" },
        { ...before, id: "", nodes: "", report: "", events: "" },
      );
      assert.equal((await call(second, "GET", `/plan_jobs/${donePlan}`)).body.state, "success");
      // The interrupted deploy ended failed: the running node errored, the others were skipped.
      const job = await finishedJob(second, running);
      assert.equal(job.state, "failed");
      assert.deepEqual(job.node_states, { errored: 1, skipped: 4 });
      const ev = (await call(second, "GET", `/jobs/${running}/events`)).body.items;
      assert.equal(ev.at(-1).type, "job_aborted");
      assert.match(ev.at(-1).message, /orchestrator restarted/);
      const pj = await finishedPlanJob(second, runningPlan);
      assert.equal(pj.state, "failure");
      assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-interrupted");
      // Nothing lost or duplicated, counters continue.
      assert.equal((await call(second, "GET", "/jobs")).body.pagination.total, 2);
      assert.equal((await call(second, "GET", "/plan_jobs")).body.pagination.total, 2);
      const next = (await call(second, "POST", "/command/deploy", { body: { environment: "production" } }))
        .body.job.name;
      assert.equal(Number(next), Number(running) + 1);
      const nextPlan = (
        await call(second, "POST", "/command/plan_run", { body: { plan_name: "demo::slow" } })
      ).body.name;
      assert.equal(Number(nextPlan), Number(runningPlan) + 1);
      const lastOld = Math.max(...ev.map((e: { id: string }) => Number(e.id)));
      await finishedJob(second, next);
      const newEvents = (await call(second, "GET", `/jobs/${next}/events`)).body.items;
      assert.ok(Number(newEvents[0].id) > lastOld);
    } finally {
      await second.stop();
    }
  });

  it("a plan running a step at shutdown ends failure, its task job failed, and no later step starts", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-restart-steps-"));
    const first = await quietEmulator({ stateDir, timeScale: 100 });
    const plan = (
      await call(first, "POST", "/command/plan_run", {
        body: { plan_name: "demo::sleep", params: { targets: ["node1.example.com"] } },
      })
    ).body.name;
    // The step's job exists as soon as the plan runs.
    const listed = (await call(first, "GET", "/jobs?type=task")).body.items;
    assert.equal(listed.length, 1);
    await first.stop();
    const second = await quietEmulator({ stateDir, timeScale: 100 });
    try {
      const pj = await finishedPlanJob(second, plan);
      assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-interrupted");
      assert.deepEqual(Object.keys(pj.status), [listed[0].name]);
      const job = await finishedJob(second, listed[0].name);
      assert.equal(job.state, "failed");
      assert.equal(job.options.plan_job, Number(plan));
      assert.equal((await call(second, "GET", "/jobs")).body.pagination.total, 1);
    } finally {
      await second.stop();
    }
  });
});

import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, finishedJob, finishedPlanJob, quietEmulator, waitFor } from "../helpers";

const deploy = async (emu: Emulator, body: unknown): Promise<string> => {
  const r = await call(emu, "POST", "/command/deploy", { body });
  assert.equal(r.status, 202, r.text);
  return r.body.job.name;
};
const planRun = async (emu: Emulator, body: unknown): Promise<string> => {
  const r = await call(emu, "POST", "/command/plan_run", { body });
  assert.equal(r.status, 202, r.text);
  return r.body.name;
};
const events = async (emu: Emulator, path: string, start?: number) =>
  (await call(emu, "GET", `${path}/events${start === undefined ? "" : `?start=${start}`}`)).body;
const nodes = (emu: Emulator, job: string, q = "") =>
  call(emu, "GET", `/jobs/${job}/nodes${q}`).then((r) => r.body);

describe("emulator job lifecycle", () => {
  let emu: Emulator;
  before(async () => {
    // 100x: a 30 s Puppet run takes 300 ms.
    emu = await quietEmulator({ timeScale: 100 });
  });
  after(() => emu.stop());

  it("a deploy runs node by node, then finishes", async () => {
    const name = await deploy(emu, { environment: "production", scope: { nodes: ["node1.example.com"] } });
    const running = await call(emu, "GET", `/jobs/${name}`);
    assert.equal(running.body.state, "running");
    assert.equal(running.body.finished_timestamp, null);
    const node = (await nodes(emu, name)).items[0];
    assert.equal(node.state, "running");
    assert.equal(typeof node.details["run-time"], "number");
    assert.equal(node.result, null);
    const job = await finishedJob(emu, name);
    assert.equal(job.state, "finished");
    assert.ok(Number(job.duration) >= 0.25);
  });

  it("the last status entry has an exit_time once the job has ended (as recorded PE jobs), not before", async () => {
    const last = (job: { status: Array<{ state: string; enter_time: string; exit_time: string | null }> }) =>
      job.status.at(-1)!;
    const name = await deploy(emu, { environment: "production", scope: { nodes: ["node1.example.com"] } });
    const running = (await call(emu, "GET", `/jobs/${name}`)).body;
    assert.deepEqual([last(running).state, last(running).exit_time], ["running", null]);
    const job = await finishedJob(emu, name);
    assert.equal(last(job).state, "finished");
    assert.equal(last(job).exit_time, last(job).enter_time);
    assert.equal(last(job).exit_time, job.finished_timestamp);
    const failed = await finishedJob(
      emu,
      await deploy(emu, { environment: "development", scope: { nodes: ["node3.example.com"] } }),
    );
    assert.deepEqual([last(failed).state, last(failed).exit_time], ["failed", failed.finished_timestamp]);
    // a plan job's status holds its task jobs' entries
    const plan = await finishedPlanJob(
      emu,
      await planRun(emu, {
        plan_name: "canary",
        params: { nodes: ["node1.example.com"], command: "whoami" },
      }),
    );
    const steps = Object.values(plan.status) as Array<Array<{ exit_time: string | null }>>;
    assert.equal(steps.length, 1);
    assert.ok(
      steps[0].every((entry) => entry.exit_time !== null),
      JSON.stringify(plan.status),
    );
  });

  it("a node that fails its run in development fails the job", async () => {
    const name = await deploy(emu, {
      environment: "development",
      scope: { nodes: ["node1.example.com", "node3.example.com"] },
    });
    const job = await finishedJob(emu, name);
    assert.equal(job.state, "failed");
    assert.deepEqual(job.node_states, { finished: 1, failed: 1 });
    const failed = (await nodes(emu, name, "?state=failed")).items;
    assert.deepEqual(
      failed.map((n: { name: string }) => n.name),
      ["node3.example.com"],
    );
    assert.equal(failed[0].result.status, "failed");
    assert.equal(failed[0].result.metrics.failed, 1);
    const ev = await events(emu, `/jobs/${name}`);
    const types = ev.items.map((e: { type: string }) => e.type);
    assert.ok(types.includes("node_failed"));
    assert.equal(ev.items.at(-1).type, "job_finished");
    assert.equal(ev.items.at(-1).details.detail.state, "failed");
  });

  it("disconnected and unknown nodes end errored (not connected to the PCP broker)", async () => {
    const name = await deploy(emu, {
      environment: "development",
      scope: { nodes: ["offline.example.com", "doesnotexist"] },
    });
    const job = await finishedJob(emu, name);
    assert.equal(job.state, "failed");
    assert.deepEqual(job.node_states, { errored: 2 });
    const item = (await nodes(emu, name)).items.find((n: { name: string }) => n.name === "doesnotexist");
    assert.equal(
      item.details.message,
      "Error running puppet on doesnotexist: doesnotexist is not connected to the PCP broker",
    );
    assert.equal(item.start_timestamp, null);
    assert.equal(item.result.kind, "puppetlabs.orchestrator/execution-failure");
  });

  it("stop: running nodes finish, the rest are skipped, stopping → stopped, event ids stay stable", async () => {
    const name = await deploy(emu, { environment: "production", concurrency: 1 });
    await waitFor(
      () => nodes(emu, name),
      (b) => b.items[0].state === "running",
    );
    const before = await events(emu, `/jobs/${name}`);
    const stop = await call(emu, "POST", "/command/stop", { body: { job: name } });
    assert.equal(stop.status, 202);
    assert.deepEqual(stop.body.job.nodes, { running: 1, skipped: 4 });
    assert.equal((await call(emu, "GET", `/jobs/${name}`)).body.state, "stopping");
    const job = await finishedJob(emu, name);
    assert.equal(job.state, "stopped");
    assert.deepEqual(job.node_states, { finished: 1, skipped: 4 });
    assert.deepEqual(
      job.status.map((s: { state: string }) => s.state),
      ["new", "ready", "running", "stopping", "stopped"],
    );
    const after = await events(emu, `/jobs/${name}`);
    assert.deepEqual(after.items.slice(0, before.items.length), before.items);
    const ids = after.items.map((e: { id: string }) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const types = after.items.map((e: { type: string }) => e.type);
    assert.ok(types.includes("job_stopping"));
    assert.equal(types.filter((t: string) => t === "node_skipped").length, 4);
    assert.equal(types.at(-1), "job_aborted");
  });

  it("stop with force kills running runs (errored)", async () => {
    const name = await deploy(emu, { environment: "production", concurrency: 2 });
    const stop = await call(emu, "POST", "/command/stop", { body: { job: name, force: true } });
    assert.equal(stop.status, 202);
    const job = await finishedJob(emu, name);
    assert.equal(job.state, "stopped");
    assert.deepEqual(job.node_states, { errored: 2, skipped: 3 });
  });

  it("stop of a finished job changes nothing", async () => {
    const name = await deploy(emu, { environment: "production", scope: { nodes: ["node1.example.com"] } });
    await finishedJob(emu, name);
    const stop = await call(emu, "POST", "/command/stop", { body: { job: name } });
    assert.deepEqual(stop.body.job.nodes, { finished: 1 });
    assert.equal((await call(emu, "GET", `/jobs/${name}`)).body.state, "finished");
  });

  it("a plan returns its result, with its steps' events, out_message events and plan_finished", async () => {
    const name = await planRun(emu, {
      plan_name: "canary",
      params: { nodes: ["node1.example.com", "node2.example.com"], command: "whoami", canary: 1 },
    });
    const running = await call(emu, "GET", `/plan_jobs/${name}`);
    assert.equal(running.body.state, "running");
    assert.equal(running.body.result, null);
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "success");
    // Bolt's canary plan returns the ResultSet of every target.
    assert.deepEqual(
      pj.result.map((r: { target: string; action: string; object: string; status: string }) => [
        r.target,
        r.action,
        r.object,
        r.status,
      ]),
      [
        ["node1.example.com", "command", "whoami", "success"],
        ["node2.example.com", "command", "whoami", "success"],
      ],
    );
    const ev = await events(emu, `/plan_jobs/${name}`);
    assert.deepEqual(
      ev.items.map((e: { type: string }) => e.type),
      ["command_start", "out_message", "command_start", "out_message", "plan_finished"],
    );
    assert.equal(ev.items[1].details.message, "Running whoami on canary nodes");
    assert.deepEqual(ev.items[4].details, { "plan-id": name, result: pj.result });
  });

  it("demo::fail ends failure with a Bolt-style error result", async () => {
    const pj = await finishedPlanJob(emu, await planRun(emu, { plan_name: "demo::fail" }));
    assert.equal(pj.state, "failure");
    assert.equal(pj.result.kind, "bolt/run-failure");
    assert.match(pj.result.msg, /Plan aborted/);
    const ev = await events(emu, `/plan_jobs/${pj.name}`);
    assert.equal(ev.items.at(-1).type, "plan_failed");
  });

  it("plan timeout ends the plan in failure at the limit", async () => {
    const name = await planRun(emu, { plan_name: "demo::slow", timeout: 20 });
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "failure");
    assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-timeout");
    assert.ok(pj.duration >= 0.19 && pj.duration < 1, String(pj.duration));
    assert.equal(pj.options.timeout, 20);
  });

  it("stop_plan ends the plan in failure; a pending plan shows pending first", async () => {
    const slow = await planRun(emu, { plan_name: "demo::slow" });
    await call(emu, "POST", "/command/stop_plan", { body: { plan_job: slow } });
    const pj = await finishedPlanJob(emu, slow);
    assert.equal(pj.state, "failure");
    assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-stopped");
    const pending = await planRun(emu, { plan_name: "demo::pending" });
    assert.equal((await call(emu, "GET", `/plan_jobs/${pending}`)).body.state, "pending");
    await waitFor(
      () => call(emu, "GET", `/plan_jobs/${pending}`),
      (r) => r.body.state === "running",
    );
    assert.equal((await finishedPlanJob(emu, pending)).state, "success");
  });

  it("events: start is inclusive, next-events = last id + 1, an empty page keeps start", async () => {
    const name = await deploy(emu, {
      environment: "production",
      scope: { nodes: ["node1.example.com", "node2.example.com"] },
    });
    await finishedJob(emu, name);
    const all = await events(emu, `/jobs/${name}`);
    assert.equal(all.items.length, 5);
    const third = Number(all.items[2].id);
    const tail = await events(emu, `/jobs/${name}`, third);
    assert.deepEqual(tail.items, all.items.slice(2));
    const next = Number(tail["next-events"].event);
    assert.equal(next, Number(all.items.at(-1).id) + 1);
    const empty = await events(emu, `/jobs/${name}`, next);
    assert.deepEqual(empty.items, []);
    assert.equal(Number(empty["next-events"].event), next);
    const nodesPage = await nodes(emu, name);
    assert.equal(Number(nodesPage["next-events"].event), next);
  });

  it("a task job runs per node, failing where the world says", async () => {
    const r = await call(emu, "POST", "/command/task", {
      body: {
        task: "demo::echo",
        params: { message: "hi" },
        scope: { nodes: ["node1.example.com", "node3.example.com"] },
      },
    });
    const job = await finishedJob(emu, r.body.job.name);
    assert.equal(job.state, "failed");
    const items = (await nodes(emu, r.body.job.name, "?order_by=name")).items;
    assert.deepEqual(items[0].result, { output: "hi\n" });
    assert.equal(items[1].result._error.kind, "puppetlabs.tasks/task-error");
  });
});

describe("emulator pagination", () => {
  let emu: Emulator;
  const names: string[] = [];
  before(async () => {
    emu = await quietEmulator({ timeScale: 1_000_000 });
    for (const env of ["production", "development", "production", "development", "production"])
      names.push(
        await deploy(emu, {
          environment: env,
          scope: { nodes: ["node1.example.com", "node2.example.com", "node3.example.com"] },
        }),
      );
    for (const n of names) await finishedJob(emu, n);
  });
  after(() => emu.stop());

  it("GET /jobs: limit, offset, order, order_by and total", async () => {
    const r = await call(emu, "GET", "/jobs?limit=2&offset=1&order_by=name&order=desc");
    assert.deepEqual(
      r.body.items.map((j: { name: string }) => j.name),
      [names[3], names[2]],
    );
    assert.deepEqual(r.body.pagination, {
      limit: 2,
      offset: 1,
      order: "desc",
      order_by: "name",
      type: "",
      total: 5,
    });
    const all = await call(emu, "GET", "/jobs");
    assert.equal(all.body.items.length, 5);
    assert.ok(!("limit" in all.body.pagination));
    const past = await call(emu, "GET", "/jobs?offset=10");
    assert.deepEqual(past.body.items, []);
    assert.equal(past.body.pagination.total, 5);
    const byEnv = await call(emu, "GET", "/jobs?order_by=environment");
    assert.deepEqual(
      byEnv.body.items.map((j: { environment: { name: string } }) => j.environment.name),
      ["development", "development", "production", "production", "production"],
    );
    const byState = await call(emu, "GET", "/jobs?order_by=state&limit=2");
    assert.deepEqual(
      byState.body.items.map((j: { state: string }) => j.state),
      ["failed", "failed"],
    );
  });

  it("GET /jobs filters by type and finish time", async () => {
    assert.equal((await call(emu, "GET", "/jobs?type=task")).body.pagination.total, 0);
    assert.equal((await call(emu, "GET", "/jobs?type=deploy")).body.pagination.total, 5);
    assert.equal(
      (await call(emu, "GET", "/jobs?min_finish_timestamp=2000-01-01T00:00:00Z")).body.pagination.total,
      5,
    );
    assert.equal(
      (await call(emu, "GET", "/jobs?max_finish_timestamp=2000-01-01T00:00:00Z")).body.pagination.total,
      0,
    );
  });

  it("GET /jobs/:id/nodes pages and sorts", async () => {
    const r = await nodes(emu, names[0], "?limit=2&offset=0&order_by=name&order=desc");
    assert.deepEqual(
      r.items.map((n: { name: string }) => n.name),
      ["node3.example.com", "node2.example.com"],
    );
    assert.equal(r.pagination.total, 3);
    const rest = await nodes(emu, names[0], "?limit=2&offset=2&order_by=name&order=desc");
    assert.deepEqual(
      rest.items.map((n: { name: string }) => n.name),
      ["node1.example.com"],
    );
  });

  it("GET /plan_jobs pages with total", async () => {
    for (let i = 0; i < 3; i++)
      await planRun(emu, { plan_name: "facts::info", params: { targets: "node1.example.com" } });
    const r = await call(emu, "GET", "/plan_jobs?limit=2&offset=2&order_by=name");
    assert.deepEqual(
      r.body.items.map((j: { name: string }) => j.name),
      ["3"],
    );
    assert.deepEqual(r.body.pagination, { limit: 2, offset: 2, total: 3 });
  });
});

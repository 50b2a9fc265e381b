import * as assert from "node:assert/strict";
import { defaultWorld, type Emulator, type WorldInput } from "../../../emulator";
import { call, finishedJob, finishedPlanJob, quietEmulator, waitFor } from "../helpers";

// What PE documents about plans that run steps (orchestrator-api.md §3.6, §4.1, §5.2, §5.5, gotchas 16, 24):
// each step is a task job with `options.plan_job` (an integer) and an empty environment name; the plan job's
// events hold `<action>_start` with `details["job-id"]` (a string); `status` is keyed by those jobs' names;
// stop_plan leaves a running task job running until `/command/stop` stops it.
const START_TYPES = ["task_start", "command_start", "script_start"];

/** The default world plus a plan of task steps, one that aborts and one that goes on after a failure. */
const world: WorldInput = {
  ...defaultWorld,
  plans: [
    ...(defaultWorld.plans ?? []),
    {
      name: "demo::echo_twice",
      parameters: { targets: { type: "TargetSpec" }, message: { type: "String" } },
      steps: [
        {
          action: "run_task",
          object: "demo::echo",
          targets: "{{params.targets}}",
          params: { message: "{{params.message}}" },
          seconds: 10,
        },
        { action: "run_script", object: "/tmp/after.sh", targets: "{{params.targets}}", seconds: 10 },
      ],
    },
  ],
};

const planRun = async (emu: Emulator, body: unknown): Promise<string> => {
  const r = await call(emu, "POST", "/command/plan_run", { body });
  assert.equal(r.status, 202, r.text);
  return r.body.name;
};
const planEvents = async (emu: Emulator, name: string) =>
  (await call(emu, "GET", `/plan_jobs/${name}/events`)).body.items as Array<{
    type: string;
    details: Record<string, unknown>;
  }>;
const stepJobIds = async (emu: Emulator, name: string) =>
  (await planEvents(emu, name)).filter((e) => START_TYPES.includes(e.type)).map((e) => e.details["job-id"]);
const canary = (nodes: string[]) => ({
  plan_name: "canary",
  params: { nodes, command: "whoami", canary: 1 },
});

describe("emulator plans: steps run as task jobs", () => {
  let emu: Emulator;
  before(async () => {
    // 1000x: a canary step (10 s) takes 10 ms, demo::sleep's hour 3.6 s.
    emu = await quietEmulator({ timeScale: 1000, world });
  });
  after(() => emu.stop());

  it("canary: the command on the canary node, then on the rest, each a task job of the plan", async () => {
    const name = await planRun(emu, canary(["node1.example.com", "node2.example.com", "node3.example.com"]));
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "success");
    const ids = await stepJobIds(emu, name);
    assert.equal(ids.length, 2);
    for (const id of ids) assert.match(String(id), /^\d+$/, "job-id is the job's name, a string");
    assert.deepEqual(Object.keys(pj.status).sort(), [...ids].sort());
    const jobs = await Promise.all(ids.map((id) => finishedJob(emu, String(id))));
    assert.deepEqual(
      jobs.map((j) => j.options.scope.nodes),
      [["node1.example.com"], ["node2.example.com", "node3.example.com"]],
    );
    for (const job of jobs) {
      assert.equal(job.type, "task");
      assert.equal(job.state, "finished");
      assert.equal(job.options.plan_job, Number(name), "options.plan_job is the plan job's number");
      assert.equal(job.options.task, "bolt_shim::command");
      assert.deepEqual(job.options.params, { command: "whoami" });
      assert.deepEqual(job.environment, { name: "" });
      assert.deepEqual(
        pj.status[job.name].map((s: { state: string }) => s.state),
        job.status.map((s: { state: string }) => s.state),
      );
      const own = (await call(emu, "GET", `/jobs/${job.name}/events`)).body.items;
      assert.equal(own.at(-1).type, "job_finished");
      assert.ok(own.some((e: { type: string }) => e.type === "node_finished"));
    }
    // The second step starts when the first has ended.
    assert.ok(Date.parse(jobs[1].started_timestamp) >= Date.parse(jobs[0].finished_timestamp));
    // Both are listed as task jobs.
    const listed = (await call(emu, "GET", "/jobs?type=task")).body.items.map(
      (j: { name: string }) => j.name,
    );
    for (const id of ids) assert.ok(listed.includes(id));
    assert.deepEqual(
      pj.result.map((r: { target: string; status: string }) => `${r.target} ${r.status}`),
      ["node1.example.com success", "node2.example.com success", "node3.example.com success"],
    );
    assert.deepEqual(Object.keys(pj.result[0]).sort(), ["action", "object", "status", "target", "value"]);
    assert.equal(pj.result[0].value.exit_code, 0);
  });

  it("canary whoami: each node prints its user, root, in the ResultSet and the step jobs' node results", async () => {
    const name = await planRun(emu, canary(["node1.example.com", "node2.example.com"]));
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "success");
    const root = { stdout: "root\n", stderr: "", merged_output: "root\n", exit_code: 0 };
    assert.deepEqual(
      pj.result.map((r: { value: unknown }) => r.value),
      [root, root],
    );
    for (const id of await stepJobIds(emu, name)) {
      const nodes = (await call(emu, "GET", `/jobs/${id}/nodes`)).body.items;
      for (const node of nodes) assert.deepEqual(node.result, root, `job ${id} ${node.name}`);
    }
    const echo = await finishedPlanJob(
      emu,
      await planRun(emu, {
        plan_name: "canary",
        params: { nodes: ["node1.example.com"], command: 'echo "hello there"' },
      }),
    );
    assert.equal(echo.result[0].value.stdout, "hello there\n");
    const other = await finishedPlanJob(
      emu,
      await planRun(emu, { plan_name: "canary", params: { nodes: ["node1.example.com"], command: "true" } }),
    );
    assert.equal(other.result[0].value.stdout, "", "a command the emulator does not know prints nothing");
  });

  it("canary: a failed canary skips the rest, and the plan fails with a Bolt run-failure naming them", async () => {
    const name = await planRun(emu, canary(["offline.example.com", "node1.example.com"]));
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "failure");
    assert.equal((await stepJobIds(emu, name)).length, 1, "the rest never ran");
    assert.equal(pj.result.kind, "bolt/run-failure");
    assert.equal(pj.result.msg, "Plan failed: run_command 'whoami' failed on 1 target; 1 target skipped");
    assert.equal(pj.result.details.action, "run_command");
    assert.equal(pj.result.details.object, "whoami");
    const [canaryResult, skipped] = pj.result.details.result_set;
    assert.equal(canaryResult.target, "offline.example.com");
    assert.equal(canaryResult.status, "failure");
    assert.equal(canaryResult.value._error.kind, "puppetlabs.orchestrator/execution-failure");
    assert.match(canaryResult.value._error.msg, /not connected to the PCP broker/);
    assert.equal(skipped.target, "node1.example.com");
    assert.equal(skipped.value._error.kind, "canary/skipped-node");
    const events = await planEvents(emu, name);
    assert.equal(events.at(-1)?.type, "plan_failed");
    assert.deepEqual(events.at(-1)?.details.result, pj.result);
  });

  it("a failed step aborts the plan (no later step starts); the error names the step and targets", async () => {
    const name = await planRun(emu, {
      plan_name: "demo::echo_twice",
      params: { targets: "node1.example.com,node3.example.com", message: "hi" },
    });
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "failure");
    const ids = await stepJobIds(emu, name);
    assert.equal(ids.length, 1);
    assert.deepEqual(
      (await planEvents(emu, name)).map((e) => e.type),
      ["task_start", "plan_failed"],
    );
    const job = await finishedJob(emu, String(ids[0]));
    assert.equal(job.state, "failed");
    assert.equal(job.options.task, "demo::echo");
    assert.deepEqual(job.options.params, { message: "hi" });
    assert.equal(pj.result.msg, "Plan aborted: run_task 'demo::echo' failed on 1 target");
    const byTarget = Object.fromEntries(
      pj.result.details.result_set.map((r: { target: string }) => [r.target, r]),
    );
    assert.deepEqual(byTarget["node1.example.com"].value, { output: "hi\n" });
    assert.equal(byTarget["node3.example.com"].value._error.kind, "puppetlabs.tasks/task-error");
    // The step's own job reports the same failure on its node.
    const nodes = (await call(emu, "GET", `/jobs/${ids[0]}/nodes`)).body.items;
    const node3 = nodes.find((n: { name: string }) => n.name === "node3.example.com");
    assert.equal(node3.state, "failed");
  });

  it("steps that all succeed run in turn: task_start then script_start, and the ResultSet of both", async () => {
    const name = await planRun(emu, {
      plan_name: "demo::echo_twice",
      params: { targets: ["node1.example.com"], message: "yo" },
    });
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "success");
    assert.deepEqual(
      (await planEvents(emu, name)).map((e) => e.type),
      ["task_start", "script_start", "plan_finished"],
    );
    assert.deepEqual(
      pj.result.map((r: { action: string; object: string }) => `${r.action} ${r.object}`),
      ["task demo::echo", "script /tmp/after.sh"],
    );
    const script = await finishedJob(emu, String((await stepJobIds(emu, name))[1]));
    assert.equal(script.options.task, "bolt_shim::script");
  });

  it("stop_plan ends the plan but its running task job goes on until /command/stop stops it", async () => {
    const name = await planRun(emu, { plan_name: "demo::sleep", params: { targets: ["node1.example.com"] } });
    const [id] = await waitFor(
      () => stepJobIds(emu, name),
      (ids) => ids.length === 1,
    );
    const stop = await call(emu, "POST", "/command/stop_plan", { body: { plan_job: name } });
    assert.equal(stop.status, 202);
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "failure");
    assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-stopped");
    const job = (await call(emu, "GET", `/jobs/${id}`)).body;
    assert.equal(job.state, "running", "stop_plan does not stop the plan's task job");
    const stopped = await call(emu, "POST", "/command/stop", { body: { job: String(id), force: true } });
    assert.equal(stopped.status, 202);
    const ended = await finishedJob(emu, String(id));
    assert.equal(ended.state, "stopped");
    assert.deepEqual(ended.node_states, { errored: 1 });
  });

  it("a plan timeout fails the plan and leaves its running task job running, too", async () => {
    const name = await planRun(emu, {
      plan_name: "demo::sleep",
      params: { targets: ["node2.example.com"] },
      timeout: 30,
    });
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.result.kind, "puppetlabs.orchestrator/plan-timeout");
    const [id] = await stepJobIds(emu, name);
    assert.equal((await call(emu, "GET", `/jobs/${id}`)).body.state, "running");
    await call(emu, "POST", "/command/stop", { body: { job: String(id), force: true } });
  });

  it("stopping a step's task job fails the plan with the stopped targets", async () => {
    const name = await planRun(emu, { plan_name: "demo::sleep", params: { targets: ["node4.example.com"] } });
    const [id] = await waitFor(
      () => stepJobIds(emu, name),
      (ids) => ids.length === 1,
    );
    await call(emu, "POST", "/command/stop", { body: { job: String(id), force: true } });
    const pj = await finishedPlanJob(emu, name);
    assert.equal(pj.state, "failure");
    assert.equal(pj.result.kind, "bolt/run-failure");
    assert.equal(pj.result.details.result_set[0].target, "node4.example.com");
    assert.match(pj.result.details.result_set[0].value._error.msg, /forcibly stopped/);
  });
});

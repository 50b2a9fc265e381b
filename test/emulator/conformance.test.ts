import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { call, finishedJob, finishedPlanJob, quietEmulator } from "./helpers";

// Literal fixtures transcribed from PE's documentation (the orchestrator API reference pages), not
// from the emulator's own schemas: each test replays a documented request and checks the reply.
const DOC = {
  deployRequest: { environment: "production", scope: { nodes: ["node1.example.com", "node2.example.com"] } },
  formingRequestsDeploy: { environment: "production" },
  deployResponseKeys: ["job"],
  jobRefKeys: ["id", "name"],
  planRunRequest: {
    plan_name: "canary",
    description: "Start the canary plan on node1 and node2",
    params: { nodes: ["node1.example.com", "node2.example.com"], command: "whoami", canary: 1 },
  },
  jobKeys: [
    "id",
    "name",
    "command",
    "type",
    "state",
    "options",
    "owner",
    "description",
    "timestamp",
    "started_timestamp",
    "finished_timestamp",
    "duration",
    "environment",
    "node_count",
    "node_states",
    "nodes",
    "report",
    "events",
    "status",
    "userdata",
  ],
  deployOptions: {
    concurrency: null,
    noop: false,
    trace: false,
    debug: false,
    enforce_environment: true,
    evaltrace: false,
    target: null,
  },
  jobStates: ["new", "ready", "running", "stopping", "stopped", "finished", "failed"],
  planStates: ["pending", "running", "success", "failure"],
  nodeKeys: [
    "name",
    "state",
    "timestamp",
    "start_timestamp",
    "finish_timestamp",
    "duration",
    "transaction_uuid",
    "details",
    "result",
  ],
  planJobKeys: [
    "id",
    "name",
    "state",
    "options",
    "result",
    "owner",
    "timestamp",
    "events",
    "status",
    "userdata",
  ],
  planListItemKeys: [
    "id",
    "name",
    "state",
    "options",
    "result",
    "owner",
    "created_timestamp",
    "finished_timestamp",
    "duration",
    "events",
    "userdata",
  ],
  unknownEnvironment: {
    kind: "puppetlabs.orchestrator/unknown-environment",
    msg: "Unknown environment nosuchenv",
    details: { environment: "nosuchenv" },
  },
  emptyTarget: {
    kind: "puppetlabs.orchestrator/empty-target",
    msg: "No nodes were found for the specified target. Nothing to do.",
    details: { environment: "production", target: "nodes" },
  },
  timestamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
  jobDuration: /^\d+\.\d+$/,
};

describe("emulator conformance with PE documentation examples", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({ timeScale: 200 });
  });
  after(() => emu.stop());

  it("POST /command/deploy answers 202 {job: {id: URL, name: string number}}", async () => {
    const r = await call(emu, "POST", "/command/deploy", { body: DOC.deployRequest });
    assert.equal(r.status, 202);
    assert.deepEqual(Object.keys(r.body), DOC.deployResponseKeys);
    assert.deepEqual(Object.keys(r.body.job).sort(), DOC.jobRefKeys);
    assert.match(r.body.job.name, /^\d+$/);
    assert.equal(r.body.job.id, `${emu.apiUrl}/jobs/${r.body.job.name}`);
    assert.match(String(r.headers["content-type"]), /^application\/json/);
  });

  it("the forming-requests example {environment: production} deploys the whole environment", async () => {
    const r = await call(emu, "POST", "/command/deploy", { body: DOC.formingRequestsDeploy });
    assert.equal(r.status, 202);
    const job = await finishedJob(emu, r.body.job.name);
    assert.equal(job.state, "finished");
    assert.equal(job.node_count, 5);
    assert.deepEqual(job.node_states, { finished: 5 });
  });

  it("GET /jobs/:id has the documented fields, types and state vocabulary", async () => {
    const { body: created } = await call(emu, "POST", "/command/deploy", {
      body: { ...DOC.deployRequest, userdata: { servicenow_ticket: "INC0011211" } },
    });
    const running = await call(emu, "GET", `/jobs/${created.job.name}`);
    assert.equal(running.status, 200);
    assert.ok(DOC.jobStates.includes(running.body.state));
    const job = await finishedJob(emu, created.job.name);
    for (const key of DOC.jobKeys) assert.ok(key in job, `missing ${key}`);
    assert.equal(job.id, created.job.id);
    assert.equal(job.name, created.job.name);
    assert.equal(job.command, "deploy");
    assert.equal(job.type, "deploy");
    assert.equal(job.state, "finished");
    assert.deepEqual(job.environment, { name: "production" });
    assert.deepEqual(job.userdata, { servicenow_ticket: "INC0011211" });
    for (const [k, v] of Object.entries(DOC.deployOptions)) assert.deepEqual(job.options[k], v, k);
    assert.deepEqual(job.options.scope, DOC.deployRequest.scope);
    assert.equal(job.options.environment, "production");
    assert.equal(typeof job.duration, "string");
    assert.match(job.duration, DOC.jobDuration);
    for (const k of ["timestamp", "started_timestamp", "finished_timestamp"])
      assert.match(job[k], DOC.timestamp);
    assert.equal(job.owner.login, "admin");
    assert.match(job.owner.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(job.nodes, { id: `${job.id}/nodes` });
    assert.deepEqual(job.report, { id: `${job.id}/report` });
    assert.deepEqual(job.events, { id: `${job.id}/events` });
    assert.deepEqual(
      job.status.map((s: { state: string }) => s.state),
      ["new", "ready", "running", "finished"],
    );
    // an ended job's last entry has its exit_time too, as recorded PE jobs show (the docs' example says null)
    assert.equal(job.status.at(-1).exit_time, job.status.at(-1).enter_time);
    assert.match(job.status[0].exit_time, DOC.timestamp);
  });

  it("GET /jobs/:id/nodes items have the documented node fields (duration a number)", async () => {
    const { body } = await call(emu, "POST", "/command/deploy", { body: DOC.deployRequest });
    await finishedJob(emu, body.job.name);
    const r = await call(emu, "GET", `/jobs/${body.job.name}/nodes`);
    assert.equal(r.status, 200);
    assert.match(r.body["next-events"].id, /\/events\?start=\d+$/);
    assert.equal(r.body.items.length, 2);
    for (const node of r.body.items) {
      for (const key of DOC.nodeKeys) assert.ok(key in node, `missing ${key}`);
      assert.equal(node.state, "finished");
      assert.equal(typeof node.duration, "number");
      assert.equal(node.result.status, "unchanged");
      assert.equal(typeof node.result.metrics.total, "number");
      assert.ok(node.details["report-url"]);
    }
  });

  it("GET /jobs/:id/report lists one entry per node under items", async () => {
    const { body } = await call(emu, "POST", "/command/deploy", { body: DOC.deployRequest });
    await finishedJob(emu, body.job.name);
    const r = await call(emu, "GET", `/jobs/${body.job.name}/report`);
    assert.deepEqual(
      r.body.items.map((i: { node: string }) => i.node),
      DOC.deployRequest.scope.nodes,
    );
    assert.deepEqual(Object.keys(r.body.items[0]).sort(), [
      "events",
      "finish_timestamp",
      "node",
      "start_timestamp",
      "state",
      "timestamp",
    ]);
  });

  it("GET /jobs/:id/events ends with job_finished, ids are strings, next start = last id + 1", async () => {
    const { body } = await call(emu, "POST", "/command/deploy", { body: DOC.deployRequest });
    await finishedJob(emu, body.job.name);
    const r = await call(emu, "GET", `/jobs/${body.job.name}/events`);
    const types = r.body.items.map((e: { type: string }) => e.type);
    assert.deepEqual(types.slice(0, 2), ["node_running", "node_running"]);
    assert.equal(types.at(-1), "job_finished");
    const last = r.body.items.at(-1);
    assert.equal(typeof last.id, "string");
    assert.ok(r.body["next-events"].id.endsWith(`?start=${Number(last.id) + 1}`));
    const finished = r.body.items.find((e: { type: string }) => e.type === "node_finished");
    assert.match(finished.message, /^Finished puppet run on node\d\.example\.com - Success! $/);
    assert.equal(finished.details.node.endsWith(".example.com"), true);
  });

  it("POST /command/plan_run with the documented canary example answers 202 {name} only", async () => {
    const r = await call(emu, "POST", "/command/plan_run", { body: DOC.planRunRequest });
    assert.equal(r.status, 202);
    assert.deepEqual(Object.keys(r.body), ["name"]);
    assert.match(r.body.name, /^\d+$/);
    const pj = await finishedPlanJob(emu, r.body.name);
    for (const key of DOC.planJobKeys) assert.ok(key in pj, `missing ${key}`);
    assert.equal(pj.id, `${emu.apiUrl}/plan_jobs/${r.body.name}`);
    assert.equal(pj.state, "success");
    assert.ok(DOC.planStates.includes(pj.state));
    assert.equal(pj.options.plan_name, "canary");
    assert.equal(pj.options.description, DOC.planRunRequest.description);
    assert.deepEqual(pj.options.parameters, DOC.planRunRequest.params);
    assert.equal(typeof pj.duration, "number");
    assert.equal(typeof pj.status, "object");
    assert.deepEqual(pj.events, { id: `${pj.id}/events` });
  });

  it("GET /plan_jobs lists items with pagination {limit, offset, total}", async () => {
    await call(emu, "POST", "/command/plan_run", { body: DOC.planRunRequest });
    const r = await call(emu, "GET", "/plan_jobs?limit=1");
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 1);
    assert.deepEqual(Object.keys(r.body.pagination).sort(), ["limit", "offset", "total"]);
    for (const key of DOC.planListItemKeys) assert.ok(key in r.body.items[0], `missing ${key}`);
    const excluded = await call(emu, "GET", "/plan_jobs?results=exclude");
    assert.ok(!("result" in excluded.body.items[0]));
  });

  it("GET /jobs pagination echoes the documented keys", async () => {
    const r = await call(emu, "GET", "/jobs?limit=20");
    assert.deepEqual(Object.keys(r.body.pagination).sort(), [
      "limit",
      "offset",
      "order",
      "order_by",
      "total",
      "type",
    ]);
    assert.equal(r.body.pagination.order_by, "timestamp");
    assert.equal(r.body.pagination.order, "asc");
    assert.equal(r.body.pagination.type, "");
  });

  it("POST /command/stop answers 202 {job: {id, name, nodes: counts}} and is idempotent", async () => {
    const { body } = await call(emu, "POST", "/command/deploy", { body: DOC.formingRequestsDeploy });
    const one = await call(emu, "POST", "/command/stop", { body: { job: body.job.name } });
    assert.equal(one.status, 202);
    assert.equal(one.body.job.id, body.job.id);
    assert.equal(one.body.job.name, body.job.name);
    assert.equal(typeof one.body.job.nodes, "object");
    const two = await call(emu, "POST", "/command/stop", { body: { job: body.job.name } });
    assert.equal(two.status, 202);
  });

  it("POST /command/stop_plan answers 202 {name}", async () => {
    const { body } = await call(emu, "POST", "/command/plan_run", { body: { plan_name: "demo::slow" } });
    const r = await call(emu, "POST", "/command/stop_plan", { body: { plan_job: body.name } });
    assert.equal(r.status, 202);
    assert.deepEqual(r.body, { name: body.name });
  });

  it("POST /command/task with the documented example answers 202", async () => {
    const r = await call(emu, "POST", "/command/task", {
      body: {
        environment: "test-env-1",
        task: "package",
        params: { action: "install", name: "httpd" },
        scope: { nodes: ["node1.example.com"] },
      },
    });
    assert.equal(r.status, 202);
    const job = await finishedJob(emu, r.body.job.name);
    assert.equal(job.type, "task");
    assert.equal(job.options.task, "package");
    assert.equal(job.options.transport, "pxp");
    const nodes = await call(emu, "GET", `/jobs/${r.body.job.name}/nodes`);
    assert.deepEqual(nodes.body.items[0].result, { status: "up to date", version: "1.0.2k-19.el7" });
  });

  it("GET /tasks and GET /tasks/:module/:task serve task metadata in PE's documented shape", async () => {
    const list = await call(emu, "GET", "/tasks?environment=production");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.environment, {
      name: "production",
      code_id: "urn:puppet:code-id:1:482f8d3adc76b5197306c5d4c8aa32aa8315694b;production",
    });
    assert.deepEqual(
      list.body.items.map((t: { name: string }) => t.name),
      ["demo::echo", "package"],
    );
    assert.equal(list.body.items[1].id, `${emu.apiUrl}/tasks/package/init`);
    const task = await call(emu, "GET", "/tasks/package/init");
    assert.equal(task.status, 200);
    assert.equal(task.body.name, "package");
    assert.equal(task.body.metadata.supports_noop, true);
    assert.deepEqual(task.body.metadata.parameters.name, {
      type: "String[1]",
      description: "The name of the package to be manipulated",
    });
    assert.deepEqual(Object.keys(task.body.files[0]).sort(), ["filename", "sha256", "size_bytes", "uri"]);
    assert.deepEqual(task.body.files[0].uri, {
      path: "/package/tasks/init",
      params: { environment: "production" },
    });
    const unknown = await call(emu, "GET", "/tasks/nosuch/init");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.kind, "puppetlabs.orchestrator/unknown-task");
    const env = await call(emu, "GET", "/tasks?environment=nosuchenv");
    assert.equal(env.body.kind, "puppetlabs.orchestrator/unknown-environment");
  });

  it("POST /command/task checks params against the task's metadata (400 validation-error)", async () => {
    const r = await call(emu, "POST", "/command/task", {
      body: { task: "package", params: { action: "purge" }, scope: { nodes: ["node1.example.com"] } },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.kind, "puppetlabs.orchestrator/validation-error");
    assert.match(
      r.body.msg,
      /parameter 'action' expects a Enum\[install, status, uninstall, upgrade\] value/,
    );
    assert.match(r.body.msg, /expects a value for parameter 'name'/);
  });

  it("errors carry the documented captured bodies", async () => {
    const env = await call(emu, "POST", "/command/deploy", {
      body: { environment: "nosuchenv", scope: { nodes: ["node1.example.com"] } },
    });
    assert.equal(env.status, 404);
    assert.deepEqual(env.body, DOC.unknownEnvironment);
    const empty = await call(emu, "POST", "/command/deploy", {
      body: { environment: "production", scope: { nodes: [] } },
    });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body, DOC.emptyTarget);
    const job = await call(emu, "GET", "/jobs/999999");
    assert.equal(job.status, 404);
    assert.equal(job.body.kind, "puppetlabs.orchestrator/unknown-job");
    const bad = await call(emu, "GET", "/jobs/abc");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.kind, "puppetlabs.orchestrator/validation-error");
  });

  it("job ids and plan job ids are separate sequences", async () => {
    const { body } = await call(emu, "POST", "/command/plan_run", {
      body: { plan_name: "facts::info", params: { targets: "node1.example.com" } },
    });
    const asJob = await call(emu, "POST", "/command/stop", {
      body: { job: String(Number(body.name) + 1000) },
    });
    assert.equal(asJob.status, 404);
    assert.equal(asJob.body.kind, "puppetlabs.orchestrator/unknown-job");
  });

  it("GET /plans and GET /plans/:module/:plan follow the documented shapes", async () => {
    const list = await call(emu, "GET", "/plans?environment=production");
    assert.deepEqual(list.body.environment, {
      name: "production",
      code_id: "urn:puppet:code-id:1:482f8d3adc76b5197306c5d4c8aa32aa8315694b;production",
    });
    const canary = list.body.items.find((i: { name: string }) => i.name === "canary");
    assert.deepEqual(canary, { id: `${emu.apiUrl}/plans/canary/init`, name: "canary", permitted: true });
    const info = list.body.items.find((i: { name: string }) => i.name === "facts::info");
    assert.equal(info.id, `${emu.apiUrl}/plans/facts/info`);
    const one = await call(emu, "GET", "/plans/canary/init");
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.body).sort(), ["environment", "id", "metadata", "name", "permitted"]);
    assert.deepEqual(one.body.metadata.parameters.canary, {
      type: "Optional[Integer]",
      default_value: 1,
      description: "How many canary nodes",
    });
    assert.equal(one.body.metadata.parameters.nodes.type, "TargetSpec");
    const missing = await call(emu, "GET", "/plans/nosuch/plan");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.kind, "puppetlabs.orchestrator/unknown-plan");
    const noEnv = await call(emu, "GET", "/plans?environment=nosuchenv");
    assert.equal(noEnv.body.kind, "puppetlabs.orchestrator/unknown-environment");
  });
});

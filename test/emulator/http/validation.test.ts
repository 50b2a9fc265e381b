import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

const V = "puppetlabs.orchestrator/validation-error";

describe("emulator request validation", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({ timeScale: 1000 });
  });
  after(() => emu.stop());

  const counts = async () => [
    (await call(emu, "GET", "/jobs")).body.pagination.total,
    (await call(emu, "GET", "/plan_jobs")).body.pagination.total,
  ];

  const cases: Array<{
    what: string;
    path: string;
    body?: unknown;
    raw?: string;
    status: number;
    kind: string;
    msg: RegExp;
  }> = [
    {
      what: "malformed JSON",
      path: "/command/deploy",
      raw: '{"environment": ',
      status: 400,
      kind: V,
      msg: /Malformed JSON/,
    },
    {
      what: "a JSON array body",
      path: "/command/deploy",
      body: [],
      status: 400,
      kind: V,
      msg: /JSON object/,
    },
    {
      what: "missing environment",
      path: "/command/deploy",
      body: { scope: { nodes: ["node1.example.com"] } },
      status: 400,
      kind: V,
      msg: /environment/,
    },
    {
      what: "wrong type",
      path: "/command/deploy",
      body: { environment: "production", noop: "yes" },
      status: 400,
      kind: V,
      msg: /noop/,
    },
    {
      what: "unknown key",
      path: "/command/deploy",
      body: { environment: "production", nope: 1 },
      status: 400,
      kind: V,
      msg: /nope/,
    },
    {
      what: "empty scope object",
      path: "/command/deploy",
      body: { environment: "production", scope: {} },
      status: 400,
      kind: V,
      msg: /exactly one/,
    },
    {
      what: "two scope keys",
      path: "/command/deploy",
      body: { environment: "production", scope: { nodes: ["a"], query: "nodes[certname] { }" } },
      status: 400,
      kind: V,
      msg: /exactly one/,
    },
    {
      what: "empty nodes",
      path: "/command/deploy",
      body: { environment: "production", scope: { nodes: [] } },
      status: 400,
      kind: "puppetlabs.orchestrator/empty-target",
      msg: /No nodes/,
    },
    {
      what: "query with no match",
      path: "/command/deploy",
      body: { environment: "production", scope: { query: 'nodes[certname] { certname = "x" }' } },
      status: 400,
      kind: "puppetlabs.orchestrator/empty-target",
      msg: /No nodes/,
    },
    {
      what: "bad PQL",
      path: "/command/deploy",
      body: { environment: "production", scope: { query: "select *" } },
      status: 400,
      kind: "puppetlabs.orchestrator/query-error",
      msg: /PQL parse error/,
    },
    {
      what: "noop and no_noop",
      path: "/command/deploy",
      body: { environment: "production", noop: true, no_noop: true },
      status: 400,
      kind: V,
      msg: /noop and no_noop/,
    },
    {
      what: "empty environment without enforce_environment false",
      path: "/command/deploy",
      body: { environment: "", scope: { nodes: ["node1.example.com"] } },
      status: 400,
      kind: V,
      msg: /enforce_environment/,
    },
    {
      what: "unknown environment",
      path: "/command/deploy",
      body: { environment: "nosuch" },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-environment",
      msg: /Unknown environment nosuch/,
    },
    {
      what: "environment without nodes",
      path: "/command/deploy",
      body: { environment: "test-env-1" },
      status: 400,
      kind: "puppetlabs.orchestrator/empty-environment",
      msg: /No nodes/,
    },
    {
      what: "unknown node group",
      path: "/command/deploy",
      body: { environment: "production", scope: { node_group: "nope" } },
      status: 400,
      kind: V,
      msg: /Unknown node group nope/,
    },
    {
      what: "node group without members",
      path: "/command/deploy",
      body: { environment: "production", scope: { node_group: "22222222-2222-4222-8222-222222222222" } },
      status: 400,
      kind: "puppetlabs.orchestrator/empty-target",
      msg: /No nodes/,
    },
    {
      what: "unknown plan",
      path: "/command/plan_run",
      body: { plan_name: "nosuch::plan" },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-plan",
      msg: /nosuch::plan/,
    },
    {
      what: "plan in unknown environment",
      path: "/command/plan_run",
      body: { plan_name: "canary", environment: "nosuch" },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-environment",
      msg: /nosuch/,
    },
    {
      what: "badly formed plan_name",
      path: "/command/plan_run",
      body: { plan_name: "Not A Plan" },
      status: 400,
      kind: V,
      msg: /plan_name is not valid/,
    },
    {
      what: "missing plan parameter",
      path: "/command/plan_run",
      body: { plan_name: "canary", params: { command: "id" } },
      status: 400,
      kind: V,
      msg: /expects a value for parameter 'nodes'/,
    },
    {
      what: "wrong plan parameter type",
      path: "/command/plan_run",
      body: { plan_name: "canary", params: { nodes: ["node1.example.com"], command: "id", canary: "one" } },
      status: 400,
      kind: V,
      msg: /canary/,
    },
    {
      what: "unknown plan parameter",
      path: "/command/plan_run",
      body: { plan_name: "demo::slow", params: { x: 1 } },
      status: 400,
      kind: V,
      msg: /unknown parameter 'x'/,
    },
    {
      what: "plan timeout not an integer",
      path: "/command/plan_run",
      body: { plan_name: "demo::slow", timeout: "soon" },
      status: 400,
      kind: V,
      msg: /timeout/,
    },
    {
      what: "unknown task",
      path: "/command/task",
      body: { task: "nosuch", params: {}, scope: { nodes: ["node1.example.com"] } },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-task",
      msg: /nosuch/,
    },
    {
      what: "task without params",
      path: "/command/task",
      body: { task: "package", scope: { nodes: ["node1.example.com"] } },
      status: 400,
      kind: V,
      msg: /params/,
    },
    {
      what: "stop with a non-integer job",
      path: "/command/stop",
      body: { job: "abc" },
      status: 400,
      kind: V,
      msg: /job/,
    },
    {
      what: "stop of an unknown job",
      path: "/command/stop",
      body: { job: "424242" },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-job",
      msg: /424242/,
    },
    {
      what: "stop_plan of an unknown plan job",
      path: "/command/stop_plan",
      body: { plan_job: "424242" },
      status: 404,
      kind: "puppetlabs.orchestrator/unknown-job",
      msg: /424242/,
    },
  ];

  for (const c of cases) {
    it(`${c.what} → ${c.status} ${c.kind.split("/")[1]}, nothing created`, async () => {
      const before = await counts();
      const r = await call(emu, "POST", c.path, { body: c.body, raw: c.raw });
      assert.equal(r.status, c.status, r.text);
      assert.equal(r.body.kind, c.kind);
      assert.match(r.body.msg, c.msg);
      assert.deepEqual(await counts(), before);
    });
  }

  it("rejects bad query parameters with 400 validation-error", async () => {
    for (const q of [
      "/jobs?limit=abc",
      "/jobs?offset=-1",
      "/jobs?order=up",
      "/jobs?order_by=color",
      "/jobs?type=nope",
      "/plan_jobs?results=maybe",
      "/jobs?min_finish_timestamp=yesterday",
      "/jobs/1/events?start=x",
      "/plan_jobs/x",
    ]) {
      const r = await call(emu, "GET", q);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.kind, V, q);
    }
  });

  it("unknown routes answer 404 and wrong methods 405, as JSON errors", async () => {
    const missing = await call(emu, "GET", "/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.kind, "puppetlabs.orchestrator/not-found");
    const method = await call(emu, "DELETE", "/jobs");
    assert.equal(method.status, 405);
  });

  it("unknownNodes: reject turns unknown certnames into a 400", async () => {
    const strict = await quietEmulator({
      world: {
        environments: [{ name: "production" }],
        nodes: [{ certname: "a.example.com" }],
        settings: { unknownNodes: "reject" },
      },
    });
    try {
      const r = await call(strict, "POST", "/command/deploy", {
        body: { environment: "production", scope: { nodes: ["a.example.com", "ghost.example.com"] } },
      });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.details, { nodes: ["ghost.example.com"] });
    } finally {
      await strict.stop();
    }
  });
});

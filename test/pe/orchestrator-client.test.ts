import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import type { Emulator } from "../../emulator";
import {
  OrchestratorClient,
  OrchestratorError,
  RequestValidationError,
  ResponseShapeError,
  resolveConnectionSettings,
} from "../../provider/pe";
import { planPath } from "../../provider/pe/orchestrator-client";
import { clientFor, recordingLogger, startTestEmulator } from "../support/emulator";
import { startFaultProxy } from "../support/fault-proxy";

/** Asserts `promise` rejects with an OrchestratorError and returns it. */
async function orchestratorError(promise: Promise<unknown>): Promise<OrchestratorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OrchestratorError, `expected an OrchestratorError, got ${error}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("OrchestratorClient against the emulator (HTTPS, real CA and tokens)", () => {
  let emu: Emulator;
  let client: OrchestratorClient;

  before(async () => {
    emu = await startTestEmulator({ timeScale: 100 });
    client = clientFor(emu);
  });
  after(async () => {
    client?.close();
    await emu?.stop();
  });

  it("deploys, then reads the job, its events (incrementally) and its nodes", async () => {
    const created = await client.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com", "node2.example.com"] },
      userdata: { marker: "client-test-1" },
    });
    assert.match(created.job.name, /^\d+$/);
    const name = created.job.name;
    const job = await client.getJob(name);
    assert.equal(job.name, name);
    assert.equal(job.node_count, 2);
    assert.deepEqual(job.userdata, { marker: "client-test-1" });
    assert.equal(client.jobUrl(name), `${emu.apiUrl}/jobs/${name}`);

    await new Promise((r) => setTimeout(r, 400)); // 30 world seconds at timeScale 100
    const all = await client.getJobEvents(name);
    assert.ok(all.items.length >= 5, `events: ${all.items.map((e) => e.type)}`);
    const cut = Number(all.items[2].id);
    const rest = await client.getJobEvents(name, cut);
    assert.deepEqual(
      rest.items.map((e) => e.id),
      all.items.slice(2).map((e) => e.id),
    );
    const nodes = [];
    for await (const node of client.jobNodes(name, { pageSize: 1 })) nodes.push(node.name);
    assert.deepEqual(nodes.sort(), ["node1.example.com", "node2.example.com"]);
    const summary = await client.summarizeJobNodes(name);
    assert.deepEqual(summary.counts, { finished: 2 });
  });

  it("lists jobs and plan jobs with paging and ordering", async () => {
    await client.deploy({
      environment: "production",
      scope: { nodes: ["node1.example.com"] },
      userdata: { marker: "m2" },
    });
    const page = await client.listJobs({ order_by: "name", order: "desc", limit: 1 });
    assert.equal(page.items.length, 1);
    assert.deepEqual(page.items[0].userdata, { marker: "m2" });
    assert.ok((page.pagination?.total ?? 0) >= 2);
    const second = await client.listJobs({ order_by: "name", order: "desc", limit: 1, offset: 1 });
    assert.notEqual(second.items[0].name, page.items[0].name);

    const plan = await client.planRun({ plan_name: "facts::info", params: { targets: "node1.example.com" } });
    const plans = await client.listPlanJobs({ order_by: "timestamp", order: "desc", limit: 5 });
    assert.ok(plans.items.some((p) => p.name === plan.name));
  });

  it("runs a plan, reads the plan job and its events, stops a plan job and a job", async () => {
    const run = await client.planRun({ plan_name: "demo::slow", description: "stop me" });
    const planJob = await client.getPlanJob(run.name);
    assert.equal(planJob.options?.plan_name, "demo::slow");
    assert.equal(client.planJobUrl(run.name), `${emu.apiUrl}/plan_jobs/${run.name}`);
    assert.equal((await client.stopPlan(run.name)).name, run.name);
    const events = await client.getPlanJobEvents(run.name, 0);
    assert.ok(Array.isArray(events.items));

    const job = await client.deploy({ environment: "production", scope: { nodes: ["node5.example.com"] } });
    const stopped = await client.stop(job.job.name);
    assert.equal(stopped.job.name, job.job.name);
  });

  it("reads plan lists and plan metadata, init plans included", async () => {
    const plans = await client.listPlans("production");
    assert.ok(plans.items.some((p) => p.name === "canary"));
    const canary = await client.getPlan("canary");
    assert.equal(canary.name, "canary");
    assert.equal(canary.metadata?.parameters?.canary?.default_value, 1);
    const facts = await client.getPlan("facts::info", "production");
    assert.equal(facts.name, "facts::info");
  });

  it("runs a task and reads task lists and task metadata, init tasks included", async () => {
    const created = await client.task({
      task: "package",
      params: { action: "status", name: "openssl" },
      scope: { nodes: ["node1.example.com"] },
    });
    const job = await client.getJob(created.job.name);
    assert.equal(job.type, "task");
    const tasks = await client.listTasks("production");
    assert.deepEqual(
      tasks.items.map((t) => t.name),
      ["demo::echo", "package"],
    );
    const pkg = await client.getTask("package");
    assert.equal(pkg.id, `${emu.apiUrl}/tasks/package/init`);
    assert.equal(pkg.metadata?.supports_noop, true);
    assert.equal(pkg.metadata?.parameters?.name?.type, "String[1]");
    const echo = await client.getTask("demo::echo", "production");
    assert.equal(echo.metadata?.supports_noop, false);
    const unknown = await orchestratorError(client.getTask("demo::nosuch"));
    assert.equal(unknown.kind, "puppetlabs.orchestrator/unknown-task");
    assert.match(unknown.message, /task "demo::nosuch" was not found in environment "production"/);
    const denied = await orchestratorError(
      clientFor(emu, { token: "alice-token" }).task({
        task: "demo::echo",
        params: { message: "hi" },
        scope: { nodes: ["node1.example.com"] },
      }),
    );
    assert.match(denied.message, /"Tasks: Run tasks" for this task/);
    const before = client.requestCount;
    assert.throws(
      () => client.task({ task: "package", params: {}, scope: { application: "App[x]" } } as never),
      RequestValidationError,
    );
    assert.throws(() => client.getTask("Not A Task"), RequestValidationError);
    assert.equal(client.requestCount, before, "refused before sending");
  });

  describe("errors", () => {
    it("401 with the kind and a puppet-access hint; the token never appears", async () => {
      const bad = clientFor(emu, { token: "not-a-real-token-123" });
      const e = await orchestratorError(bad.getJob("1"));
      assert.equal(e.status, 401);
      assert.equal(e.kind, "puppetlabs.rbac/invalid-token");
      assert.match(e.message, /GET \/jobs\/1 failed: HTTP 401 puppetlabs\.rbac\/invalid-token/);
      assert.match(
        e.message,
        /token was rejected \(token from pe:token\): run "puppet-access login" or set pe:token/,
      );
      const dump = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${JSON.stringify(Object.entries(e))}`;
      assert.doesNotMatch(dump, /not-a-real-token-123/);

      const expired = await orchestratorError(clientFor(emu, { token: "expired-token" }).getJob("1"));
      assert.equal(expired.kind, "puppetlabs.rbac/token-expired");
      assert.match(expired.message, /the token has expired/);
    });

    it("403 names the permission", async () => {
      const viewer = clientFor(emu, { token: "viewer-token" });
      const e = await orchestratorError(
        viewer.deploy({ environment: "production", scope: { nodes: ["node1.example.com"] } }),
      );
      assert.equal(e.status, 403);
      assert.equal(e.kind, "puppetlabs.orchestrator/not-permitted");
      assert.match(e.message, /RBAC permission "Puppet agent: Run Puppet on agent nodes"/);
      const plan = await orchestratorError(
        clientFor(emu, { token: "alice-token" }).planRun({ plan_name: "demo::fail", params: {} }),
      );
      assert.equal(plan.status, 403);
      assert.match(plan.message, /"Plans: Run plans"/);
    });

    it("404 names the environment, the plan or the job", async () => {
      const env = await orchestratorError(
        client.deploy({ environment: "nosuchenv", scope: { nodes: ["node1.example.com"] } }),
      );
      assert.equal(env.status, 404);
      assert.equal(env.kind, "puppetlabs.orchestrator/unknown-environment");
      assert.match(env.message, /environment "nosuchenv" does not exist/);
      const plan = await orchestratorError(client.getPlan("nosuch::plan", "production"));
      assert.equal(plan.kind, "puppetlabs.orchestrator/unknown-plan");
      assert.match(plan.message, /plan "nosuch::plan" was not found in environment "production"/);
      const run = await orchestratorError(client.planRun({ plan_name: "nosuch" }));
      assert.match(run.message, /plan "nosuch" was not found/);
      const job = await orchestratorError(client.getJob("999999"));
      assert.equal(job.kind, "puppetlabs.orchestrator/unknown-job");
      assert.match(job.message, /job 999999 does not exist/);
    });

    it("400 validation-error carries msg and details", async () => {
      const e = await orchestratorError(
        client.planRun({ plan_name: "canary", params: { nodes: ["node1.example.com"] } }),
      );
      assert.equal(e.status, 400);
      assert.match(e.kind ?? "", /\/validation-error$/);
      assert.match(e.msg ?? "", /command/);
      assert.ok(e.details);
    });

    it("rejects bad requests before sending them", async () => {
      const before = client.requestCount;
      assert.throws(
        () => client.deploy({ environment: "production", noop: true, no_noop: true }),
        RequestValidationError,
      );
      assert.throws(() => client.deploy({ environment: "production", bogus: 1 } as never), /bogus/);
      assert.throws(() => client.getJob("../plans"), RequestValidationError);
      assert.throws(() => client.planRun({ plan_name: "Not A Plan" }), /plan_name/);
      assert.equal(client.requestCount, before);
    });

    it("a response that does not match its schema names the endpoint and the path", async () => {
      const proxy = await startFaultProxy(emu.url, emu.caPem, (path, body) =>
        path.startsWith("/orchestrator/v1/jobs/") ? body.replace('"state":', '"stat":') : body,
      );
      try {
        const viaProxy = clientFor(emu, { serviceUrl: proxy.url });
        const job = await client.deploy({
          environment: "production",
          scope: { nodes: ["node1.example.com"] },
        });
        await assert.rejects(viaProxy.getJob(job.job.name), (e: Error) => {
          assert.ok(e instanceof ResponseShapeError);
          assert.match(
            e.message,
            new RegExp(`GET /jobs/${job.job.name} returned an unexpected response \\(HTTP 200\\): state: `),
          );
          return true;
        });
      } finally {
        await proxy.close();
      }
    });
  });

  describe("TLS", () => {
    it("a server signed by another CA fails with a hint naming the cacert setting", async () => {
      const other = await startTestEmulator();
      try {
        const e = await orchestratorError(clientFor(emu, { cacert: other.caPem }).getJob("1"));
        assert.ok(e.code, "a TLS error code");
        assert.match(e.message, /not signed by a trusted CA: set pe:cacert/);
        const settings = resolveConnectionSettings({
          env: { PE_ORCHESTRATOR_URL: emu.url, PE_TOKEN: emu.adminToken },
          homeDir: "/nonexistent-home",
          systemConfigFile: "/nonexistent",
        });
        const system = await orchestratorError(new OrchestratorClient(settings).getJob("1"));
        assert.match(system.message, /set pe:cacert \(or connection\.cacert, PE_CACERT\)/);
        const env = resolveConnectionSettings({
          env: { PE_ORCHESTRATOR_URL: emu.url, PE_TOKEN: emu.adminToken, PE_CACERT: other.caFile },
          homeDir: "/nonexistent-home",
          systemConfigFile: "/nonexistent",
        });
        assert.match(
          (await orchestratorError(new OrchestratorClient(env).getJob("1"))).message,
          /set PE_CACERT/,
        );
      } finally {
        await other.stop();
      }
    });

    it("insecure: true connects without verification and warns once per logger", async () => {
      const logger = recordingLogger();
      const a = clientFor(emu, { cacert: undefined, insecure: true }, { logger });
      const b = clientFor(emu, { cacert: undefined, insecure: "true" }, { logger });
      assert.equal((await a.listPlans()).items.length > 0, true);
      await b.listPlans();
      assert.equal(logger.warnings.length, 1);
      assert.match(logger.warnings[0], /verification is off .*pe:insecure/);
      assert.ok(logger.debugs.every((d) => !d.includes(emu.adminToken)));
      a.close();
      b.close();
    });

    it("refuses a PEM that is not a certificate", () => {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      assert.throws(() => clientFor(emu, { cacert: keyPem }), /pe:cacert holds PEM text but no CERTIFICATE/);
    });
  });
});

describe("planPath", () => {
  it("maps plan names to /plans/:module/:plan", () => {
    assert.equal(planPath("canary"), "canary/init");
    assert.equal(planPath("facts::info"), "facts/info");
    assert.throws(() => planPath("bad::"), /not a plan name/);
  });
});

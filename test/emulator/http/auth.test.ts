import * as assert from "node:assert/strict";
import { type Emulator, newToken } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

describe("emulator authentication and permissions", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({ timeScale: 1000 });
  });
  after(() => emu.stop());

  it("generates admin tokens that never begin with '-' or '_' (a shell flag to pulumi config set)", () => {
    // base64url begins with one of them once in 32 draws: 2,000 draws would meet ~60
    const tokens = Array.from({ length: 2_000 }, newToken);
    assert.deepEqual(
      tokens.filter((t) => !/^[A-Za-z0-9]/.test(t)),
      [],
    );
    assert.ok(tokens.every((t) => t.length === 32));
    assert.match(emu.adminToken, /^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
  });

  it("no token → 401 user-unauthenticated without details", async () => {
    const r = await call(emu, "GET", "/jobs", { token: null });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, {
      kind: "puppetlabs.rbac/user-unauthenticated",
      msg: "Route requires authentication",
    });
  });

  it("unknown token → 401 invalid-token", async () => {
    const r = await call(emu, "POST", "/command/deploy", {
      token: "nope",
      body: { environment: "production" },
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.kind, "puppetlabs.rbac/invalid-token");
  });

  it("a token expired in the world → 401 token-expired", async () => {
    const r = await call(emu, "GET", "/jobs", { token: "expired-token" });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, {
      kind: "puppetlabs.rbac/token-expired",
      msg: "The provided token has expired.",
    });
  });

  it("expireToken() expires a token at runtime", async () => {
    const other = await quietEmulator();
    try {
      assert.equal((await call(other, "GET", "/jobs")).status, 200);
      other.expireToken(other.adminToken);
      const r = await call(other, "GET", "/jobs");
      assert.equal(r.status, 401);
      assert.equal(r.body.kind, "puppetlabs.rbac/token-expired");
    } finally {
      await other.stop();
    }
  });

  it("accepts ?token= and never logs it", async () => {
    const url = new URL(`/orchestrator/v1/jobs?token=${emu.adminToken}`, emu.url);
    const r = await call(emu, "GET", `${url.pathname}${url.search}`, { token: null });
    assert.equal(r.status, 200);
    const logged = emu.requests.at(-1);
    assert.deepEqual(logged && { m: logged.method, p: logged.path, s: logged.status }, {
      m: "GET",
      p: "/orchestrator/v1/jobs",
      s: 200,
    });
    assert.ok(!JSON.stringify(emu.requests).includes(emu.adminToken));
  });

  it("403 not-permitted for an environment, a plan, nodes or a task the user may not use", async () => {
    const cases: Array<[string, unknown]> = [
      ["/command/deploy", { environment: "development", scope: { nodes: ["node1.example.com"] } }],
      ["/command/deploy", { environment: "production", scope: { nodes: ["node3.example.com"] } }],
      ["/command/plan_run", { plan_name: "demo::fail" }],
      ["/command/plan_run", { plan_name: "canary", params: { nodes: ["node5.example.com"], command: "id" } }],
      ["/command/task", { task: "demo::echo", params: {}, scope: { nodes: ["node1.example.com"] } }],
    ];
    const before = (await call(emu, "GET", "/jobs")).body.pagination.total;
    for (const [path, body] of cases) {
      const r = await call(emu, "POST", path, { token: "alice-token", body });
      assert.equal(r.status, 403, `${path} ${JSON.stringify(body)}`);
      assert.equal(r.body.kind, "puppetlabs.orchestrator/not-permitted");
      assert.match(r.body.msg, /alice is not permitted/);
    }
    assert.equal((await call(emu, "GET", "/jobs")).body.pagination.total, before);
  });

  it("a permitted user may deploy and run plans, is the job owner, and may not stop others' jobs", async () => {
    const ok = await call(emu, "POST", "/command/deploy", {
      token: "alice-token",
      body: { environment: "production", scope: { nodes: ["node1.example.com", "node2.example.com"] } },
    });
    assert.equal(ok.status, 202);
    const job = await call(emu, "GET", `/jobs/${ok.body.job.name}`, { token: "viewer-token" });
    assert.equal(job.body.owner.login, "alice");
    const plan = await call(emu, "POST", "/command/plan_run", {
      token: "alice-token",
      body: { plan_name: "canary", params: { nodes: ["node1.example.com"], command: "whoami" } },
    });
    assert.equal(plan.status, 202);
    const adminJob = await call(emu, "POST", "/command/deploy", { body: { environment: "production" } });
    const stop = await call(emu, "POST", "/command/stop", {
      token: "alice-token",
      body: { job: adminJob.body.job.name },
    });
    assert.equal(stop.status, 403);
    assert.equal(stop.body.kind, "puppetlabs.orchestrator/not-permitted");
  });

  it("GET /plans reports permitted per user", async () => {
    const r = await call(emu, "GET", "/plans", { token: "alice-token" });
    const permitted = Object.fromEntries(
      r.body.items.map((i: { name: string; permitted: boolean }) => [i.name, i.permitted]),
    );
    assert.equal(permitted.canary, true);
    assert.equal(permitted["facts::info"], true);
    assert.equal(permitted["demo::fail"], false);
  });
});

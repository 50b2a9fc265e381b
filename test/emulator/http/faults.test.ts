import * as assert from "node:assert/strict";
import * as https from "node:https";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

describe("emulator fault knobs", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({ timeScale: 1000 });
  });
  afterEach(() => emu.setFaults({}));
  after(() => emu.stop());

  it("fails the next N GETs with 503, leaving POSTs alone", async () => {
    emu.setFaults({
      rules: [{ method: "GET", path: "^/orchestrator/v1/jobs", action: "error", status: 503, count: 2 }],
    });
    assert.equal(
      (await call(emu, "POST", "/command/deploy", { body: { environment: "production" } })).status,
      202,
    );
    const a = await call(emu, "GET", "/jobs/1");
    const b = await call(emu, "GET", "/jobs/1");
    const c = await call(emu, "GET", "/jobs/1");
    assert.deepEqual([a.status, b.status, c.status], [503, 503, 200]);
    assert.equal(a.body.kind, "puppetlabs.orchestrator/service-unavailable");
  });

  it("answers 429 with Retry-After", async () => {
    emu.setFaults({
      rules: [{ method: "POST", action: "error", status: 429, retryAfterSeconds: 2, count: 1 }],
    });
    const before = (await call(emu, "GET", "/jobs")).body.pagination.total;
    const r = await call(emu, "POST", "/command/deploy", { body: { environment: "production" } });
    assert.equal(r.status, 429);
    assert.equal(r.headers["retry-after"], "2");
    assert.equal(
      (await call(emu, "GET", "/jobs")).body.pagination.total,
      before,
      "an errored POST creates nothing",
    );
  });

  it("drops the connection before handling, or after handling (the job exists, the reply is lost)", async () => {
    emu.setFaults({ rules: [{ method: "GET", action: "drop", count: 1 }] });
    await assert.rejects(call(emu, "GET", "/jobs"), /socket hang up|ECONNRESET/);
    const before = (await call(emu, "GET", "/jobs")).body.pagination.total;
    emu.setFaults({
      rules: [{ method: "POST", path: "/command/deploy$", action: "drop", afterHandling: true, count: 1 }],
    });
    await assert.rejects(
      call(emu, "POST", "/command/deploy", { body: { environment: "production" } }),
      /socket hang up|ECONNRESET/,
    );
    assert.equal((await call(emu, "GET", "/jobs")).body.pagination.total, before + 1);
    assert.equal(emu.requests.filter((r) => r.status === 0).length, 2);
  });

  it("sends a slow body", async () => {
    emu.setFaults({
      rules: [{ method: "GET", path: "^/orchestrator/v1/jobs$", action: "slow", ms: 400, count: 1 }],
    });
    const started = Date.now();
    const r = await call(emu, "GET", "/jobs");
    assert.equal(r.status, 200);
    assert.ok(r.body.items, "the body is complete");
    assert.ok(Date.now() - started >= 350);
  });

  it("sends malformed JSON", async () => {
    emu.setFaults({ rules: [{ method: "GET", action: "malformed", count: 1 }] });
    const r = await call(emu, "GET", "/jobs");
    assert.equal(r.status, 200);
    assert.equal(r.body, undefined);
    assert.throws(() => JSON.parse(r.text));
  });

  it("adds latency", async () => {
    emu.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await call(emu, "GET", "/jobs");
    assert.ok(Date.now() - started >= 140);
  });

  it("a seeded rate gives the same faults every time", async () => {
    const run = async () => {
      emu.setFaults({ seed: 42, rules: [{ method: "GET", action: "error", status: 503, rate: 0.5 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call(emu, "GET", "/jobs")).status);
      return statuses;
    };
    const one = await run();
    assert.deepEqual(await run(), one);
    assert.ok(one.includes(503) && one.includes(200), JSON.stringify(one));
  });

  it("world faults apply from the start", async () => {
    const faulty = await quietEmulator({
      world: {
        environments: [{ name: "production" }],
        faults: { rules: [{ action: "error", status: 500, count: 1 }] },
      },
    });
    try {
      const r = await call(faulty, "GET", "/jobs");
      assert.equal(r.status, 500);
      assert.equal(r.body.kind, "puppetlabs.orchestrator/unknown-error");
      assert.equal((await call(faulty, "GET", "/jobs")).status, 200);
    } finally {
      await faulty.stop();
    }
  });

  it("keeps connections alive", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await call(emu, "GET", "/jobs", { agent })).status, 200);
    } finally {
      agent.destroy();
    }
  });
});

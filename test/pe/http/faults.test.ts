import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import type { Emulator } from "../../../emulator";
import { type OrchestratorClient, OrchestratorError } from "../../../provider/pe";
import { waitForJob } from "../../../provider/wait";
import { OrchestratorClient as Client } from "../../../provider/pe/orchestrator-client";
import { resolveConnectionSettings } from "../../../provider/pe/settings/resolve-connection-settings";
import { clientFor, startTestEmulator } from "../../support/emulator";

describe("retries under faults (emulator fault knobs)", () => {
  let emu: Emulator;
  let client: OrchestratorClient;
  let jobName: string;

  before(async () => {
    emu = await startTestEmulator({ timeScale: 100 });
    client = clientFor(emu, {}, { requestTimeoutMs: 500 });
    jobName = (await client.deploy({ environment: "production", scope: { nodes: ["node1.example.com"] } }))
      .job.name;
  });
  afterEach(() => emu.setFaults({}));
  after(async () => {
    client?.close();
    await emu?.stop();
  });

  const gets = (path: string) => emu.requests.filter((r) => r.method === "GET" && r.path.endsWith(path));
  const posts = (path: string) => emu.requests.filter((r) => r.method === "POST" && r.path.endsWith(path));

  it("a GET survives a burst of 503s", async () => {
    emu.setFaults({
      rules: [{ method: "GET", path: "/jobs/\\d+$", action: "error", status: 503, count: 4 }],
    });
    const before = gets(`/jobs/${jobName}`).length;
    assert.equal((await client.getJob(jobName)).name, jobName);
    assert.equal(gets(`/jobs/${jobName}`).length - before, 5);
  });

  it("a GET waits as long as a 429's Retry-After says", async () => {
    emu.setFaults({
      rules: [{ method: "GET", action: "error", status: 429, retryAfterSeconds: 1, count: 1 }],
    });
    const started = Date.now();
    await client.getJob(jobName);
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  });

  it("a GET survives dropped connections, slow bodies and malformed JSON", async () => {
    emu.setFaults({ rules: [{ method: "GET", action: "drop", count: 2 }] });
    assert.equal((await client.getJob(jobName)).name, jobName);
    emu.setFaults({ rules: [{ method: "GET", action: "drop", afterHandling: true, count: 1 }] });
    assert.equal((await client.getJob(jobName)).name, jobName);
    emu.setFaults({ rules: [{ method: "GET", action: "slow", ms: 2000, count: 1 }] }); // longer than the 500 ms timeout
    assert.equal((await client.getJob(jobName)).name, jobName);
    emu.setFaults({ rules: [{ method: "GET", action: "slow", ms: 200, count: 1 }] }); // slow but in time
    assert.equal((await client.getJob(jobName)).name, jobName);
    emu.setFaults({ rules: [{ method: "GET", action: "malformed", count: 1 }] });
    assert.equal((await client.getJob(jobName)).name, jobName);
  });

  it("a whole wait survives a flaky server (30% of GETs fail)", async () => {
    const { job } = await client.deploy({
      environment: "production",
      scope: { nodes: ["node2.example.com"] },
    });
    emu.setFaults({
      seed: 7,
      rules: [
        { method: "GET", action: "error", status: 503, rate: 0.15 },
        { method: "GET", action: "drop", rate: 0.15 },
      ],
    });
    assert.equal((await waitForJob(client, job.name)).state, "finished");
  });

  it("a command POST dropped after the server handled it is not sent again", async () => {
    emu.setFaults({
      rules: [{ method: "POST", path: "/command/deploy$", action: "drop", afterHandling: true, count: 1 }],
    });
    const before = posts("/command/deploy").length;
    const jobsBefore = (await client.listJobs({ order_by: "name", order: "desc", limit: 1 })).items[0].name;
    await assert.rejects(
      client.deploy({
        environment: "production",
        scope: { nodes: ["node1.example.com"] },
        userdata: { marker: "once" },
      }),
      (e: Error) => {
        assert.ok(e instanceof OrchestratorError);
        assert.match(e.message, /not re-sent because it may have reached the server/);
        return true;
      },
    );
    assert.equal(posts("/command/deploy").length - before, 1, "exactly one POST");
    const latest = (await client.listJobs({ order_by: "name", order: "desc", limit: 1 })).items[0];
    assert.equal(Number(latest.name), Number(jobsBefore) + 1, "the job exists once and can be found");
    assert.deepEqual(latest.userdata, { marker: "once" });
  });

  it("command POSTs are not retried on 503 or malformed replies either", async () => {
    for (const rule of [
      { action: "error" as const, status: 503 },
      { action: "malformed" as const },
      { action: "drop" as const },
    ]) {
      emu.setFaults({ rules: [{ method: "POST" as const, path: "/command/plan_run$", count: 1, ...rule }] });
      const before = posts("/command/plan_run").length;
      await assert.rejects(
        client.planRun({ plan_name: "facts::info", params: { targets: "node1.example.com" } }),
      );
      assert.equal(posts("/command/plan_run").length - before, 1, rule.action);
    }
  });

  it("a command POST is retried when the connection was refused (it never reached a server)", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const settings = resolveConnectionSettings({
      config: { serviceUrl: `https://127.0.0.1:${port}`, token: "t", cacert: emu.caPem },
      env: {},
      homeDir: "/nonexistent",
      systemConfigFile: "/nonexistent",
    });
    const refused = new Client(settings, { retry: { baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } });
    await assert.rejects(refused.deploy({ environment: "production" }), (e: Error) => {
      assert.ok(e instanceof OrchestratorError);
      assert.equal(e.code, "ECONNREFUSED");
      assert.match(
        e.message,
        /after 3 attempts.*nothing accepts connections at https:\/\/127\.0\.0\.1:\d+ \(from pe:serviceUrl\)/,
      );
      return true;
    });
    assert.equal(refused.requestCount, 3);
  });

  it("a wait's budget outlasts a restart longer than a request's own: a poll keeps trying until PE is back", async () => {
    const stateDir = emu.stateDir;
    const port = Number(new URL(emu.url).port);
    const quick = clientFor(emu, {}, { retry: { baseDelayMs: 20, maxDelayMs: 200, maxElapsedMs: 1_000 } });
    try {
      await emu.stop();
      const down = Date.now();
      // a request's own budget (1 s here) gives up while PE is down...
      await assert.rejects(quick.getJob(jobName), (e: OrchestratorError) => e.code === "ECONNREFUSED");
      // ...one with a wait's budget keeps trying, and gets the answer once PE is back 3 s later
      const polled = quick.getJob(jobName, { budgetMs: 20_000 });
      setTimeout(() => {
        void startTestEmulator({ timeScale: 100, stateDir, port }).then((again) => (emu = again));
      }, 3_000);
      assert.equal((await polled).name, jobName);
      assert.ok(Date.now() - down >= 3_000);
    } finally {
      quick.close();
    }
  });

  it("a request's attempts count against its budget: a silent server fails it within the budget", async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const settings = resolveConnectionSettings({
      config: { serviceUrl: `https://127.0.0.1:${port}`, token: "silent-test-token", cacert: emu.caPem },
      env: {},
      homeDir: "/nonexistent",
      systemConfigFile: "/nonexistent",
    });
    const waiting = new Client(settings, {
      requestTimeoutMs: 1_000,
      retry: { baseDelayMs: 5, maxElapsedMs: 2_500 },
    });
    try {
      const started = Date.now();
      await assert.rejects(waiting.getJob("1"), /no complete answer within [\d.]+ s \(after [23] attempts\)/);
      const took = Date.now() - started;
      // the old policy checked only that the next delay fit: 12 attempts of 1 s each
      assert.ok(took >= 2_400 && took < 3_500, `took ${took} ms`);
      assert.ok(waiting.requestCount <= 4, `${waiting.requestCount} attempts`);
    } finally {
      waiting.close();
      silent.close();
    }
  });
});

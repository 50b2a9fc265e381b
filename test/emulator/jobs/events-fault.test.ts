import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../../emulator";
import { call, finishedJob, finishedPlanJob, quietEmulator, waitFor } from "../helpers";

// The events knob (`faults.events`): what the events endpoints serve when a server lags, truncates or loses
// events. Each mode is checked on a finished deploy and a finished plan, and `ahead` on a running one.
const CANARY = { plan_name: "canary", params: { nodes: ["node1.example.com"], command: "whoami" } };

describe("emulator events knob", () => {
  let emu: Emulator;
  let job: string;
  let planJob: string;
  before(async () => {
    emu = await quietEmulator({ timeScale: 1000 });
    job = (
      await call(emu, "POST", "/command/deploy", {
        body: { environment: "production", scope: { nodes: ["node1.example.com", "node2.example.com"] } },
      })
    ).body.job.name;
    planJob = (await call(emu, "POST", "/command/plan_run", { body: CANARY })).body.name;
    await finishedJob(emu, job);
    await finishedPlanJob(emu, planJob);
  });
  afterEach(() => emu.setFaults({}));
  after(() => emu.stop());

  const types = async (what: string) => {
    const reply = await call(emu, "GET", `${what}/events`);
    assert.equal(reply.status, 200, reply.text);
    return (reply.body.items as Array<{ type: string }>).map((e) => e.type);
  };

  it("complete (the default): every event, the end included", async () => {
    assert.deepEqual(await types(`/jobs/${job}`), [
      "node_running",
      "node_running",
      "node_finished",
      "node_finished",
      "job_finished",
    ]);
    assert.equal((await types(`/plan_jobs/${planJob}`)).at(-1), "plan_finished");
  });

  it("empty: 200 with no items, and next-events stays where it was asked", async () => {
    emu.setFaults({ events: "empty" });
    const reply = await call(emu, "GET", `/jobs/${job}/events?start=3`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.items, []);
    assert.equal(reply.body["next-events"].event, "3");
    assert.deepEqual(await types(`/plan_jobs/${planJob}`), []);
  });

  it("truncated: pages stop short of the end (no final event, no end of the last runs)", async () => {
    emu.setFaults({ events: "truncated" });
    const jobEvents = await types(`/jobs/${job}`);
    assert.ok(!jobEvents.includes("job_finished"), jobEvents.join());
    assert.ok(jobEvents.includes("node_running"), jobEvents.join());
    assert.ok(!(await types(`/plan_jobs/${planJob}`)).includes("plan_finished"));
    // the record still says how it ended
    assert.equal((await call(emu, "GET", `/jobs/${job}`)).body.state, "finished");
  });

  it("failing: 500 on every events request; the record still answers", async () => {
    emu.setFaults({ events: "failing" });
    for (const what of [`/jobs/${job}`, `/plan_jobs/${planJob}`]) {
      const reply = await call(emu, "GET", `${what}/events`);
      assert.equal(reply.status, 500);
      assert.equal(reply.body.kind, "puppetlabs.orchestrator/unknown-error");
      assert.equal((await call(emu, "GET", what)).status, 200);
    }
  });

  it("ahead: the end event shows while the record still runs", async () => {
    const slow = await quietEmulator({ timeScale: 1 });
    try {
      // demo::slow runs an hour: its end event shows now, its record says running
      slow.setFaults({ events: "ahead", eventsAheadMs: 3_601_000 });
      const name = (await call(slow, "POST", "/command/plan_run", { body: { plan_name: "demo::slow" } })).body
        .name;
      const events = await call(slow, "GET", `/plan_jobs/${name}/events`);
      assert.equal(events.body.items.at(-1).type, "plan_finished");
      assert.equal((await call(slow, "GET", `/plan_jobs/${name}`)).body.state, "running");
    } finally {
      await slow.stop();
    }
  });

  it("is set from the world file too, and a bad value is refused naming the path", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-events-world-"));
    const file = path.join(dir, "world.yaml");
    fs.writeFileSync(file, "environments: [{ name: production }]\nfaults: { events: empty }\n");
    const fromFile = await quietEmulator({ world: file, timeScale: 1000 });
    try {
      const name = (
        await call(fromFile, "POST", "/command/deploy", {
          body: { environment: "production", scope: { nodes: ["a.example.com"] } },
        })
      ).body.job.name;
      const done = await waitFor(
        () => call(fromFile, "GET", `/jobs/${name}`),
        (r) => r.body.state !== "running" && r.body.state !== "new" && r.body.state !== "ready",
      );
      assert.ok(done.body.state);
      assert.deepEqual((await call(fromFile, "GET", `/jobs/${name}/events`)).body.items, []);
    } finally {
      await fromFile.stop();
    }
    fs.writeFileSync(file, "environments: [{ name: production }]\nfaults: { events: sometimes }\n");
    await assert.rejects(quietEmulator({ world: file }), /faults\.events/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

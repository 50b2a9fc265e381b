import * as assert from "node:assert/strict";
import { MAX_TIME_SCALE, type WorldInput } from "../../../emulator";
import { call, finishedJob, quietEmulator } from "../helpers";

describe("emulator at scale", () => {
  it("a 10,000-node deploy finishes quickly at the maximum time scale, with cheap node pages", async () => {
    const certnames = Array.from({ length: 10_000 }, (_, i) => `n${String(i).padStart(5, "0")}.example.com`);
    const nodes: WorldInput["nodes"] = certnames.map((certname, i) => ({
      certname,
      ...(i % 1000 === 7 ? { runs: { production: { status: "failed" as const } } } : {}),
    }));
    const emu = await quietEmulator({
      timeScale: MAX_TIME_SCALE,
      world: { environments: [{ name: "production" }], nodes },
    });
    try {
      const started = Date.now();
      const r = await call(emu, "POST", "/command/deploy", {
        body: { environment: "production", scope: { nodes: certnames } },
      });
      assert.equal(r.status, 202);
      const job = await finishedJob(emu, r.body.job.name);
      const ms = Date.now() - started;
      assert.equal(job.node_count, 10_000);
      assert.deepEqual(job.node_states, { finished: 9_990, failed: 10 });
      assert.equal(job.state, "failed");
      assert.ok(ms < 10_000, `took ${ms} ms`);
      const page = await call(
        emu,
        "GET",
        `/jobs/${r.body.job.name}/nodes?limit=100&offset=9950&order_by=name`,
      );
      assert.equal(page.body.items.length, 50);
      assert.equal(page.body.items[0].name, "n09950.example.com");
      const ev = await call(emu, "GET", `/jobs/${r.body.job.name}/events`);
      assert.equal(ev.body.items.length, 1000);
      const last = await call(
        emu,
        "GET",
        `/jobs/${r.body.job.name}/events?start=${Number(ev.body.items[0].id) + 20_000}`,
      );
      assert.equal(last.body.items.at(-1).type, "job_finished");
    } finally {
      await emu.stop();
    }
  });
});

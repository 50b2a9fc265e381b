import * as assert from "node:assert/strict";
import type { Emulator, WorldInput } from "../../emulator";
import { type OrchestratorClient } from "../../provider/pe";
import { type WaitOptions, waitForJob } from "../../provider/wait";
import { clientFor, startTestEmulator, testWorld } from "../support/emulator";

/**
 * The poll schedule must leave the dense window around a predicted end once the job overruns it:
 * a prediction that slides along with the clock (the progress estimate recomputed from `now` while
 * no new events are read) used to keep the wait polling every ~100 ms until the job really ended.
 */
describe("waitForJob when the predicted end passes (real time)", () => {
  interface Run {
    requests: number;
    recordReads: number;
    eventReads: number;
    /** real ms from the job's end to the wait seeing it */
    lateMs: number;
    durationMs: number;
    state: string;
  }

  async function run(
    emu: Emulator,
    client: OrchestratorClient,
    body: Parameters<OrchestratorClient["deploy"]>[0],
    options: WaitOptions = {},
  ): Promise<Run> {
    const sentAt = Date.now();
    const { job } = await client.deploy(body);
    const before = emu.requests.length;
    let sawEndAt = 0;
    const result = await waitForJob(client, job.name, {
      history: false,
      nodeSummaryLimit: 1,
      ...options,
      onProgress: (p) => {
        if (["finished", "failed", "stopped"].includes(p.state) && sawEndAt === 0) sawEndAt = Date.now();
      },
    });
    const made = emu.requests.slice(before).filter((r) => r.method === "GET");
    // the emulator fixes a job's schedule when it is created: it ends `duration` real seconds after the POST
    const durationMs = (result.job.duration ?? 0) * 1000;
    return {
      requests: result.requests,
      recordReads: made.filter((r) => r.path === `/orchestrator/v1/jobs/${job.name}`).length,
      eventReads: made.filter((r) => r.path === `/orchestrator/v1/jobs/${job.name}/events`).length,
      lateMs: sawEndAt - (sentAt + durationMs),
      durationMs,
      state: result.state,
    };
  }

  it("a 10,000-node deploy in waves costs a bounded number of requests", async function () {
    this.timeout(90_000);
    const nodes: WorldInput["nodes"] = Array.from({ length: 10_000 }, (_, i) => ({
      certname: `n${String(i).padStart(5, "0")}.example.com`,
    }));
    // 30 world-second runs at timeScale 10: 3 s real per wave, 5 waves of 2,000 nodes, ~15 s in all
    const emu = await startTestEmulator({
      timeScale: 10,
      world: { ...testWorld, settings: { concurrency: 2000, runSeconds: 30 }, nodes },
    });
    const client = clientFor(emu);
    try {
      const r = await run(emu, client, {
        environment: "production",
        concurrency: 2000,
        scope: { query: "nodes[certname] { }" },
      });
      assert.equal(r.state, "finished");
      // The intended schedule for a ~15 s job: ~10 polls of the adaptive start (100 ms doubling, more
      // while events pages arrive), a few long jumps once waves give a progress estimate, ~10 polls
      // through the window around the predicted end (±2%, ≥ 100 ms, intervals from 100 ms) and, when
      // the job overruns it, polls at half the overrun (×1.5 per poll): under 40 with 2 summary pages.
      // The sliding estimate made ~150-200 here (one record read per ~100 ms for the last seconds).
      assert.ok(r.requests <= 40, `${r.requests} requests (${r.recordReads} record, ${r.eventReads} events)`);
      // lateness: overrunning by X is seen within ~X/2 (≤ 5 s); the prediction is mostly right here
      assert.ok(r.lateMs < 2500, `${r.lateMs} ms late (job ${r.durationMs} ms, ${r.requests} requests)`);
    } finally {
      client.close();
      await emu.stop();
    }
  });

  describe("overrunning expectedDurationMs", () => {
    let emu: Emulator;
    let client: OrchestratorClient;
    before(async () => {
      // timeScale 1: world seconds are real seconds
      emu = await startTestEmulator({
        world: {
          ...testWorld,
          settings: { concurrency: 10, runSeconds: 1 },
          nodes: [
            ...Array.from({ length: 9 }, (_, i) => ({ certname: `fast${i}.example.com`, runSeconds: 1 })),
            { certname: "slow.example.com", runSeconds: 7 },
          ],
        },
      });
      client = clientFor(emu);
    });
    after(async () => {
      client?.close();
      await emu?.stop();
    });

    // Past the window (E + w) the interval is half the overrun, capped at 5 s: the overrun grows ×1.5
    // per poll, so from ~0.2 s past a 1 s prediction to a 7 s job is ~log1.5(30) ≈ 9 polls, after ~4 on
    // the way to the window and ~6 in it; the last one may need an events page and a record read.
    // Each poll is then at most half the overrun late: ≤ 3 s for a job 6 s over, plus round trips.
    const requestBound = 25;
    const lateBound = 3500;

    it("one node: the interval grows with the overrun", async function () {
      this.timeout(30_000);
      const r = await run(
        emu,
        client,
        { environment: "production", scope: { nodes: ["slow.example.com"] } },
        { expectedDurationMs: 1000 },
      );
      assert.equal(r.state, "finished");
      assert.ok(r.requests <= requestBound, `${r.requests} requests (${r.recordReads} record reads)`);
      assert.ok(r.lateMs < lateBound, `${r.lateMs} ms late`);
    });

    it("ten nodes, one straggler: the progress estimate ('ends now') does not pin the wait to 100 ms polls", async function () {
      this.timeout(30_000);
      const r = await run(
        emu,
        client,
        {
          environment: "production",
          scope: {
            nodes: ["slow.example.com", ...Array.from({ length: 9 }, (_, i) => `fast${i}.example.com`)],
          },
        },
        { expectedDurationMs: 1000 },
      );
      assert.equal(r.state, "finished");
      assert.ok(r.requests <= requestBound, `${r.requests} requests (${r.recordReads} record reads)`);
      assert.ok(r.lateMs < lateBound, `${r.lateMs} ms late`);
    });

    it("ten nodes, one straggler, no prediction to start with: the same", async function () {
      this.timeout(30_000);
      const r = await run(emu, client, {
        environment: "production",
        scope: {
          nodes: ["slow.example.com", ...Array.from({ length: 9 }, (_, i) => `fast${i}.example.com`)],
        },
      });
      assert.equal(r.state, "finished");
      assert.ok(r.requests <= requestBound, `${r.requests} requests (${r.recordReads} record reads)`);
      assert.ok(r.lateMs < lateBound, `${r.lateMs} ms late`);
    });
  });
});

import * as assert from "node:assert/strict";
import { estimateEndFromProgress, type NodeTimes } from "../../provider/wait/estimate-end-from-progress";

/** Nodes of `runMs` runs on `slots` slots, as seen at `now` (ms since the job started). */
function waves(count: number, slots: number, runMs: number, now: number): NodeTimes[] {
  return Array.from({ length: count }, (_, i) => {
    const startedAt = Math.floor(i / slots) * runMs;
    const endedAt = startedAt + runMs;
    return startedAt > now ? {} : endedAt > now ? { startedAt } : { startedAt, endedAt };
  });
}

describe("estimateEndFromProgress", () => {
  it("is undefined before any run has finished and once all have", () => {
    assert.equal(
      estimateEndFromProgress({ nodeCount: 4, nodes: waves(4, 2, 30_000, 10_000), now: 10_000 }),
      undefined,
    );
    assert.equal(
      estimateEndFromProgress({ nodeCount: 4, nodes: waves(4, 2, 30_000, 70_000), now: 70_000 }),
      undefined,
    );
  });

  it("extrapolates waves: 40 nodes on 8 slots of 30 s end at 150 s, seen after the first wave", () => {
    const e = estimateEndFromProgress({ nodeCount: 40, nodes: waves(40, 8, 30_000, 31_000), now: 31_000 });
    assert.equal(e?.durationMs, 150_000);
    assert.equal(e?.source, "progress");
    assert.equal(e?.spreadMs, 3000);
  });

  it("counts the slots from the runs seen at once, or takes the job's concurrency", () => {
    const nodes = waves(10, 5, 20_000, 21_000);
    assert.equal(estimateEndFromProgress({ nodeCount: 10, nodes, now: 21_000 })?.durationMs, 40_000);
    // with 10 slots the five queued nodes would have started already: they run now
    const ten = estimateEndFromProgress({
      nodeCount: 10,
      nodes: waves(10, 5, 20_000, 20_000),
      now: 20_000,
      concurrency: 10,
    });
    assert.equal(ten?.durationMs, 40_000);
  });

  it("puts a partial last wave on the slots that free first", () => {
    // 3 slots, 7 nodes of 10 s: waves at 0, 10, 20 s; the 7th node runs alone from 20 s
    const e = estimateEndFromProgress({ nodeCount: 7, nodes: waves(7, 3, 10_000, 12_000), now: 12_000 });
    assert.equal(e?.durationMs, 30_000);
  });

  it("widens the spread with the runs' scatter and the waves still ahead", () => {
    const nodes: NodeTimes[] = [
      { startedAt: 0, endedAt: 8000 },
      { startedAt: 0, endedAt: 10_000 },
      { startedAt: 0, endedAt: 12_000 },
      { startedAt: 12_000 },
      ...Array.from({ length: 8 }, () => ({})),
    ];
    const e = estimateEndFromProgress({ nodeCount: 12, nodes, now: 12_000, concurrency: 3 });
    assert.ok(e !== undefined);
    // slots free at 0, 0 and 10 s; eight queued runs of 10 s: 3 + 3 + 2 of them
    assert.equal(e.durationMs, 12_000 + 30_000);
    assert.ok(e.spreadMs > 2 * 1.4826 * 2000, `${e.spreadMs}`);
  });
});

import * as assert from "node:assert/strict";
import { NodeSummaryBuilder, RESULT_LIMIT_BYTES, RESULTS_BUDGET_BYTES } from "../../provider/pe/node-summary";
import { jobNodeSchema } from "../../provider/pe/schemas";

describe("NodeSummaryBuilder", () => {
  it("counts every node but lists at most `limit` failed and other nodes", () => {
    const builder = new NodeSummaryBuilder(3);
    for (let i = 0; i < 10_000; i++) {
      const state = i % 100 === 0 ? "failed" : i % 250 === 1 ? "errored" : "finished";
      builder.add(
        jobNodeSchema.parse({
          name: `n${i}`,
          state,
          duration: "1.5",
          details: state === "errored" ? { message: "not connected" } : {},
          result: { status: state === "failed" ? "failed" : "unchanged" },
        }),
      );
    }
    const s = builder.summary();
    assert.equal(s.total, 10_000);
    assert.deepEqual(s.counts, { failed: 100, errored: 40, finished: 9860 });
    assert.equal(s.failed.length, 3);
    assert.equal(s.others.length, 3);
    assert.equal(s.truncated, true);
    assert.deepEqual(s.failed[0], {
      name: "n0",
      state: "failed",
      durationSeconds: 1.5,
      status: "failed",
      message: "failed",
      result: { status: "failed" },
    });
    assert.equal(s.failed[1].message, "not connected");
  });

  it("keeps each node's result up to 4 KiB of JSON and all listed results within 64 KiB, failed nodes first", () => {
    const builder = new NodeSummaryBuilder(50);
    const big = { output: "x".repeat(RESULT_LIMIT_BYTES) };
    builder.add(jobNodeSchema.parse({ name: "big", state: "failed", duration: 1, result: big }));
    // 40 results of ~2 KiB: about 32 fit in what the budget has left, later ones become markers.
    for (let i = 0; i < 40; i++) {
      const result = { output: "y".repeat(2000), n: i };
      builder.add(jobNodeSchema.parse({ name: `n${i}`, state: "finished", duration: 1, result }));
    }
    builder.add(jobNodeSchema.parse({ name: "running", state: "running", duration: 1, result: null }));
    const s = builder.summary();
    const marker = s.failed[0].result as { _truncated: { bytes: number; limit: number; head: string } };
    assert.equal(marker._truncated.limit, RESULT_LIMIT_BYTES);
    assert.equal(marker._truncated.bytes, JSON.stringify(big).length);
    assert.equal(marker._truncated.head, JSON.stringify(big).slice(0, 256));
    assert.deepEqual(s.others[0].result, { output: "y".repeat(2000), n: 0 });
    const kept = s.others.filter((e) => (e.result as { n?: number })?.n !== undefined).length;
    assert.ok(kept >= 25 && kept < 40, String(kept));
    assert.ok("_truncated" in (s.others[39].result as object));
    assert.equal("result" in s.others[40], false, "a node still running has no result");
    const total = [...s.failed, ...s.others].reduce((n, e) => n + (JSON.stringify(e.result) ?? "").length, 0);
    assert.ok(total <= RESULTS_BUDGET_BYTES + 40 * 100, String(total));
  });
});

import * as assert from "node:assert/strict";
import { NodeSummaryBuilder } from "../../provider/client/node-summary";
import { jobNodeSchema } from "../../provider/client/schemas";

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
    });
    assert.equal(s.failed[1].message, "not connected");
  });
});

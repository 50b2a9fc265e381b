import * as assert from "node:assert/strict";
import { estimateFromNodeRuns } from "../../provider/wait/estimate-from-node-runs";

describe("estimateFromNodeRuns", () => {
  it("predicts the slowest node's last run, with a 5% spread (at least 100 ms)", () => {
    assert.deepEqual(estimateFromNodeRuns([30_000, 41_000, 35_500]), {
      durationMs: 41_000,
      spreadMs: 2050,
      source: "history",
      basis: "each node's last Puppet run (PuppetDB)",
      samples: 3,
    });
    assert.equal(estimateFromNodeRuns([1500])?.spreadMs, 100);
  });

  it("predicts nothing when a node's last run is unknown or unusable", () => {
    assert.equal(estimateFromNodeRuns([]), undefined);
    assert.equal(estimateFromNodeRuns([30_000, undefined]), undefined);
    assert.equal(estimateFromNodeRuns([30_000, 0]), undefined);
    assert.equal(estimateFromNodeRuns([Number.NaN]), undefined);
  });

  it("leaves jobs that run in several waves to the progress estimate", () => {
    assert.equal(estimateFromNodeRuns([1000, 1000, 1000], 2), undefined);
    assert.equal(estimateFromNodeRuns([1000, 1000], 2)?.durationMs, 1000);
  });
});

import * as assert from "node:assert/strict";
import { endWindowOf, historyEstimate, windowPhase } from "../../provider/wait/predict-job-end";

describe("historyEstimate", () => {
  it("keeps the default 2% spread for runs alike in scope, node count or parameters, and names the basis", () => {
    for (const basis of ["same scope", "same node count", "same parameters"]) {
      assert.deepEqual(historyEstimate({ durationsMs: [60_000], basis }), {
        durationMs: 60_000,
        spreadMs: 1200,
        source: "history",
        samples: 1,
        basis,
      });
    }
  });

  it("widens to 5% for runs alike only in part", () => {
    const e = historyEstimate({ durationsMs: [60_000, 62_000], basis: "same nodes, other job" });
    assert.equal(e?.durationMs, 61_000);
    assert.equal(e?.spreadMs, 3050);
    assert.equal(e?.basis, "same nodes, other job");
  });

  it("is undefined without runs", () => {
    assert.equal(historyEstimate({ durationsMs: [], basis: "none" }), undefined);
  });
});

describe("endWindowOf", () => {
  it("puts a predicted duration's end on the clock from the job's start", () => {
    assert.deepEqual(endWindowOf({ durationMs: 30_000, spreadMs: 600, source: "caller" }, 1_000_000), {
      endAt: 1_030_000,
      spreadMs: 600,
    });
    assert.equal(endWindowOf(undefined, 1_000_000), undefined);
  });
});

describe("windowPhase", () => {
  const window = { endAt: 10_000, spreadMs: 500 };

  it("is inside from E − w to E + 2w, past beyond it, before until then", () => {
    assert.equal(windowPhase(window, 9_499), "before");
    assert.equal(windowPhase(window, 9_500), "inside");
    assert.equal(windowPhase(window, 10_000), "inside");
    assert.equal(windowPhase(window, 11_000), "inside");
    assert.equal(windowPhase(window, 11_001), "past");
  });
});

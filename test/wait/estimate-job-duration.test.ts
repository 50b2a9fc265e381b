import * as assert from "node:assert/strict";
import { callerEstimate, estimateJobDuration, median } from "../../provider/wait/estimate-job-duration";

describe("estimateJobDuration", () => {
  it("is undefined without usable samples", () => {
    assert.equal(estimateJobDuration([]), undefined);
    assert.equal(estimateJobDuration([0, Number.NaN, -5]), undefined);
  });

  it("takes one sample as it is, with the default 2% spread", () => {
    assert.deepEqual(estimateJobDuration([60_000]), {
      durationMs: 60_000,
      spreadMs: 1200,
      source: "history",
      samples: 1,
    });
  });

  it("never spreads less than 100 ms", () => {
    assert.equal(estimateJobDuration([2000])?.spreadMs, 100);
  });

  it("uses the median of the most recent five: an old or odd run does not move it", () => {
    const e = estimateJobDuration([60_000, 61_000, 300_000, 59_000, 60_500, 10_000, 10_000]);
    assert.equal(e?.durationMs, 60_500);
  });

  it("widens the spread to the samples' own scatter", () => {
    const e = estimateJobDuration([50_000, 60_000, 70_000]);
    assert.equal(e?.durationMs, 60_000);
    assert.equal(e?.spreadMs, Math.round(2 * 1.4826 * 10_000));
    assert.equal(estimateJobDuration([60_000, 60_010, 59_990])?.spreadMs, 1200);
  });

  it("honours the options", () => {
    const e = estimateJobDuration([10, 20, 30, 1000], { recent: 3, relativeSpread: 0.1, minSpreadMs: 1 });
    assert.deepEqual(e, { durationMs: 20, spreadMs: 30, source: "history", samples: 3 });
  });
});

describe("callerEstimate", () => {
  it("gives a caller's duration the same prior spread as one history sample", () => {
    assert.deepEqual(callerEstimate(60_000), { durationMs: 60_000, spreadMs: 1200, source: "caller" });
    assert.equal(callerEstimate(1000).spreadMs, 100);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});

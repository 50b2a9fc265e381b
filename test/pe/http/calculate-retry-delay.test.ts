import * as assert from "node:assert/strict";
import { calculateRetryDelay, type RetryPolicy } from "../../../provider/pe/http/calculate-retry-delay";
import { parseRetryAfter } from "../../../provider/pe/http/parse-retry-after";

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 10_000, maxAttempts: 5 };

describe("calculateRetryDelay", () => {
  it("doubles from the base delay with equal jitter, capped", () => {
    const low = (attempt: number) => calculateRetryDelay({ attempt, elapsedMs: 0, policy, random: () => 0 });
    const high = (attempt: number) =>
      calculateRetryDelay({ attempt, elapsedMs: 0, policy, random: () => 0.999999 });
    assert.deepEqual([1, 2, 3, 4].map(low), [50, 100, 200, 400]);
    assert.deepEqual([1, 2, 3, 4].map(high), [100, 200, 400, 800]);
    const capped = calculateRetryDelay({ attempt: 8, elapsedMs: 0, policy: { ...policy, maxAttempts: 9 } });
    assert.ok(capped !== undefined && capped <= 1000 && capped >= 500);
  });

  it("honours Retry-After over the backoff, even above the cap", () => {
    assert.equal(calculateRetryDelay({ attempt: 1, elapsedMs: 0, retryAfterMs: 3000, policy }), 3000);
    assert.equal(calculateRetryDelay({ attempt: 1, elapsedMs: 0, retryAfterMs: 0, policy }), 0);
  });

  it("gives up after maxAttempts or when the delay would pass the time budget", () => {
    assert.equal(calculateRetryDelay({ attempt: 5, elapsedMs: 0, policy }), undefined);
    assert.equal(calculateRetryDelay({ attempt: 1, elapsedMs: 9_990, policy, random: () => 0 }), undefined);
    assert.equal(calculateRetryDelay({ attempt: 1, elapsedMs: 0, retryAfterMs: 20_000, policy }), undefined);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates", () => {
    assert.equal(parseRetryAfter("2", now), 2000);
    assert.equal(parseRetryAfter("Mon, 01 Jan 2024 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("Sun, 31 Dec 2023 23:59:00 GMT", now), 0);
  });
  it("ignores absent and invalid values", () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter("-1", now), undefined);
  });
});

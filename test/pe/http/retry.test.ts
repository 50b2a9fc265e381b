import * as assert from "node:assert/strict";
import { retry } from "../../../provider/pe/http/retry";

const policy = { baseDelayMs: 10, maxDelayMs: 100, maxElapsedMs: 1000, maxAttempts: 4 };

describe("retry", () => {
  it("retries retryable failures with the computed delays, then returns", async () => {
    const slept: number[] = [];
    let calls = 0;
    const value = await retry(
      async (n) => {
        calls++;
        if (n < 3) throw new Error(`fail ${n}`);
        return "ok";
      },
      {
        policy,
        shouldRetry: () => ({ retry: true }),
        sleep: async (ms) => void slept.push(ms),
        random: () => 0,
      },
    );
    assert.equal(value, "ok");
    assert.equal(calls, 3);
    assert.deepEqual(slept, [5, 10]);
  });

  it("does not retry what shouldRetry refuses, and stops at maxAttempts", async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error("no");
        },
        { policy, shouldRetry: () => ({ retry: false }) },
      ),
      /no/,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error("again");
        },
        { policy, shouldRetry: () => ({ retry: true }), sleep: async () => {} },
      ),
      /again/,
    );
    assert.equal(calls, 4);
  });

  it("passes Retry-After through and stops when the signal aborts", async () => {
    const slept: number[] = [];
    const controller = new AbortController();
    await assert.rejects(
      retry(
        async (n) => {
          if (n === 2) controller.abort();
          throw new Error(`fail ${n}`);
        },
        {
          policy,
          signal: controller.signal,
          shouldRetry: () => ({ retry: true, retryAfterMs: 70 }),
          sleep: async (ms) => void slept.push(ms),
        },
      ),
      /fail 2/,
    );
    assert.deepEqual(slept, [70]);
  });
});

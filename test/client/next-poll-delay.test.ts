import * as assert from "node:assert/strict";
import { DEFAULT_POLL_POLICY, nextPollDelay } from "../../provider/client/next-poll-delay";

const policy = DEFAULT_POLL_POLICY;

/** Poll times the policy produces for a job of `durationMs` (no progress events), until it ends. */
function schedule(durationMs: number, expectedMs?: number): number[] {
  const polls: number[] = [];
  for (let t = 0; t < durationMs;) {
    t += nextPollDelay({
      elapsedMs: t,
      sinceProgressMs: t,
      untilExpectedEndMs: expectedMs === undefined ? undefined : expectedMs - t,
      policy,
    });
    polls.push(t);
  }
  return polls;
}

describe("nextPollDelay", () => {
  it("starts quick and doubles up to the cap", () => {
    const polls = schedule(60_000);
    assert.deepEqual(polls.slice(0, 4), [100, 200, 400, 800]);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]);
    assert.ok(Math.max(...gaps) <= policy.maxMs);
    assert.ok(polls.length <= 20, `${polls.length} polls for 60 s`);
  });

  it("goes quick again after progress, but not below 5% of the time waited", () => {
    assert.equal(nextPollDelay({ elapsedMs: 1000, sinceProgressMs: 0, policy }), 100);
    assert.equal(nextPollDelay({ elapsedMs: 40_000, sinceProgressMs: 0, policy }), 2000);
  });

  it("with an expected end, polls rarely while it is far and lands on it", () => {
    const polls = schedule(60_000, 60_000);
    assert.ok(polls.length <= 18, `${polls.length} polls`);
    assert.ok(polls[polls.length - 1] - 60_000 <= policy.minMs, `last poll ${polls[polls.length - 1]}`);
  });

  it("backs off again when the job runs past its expected end", () => {
    assert.equal(
      nextPollDelay({ elapsedMs: 61_000, sinceProgressMs: 61_000, untilExpectedEndMs: -1000, policy }),
      1000,
    );
    assert.equal(
      nextPollDelay({ elapsedMs: 99_000, sinceProgressMs: 99_000, untilExpectedEndMs: -39_000, policy }),
      5000,
    );
  });
});

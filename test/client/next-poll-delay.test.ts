import * as assert from "node:assert/strict";
import { DEFAULT_POLL_POLICY, nextPollDelay } from "../../provider/client/next-poll-delay";

const policy = DEFAULT_POLL_POLICY;

/** Poll times the policy produces for a job of `durationMs` (no progress events), until it ends. */
function schedule(durationMs: number, expectedMs?: number, spreadMs?: number, settled = false): number[] {
  const polls: number[] = [];
  for (let t = 0; t < durationMs;) {
    t += nextPollDelay({
      elapsedMs: t,
      sinceProgressMs: t,
      untilExpectedEndMs: expectedMs === undefined ? undefined : expectedMs - t,
      expectedSpreadMs: spreadMs,
      settled,
      policy,
    });
    polls.push(t);
  }
  return polls;
}

const gaps = (polls: number[]) => polls.slice(1).map((t, i) => t - polls[i]);

describe("nextPollDelay", () => {
  it("without a prediction starts quick and doubles up to the cap", () => {
    const polls = schedule(60_000);
    assert.deepEqual(polls.slice(0, 4), [100, 200, 400, 800]);
    assert.ok(Math.max(...gaps(polls)) <= policy.maxMs);
    assert.ok(polls.length <= 20, `${polls.length} polls for 60 s`);
  });

  it("goes quick again after progress, but not below 5% of the time waited", () => {
    assert.equal(nextPollDelay({ elapsedMs: 1000, sinceProgressMs: 0, policy }), 100);
    assert.equal(nextPollDelay({ elapsedMs: 40_000, sinceProgressMs: 0, policy }), 2000);
  });

  it("with a predicted end, polls first at 10% of it (at most maxMs) and jumps to the window in few requests", () => {
    const polls = schedule(60_000, 60_000, 1200);
    assert.equal(polls[0], policy.maxMs, "10% of the end, at most maxMs");
    const before = polls.filter((t) => t <= 58_800);
    assert.ok(before.length <= 5, `${before.length} polls before the window: ${before}`);
    assert.equal(before.at(-1), 58_800, "lands on the window's start");
    assert.ok(Math.max(...gaps(before)) <= policy.maxMsWithExpectedEnd * 1.25);
  });

  it("goes straight to a settled prediction's window that opens within maxMs: a 2 s job costs no early polls", () => {
    const polls = schedule(2000, 2000, 100, true);
    assert.equal(polls[0], 1900, "the window's start");
    assert.equal(polls.at(-1), 2000);
    assert.equal(schedule(5000, 5100, 100, true)[0], 5000, "opens at maxMs: still one jump");
    assert.equal(schedule(8000, 8000, 160, true)[0], 800, "opens later: 10% first, as before");
    assert.equal(schedule(2000, 2000, 100)[0], 200, "a prediction from progress: 10% first, as before");
  });

  it("polls densest at the predicted end, sparser towards the window's edges", () => {
    const at = (until: number) =>
      nextPollDelay({
        elapsedMs: 60_000 - until,
        sinceProgressMs: 0,
        untilExpectedEndMs: until,
        expectedSpreadMs: 1200,
        policy,
      });
    assert.equal(at(0), policy.aroundEndMs);
    assert.ok(at(-300) > at(0) && at(-600) > at(-300) && at(-1200) > at(-600));
    assert.ok(at(300) <= 300 && at(300) > at(0));
    // a window of ±1.2 s costs about a dozen polls, most of them within ±0.6 s
    const polls = schedule(61_200, 60_000, 1200).filter((t) => t > 58_800);
    assert.ok(polls.length >= 10 && polls.length <= 16, `${polls.length} polls in the window`);
    const central = polls.filter((t) => Math.abs(t - 60_000) <= 600);
    assert.ok(central.length >= polls.length / 2, `${central.length} of ${polls.length} central`);
  });

  it("scales the window with the spread: a 600 s job with ±12 s still polls every 100 ms at the end", () => {
    const polls = schedule(612_000, 600_000, 12_000);
    const near = gaps(polls.filter((t) => Math.abs(t - 600_000) <= 500));
    assert.ok(Math.max(...near) <= 110, `gaps ${near}`);
    assert.ok(polls.length < 300, `${polls.length} polls: fewer than a 1 s loop's 600`);
  });

  it("backs off in proportion to the overrun when the job runs past the window, up to maxMs", () => {
    const past = (over: number) =>
      nextPollDelay({
        elapsedMs: 60_000 + over,
        sinceProgressMs: 60_000,
        untilExpectedEndMs: -over,
        expectedSpreadMs: 1200,
        policy,
      });
    assert.equal(past(4000), 2000);
    assert.equal(past(60_000), policy.maxMs);
    assert.ok(past(1300) >= 650 && past(1300) <= 1000);
  });

  it("defaults the spread to 2% of the expected duration (at least 100 ms)", () => {
    const input = { elapsedMs: 4900, sinceProgressMs: 0, untilExpectedEndMs: 100, policy };
    assert.equal(nextPollDelay(input), nextPollDelay({ ...input, expectedSpreadMs: 100 }));
    const long = { elapsedMs: 59_000, sinceProgressMs: 0, untilExpectedEndMs: 1000, policy };
    assert.equal(nextPollDelay(long), nextPollDelay({ ...long, expectedSpreadMs: 1200 }));
  });
});

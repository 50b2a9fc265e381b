import * as assert from "node:assert/strict";
import { DEFAULT_POLL_POLICY, nextPollAt, nextPollDelay } from "../../provider/wait/next-poll-delay";

const policy = DEFAULT_POLL_POLICY;

/** Poll times the policy produces for a job of `durationMs` (no progress events), until it ends. */
function schedule(durationMs: number, expectedMs?: number, spreadMs?: number, settled = false): number[] {
  const polls: number[] = [];
  for (let t = 0; t < durationMs;) {
    t += nextPollDelay({
      elapsedMs: t,
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
  it("without a prediction polls each whole second of the job, as a `sleep 1` loop does", () => {
    const polls = schedule(60_000);
    assert.deepEqual(polls.slice(0, 3), [1000, 2000, 3000]);
    assert.equal(polls.length, 60, "a 60 s job: 60 polls, the last at its end");
  });

  it("keeps to the grid from the job's start whenever a poll was sent (a late timer, a slow answer)", () => {
    assert.equal(nextPollDelay({ elapsedMs: 1300, policy }), 700);
    assert.equal(nextPollDelay({ elapsedMs: 2000, policy }), 1000);
    assert.equal(nextPollDelay({ elapsedMs: 2850, policy }), 150);
    assert.equal(nextPollDelay({ elapsedMs: 2920, policy }), 1080);
    assert.equal(
      nextPollDelay({ elapsedMs: 2990, policy }),
      1010,
      "woken early: the next grid point, not 10 ms on",
    );
    assert.equal(nextPollDelay({ elapsedMs: 0, policy: { ...policy, unpredictedMs: 500 } }), 500);
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
    const polls = schedule(3000, 3000, 1000, true);
    assert.equal(polls[0], 2000, "the window's start");
    assert.ok(polls[1] > 2000 && polls[1] < 3000, `${polls}: a wide window is polled before E`);
    assert.equal(schedule(6000, 6000, 1000, true)[0], 5000, "opens at maxMs: still one jump");
    assert.equal(schedule(8000, 8000, 160, true)[0], 800, "opens later: 10% first, as before");
    assert.equal(schedule(2000, 2000, 100)[0], 200, "a prediction from progress: 10% first, as before");
  });

  it("enters a narrow settled window (σ ≤ aroundEndMs) at the predicted end, then polls every σ", () => {
    const polls = schedule(2100, 2000, 100, true);
    assert.equal(polls[0], 2000, "one jump, to E: no poll at the window's opening");
    assert.equal(polls[1], 2050, "σ = 50 ms after E: a sharp prediction is followed as sharply");
    assert.equal(schedule(5000, 5100, 100, true)[0], 5100, "window opens at maxMs: one jump, to E");
    assert.equal(
      schedule(10_100, 10_000, 200, true).filter((t) => t > 9000)[0],
      10_000,
      "σ = aroundEndMs: E",
    );
    const wider = schedule(10_100, 10_000, 210, true).filter((t) => t > 9000);
    assert.equal(wider[0], 9790, `${wider}: σ > aroundEndMs: its opening`);
    // inside the window before E (the wait started late): to E
    assert.equal(
      nextPollDelay({
        elapsedMs: 1950,
        untilExpectedEndMs: 50,
        expectedSpreadMs: 100,
        settled: true,
        policy,
      }),
      50,
    );
    // after the σ poll the interval widens fast: an overrun is the prediction's miss, not worth dense polls
    assert.ok(polls.length <= 3, `${polls}`);
  });

  it("before E, each interval is the density where it ends: a 30 s ± 600 ms window is walked into", () => {
    const polls = schedule(31_000, 30_000, 600, true).filter((t) => t >= 29_400);
    assert.equal(polls[0], 29_400, "the opening");
    const before = polls.filter((t) => t < 30_000);
    assert.ok(before.length >= 4 && before.length <= 6, `${polls}`);
    // each interval before E shrinks towards E, none longer than the density where it lands
    gaps(before).forEach((g, i) => assert.ok(g < (i === 0 ? 600 : gaps(before)[i - 1]), `${polls}`));
    const last = before.at(-1)!;
    assert.ok(30_000 - last <= 110, `${polls}: the last poll before E within an interval at E of it`);
    assert.ok(polls.length <= 12, `${polls.length} polls in the window`);
  });

  it("polls densest at the predicted end, sparser towards the window's edges", () => {
    const at = (until: number) =>
      nextPollDelay({
        elapsedMs: 60_000 - until,
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
        untilExpectedEndMs: -over,
        expectedSpreadMs: 1200,
        policy,
      });
    assert.equal(past(4000), 2000);
    assert.equal(past(60_000), policy.maxMs);
    assert.ok(past(1300) >= 650 && past(1300) <= 1000);
  });

  it("defaults the spread to 2% of the expected duration (at least 100 ms)", () => {
    const input = { elapsedMs: 4900, untilExpectedEndMs: 100, policy };
    assert.equal(nextPollDelay(input), nextPollDelay({ ...input, expectedSpreadMs: 100 }));
    const long = { elapsedMs: 59_000, untilExpectedEndMs: 1000, policy };
    assert.equal(nextPollDelay(long), nextPollDelay({ ...long, expectedSpreadMs: 1200 }));
  });
});

describe("nextPollAt", () => {
  // clock times: the job started at T
  const T = 1_000_000;
  const input = { jobStart: T, progressAt: T, settled: false, policy };

  it("without a prediction keeps to the grid from the job's start, on the clock", () => {
    assert.equal(nextPollAt(T + 1300, input), T + 2000);
    assert.equal(nextPollAt(T, input), T + 1000);
  });

  it("aims at the target window: a 60 s ± 1.2 s end is first polled at maxMs", () => {
    const target = { endAt: T + 60_000, spreadMs: 1200 };
    assert.equal(nextPollAt(T, { ...input, target }), T + policy.maxMs);
  });

  it("passes on whether the prediction is settled: a settled window within maxMs is gone to in one jump", () => {
    const target = { endAt: T + 3000, spreadMs: 1000 };
    assert.equal(nextPollAt(T, { ...input, target, settled: true }), T + 2000, "the window's start");
    assert.equal(nextPollAt(T, { ...input, target }), T + 300, "10% of the end first");
  });

  it("never polls sooner than the missed window's overrun calls for, whatever the target says", () => {
    const at = T + 64_000;
    const target = { endAt: at, spreadMs: 1200 };
    assert.equal(nextPollAt(at, { ...input, target }), at + policy.aroundEndMs);
    const missed = { endAt: T + 60_000, spreadMs: 1200 };
    assert.equal(nextPollAt(at, { ...input, target, missed }), at + 2000, "half the 4 s overrun");
    assert.equal(nextPollAt(at, { ...input, missed }), at + 2000, "the grid's 1 s is shorter");
  });

  it("counts the quiet time since progress, when the policy follows events", () => {
    const events = { ...input, policy: { ...policy, unpredictedMs: undefined } };
    const at = T + 10_000;
    assert.equal(nextPollAt(at, { ...events, progressAt: at - 3000 }), at + 3000);
    assert.equal(nextPollAt(at, { ...events, progressAt: at + 100 }), at + 500, "5% of the time waited");
  });
});

import { DEFAULT_RELATIVE_SPREAD, MIN_SPREAD_MS } from "./estimate-job-duration";
import type { EndWindow } from "./predict-job-end";

export interface PollPolicy {
  /** first poll, and the shortest interval after progress */
  firstMs: number;
  /** shortest interval */
  minMs: number;
  /** longest time the record goes unread: bounds how late an end no other signal reports is seen */
  maxMs: number;
  /**
   * interval while nothing predicts the end, on a grid from the job's start: a `curl` + `sleep 1` loop's,
   * so an unforeseen end is seen as soon as such a script sees it, at about its requests (`maxMs` if
   * shorter). Undefined: the interval follows the events instead (see `nextPollDelay`).
   */
  unpredictedMs?: number;
  /** longest interval while a predicted end is still far away */
  maxMsWithExpectedEnd: number;
  /**
   * interval right at the predicted end: each poll there catches the ends in the last this-many ms (a
   * sharper prediction, σ = spread / 2 below it, polls every σ there: its window holds as many polls)
   */
  aroundEndMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 100,
  minMs: 50,
  maxMs: 5_000,
  unpredictedMs: 1_000,
  maxMsWithExpectedEnd: 20_000,
  aroundEndMs: 100,
};

export interface PollDelayInput {
  /** since the job started */
  elapsedMs: number;
  /** since events last showed progress (or since the start): without `unpredictedMs` */
  sinceProgressMs?: number;
  /** remaining time to the expected end, negative once overdue; undefined when unknown */
  untilExpectedEndMs?: number;
  /** half-width of the window the end is expected in (default 2% of the expected duration, ≥ 100 ms) */
  expectedSpreadMs?: number;
  /**
   * The prediction will not improve by polling before its window (history, caller): a window that opens
   * within `maxMs` is gone to in one jump. Not so for one extrapolated from progress (default false).
   */
  settled?: boolean;
  policy: PollPolicy;
}

/**
 * The interval Δ before E (at `until` from it) that is the density where it ends: Δ = density(until − Δ),
 * at most `until`. Δ − density(until − Δ) grows with Δ: bisection.
 */
function intervalEndingAt(until: number, density: (d: number) => number): number {
  if (density(0) >= until) return until;
  let lo = 0;
  let hi = until;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (mid < density(until - mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A poll this share of the grid before a grid point counts as on it (a timer that fired early). */
const GRID_EARLY_SHARE = 0.1;
/** Before the predicted end the first poll comes after this share of it: catches jobs that fail at once. */
const FIRST_POLL_SHARE = 0.1;
/** A jump this much over the interval is still taken in one go when it lands in the window: one poll less. */
const JUMP_SLACK = 1.25;
/** Past the window the interval grows with the overrun: the job is late, and lateness is proportional. */
const OVERRUN_SHARE = 0.5;

/**
 * How long to sleep before the next poll.
 *
 * Without a prediction the polls fall on a grid of `unpredictedMs` from the job's start (`elapsedMs` counts
 * from it): a `sleep 1` script's cadence, so the wait is not behind such a script on any job length and
 * makes about its requests. Progress (events) gives no shorter interval: what it can say comes as a
 * prediction (the caller's progress estimate), which then takes over. Without `unpredictedMs` (a plan,
 * whose events are its steps) the interval doubles from `firstMs` to `maxMs` (the next poll comes when the
 * quiet time has doubled) and drops back after progress, but not below 5% of the time waited so far, so
 * a steady trickle of events on a long job does not turn into polling every 50 ms.
 *
 * With a predicted end E ± w the wait skips to the window in a few long jumps (after a first poll at
 * 10% of E, doubling up to `maxMsWithExpectedEnd`), or, for a settled prediction, in one when the window
 * opens within `maxMs`. Inside it the interval follows the end's likely
 * position, σ = w/2: `aroundEndMs` at E (σ when smaller), growing as exp(d²/2σ²) with the distance d from
 * it. A poll catches the ends in the interval before it, so intervals ∝ 1/√density put the requests where
 * the ends are (before E, the density where the interval ends: the ends it covers come just before that
 * poll); past E + w the interval grows with the overrun, up to `maxMs`. A settled prediction with σ ≤
 * `aroundEndMs` (w ≤ 200 ms: jobs of up to 10 s at 2%) is entered at E itself, in one poll: the window is no
 * wider than two intervals at E, and the ends before E are then at most w late.
 */
export function nextPollDelay(input: PollDelayInput): number {
  const { elapsedMs, untilExpectedEndMs: until, policy } = input;
  const clamp = (ms: number, max: number) => Math.round(Math.min(max, Math.max(policy.minMs, ms)));
  if (until === undefined && policy.unpredictedMs === undefined) {
    const quiet = Math.max(input.sinceProgressMs ?? elapsedMs, elapsedMs * 0.05, policy.firstMs);
    return clamp(quiet, policy.maxMs);
  }
  if (until === undefined) {
    const grid = Math.min(policy.unpredictedMs!, policy.maxMs);
    // a timer that fires a little early (up to a tenth of the grid) must not make a second poll soon after
    const early = grid * GRID_EARLY_SHARE;
    return clamp((Math.floor((elapsedMs + early) / grid) + 1) * grid - elapsedMs, grid + early);
  }
  const expectedMs = Math.max(0, elapsedMs + until);
  const spread = Math.max(
    1,
    input.expectedSpreadMs ?? Math.max(MIN_SPREAD_MS, expectedMs * DEFAULT_RELATIVE_SPREAD),
  );
  const sigma = spread / 2;
  const atEnd = Math.min(policy.aroundEndMs, sigma);
  const density = (d: number) => atEnd * Math.exp(0.5 * (d / sigma) ** 2);
  // a settled prediction sharper than the resolution at E: one poll at E covers what polls before it would
  const narrow = input.settled === true && sigma <= policy.aroundEndMs;
  if (until > (narrow ? 0 : spread)) {
    const toWindow = until - spread;
    // where the jump lands: the window's opening, or E itself for a narrow one (then at most w past maxMs)
    const landing = narrow ? until : toWindow;
    // a window that opens within `maxMs` of the start: straight there (a job that fails at once is still seen
    // within `maxMs`, the longest the record goes unread); a short job costs no early polls
    if (input.settled && elapsedMs + toWindow <= policy.maxMs)
      return clamp(landing, Number.POSITIVE_INFINITY);
    const cap = policy.maxMsWithExpectedEnd;
    const first = Math.min(policy.maxMs, Math.max(policy.firstMs, expectedMs * FIRST_POLL_SHARE));
    const step = Math.min(cap, Math.max(first, 2 * elapsedMs));
    if (toWindow <= step * JUMP_SLACK) return clamp(landing, Number.POSITIVE_INFINITY);
    if (step < cap) return clamp(step, cap);
    return clamp(toWindow / Math.ceil(toWindow / cap), cap);
  }
  // before E the interval is the density where it ends (the ends it covers lie before that poll)
  if (until > atEnd) return clamp(intervalEndingAt(until, density), policy.maxMs);
  if (until >= 0) return clamp(Math.min(density(until), Math.max(atEnd, until)), policy.maxMs);
  if (until >= -spread) return clamp(density(-until), policy.maxMs);
  return clamp(Math.max(density(spread), -until * OVERRUN_SHARE), policy.maxMs);
}

export interface PollAtInput {
  /** clock time the job started: the schedule's elapsed time counts from it */
  jobStart: number;
  /** clock time events last showed progress (or the wait started) */
  progressAt: number;
  /** the predicted end the polls aim at, if any */
  target?: EndWindow;
  /**
   * the first window the job outlived: the interval is at least the one its overrun calls for (half the
   * overrun, up to `maxMs`), whatever later predictions say
   */
  missed?: EndWindow;
  /** the prediction does not improve with early polls (history, caller); one from progress does */
  settled: boolean;
  policy: PollPolicy;
}

/** When the poll after one sent at clock time `at` is due: `nextPollDelay` towards the target, as a time. */
export function nextPollAt(at: number, input: PollAtInput): number {
  const delayFor = (window: EndWindow | undefined) =>
    nextPollDelay({
      elapsedMs: at - input.jobStart,
      sinceProgressMs: Math.max(0, at - input.progressAt),
      untilExpectedEndMs: window && window.endAt - at,
      expectedSpreadMs: window?.spreadMs,
      settled: input.settled,
      policy: input.policy,
    });
  return at + Math.max(delayFor(input.target), input.missed ? delayFor(input.missed) : 0);
}

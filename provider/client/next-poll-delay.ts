import { DEFAULT_RELATIVE_SPREAD, MIN_SPREAD_MS } from "./estimate-job-duration";

export interface PollPolicy {
  /** first poll, and the shortest interval after progress */
  firstMs: number;
  /** shortest interval */
  minMs: number;
  /** longest interval while the job's end cannot be predicted: bounds how late an unforeseen end is seen */
  maxMs: number;
  /** longest interval while a predicted end is still far away */
  maxMsWithExpectedEnd: number;
  /** interval right at the predicted end: each poll there catches the ends in the last this-many ms */
  aroundEndMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 100,
  minMs: 50,
  maxMs: 5_000,
  maxMsWithExpectedEnd: 20_000,
  aroundEndMs: 100,
};

export interface PollDelayInput {
  /** since the wait started */
  elapsedMs: number;
  /** since events last showed progress (or since the start) */
  sinceProgressMs: number;
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

/** Before the predicted end the first poll comes after this share of it: catches jobs that fail at once. */
const FIRST_POLL_SHARE = 0.1;
/** A jump this much over the interval is still taken in one go when it lands in the window: one poll less. */
const JUMP_SLACK = 1.25;
/** Past the window the interval grows with the overrun: the job is late, and lateness is proportional. */
const OVERRUN_SHARE = 0.5;

/**
 * How long to sleep before the next poll.
 *
 * Without a prediction the interval doubles from `firstMs` to `maxMs` (the next poll comes when the
 * quiet time has doubled) and drops back after progress, but not below 5% of the time waited so far, so
 * a steady trickle of events on a long job does not turn into polling every 50 ms.
 *
 * With a predicted end E ± w the wait skips to the window in a few long jumps (after a first poll at
 * 10% of E, doubling up to `maxMsWithExpectedEnd`), or, for a settled prediction, in one when the window
 * opens within `maxMs`. Inside it the interval follows the end's likely
 * position, σ = w/2: `aroundEndMs` at E, growing as exp(d²/2σ²) with the distance d from it. A poll
 * catches the ends in the interval before it, so intervals ∝ 1/√density put the requests where the ends
 * are; past E + w the interval grows with the overrun, up to `maxMs`.
 */
export function nextPollDelay(input: PollDelayInput): number {
  const { elapsedMs, sinceProgressMs, untilExpectedEndMs: until, policy } = input;
  const clamp = (ms: number, max: number) => Math.round(Math.min(max, Math.max(policy.minMs, ms)));
  if (until === undefined) {
    const quiet = Math.max(sinceProgressMs, elapsedMs * 0.05, policy.firstMs);
    return clamp(quiet, policy.maxMs);
  }
  const expectedMs = Math.max(0, elapsedMs + until);
  const spread = Math.max(
    1,
    input.expectedSpreadMs ?? Math.max(MIN_SPREAD_MS, expectedMs * DEFAULT_RELATIVE_SPREAD),
  );
  if (until > spread) {
    const toWindow = until - spread;
    // a window that opens within `maxMs` of the start: straight there (a job that fails at once is still seen
    // within `maxMs`, the bound without a prediction); a short job costs no early polls
    if (input.settled && elapsedMs + toWindow <= policy.maxMs)
      return clamp(toWindow, Number.POSITIVE_INFINITY);
    const cap = policy.maxMsWithExpectedEnd;
    const first = Math.min(policy.maxMs, Math.max(policy.firstMs, expectedMs * FIRST_POLL_SHARE));
    const step = Math.min(cap, Math.max(first, 2 * elapsedMs));
    if (toWindow <= step * JUMP_SLACK) return clamp(toWindow, Number.POSITIVE_INFINITY);
    if (step < cap) return clamp(step, cap);
    return clamp(toWindow / Math.ceil(toWindow / cap), cap);
  }
  const sigma = spread / 2;
  const density = (d: number) => policy.aroundEndMs * Math.exp(0.5 * (d / sigma) ** 2);
  if (until >= 0) return clamp(Math.min(density(until), Math.max(policy.aroundEndMs, until)), policy.maxMs);
  if (until >= -spread) return clamp(density(-until), policy.maxMs);
  return clamp(Math.max(density(spread), -until * OVERRUN_SHARE), policy.maxMs);
}

export interface PollPolicy {
  /** first poll, and the shortest interval after progress */
  firstMs: number;
  /** shortest interval, used right around an expected end */
  minMs: number;
  /** longest interval while the job's end cannot be predicted: bounds how late an unforeseen end is seen */
  maxMs: number;
  /** longest interval while a predicted end is still far away */
  maxMsWithExpectedEnd: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 100,
  minMs: 50,
  maxMs: 5_000,
  maxMsWithExpectedEnd: 15_000,
};

export interface PollDelayInput {
  /** since the wait started */
  elapsedMs: number;
  /** since events last showed progress (or since the start) */
  sinceProgressMs: number;
  /** remaining time to the expected end, negative once overdue; undefined when unknown */
  untilExpectedEndMs?: number;
  policy: PollPolicy;
}

/**
 * How long to sleep before the next poll. Without a prediction the interval doubles from `firstMs` to
 * `maxMs` (the next poll comes when the quiet time has doubled) and drops back after progress,
 * but not below 5% of the time waited so far, so a steady trickle of events on a long job does not
 * turn into polling every 50 ms. With a predicted end it jumps 3/4 of the way towards it each time,
 * reaching `minMs` right at the end, and doubles again from there if the job runs late.
 */
export function nextPollDelay(input: PollDelayInput): number {
  const { elapsedMs, sinceProgressMs, untilExpectedEndMs, policy } = input;
  const clamp = (ms: number, max: number) => Math.round(Math.min(max, Math.max(policy.minMs, ms)));
  const quiet = Math.max(sinceProgressMs, elapsedMs * 0.05, policy.firstMs);
  if (untilExpectedEndMs === undefined) return clamp(quiet, policy.maxMs);
  const max = policy.maxMsWithExpectedEnd;
  const ramp = clamp(quiet, max);
  if (untilExpectedEndMs > 0) return Math.min(ramp, clamp(untilExpectedEndMs * 0.75, max));
  return Math.min(ramp, clamp(-untilExpectedEndMs, policy.maxMs));
}

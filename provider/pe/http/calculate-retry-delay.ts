export interface RetryPolicy {
  /** delay before the first retry, doubled each time */
  baseDelayMs: number;
  /** cap of the exponential part (a server's Retry-After may ask for more) */
  maxDelayMs: number;
  /** total time budget: no retry is scheduled that would end after it */
  maxElapsedMs: number;
  /** attempts in all, the first one included */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxElapsedMs: 60_000,
  maxAttempts: 12,
};

export interface RetryDelayInput {
  /** failed attempts so far (1 after the first failure) */
  attempt: number;
  /** time since the first attempt started */
  elapsedMs: number;
  /** from the response's Retry-After header, already in milliseconds */
  retryAfterMs?: number;
  policy: RetryPolicy;
  /** [0, 1), injectable for tests */
  random?: () => number;
}

/**
 * Milliseconds to wait before the next attempt, or `undefined` when no retry fits the policy.
 * Exponential backoff with "equal jitter" (half fixed, half random) so that many clients hit by the
 * same outage do not come back in lockstep; a Retry-After from the server wins over the backoff.
 */
export function calculateRetryDelay(input: RetryDelayInput): number | undefined {
  const { attempt, elapsedMs, retryAfterMs, policy } = input;
  if (attempt >= policy.maxAttempts) return undefined;
  let delay: number;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    delay = Math.max(0, retryAfterMs);
  } else {
    const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    delay = exp / 2 + (input.random ?? Math.random)() * (exp / 2);
  }
  if (elapsedMs + delay > policy.maxElapsedMs) return undefined;
  return Math.round(delay);
}

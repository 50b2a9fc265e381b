import { calculateRetryDelay, type RetryPolicy } from "./calculate-retry-delay";
import { sleep as defaultSleep } from "./sleep";

export interface RetryDecision {
  retry: boolean;
  retryAfterMs?: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** decides from the error whether another attempt is safe and useful */
  shouldRetry: (error: unknown) => RetryDecision;
  signal?: AbortSignal;
  onRetry?: (error: unknown, delayMs: number, attempt: number) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Runs `attempt(n)` (n from 1) until it resolves, the error is not retryable, or the policy says stop. */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const decision = options.shouldRetry(error);
      if (!decision.retry) throw error;
      const delay = calculateRetryDelay({
        attempt: n,
        elapsedMs: now() - started,
        retryAfterMs: decision.retryAfterMs,
        policy: options.policy,
        random: options.random,
      });
      if (delay === undefined) throw error;
      options.onRetry?.(error, delay, n);
      await sleep(delay, options.signal);
    }
  }
}

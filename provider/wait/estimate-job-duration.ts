/** A predicted job duration and how far the real one may plausibly fall from it. */
export interface DurationEstimate {
  durationMs: number;
  /** half-width of the window the end is expected in: the poll schedule is dense inside it */
  spreadMs: number;
  /** where the estimate comes from, for logs and benchmarks */
  source: "caller" | "history" | "progress";
  /** history: what the earlier runs share with this job ("same scope", "same nodes, other job", ...) */
  basis?: string;
  /** history: how many earlier runs the estimate is made from */
  samples?: number;
}

export interface HistoryEstimateOptions {
  /** how many of the most recent durations count (default 5): old runs describe old code */
  recent?: number;
  /** relative spread assumed when the samples cannot measure it (default 2%) */
  relativeSpread?: number;
  /** smallest spread (default 100 ms): below it, timestamps and round trips dominate */
  minSpreadMs?: number;
}

export const DEFAULT_RELATIVE_SPREAD = 0.02;
export const MIN_SPREAD_MS = 100;

/**
 * Predicts a job's duration from the durations of recent similar jobs (most recent first): the median
 * of the last few, which one outlier (a run that hit a cold cache) does not move. The spread is the
 * samples' own scatter (2 × 1.4826 × MAD ≈ 2σ) when there are three or more, never below the default
 * relative spread, which is all that one or two samples can give.
 */
export function estimateJobDuration(
  durationsMs: readonly number[],
  options: HistoryEstimateOptions = {},
): DurationEstimate | undefined {
  const recent = options.recent ?? 5;
  const samples = durationsMs.filter((d) => Number.isFinite(d) && d > 0).slice(0, recent);
  if (samples.length === 0) return undefined;
  const durationMs = median(samples);
  const mad = median(samples.map((d) => Math.abs(d - durationMs)));
  const measured = samples.length >= 3 ? 2 * 1.4826 * mad : 0;
  const floor = Math.max(
    options.minSpreadMs ?? MIN_SPREAD_MS,
    durationMs * (options.relativeSpread ?? DEFAULT_RELATIVE_SPREAD),
  );
  return {
    durationMs,
    spreadMs: Math.round(Math.max(measured, floor)),
    source: "history",
    samples: samples.length,
  };
}

/** The spread assumed for a duration the caller gave: the same prior as a single history sample. */
export function callerEstimate(durationMs: number): DurationEstimate {
  return {
    durationMs,
    spreadMs: Math.round(Math.max(MIN_SPREAD_MS, durationMs * DEFAULT_RELATIVE_SPREAD)),
    source: "caller",
  };
}

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

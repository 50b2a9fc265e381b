import { type DurationEstimate, estimateJobDuration } from "./estimate-job-duration";
import type { SimilarRuns } from "./similar-job-durations";

/** Runs alike only in part (other environment, parameters or nodes) predict less tightly: a wider window. */
const LOOSE_RELATIVE_SPREAD = 0.05;
const CLOSE_BASES = new Set(["same scope", "same node count", "same parameters"]);

/** The estimate from earlier runs, saying what they share with this job. */
export function historyEstimate(similar: SimilarRuns): DurationEstimate | undefined {
  const relativeSpread = CLOSE_BASES.has(similar.basis) ? undefined : LOOSE_RELATIVE_SPREAD;
  const estimate = estimateJobDuration(similar.durationsMs, { relativeSpread });
  return estimate && { ...estimate, basis: similar.basis };
}

/** A predicted end as a clock time, and the half-width of the window it is expected in. */
export interface EndWindow {
  endAt: number;
  spreadMs: number;
}

/** The window a predicted duration puts the end of a job started at clock time `jobStart` in. */
export function endWindowOf(
  predicted: DurationEstimate | undefined,
  jobStart: number,
): EndWindow | undefined {
  return predicted && { endAt: jobStart + predicted.durationMs, spreadMs: predicted.spreadMs };
}

/**
 * Where a poll at clock time `at` stands to a window E ± w: `inside` from E − w, `past` once beyond its far
 * side E + 2w (the job has outlived the prediction), else `before`.
 */
export function windowPhase(window: EndWindow, at: number): "before" | "inside" | "past" {
  if (at > window.endAt + 2 * window.spreadMs) return "past";
  if (at >= window.endAt - window.spreadMs) return "inside";
  return "before";
}

import { type DurationEstimate, MIN_SPREAD_MS } from "./estimate-job-duration";

/** A Puppet run the orchestrator starts takes about as long as the node's last one: a loose prior all the same. */
const RELATIVE_SPREAD = 0.05;

/**
 * Predicts a run of Puppet on some nodes from how long each node's last run took (ms, undefined when unknown):
 * the nodes run side by side, so the job lasts as long as the slowest. Undefined unless every node's last run
 * is known, or when the nodes run in more than one wave (`concurrency` below their number): the progress
 * estimate, from this job's own runs, does better there.
 */
export function estimateFromNodeRuns(
  lastRunsMs: ReadonlyArray<number | undefined>,
  concurrency?: number,
): DurationEstimate | undefined {
  if (lastRunsMs.length === 0) return undefined;
  if (concurrency !== undefined && lastRunsMs.length > concurrency) return undefined;
  const known = lastRunsMs.filter((ms): ms is number => ms !== undefined && Number.isFinite(ms) && ms > 0);
  if (known.length < lastRunsMs.length) return undefined;
  const durationMs = Math.max(...known);
  return {
    durationMs,
    spreadMs: Math.round(Math.max(MIN_SPREAD_MS, durationMs * RELATIVE_SPREAD)),
    source: "history",
    basis: "each node's last Puppet run (PuppetDB)",
    samples: known.length,
  };
}

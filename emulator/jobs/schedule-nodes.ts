import type { JobNode, PlannedRun } from "./job-record";

export type { PlannedRun } from "./job-record";

/** PE's task_concurrency default: task jobs (and plan steps) run at most this many nodes at once. */
export const TASK_CONCURRENCY = 250;

/** Nodes that error at once (not connected) never take a slot or start a run. */
const unstarted = (run: PlannedRun) => run.outcome === "errored" && run.runMs === 0;

/** A job's nodes in request order: startable runs placed on `slots`, the others ended at once. */
export function placeNodes(runs: PlannedRun[], slots: number): JobNode[] {
  const scheduled = new Map(
    scheduleNodes(
      runs.filter((r) => !unstarted(r)),
      slots,
    ).map((n) => [n.name, n]),
  );
  return runs.map((r) =>
    unstarted(r)
      ? {
          name: r.name,
          start: null,
          end: 0,
          outcome: r.outcome,
          ...(r.message ? { message: r.message } : {}),
        }
      : (scheduled.get(r.name) ?? { name: r.name, start: null, end: 0, outcome: r.outcome }),
  );
}

/**
 * Places runs on `concurrency` slots in order (like the orchestrator's queue): each run starts when the
 * earliest slot frees. A binary heap keeps this O(n log c) for 10,000-node jobs.
 */
export function scheduleNodes(runs: PlannedRun[], concurrency: number): JobNode[] {
  const heap: number[] = new Array(Math.min(concurrency, runs.length)).fill(0);
  const siftDown = () => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l] < heap[m]) m = l;
      if (r < heap.length && heap[r] < heap[m]) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  return runs.map((run) => {
    const start = heap[0];
    const end = start + run.runMs;
    heap[0] = end;
    siftDown();
    return {
      name: run.name,
      start,
      end,
      outcome: run.outcome,
      ...(run.message ? { message: run.message } : {}),
    };
  });
}

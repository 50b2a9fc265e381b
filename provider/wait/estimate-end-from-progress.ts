import {
  DEFAULT_RELATIVE_SPREAD,
  type DurationEstimate,
  median,
  MIN_SPREAD_MS,
} from "./estimate-job-duration";

/** When the wait saw a node start and end, in ms since the job started (either may be unknown). */
export interface NodeTimes {
  startedAt?: number;
  endedAt?: number;
}

export interface ProgressInput {
  nodeCount: number;
  nodes: Iterable<NodeTimes>;
  /** ms since the job started */
  now: number;
  /** run slots, when the job's options say (`concurrency`); else the most runs seen at once */
  concurrency?: number;
}

/**
 * Extrapolates a deploy's end from its nodes so far: runs take about the median of the finished
 * runs, queued nodes take the slots as they free up (waves), so the job ends when the busiest slot
 * does. Undefined until a run has finished, and once every node has.
 */
export function estimateEndFromProgress(input: ProgressInput): DurationEstimate | undefined {
  const { nodeCount, now } = input;
  const runs: number[] = [];
  const running: number[] = [];
  const marks: Array<[number, number]> = [];
  let ended = 0;
  for (const n of input.nodes) {
    if (n.endedAt !== undefined) ended++;
    if (n.startedAt !== undefined && n.endedAt !== undefined) runs.push(Math.max(0, n.endedAt - n.startedAt));
    if (n.startedAt !== undefined && n.endedAt === undefined) running.push(n.startedAt);
    if (n.startedAt !== undefined) marks.push([n.startedAt, 1]);
    if (n.startedAt !== undefined && n.endedAt !== undefined) marks.push([n.endedAt, -1]);
  }
  if (runs.length === 0 || ended >= nodeCount) return undefined;
  const run = median(runs);
  const slots = Math.max(1, running.length, input.concurrency ?? peakConcurrency(marks));
  const queued = Math.max(0, nodeCount - ended - running.length);
  // each slot frees when its run (about `run` long) is done; idle slots are free now
  const free = running.map((start) => Math.max(0, run - (now - start)));
  while (free.length < slots) free.push(0);
  free.sort((a, b) => a - b);
  // equal run lengths keep the slots' order, so queued node k lands on slot k mod `slots`
  const rounds = Math.floor(queued / slots);
  let remaining = 0;
  free.forEach((f, j) => {
    remaining = Math.max(remaining, f + (rounds + (j < queued % slots ? 1 : 0)) * run);
  });
  const durationMs = now + remaining;
  // run-length scatter adds up over the waves still ahead
  const mad = median(runs.map((r) => Math.abs(r - run)));
  const scatter = runs.length >= 3 ? 2 * 1.4826 * mad * Math.sqrt(rounds + 1) : 0;
  const floor = Math.max(MIN_SPREAD_MS, durationMs * DEFAULT_RELATIVE_SPREAD);
  return { durationMs, spreadMs: Math.round(Math.max(floor, scatter)), source: "progress" };
}

/** The most runs going at once: a sweep over starts and ends (ends first at equal times). */
function peakConcurrency(marks: Array<[number, number]>): number {
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of marks) {
    now += delta;
    peak = Math.max(peak, now);
  }
  return peak;
}

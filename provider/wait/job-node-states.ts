import type { NodeTimes } from "./estimate-end-from-progress";
import { type Job, type OrchestratorEvent, TERMINAL_JOB_STATES } from "../pe/schemas";

/**
 * A job's node states as its record and then its events tell them: a state per node name (a few bytes per
 * node, never the node reports), their counts for the progress, and when the wait saw each node start and
 * end, which the progress estimate extrapolates from.
 */
export class JobNodeStates {
  /** count per node state: one object throughout, which the wait's progress reports copy */
  readonly counts: Record<string, number> = {};
  private readonly byNode = new Map<string, string>();
  private readonly times = new Map<string, NodeTimes>();
  private ends = 0;

  /** Takes a record's counts: until events arrive, or once the job is over, they are the best there are. */
  useRecord(record: Job): void {
    if (this.byNode.size === 0 || TERMINAL_JOB_STATES.has(record.state)) {
      replaceCounts(this.counts, record.node_states ?? {});
    }
  }

  /**
   * Folds in one event, read `readAt` ms after the job started, of `job` (its record or sketch, when known).
   * True when the event makes the record worth reading now: a `job_*` event, or the last node's end.
   */
  applyEvent(event: OrchestratorEvent, readAt: number, job: Job | undefined): boolean {
    const node = event.details?.node;
    if (event.type.startsWith("node_") && typeof node === "string") {
      // the first node event: from now on the events, not the record, say the counts
      if (this.byNode.size === 0) replaceCounts(this.counts, { new: job?.node_count ?? 0 });
      const to = event.type === "node_finished" ? "finished" : event.type.slice("node_".length);
      move(this.counts, this.byNode.get(node) ?? "new", to);
      this.byNode.set(node, to);
      const at = eventTime(event, job, readAt);
      const times = this.times.get(node) ?? {};
      if (to === "running") times.startedAt = at;
      else times.endedAt = at;
      this.times.set(node, times);
      if (to !== "running") this.ends++;
    }
    return event.type.startsWith("job_") || (job?.node_count != null && this.ends >= job.node_count);
  }

  /** When each node was seen to start and end, in ms since the job started. */
  nodeTimes(): Iterable<NodeTimes> {
    return this.times.values();
  }
}

/**
 * The event's own time on the job's clock (both server timestamps), when the server gives them: a page read
 * late must not make the runs in it look longer. Never later than the read.
 */
function eventTime(event: OrchestratorEvent, job: Job | undefined, readAt: number): number {
  const eventTs = Date.parse(event.timestamp ?? "");
  const startTs = Date.parse(job?.started_timestamp ?? job?.timestamp ?? "");
  return Number.isFinite(eventTs) && Number.isFinite(startTs)
    ? Math.min(readAt, Math.max(0, eventTs - startTs))
    : readAt;
}

function replaceCounts(counts: Record<string, number>, from: Record<string, number>): void {
  for (const key of Object.keys(counts)) delete counts[key];
  Object.assign(counts, from);
}

/** One node leaves state `from` (a count that reaches 0 goes) for `to`. */
function move(counts: Record<string, number>, from: string, to: string): void {
  if (counts[from]) {
    counts[from]--;
    if (counts[from] === 0) delete counts[from];
  }
  counts[to] = (counts[to] ?? 0) + 1;
}

import type { JobRecord } from "./job-record";

export const JOB_EVENT_TYPES = [
  "node_running",
  "node_finished",
  "node_failed",
  "node_errored",
  "node_skipped",
  "job_stopping",
  "job_finished",
  "job_aborted",
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];
export type JobState = "new" | "ready" | "running" | "stopping" | "stopped" | "finished" | "failed";
export type NodeState = "new" | "running" | "finished" | "failed" | "errored" | "skipped";

/** Event ids a job reserves: two per node plus job_stopping and the final job event. */
export const eventsReserved = (nodeCount: number) => 2 * nodeCount + 2;

const endType = (outcome: string): JobEventType =>
  outcome === "failed"
    ? "node_failed"
    : outcome === "errored"
      ? "node_errored"
      : outcome === "skipped"
        ? "node_skipped"
        : "node_finished";

/**
 * A job's progress computed lazily from its record and the clock: no timer per node. The event
 * timeline is sorted once (and again after a stop); events visible at time e are a prefix of it, so an
 * event keeps its id forever and ids grow with time.
 */
export class JobProgress {
  /** Real ms after creation when the job reaches its terminal state. */
  endAt = 0;
  times = new Float64Array(0);
  eventNode = new Int32Array(0);
  eventType: JobEventType[] = [];
  /** Per node, timeline index of its running and end events (-1: none), for latest-event-id. */
  startIdx = new Int32Array(0);
  endIdx = new Int32Array(0);
  private terminalCache?: Record<string, number>;

  constructor(readonly record: JobRecord) {
    this.rebuild();
  }

  private rebuild(): void {
    const { nodes, interrupt } = this.record;
    type Entry = { t: number; phase: number; seq: number; node: number; type: JobEventType };
    const entries: Entry[] = [];
    let end = 0;
    nodes.forEach((n, i) => {
      if (n.start !== null) entries.push({ t: n.start, phase: 0, seq: 2 * i, node: i, type: "node_running" });
      entries.push({ t: n.end, phase: n.cut ? 2 : 0, seq: 2 * i + 1, node: i, type: endType(n.outcome) });
      end = Math.max(end, n.end);
    });
    if (interrupt) {
      end = Math.max(end, interrupt.at);
      if (interrupt.reason === "stop")
        entries.push({ t: interrupt.at, phase: 1, seq: 0, node: -1, type: "job_stopping" });
    }
    const final: JobEventType = interrupt ? "job_aborted" : "job_finished";
    entries.push({ t: end, phase: 3, seq: 0, node: -1, type: final });
    entries.sort((a, b) => a.t - b.t || a.phase - b.phase || a.seq - b.seq);
    this.endAt = end;
    this.times = Float64Array.from(entries, (e) => e.t);
    this.eventNode = Int32Array.from(entries, (e) => e.node);
    this.eventType = entries.map((e) => e.type);
    this.startIdx = new Int32Array(nodes.length).fill(-1);
    this.endIdx = new Int32Array(nodes.length).fill(-1);
    entries.forEach((e, idx) => {
      if (e.node >= 0) (e.type === "node_running" ? this.startIdx : this.endIdx)[e.node] = idx;
    });
    this.terminalCache = undefined;
  }

  /**
   * Stops (or, for a restart, interrupts) the job at `at` ms: nodes not started are skipped, running
   * nodes finish unless forced. Idempotent; a finished job stays as it is; a forced stop (or a restart)
   * after a plain stop kills the runs still going.
   */
  interrupt(at: number, reason: "stop" | "restart", force: boolean): void {
    const rec = this.record;
    const prev = rec.interrupt;
    if (at >= this.endAt || (prev && (prev.force || !force))) return;
    rec.interrupt = prev ? { ...prev, force: true } : { at, reason, force };
    const restart = reason === "restart";
    for (const n of rec.nodes) {
      if (n.end <= at) continue;
      if (n.start === null || n.start > at) {
        Object.assign(n, { start: null, end: at, outcome: "skipped", cut: true });
        n.message = restart
          ? `Skipped run on ${n.name}: the orchestrator restarted`
          : `Skipped puppet run on ${n.name}: the job was stopped`;
      } else if (force || restart) {
        Object.assign(n, { end: at, outcome: "errored", cut: true });
        n.message = restart
          ? `Run on ${n.name} interrupted: the orchestrator restarted`
          : `Run on ${n.name} was forcibly stopped`;
      }
    }
    this.rebuild();
  }

  /** Number of timeline events visible at `elapsed` ms. */
  visibleEvents(elapsed: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= elapsed) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  terminalState(): "finished" | "failed" | "stopped" {
    const it = this.record.interrupt;
    if (it?.reason === "restart") return "failed";
    if (it?.reason === "stop") return "stopped";
    return this.record.nodes.some((n) => n.outcome === "failed" || n.outcome === "errored")
      ? "failed"
      : "finished";
  }

  state(elapsed: number): JobState {
    if (elapsed >= this.endAt) return this.terminalState();
    const it = this.record.interrupt;
    return it?.reason === "stop" && elapsed >= it.at ? "stopping" : "running";
  }

  /** State transitions as [state, enter ms] pairs up to `elapsed`. */
  transitions(elapsed: number): Array<[JobState, number]> {
    const out: Array<[JobState, number]> = [
      ["new", 0],
      ["ready", 0],
      ["running", 0],
    ];
    const it = this.record.interrupt;
    if (it?.reason === "stop" && it.at < this.endAt && elapsed >= it.at) out.push(["stopping", it.at]);
    if (elapsed >= this.endAt) out.push([this.terminalState(), this.endAt]);
    return out;
  }

  nodeState(i: number, elapsed: number): NodeState {
    const n = this.record.nodes[i];
    if (elapsed >= n.end) {
      if (n.outcome === "unchanged" || n.outcome === "changed") return "finished";
      return n.outcome;
    }
    return n.start !== null && elapsed >= n.start ? "running" : "new";
  }

  /** Count per node state, zero counts omitted; cached once the job is over. */
  nodeStates(elapsed: number): Record<string, number> {
    if (this.terminalCache && elapsed >= this.endAt) return this.terminalCache;
    const counts: Record<string, number> = {};
    for (let i = 0; i < this.record.nodes.length; i++) {
      const s = this.nodeState(i, elapsed);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    if (elapsed >= this.endAt) this.terminalCache = counts;
    return counts;
  }
}

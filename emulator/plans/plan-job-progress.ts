// plans/: plan jobs. Their progress (this file), their steps planned at plan_run (plan-steps.ts), run as task
// jobs (step-jobs.ts, which index.ts hands to the job store) and read back as Bolt Results (step-results.ts),
// the API's views and queries, and plan_run / stop_plan (plan-commands.ts). Builds on jobs/; imports world/
// and http/ too.

import type { JobProgress } from "../jobs/job-progress";
import type { JobNode, PlanJobRecord } from "../jobs/job-record";
import { placeNodes, TASK_CONCURRENCY } from "../jobs/schedule-nodes";
import { actionNoun, type BoltResult, stepOk, stepResults } from "./step-results";

export type PlanJobState = "pending" | "running" | "success" | "failure";
export interface PlanEvent {
  t: number;
  type: string;
  message?: string;
  /** The step whose `*_start` event this is. */
  step?: number;
}

/** Event ids a plan job reserves: its messages, a start and a message per step, and the final event. */
export const planEventsReserved = (record: Pick<PlanJobRecord, "messages" | "steps">) =>
  record.messages.length + 2 * record.steps.length + 1;

/** The jobs a plan's steps started, and a counter that moves whenever any job may have changed. */
export interface StepJobSource {
  readonly jobs: ReadonlyMap<number, JobProgress>;
  readonly revision: number;
}

/** When a step runs (ms after the plan job's creation) and how its nodes ended; nodes undefined: skipped. */
interface StepTime {
  index: number;
  start: number;
  end: number;
  nodes?: JobNode[];
  /** The step's task job was started (or will be before the plan ends). */
  started: boolean;
}

/**
 * A plan job's state, result and events derived from its record, the clock and, for plans with steps, the task
 * jobs its steps started (a stopped step job changes what follows). Recomputed when any job changes.
 */
export class PlanJobProgress {
  endAt = 0;
  events: PlanEvent[] = [];
  outcome: { state: "success" | "failure"; result: unknown } = { state: "success", result: null };
  private steps: StepTime[] = [];
  private builtAt = -1;

  constructor(
    readonly record: PlanJobRecord,
    private readonly source: StepJobSource,
  ) {
    this.rebuild();
  }

  private fresh(): void {
    if (this.builtAt !== this.source.revision) this.rebuild();
  }

  /** Runs the steps one after another: each starts when the previous one's task job ends. */
  private timeline(): { natural: number; abortAt?: number; times: StepTime[] } {
    const r = this.record;
    if (r.steps.length === 0) return { natural: r.pendingMs + r.runMs, times: [] };
    const times: StepTime[] = [];
    let cursor = r.pendingMs;
    let failed = false;
    for (const [index, step] of r.steps.entries()) {
      if (step.runs.length === 0) continue; // Bolt runs nothing on no targets: no job
      if (step.onlyIfOk && failed) {
        times.push({ index, start: cursor, end: cursor, started: false });
        continue;
      }
      const name = r.stepJobs[index];
      const job = name === null || name === undefined ? undefined : this.source.jobs.get(name);
      const nodes = job ? job.record.nodes : placeNodes(step.runs, TASK_CONCURRENCY);
      const end = job
        ? job.record.createdAt - r.createdAt + job.endAt
        : cursor + nodes.reduce((m, n) => Math.max(m, n.end), 0);
      times.push({ index, start: cursor, end, nodes, started: job !== undefined });
      cursor = end;
      if (!stepOk(nodes)) {
        failed = true;
        if (!step.catchErrors) return { natural: cursor, abortAt: index, times };
      }
    }
    return { natural: cursor, times };
  }

  private rebuild(): void {
    this.builtAt = this.source.revision;
    const r = this.record;
    const { natural, abortAt, times } = this.timeline();
    const timeoutAt = r.timeoutMs === null ? Number.POSITIVE_INFINITY : r.pendingMs + r.timeoutMs;
    const interruptAt = r.interrupt?.at ?? Number.POSITIVE_INFINITY;
    const cutAt = Math.min(timeoutAt, interruptAt);
    this.endAt = Math.min(natural, cutAt);
    for (const s of times) s.started = s.nodes !== undefined && (s.started || s.start < cutAt);
    this.steps = times;
    if (interruptAt <= Math.min(natural, timeoutAt)) {
      const restarted = r.interrupt?.reason === "restart";
      this.outcome = {
        state: "failure",
        result: restarted
          ? {
              kind: "puppetlabs.orchestrator/plan-interrupted",
              msg: "Plan interrupted: the orchestrator restarted",
              details: {},
            }
          : {
              kind: "puppetlabs.orchestrator/plan-stopped",
              msg: `Plan ${r.planName} was stopped${r.interrupt?.by ? ` by ${r.interrupt.by}` : ""}`,
              details: {},
            },
      };
    } else if (timeoutAt < natural) {
      this.outcome = {
        state: "failure",
        result: {
          kind: "puppetlabs.orchestrator/plan-timeout",
          msg: `Plan ${r.planName} timed out after ${r.timeoutSeconds} seconds`,
          details: { timeout: r.timeoutSeconds },
        },
      };
    } else if (r.steps.length > 0) this.outcome = this.stepsOutcome(times, abortAt);
    else if (r.error) this.outcome = { state: "failure", result: r.error };
    else this.outcome = { state: "success", result: r.result };
    this.events = this.buildEvents(times);
  }

  /** Bolt's outcome of a plan's steps: the ResultSet, or a `bolt/run-failure` naming the failed step. */
  private stepsOutcome(times: StepTime[], abortAt: number | undefined): PlanJobProgress["outcome"] {
    const r = this.record;
    const perStep = times.map((s) => ({ s, results: stepResults(r.steps[s.index], s.nodes) }));
    const merged = perStep.flatMap((p) => p.results);
    const failedIn = (results: BoltResult[]) => results.filter((x) => x.status === "failure");
    const first = perStep.find((p) => p.s.nodes !== undefined && failedIn(p.results).length > 0);
    if (!first) {
      if (r.error) return { state: "failure", result: r.error };
      return { state: "success", result: r.returnsResults ? merged : r.result };
    }
    const step = r.steps[first.s.index];
    const targets = (n: number) => `${n} target${n === 1 ? "" : "s"}`;
    const failedCount = failedIn(first.results).length;
    const skipped = perStep.filter((p) => p.s.nodes === undefined).flatMap((p) => p.results).length;
    const aborted = abortAt !== undefined;
    const msg =
      `Plan ${aborted ? "aborted" : "failed"}: ${step.action} '${step.object}' failed on ${targets(failedCount)}` +
      (skipped > 0 ? `; ${targets(skipped)} skipped` : "");
    return {
      state: "failure",
      result: {
        kind: "bolt/run-failure",
        msg,
        details: { action: step.action, object: step.object, result_set: aborted ? first.results : merged },
      },
    };
  }

  private buildEvents(times: StepTime[]): PlanEvent[] {
    const r = this.record;
    let events: PlanEvent[];
    if (r.steps.length === 0) {
      const m = r.messages.length;
      events = r.messages
        .map((message, k): PlanEvent => ({
          t: r.pendingMs + (r.runMs * (k + 1)) / (m + 1),
          type: "out_message",
          message,
        }))
        .filter((e) => e.t < this.endAt);
    } else {
      // A step's events are fixed when it starts, so an event never changes once seen.
      events =
        r.pendingMs <= this.endAt
          ? r.messages.map((message) => ({ t: r.pendingMs, type: "out_message", message }))
          : [];
      for (const s of times) {
        if (!s.started) continue;
        const step = r.steps[s.index];
        events.push({ t: s.start, type: `${actionNoun(step)}_start`, step: s.index });
        if (step.message !== undefined)
          events.push({ t: s.start, type: "out_message", message: step.message });
      }
    }
    events.push({ t: this.endAt, type: this.outcome.state === "success" ? "plan_finished" : "plan_failed" });
    return events;
  }

  /** Steps whose task job must exist by `elapsed` ms but does not yet: the store starts them. */
  dueSteps(elapsed: number): Array<{ index: number; start: number }> {
    this.fresh();
    return this.steps
      .filter((s) => s.started && s.start <= elapsed && typeof this.record.stepJobs[s.index] !== "number")
      .map((s) => ({ index: s.index, start: s.start }));
  }

  /** Every step that will start has its job and the plan is over: nothing more will happen. */
  settled(elapsed: number): boolean {
    this.fresh();
    return elapsed >= this.endAt && this.dueSteps(elapsed).length === 0;
  }

  /** Records the task job started for a step. */
  attach(index: number, jobName: number): void {
    const jobs = this.record.stepJobs;
    while (jobs.length <= index) jobs.push(null);
    jobs[index] = jobName;
    this.builtAt = -1;
  }

  /** The task jobs the plan's steps started, in step order. */
  stepJobs(): JobProgress[] {
    return this.record.stepJobs
      .filter((n): n is number => typeof n === "number")
      .map((n) => this.source.jobs.get(n))
      .filter((j): j is JobProgress => j !== undefined);
  }

  /** stop_plan or a restart at `at` ms; idempotent, and a finished plan stays as it is. */
  interrupt(at: number, reason: "stop" | "restart", by?: string): void {
    this.fresh();
    if (this.record.interrupt || at >= this.endAt) return;
    this.record.interrupt = { at, reason, force: false, ...(by ? { by } : {}) };
    this.rebuild();
  }

  state(elapsed: number): PlanJobState {
    this.fresh();
    if (elapsed >= this.endAt) return this.outcome.state;
    return elapsed < this.record.pendingMs ? "pending" : "running";
  }

  visibleEvents(elapsed: number): number {
    this.fresh();
    return this.events.filter((e) => e.t <= elapsed).length;
  }
}

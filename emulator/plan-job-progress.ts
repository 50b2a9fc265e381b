import type { PlanJobRecord } from "./job-record";

export type PlanJobState = "pending" | "running" | "success" | "failure";
export interface PlanEvent {
  t: number;
  type: "out_message" | "plan_finished" | "plan_failed";
  message?: string;
}

/** Event ids a plan job reserves: one per message plus the final event. */
export const planEventsReserved = (messages: number) => messages + 1;

/** A plan job's state, result and events derived from its record and the clock. */
export class PlanJobProgress {
  endAt = 0;
  events: PlanEvent[] = [];
  outcome: { state: "success" | "failure"; result: unknown } = { state: "success", result: null };

  constructor(readonly record: PlanJobRecord) {
    this.rebuild();
  }

  private rebuild(): void {
    const r = this.record;
    const natural = r.pendingMs + r.runMs;
    const timeoutAt = r.timeoutMs === null ? Number.POSITIVE_INFINITY : r.pendingMs + r.timeoutMs;
    const interruptAt = r.interrupt?.at ?? Number.POSITIVE_INFINITY;
    this.endAt = Math.min(natural, timeoutAt, interruptAt);
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
    } else if (r.error) this.outcome = { state: "failure", result: r.error };
    else this.outcome = { state: "success", result: r.result };
    const m = r.messages.length;
    this.events = r.messages
      .map((message, k): PlanEvent => ({
        t: r.pendingMs + (r.runMs * (k + 1)) / (m + 1),
        type: "out_message",
        message,
      }))
      .filter((e) => e.t < this.endAt);
    this.events.push({
      t: this.endAt,
      type: this.outcome.state === "success" ? "plan_finished" : "plan_failed",
    });
  }

  /** stop_plan or a restart at `at` ms; idempotent, and a finished plan stays as it is. */
  interrupt(at: number, reason: "stop" | "restart", by?: string): void {
    if (this.record.interrupt || at >= this.endAt) return;
    this.record.interrupt = { at, reason, force: false, ...(by ? { by } : {}) };
    this.rebuild();
  }

  state(elapsed: number): PlanJobState {
    if (elapsed >= this.endAt) return this.outcome.state;
    return elapsed < this.record.pendingMs ? "pending" : "running";
  }

  visibleEvents(elapsed: number): number {
    return this.events.filter((e) => e.t <= elapsed).length;
  }
}

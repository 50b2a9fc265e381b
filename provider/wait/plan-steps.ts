import { stepStartJobId } from "../pe/plan-task-job-ids";
import { type Job, type OrchestratorEvent, TERMINAL_JOB_STATES } from "../pe/schemas";

/** The step a plan job runs now: the task job its latest `*_start` event named. */
export interface PlanStepProgress {
  /** 1 for the plan's first step that started a job */
  number: number;
  /** what the step does: `task`, `command`, `script`, `apply`, ... (from the event type) */
  action: string;
  jobName: string;
  /** the task job's state and node count, once read */
  state?: string;
  nodeCount?: number;
}

/** A plan's running step's task job is read at most this often (for its node counts in the progress). */
const STEP_READ_MS = 1_000;

/**
 * A plan job's steps as its events tell them: the task jobs its `*_start` events named, in order, and the
 * one running now, with its task job's node counts once that job is read.
 */
export class PlanSteps {
  /** the running step's node states, from its task job: one object throughout, which the progress copies */
  readonly counts: Record<string, number> = {};
  private readonly seen: string[] = [];
  private step: PlanStepProgress | undefined;
  private readAt: number | undefined;

  /** The task jobs the steps started, in order (the live list: a stop reads it when it comes). */
  get jobNames(): readonly string[] {
    return this.seen;
  }

  /** Folds in one plan event; true when it says the plan has ended (the record is then worth reading). */
  applyEvent(event: OrchestratorEvent): boolean {
    const jobName = stepStartJobId(event);
    if (jobName && !this.seen.includes(jobName)) {
      this.seen.push(jobName);
      this.step = { number: this.seen.length, action: event.type.slice(0, -"_start".length), jobName };
      for (const key of Object.keys(this.counts)) delete this.counts[key];
    }
    return event.type === "plan_finished" || event.type === "plan_failed";
  }

  /** The step running now, as a copy the caller may keep. */
  current(): PlanStepProgress | undefined {
    return this.step && { ...this.step };
  }

  /**
   * The task job to read at clock time `now` for the running step's node counts, if any: when the step starts,
   * then at most once a second until it ends (dense polls near the plan's predicted end need not read it each
   * time), and once when the plan has ended (`planEnded`) while the step's job was last seen going, so the
   * plan's last progress shows the step's final node states. Asking counts as reading, whether or not the read
   * then succeeds.
   */
  jobToRead(now: number, planEnded = false): string | undefined {
    const step = this.step;
    if (!step || (step.state !== undefined && TERMINAL_JOB_STATES.has(step.state))) return undefined;
    if (planEnded) {
      this.readAt = now;
      return step.jobName;
    }
    if (step.state !== undefined && this.readAt !== undefined && now - this.readAt < STEP_READ_MS)
      return undefined;
    this.readAt = now;
    return step.jobName;
  }

  /** The step's job could not be read at the plan's end: its state and node states as last read are dropped. */
  forgetStepJob(): void {
    if (!this.step) return;
    delete this.step.state;
    for (const key of Object.keys(this.counts)) delete this.counts[key];
  }

  /** Takes the running step's task job as read: its state, node count and node states. */
  useStepJob(job: Job): void {
    if (!this.step) return;
    this.step.state = job.state;
    this.step.nodeCount = job.node_count ?? undefined;
    for (const key of Object.keys(this.counts)) delete this.counts[key];
    Object.assign(this.counts, job.node_states ?? {});
  }
}

// jobs/: deploy and task jobs. Their records as the state file keeps them (job-record.ts, plan jobs' too),
// progress derived from the clock (job-progress.ts), each node's run planned and placed on slots
// (planned-run.ts, schedule-nodes.ts), the store (this file), the API's views and queries, and the commands
// that create and stop jobs. Imports world/, http/ and nodes/ (a scope's targets). Never plans/: plans build
// on jobs, and the store takes the plan machinery as an argument (PlanJobFactory).

import * as fs from "node:fs";
import * as path from "node:path";
import { formatZodError } from "../world/format-zod-error";
import { eventsReserved, JobProgress } from "./job-progress";
import {
  type JobRecord,
  type PlanJobRecord,
  type ScheduledJobRecord,
  type StateFile,
  StateFileSchema,
} from "./job-record";

/** What the store asks of a plan job: enough to start its steps' task jobs and to end it at a restart. */
export interface StoredPlanJob {
  readonly record: PlanJobRecord;
  /** Steps whose task job must exist by `elapsed` ms but does not yet. */
  dueSteps(elapsed: number): Array<{ index: number; start: number }>;
  /** Records the task job started for a step. */
  attach(index: number, jobName: number): void;
  /** Nothing more will happen: every step that starts has its job and the plan is over. */
  settled(elapsed: number): boolean;
  interrupt(at: number, reason: "stop" | "restart"): void;
}

/**
 * How the store makes plan jobs and their steps' task jobs. plans/ gives it (plans/step-jobs.ts): the plan
 * machinery reads the store's jobs, so the store takes it as an argument instead of importing it.
 */
export interface PlanJobFactory<P extends StoredPlanJob> {
  /** A plan job's progress, which follows the task jobs of its steps in `store`. */
  progress(record: PlanJobRecord, store: JobStore<P>): P;
  /** Event ids a plan job reserves. */
  eventsReserved(record: PlanJobRecord): number;
  /** The task job of step `index`, started `startMs` after its plan job was created. */
  stepJob(plan: PlanJobRecord, index: number, startMs: number, name: number, eventBase: number): JobRecord;
}

/**
 * Jobs, plan jobs and scheduled jobs (three id sequences, like PE) plus the global event id sequence, persisted
 * to `stateDir/state.json` (written atomically, debounced; flushed on stop).
 */
export class JobStore<P extends StoredPlanJob> {
  readonly jobs = new Map<number, JobProgress>();
  readonly planJobs = new Map<number, P>();
  /** Kept as they are; scheduled-jobs/ runs them (a PUT replaces a record by name). */
  readonly scheduledJobs = new Map<number, ScheduledJobRecord>();
  /** Moves whenever a job is added or changed: plan jobs recompute their steps then. */
  revision = 0;
  private next = { job: 1, planJob: 1, event: 1, scheduledJob: 1 };
  private timer?: NodeJS.Timeout;
  /** Plan jobs whose steps may still start a task job. */
  private readonly open = new Set<P>();

  private constructor(
    private readonly plans: PlanJobFactory<P>,
    private readonly file?: string,
  ) {}

  /**
   * Loads history. Jobs still running when the previous process ended are interrupted at that moment
   * (clean shutdown) or now (crash): jobs end `failed`, plan jobs `failure` (see README).
   */
  static load<P extends StoredPlanJob>(stateDir: string | undefined, plans: PlanJobFactory<P>): JobStore<P> {
    const file = stateDir ? path.join(stateDir, "state.json") : undefined;
    const store = new JobStore(plans, file);
    if (!file || !fs.existsSync(file)) return store;
    const parsed = StateFileSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: ${formatZodError(parsed.error)}`);
    const state = parsed.data;
    const cut = state.clean ? state.savedAt : Date.now();
    store.next = state.next;
    for (const rec of state.jobs) store.jobs.set(rec.name, new JobProgress(rec));
    for (const rec of state.scheduledJobs) store.scheduledJobs.set(rec.name, rec);
    for (const rec of state.planJobs) {
      const job = plans.progress(rec, store);
      store.planJobs.set(rec.name, job);
      store.open.add(job);
    }
    // Steps due before the cut had started their task jobs: start them, then interrupt everything at the cut.
    store.advance(cut);
    for (const job of store.jobs.values())
      job.interrupt(Math.max(0, cut - job.record.createdAt), "restart", true);
    for (const job of store.planJobs.values())
      job.interrupt(Math.max(0, cut - job.record.createdAt), "restart");
    store.revision++;
    store.flush(false);
    return store;
  }

  addJob(build: (name: number, eventBase: number) => JobRecord): JobProgress {
    const rec = build(this.next.job, this.next.event);
    this.next.job++;
    this.next.event += eventsReserved(rec.nodes.length);
    const job = new JobProgress(rec);
    this.jobs.set(rec.name, job);
    this.changed();
    return job;
  }

  addPlanJob(build: (name: number, eventBase: number) => PlanJobRecord): P {
    const rec = build(this.next.planJob, this.next.event);
    this.next.planJob++;
    this.next.event += this.plans.eventsReserved(rec);
    const job = this.plans.progress(rec, this);
    this.planJobs.set(rec.name, job);
    if (rec.steps.length > 0) this.open.add(job);
    this.changed();
    return job;
  }

  addScheduledJob(build: (name: number) => ScheduledJobRecord): ScheduledJobRecord {
    const rec = build(this.next.scheduledJob);
    this.next.scheduledJob++;
    this.scheduledJobs.set(rec.name, rec);
    this.changed();
    return rec;
  }

  /**
   * Starts the task jobs of plan steps due by `now` (real ms): each gets the next job name and events, and its
   * creation time is when its step started. Called before every request, so what a reply shows is current.
   */
  advance(now: number): void {
    for (const plan of this.open) {
      const elapsed = now - plan.record.createdAt;
      for (let due = plan.dueSteps(elapsed); due.length > 0; due = plan.dueSteps(elapsed)) {
        const { index, start } = due[0];
        const job = this.addJob((name, eventBase) =>
          this.plans.stepJob(plan.record, index, start, name, eventBase),
        );
        plan.attach(index, job.record.name);
      }
      if (plan.settled(elapsed)) this.open.delete(plan);
    }
  }

  /** Schedules a save soon: a burst of commands costs one write. */
  changed(): void {
    this.revision++;
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.flush(false), 20);
    this.timer.unref();
  }

  flush(clean: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file) return;
    const state: StateFile = {
      version: 1,
      savedAt: Date.now(),
      clean,
      next: this.next,
      jobs: [...this.jobs.values()].map((j) => j.record),
      planJobs: [...this.planJobs.values()].map((j) => j.record),
      scheduledJobs: [...this.scheduledJobs.values()],
    };
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }
}

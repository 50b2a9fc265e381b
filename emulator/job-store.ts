import * as fs from "node:fs";
import * as path from "node:path";
import { formatZodError } from "./format-zod-error";
import { eventsReserved, JobProgress } from "./job-progress";
import { type JobRecord, type PlanJobRecord, type StateFile, StateFileSchema } from "./job-record";
import { PlanJobProgress, planEventsReserved } from "./plan-job-progress";

/**
 * Jobs and plan jobs (two id sequences, like PE) plus the global event id sequence, persisted to
 * `stateDir/state.json` (written atomically, debounced; flushed on stop).
 */
export class JobStore {
  readonly jobs = new Map<number, JobProgress>();
  readonly planJobs = new Map<number, PlanJobProgress>();
  private next = { job: 1, planJob: 1, event: 1 };
  private timer?: NodeJS.Timeout;

  private constructor(private readonly file?: string) {}

  /**
   * Loads history. Jobs still running when the previous process ended are interrupted at that moment
   * (clean shutdown) or now (crash): jobs end `failed`, plan jobs `failure` (see README).
   */
  static load(stateDir?: string): JobStore {
    const file = stateDir ? path.join(stateDir, "state.json") : undefined;
    const store = new JobStore(file);
    if (!file || !fs.existsSync(file)) return store;
    const parsed = StateFileSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: ${formatZodError(parsed.error)}`);
    const state = parsed.data;
    const cut = state.clean ? state.savedAt : Date.now();
    store.next = state.next;
    for (const rec of state.jobs) {
      const job = new JobProgress(rec);
      job.interrupt(Math.max(0, cut - rec.createdAt), "restart", true);
      store.jobs.set(rec.name, job);
    }
    for (const rec of state.planJobs) {
      const job = new PlanJobProgress(rec);
      job.interrupt(Math.max(0, cut - rec.createdAt), "restart");
      store.planJobs.set(rec.name, job);
    }
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

  addPlanJob(build: (name: number, eventBase: number) => PlanJobRecord): PlanJobProgress {
    const rec = build(this.next.planJob, this.next.event);
    this.next.planJob++;
    this.next.event += planEventsReserved(rec.messages.length);
    const job = new PlanJobProgress(rec);
    this.planJobs.set(rec.name, job);
    this.changed();
    return job;
  }

  /** Schedules a save soon: a burst of commands costs one write. */
  changed(): void {
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
    };
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }
}

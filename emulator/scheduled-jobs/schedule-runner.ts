// scheduled-jobs/: PE's scheduled environment jobs. The runner (this file) starts their jobs at each run time;
// scheduled-run.ts turns one into its command (the command endpoints' own checks and start), the queries, views
// and commands serve /scheduled_jobs/environment_jobs. Records live in the job store (jobs/job-record.ts), so
// they persist with the jobs. Builds on jobs/ and plans/; imports http/ too.

import { ApiError, notPermitted, orchestratorKind } from "../http/api-error";
import type { EmulatorState, Scheduler } from "../http/handler-types";
import type { ScheduledJobRecord, ScheduledRun } from "../jobs/job-record";
import { prepareScheduledRun } from "./scheduled-run";
import { runAfter } from "./schedule-times";

/** A timer longer than this (about 24.8 days) would fire at once: longer waits re-arm on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Starts a run as the job's owner at `at`; a refused start is recorded, as PE records a submission error. */
function startRun(state: EmulatorState, job: ScheduledJobRecord, at: number): ScheduledRun {
  const login = String(job.owner.login);
  try {
    const caller = state.auth.callerFor(login);
    if (!caller) throw notPermitted(`User ${login} no longer exists`, { login });
    return { time: at, job: prepareScheduledRun(state, caller, job, at)(job.name) };
  } catch (err) {
    const e =
      err instanceof ApiError
        ? err
        : new ApiError(500, orchestratorKind("unknown-error"), `Internal error: ${(err as Error).message}`);
    return { time: at, submissionError: { kind: e.kind, msg: e.message, details: e.details ?? {} } };
  }
}

/**
 * Runs scheduled jobs: one timer for the earliest next run (unref'd: it never keeps the process alive), and a
 * tick before every request so that a reply shows every run due by then. A run's job starts at its run time
 * (real ms; intervals are world seconds at the time scale), the next run is on the schedule's grid.
 */
export class ScheduleRunner implements Scheduler {
  private state?: EmulatorState;
  private timer?: NodeJS.Timeout;
  private armedFor = Number.NaN;

  /**
   * Begins running the store's scheduled jobs. A run that fell while the emulator was not running happens once,
   * now; a recurring job then goes on from its grid.
   */
  start(state: EmulatorState, now: number): void {
    this.state = state;
    for (const job of state.store.scheduledJobs.values())
      if (job.enabled && job.nextRun !== null && job.nextRun < now) job.nextRun = now;
    this.tick(now);
  }

  /** Starts every run due by `now` (earliest first, so job ids follow run times), then re-arms. */
  tick(now: number): void {
    const state = this.state;
    if (!state) return;
    const due = [...state.store.scheduledJobs.values()]
      .filter((j) => j.enabled && j.nextRun !== null && j.nextRun <= now)
      .sort((a, b) => (a.nextRun ?? 0) - (b.nextRun ?? 0) || a.name - b.name);
    for (const job of due) {
      job.lastRun = startRun(state, job, job.nextRun ?? now);
      job.nextRun = runAfter(job.schedule, state.timeScale, now);
    }
    if (due.length > 0) state.store.changed();
    this.arm();
  }

  /** Sets the one timer for the earliest next run (after a job is saved or edited, and after each tick). */
  arm(): void {
    const state = this.state;
    if (!state) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const j of state.store.scheduledJobs.values())
      if (j.enabled && j.nextRun !== null) earliest = Math.min(earliest, j.nextRun);
    if (this.timer && earliest === this.armedFor) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, earliest - Date.now()), MAX_DELAY_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick(Date.now());
    }, delay);
    this.timer.unref();
  }

  /** No run starts after this (the emulator stops). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = undefined;
  }
}

import { ApiError, notPermitted, orchestratorKind } from "../http/api-error";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { parseBody } from "../http/parse-body";
import { type Schedule, ScheduledJobBodySchema, scheduledJobEditSchema } from "../http/scheduled-job-schemas";
import { ScheduledJobRecordSchema } from "../jobs/job-record";
import { findScheduledJob } from "./find-scheduled-job";
import { scheduledJobUrl } from "./scheduled-job-views";
import { prepareScheduledRun } from "./scheduled-run";
import { firstRunFrom } from "./schedule-times";

/** When a schedule runs first; a run-once start in the past is PE's 400 invalid-time. */
function firstRun(state: EmulatorState, schedule: Schedule, now: number): number {
  const at = firstRunFrom(schedule, state.timeScale, now);
  if (at === null)
    throw new ApiError(
      400,
      orchestratorKind("invalid-time"),
      `The start_time ${schedule.start_time} is in the past and the job does not repeat`,
      { start_time: schedule.start_time },
    );
  return at;
}

const answer = (ctx: RequestContext, name: number): Handled => ({
  status: 200,
  body: { scheduled_job: { id: scheduledJobUrl(ctx.view, name), name: String(name) } },
});

/**
 * POST /scheduled_jobs/environment_jobs. The job is checked as its command endpoint would check it now (as the
 * caller): a schedule the caller could not run is refused, not saved. PE documents 200 with its id and name.
 */
export function createScheduledJob(state: EmulatorState, ctx: RequestContext): Handled {
  const body = parseBody(ScheduledJobBodySchema, ctx.body);
  const nextRun = firstRun(state, body.schedule, ctx.view.now);
  prepareScheduledRun(state, ctx.caller, body, ctx.view.now);
  const job = state.store.addScheduledJob((name) => ({
    ...body,
    name,
    enabled: true,
    owner: ctx.caller.owner,
    createdAt: ctx.view.now,
    nextRun,
    lastRun: null,
  }));
  state.scheduler.arm();
  return answer(ctx, job.name);
}

/**
 * PUT /scheduled_jobs/environment_jobs/:id: each key given replaces that key's whole value. A disabled job
 * refuses every edit (PE: "if you try to edit a disabled job"), `{"enabled": false}` is PE's soft delete.
 * Editing needs superuser or being the owner (as stopping a job does); a new input or environment is checked
 * as the POST checks it.
 */
export function editScheduledJob(state: EmulatorState, ctx: RequestContext): Handled {
  const job = findScheduledJob(state, ctx.params[0]);
  const user = ctx.caller.user;
  if (!user.permissions.superuser && job.owner.login !== user.login)
    throw notPermitted(`User ${user.login} is not permitted to edit scheduled job ${job.name}`, {
      scheduled_job: String(job.name),
    });
  if (!job.enabled)
    throw new ApiError(
      400,
      orchestratorKind("disabled-scheduled-job"),
      `Scheduled job ${job.name} is disabled and cannot be edited`,
      { id: String(job.name) },
    );
  const edit = parseBody(scheduledJobEditSchema(job.type), ctx.body);
  const next = ScheduledJobRecordSchema.parse({ ...job, ...edit });
  if (edit.schedule !== undefined) next.nextRun = firstRun(state, edit.schedule, ctx.view.now);
  if (edit.enabled === false) next.nextRun = null;
  if (edit.input !== undefined || edit.environment !== undefined)
    prepareScheduledRun(state, ctx.caller, next, ctx.view.now);
  state.store.scheduledJobs.set(next.name, next);
  state.store.changed();
  state.scheduler.arm();
  return answer(ctx, next.name);
}

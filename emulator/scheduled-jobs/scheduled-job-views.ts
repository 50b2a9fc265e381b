import type { ScheduledJobRecord, ScheduledRun } from "../jobs/job-record";
import type { ViewContext } from "../jobs/job-views";
import { iso } from "../jobs/time-format";
import { splitParams } from "./scheduled-params";

/** PE's second-precision timestamps, with milliseconds when a time scale puts a run between two seconds. */
const runTime = (ms: number) => (ms % 1000 === 0 ? iso(ms) : new Date(ms).toISOString());

/** The `id` URL of a scheduled job. */
export const scheduledJobUrl = (ctx: ViewContext, name: number) =>
  `${ctx.apiUrl}/scheduled_jobs/environment_jobs/${name}`;

/** `input` as posted, but parameters plain and only the non-sensitive ones; sensitive ones by name. */
function renderInput(job: ScheduledJobRecord): Record<string, unknown> {
  if (job.type === "deploy") return job.input;
  const { parameters, ...rest } = job.input;
  const { plain, sensitive } = splitParams(parameters);
  return { ...rest, parameters: plain, sensitive_parameters: sensitive };
}

function renderRun(run: ScheduledRun | null, ctx: ViewContext): Record<string, unknown> | null {
  if (run === null) return null;
  const time = runTime(run.time);
  if (run.job === undefined) return { time, job: { submission_error: run.submissionError } };
  const path = run.job.kind === "plan_job" ? "plan_jobs" : "jobs";
  return { time, job: { id: `${ctx.apiUrl}/${path}/${run.job.name}`, name: String(run.job.name) } };
}

/** GET /scheduled_jobs/environment_jobs/:id and the items of the list. */
export function renderScheduledJob(job: ScheduledJobRecord, ctx: ViewContext): Record<string, unknown> {
  return {
    id: scheduledJobUrl(ctx, job.name),
    name: String(job.name),
    enabled: job.enabled,
    environment: job.environment,
    owner: job.owner,
    description: job.description,
    type: job.type,
    input: renderInput(job),
    userdata: job.userdata,
    schedule: job.schedule,
    next_run: job.nextRun === null ? null : { time: runTime(job.nextRun) },
    last_run: renderRun(job.lastRun, ctx),
  };
}

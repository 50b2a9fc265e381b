import { renderJob, type ViewContext } from "../jobs/job-views";
import { iso, seconds } from "../jobs/time-format";
import type { PlanJobProgress } from "./plan-job-progress";

/** GET /plan_jobs/:id and the items of GET /plan_jobs (which may drop `result`). */
export function renderPlanJob(
  job: PlanJobProgress,
  ctx: ViewContext,
  withResult = true,
): Record<string, unknown> {
  const rec = job.record;
  const elapsed = ctx.now - rec.createdAt;
  const state = job.state(elapsed);
  const done = elapsed >= job.endAt;
  const url = `${ctx.apiUrl}/plan_jobs/${rec.name}`;
  const lastChange = done ? job.endAt : elapsed >= rec.pendingMs ? rec.pendingMs : 0;
  return {
    id: url,
    name: String(rec.name),
    state,
    options: rec.options,
    ...(withResult ? { result: done ? job.outcome.result : null } : {}),
    owner: rec.owner,
    timestamp: iso(rec.createdAt + lastChange),
    created_timestamp: iso(rec.createdAt),
    finished_timestamp: done ? iso(rec.createdAt + job.endAt) : null,
    duration: seconds(done ? job.endAt : elapsed),
    events: { id: `${url}/events` },
    // Keyed by the name of each job the plan's steps started, with that job's state history (PE's shape).
    status: Object.fromEntries(job.stepJobs().map((j) => [String(j.record.name), renderJob(j, ctx).status])),
    userdata: rec.userdata,
  };
}

/** One plan event; `k` is the index in the plan's event list. */
export function renderPlanEvent(job: PlanJobProgress, k: number): Record<string, unknown> {
  const rec = job.record;
  const e = job.events[k];
  const stepJob = e.step === undefined ? undefined : rec.stepJobs[e.step];
  const details =
    e.type === "out_message"
      ? { message: (e.message ?? "").slice(0, 1024) }
      : e.step !== undefined
        ? { "job-id": String(stepJob ?? "") }
        : { "plan-id": String(rec.name), result: job.outcome.result };
  return { id: String(rec.eventBase + k), type: e.type, timestamp: iso(rec.createdAt + e.t), details };
}

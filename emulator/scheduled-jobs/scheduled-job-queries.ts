import { validationError } from "../http/api-error";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { applyPaging, parsePaging } from "../http/paging";
import { ScheduledTypeSchema } from "../http/scheduled-job-schemas";
import type { ScheduledJobRecord } from "../jobs/job-record";
import { findScheduledJob } from "./find-scheduled-job";
import { renderScheduledJob } from "./scheduled-job-views";

const ORDER_BYS = ["next_run_time", "environment", "owner", "name", "type"];

/** The sort key of `order_by`; jobs that will not run again sort after the others (asc). */
function sortKey(job: ScheduledJobRecord, orderBy: string): string | number {
  if (orderBy === "next_run_time") return job.nextRun ?? Number.POSITIVE_INFINITY;
  if (orderBy === "owner") return String(job.owner.login);
  if (orderBy === "name") return job.name;
  return orderBy === "environment" ? job.environment : job.type;
}

/** GET /scheduled_jobs/environment_jobs: `limit`, `offset`, `order_by` (default next_run_time), `order`, `type`. */
export function listScheduledJobs(state: EmulatorState, ctx: RequestContext): Handled {
  const paging = parsePaging(ctx.query, ORDER_BYS, "next_run_time");
  const type = ctx.query.get("type");
  if (type !== null && !ScheduledTypeSchema.safeParse(type).success)
    throw validationError(`Query parameter type must be deploy, task or plan, got '${type}'`, { type });
  const items = [...state.store.scheduledJobs.values()].filter((j) => type === null || j.type === type);
  const page = applyPaging(items, paging, sortKey);
  return {
    status: 200,
    body: {
      items: page.map((j) => renderScheduledJob(j, ctx.view)),
      pagination: {
        ...(paging.limit !== undefined ? { limit: paging.limit } : {}),
        offset: paging.offset,
        order: paging.order,
        order_by: paging.orderBy,
        total: items.length,
      },
    },
  };
}

/** GET /scheduled_jobs/environment_jobs/:id */
export const getScheduledJob = (state: EmulatorState, ctx: RequestContext): Handled => ({
  status: 200,
  body: renderScheduledJob(findScheduledJob(state, ctx.params[0]), ctx.view),
});

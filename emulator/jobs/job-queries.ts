import { unknownJob, validationError } from "../http/api-error";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { applyPaging, parseJobId, parsePaging, parseTimestamp } from "../http/paging";
import { eventsShown } from "./events-shown";
import type { JobProgress } from "./job-progress";
import { renderJob, renderJobEvent, renderNode } from "./job-views";
import { iso } from "./time-format";

function findJob(state: EmulatorState, ctx: RequestContext): JobProgress {
  const job = state.store.jobs.get(parseJobId(ctx.params[0]));
  if (!job) throw unknownJob(ctx.params[0]);
  return job;
}

/** GET /jobs */
export function listJobs(state: EmulatorState, ctx: RequestContext): Handled {
  const q = ctx.query;
  const paging = parsePaging(q, ["owner", "timestamp", "environment", "name", "state"], "timestamp");
  const type = q.get("type");
  if (type !== null && !["deploy", "task", "plan_task"].includes(type))
    throw validationError(`Query parameter type must be deploy, task or plan_task, got '${type}'`, { type });
  const task = q.get("task");
  if (task !== null && type === "deploy")
    throw validationError("The task filter cannot be used with type=deploy");
  const min = parseTimestamp(q, "min_finish_timestamp");
  const max = parseTimestamp(q, "max_finish_timestamp");
  const items = [...state.store.jobs.values()]
    .filter(
      (j) =>
        (type === null || j.record.type === type) &&
        (task === null || String(j.record.options.task ?? "").includes(task)),
    )
    .map((j) => renderJob(j, ctx.view))
    .filter((j) => {
      if (min === undefined && max === undefined) return true;
      const fin = j.finished_timestamp === null ? Number.NaN : Date.parse(String(j.finished_timestamp));
      return !Number.isNaN(fin) && (min === undefined || fin >= min) && (max === undefined || fin <= max);
    });
  const page = applyPaging(items, paging, (j, by) =>
    by === "owner"
      ? String((j.owner as { login?: string }).login)
      : by === "environment"
        ? String((j.environment as { name: string }).name)
        : by === "name"
          ? Number(j.name)
          : String(j[by]),
  );
  return {
    status: 200,
    body: {
      items: page,
      pagination: {
        ...(paging.limit !== undefined ? { limit: paging.limit } : {}),
        offset: paging.offset,
        order: paging.order,
        order_by: paging.orderBy,
        type: type ?? "",
        total: items.length,
      },
    },
  };
}

/** GET /jobs/:id */
export const getJob = (state: EmulatorState, ctx: RequestContext): Handled => ({
  status: 200,
  body: renderJob(findJob(state, ctx), ctx.view),
});

const nextEvents = (ctx: RequestContext, job: JobProgress, start: number) => ({
  id: `${ctx.view.apiUrl}/jobs/${job.record.name}/events?start=${start}`,
  event: String(start),
});

/** GET /jobs/:id/nodes: sorted on cheap keys, only the page is rendered (10,000-node jobs). */
export function getJobNodes(state: EmulatorState, ctx: RequestContext): Handled {
  const job = findJob(state, ctx);
  const paging = parsePaging(ctx.query, ["name", "duration", "state", "start_timestamp", "finish_timestamp"]);
  const elapsed = ctx.view.now - job.record.createdAt;
  const stateFilter = ctx.query.get("state");
  let indexes = job.record.nodes.map((_, i) => i);
  if (stateFilter !== null) indexes = indexes.filter((i) => job.nodeState(i, elapsed) === stateFilter);
  const page = applyPaging(indexes, paging, (i, by) => {
    const n = job.record.nodes[i];
    const started = n.start !== null && elapsed >= n.start;
    if (by === "name") return n.name;
    if (by === "state") return job.nodeState(i, elapsed);
    if (by === "duration") return started && n.start !== null ? Math.min(n.end, elapsed) - n.start : -1;
    if (by === "start_timestamp") return started && n.start !== null ? n.start : Number.MAX_VALUE;
    return elapsed >= n.end && n.start !== null ? n.end : Number.MAX_VALUE;
  });
  return {
    status: 200,
    body: {
      "next-events": nextEvents(ctx, job, job.record.eventBase + job.visibleEvents(elapsed)),
      items: page.map((i) => renderNode(job, i, ctx.view)),
      pagination: {
        ...(paging.limit !== undefined ? { limit: paging.limit } : {}),
        offset: paging.offset,
        order: paging.order,
        ...(paging.orderBy ? { order_by: paging.orderBy } : {}),
        total: indexes.length,
      },
    },
  };
}

/** GET /jobs/:id/report (top-level key `items`, as documented). */
export function getJobReport(state: EmulatorState, ctx: RequestContext): Handled {
  const job = findJob(state, ctx);
  const rec = job.record;
  const elapsed = ctx.view.now - rec.createdAt;
  const items = rec.nodes.map((n, i) => {
    const started = n.start !== null && elapsed >= n.start;
    const ended = elapsed >= n.end;
    return {
      node: n.name,
      state: job.nodeState(i, elapsed),
      timestamp: iso(rec.createdAt + (ended ? n.end : started && n.start !== null ? n.start : 0)),
      start_timestamp: started && n.start !== null ? iso(rec.createdAt + n.start) : null,
      finish_timestamp: ended && n.start !== null ? iso(rec.createdAt + n.end) : null,
      events: [],
    };
  });
  return { status: 200, body: { items } };
}

/** GET /jobs/:id/events?start=N: `start` inclusive; next start = last id returned + 1. */
export function getJobEvents(state: EmulatorState, ctx: RequestContext): Handled {
  const rawStart = ctx.query.get("start");
  if (rawStart !== null && !/^\d+$/.test(rawStart))
    throw validationError(`Query parameter start must be an integer, got '${rawStart}'`, { start: rawStart });
  const start = rawStart === null ? 0 : Number(rawStart);
  const job = findJob(state, ctx);
  const base = job.record.eventBase;
  const visible = eventsShown(job.times, job.endAt, ctx.view.now - job.record.createdAt, ctx.events);
  const from = Math.min(Math.max(0, start - base), visible);
  const to = Math.min(visible, from + state.world.settings.eventsPageSize);
  const items = [];
  for (let k = from; k < to; k++) items.push(renderJobEvent(job, k));
  return { status: 200, body: { "next-events": nextEvents(ctx, job, Math.max(start, base + to)), items } };
}

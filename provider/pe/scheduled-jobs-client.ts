import type { CallOptions } from "./http/api-client";
import { validate } from "./http/api-client";
import { RequestValidationError } from "./http/errors";
import type { OrchestratorClient } from "./orchestrator-client";
import {
  type ScheduledJob,
  type ScheduledJobCreated,
  type ScheduledJobList,
  type ScheduledJobListQuery,
  type ScheduledJobRequest,
  type ScheduledJobUpdate,
  scheduledJobCreatedSchema,
  scheduledJobListQuerySchema,
  scheduledJobListSchema,
  scheduledJobNameSchema,
  scheduledJobRequestSchema,
  scheduledJobSchema,
  scheduledJobUpdateSchema,
} from "./scheduled-job-schemas";

const BASE = "/scheduled_jobs/environment_jobs";

/** The page size of `listAll`: most installations hold fewer schedules, so one request reads them all. */
const PAGE = 1000;

/**
 * Typed calls for PE's scheduled jobs (`/orchestrator/v1/scheduled_jobs/environment_jobs`, PE 2021.7+) over an
 * orchestrator client's transport: its token, CA, keep-alive connections, retries and errors. PE has no DELETE:
 * `update(name, { enabled: false })` disables a schedule.
 */
export class ScheduledJobsClient {
  constructor(readonly orchestrator: OrchestratorClient) {}

  /** The schedule's URL, built from the configured base (never from the server's `id`), as job URLs are. */
  url(name: string): string {
    return `${this.orchestrator.apiUrl}${BASE}/${name}`;
  }

  /** POST: never re-sent (a second request would make a second schedule). */
  create(body: ScheduledJobRequest, options?: CallOptions): Promise<ScheduledJobCreated> {
    const parsed = validate(scheduledJobRequestSchema, body, `POST ${BASE}`);
    return this.orchestrator.serviceRequest(
      {
        method: "POST",
        path: BASE,
        body: parsed,
        schema: scheduledJobCreatedSchema,
        idempotent: false,
        subject: { environment: parsed.environment || undefined },
      },
      options,
    );
  }

  /** PUT replaces the keys it is given: sending the same body twice is harmless, so it is retried like a GET. */
  update(name: string, body: ScheduledJobUpdate, options?: CallOptions): Promise<ScheduledJobCreated> {
    const parsed = validate(scheduledJobUpdateSchema, body, `PUT ${BASE}/:id`);
    return this.orchestrator.serviceRequest(
      {
        method: "PUT",
        path: `${BASE}/${namePath(name)}`,
        body: parsed,
        schema: scheduledJobCreatedSchema,
        idempotent: true,
        subject: { job: name },
      },
      options,
    );
  }

  get(name: string, options?: CallOptions): Promise<ScheduledJob> {
    return this.orchestrator.serviceRequest(
      {
        method: "GET",
        path: `${BASE}/${namePath(name)}`,
        schema: scheduledJobSchema,
        idempotent: true,
        subject: { job: name },
      },
      options,
    );
  }

  /** One page, e.g. `{ type: "task", limit: 100 }`. */
  list(query: ScheduledJobListQuery = {}, options?: CallOptions): Promise<ScheduledJobList> {
    const q = validate(scheduledJobListQuerySchema, query, `GET ${BASE}`);
    return this.orchestrator.serviceRequest(
      { method: "GET", path: BASE, query: q, schema: scheduledJobListSchema, idempotent: true },
      options,
    );
  }

  /** Every schedule, a page of `pageSize` at a time, following `pagination.total`. */
  async listAll(
    query: Omit<ScheduledJobListQuery, "limit" | "offset"> & { pageSize?: number } = {},
    options?: CallOptions,
  ): Promise<ScheduledJob[]> {
    const { pageSize = PAGE, ...rest } = query;
    const items: ScheduledJob[] = [];
    for (;;) {
      const page = await this.list(
        { ...rest, order_by: rest.order_by ?? "name", limit: pageSize, offset: items.length },
        options,
      );
      items.push(...page.items);
      const total = page.pagination?.total;
      // a short page, the total reached, or a server that ignored the limit: nothing more to read
      if (page.items.length !== pageSize) return items;
      if (typeof total === "number" && items.length >= total) return items;
    }
  }
}

function namePath(name: string): string {
  const parsed = scheduledJobNameSchema.safeParse(String(name));
  if (!parsed.success)
    throw new RequestValidationError("scheduled job id", [`"${name}": ${parsed.error.issues[0].message}`]);
  return parsed.data;
}

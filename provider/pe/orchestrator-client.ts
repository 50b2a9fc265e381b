import type { z } from "zod";
import { ApiClient, type CallOptions, type RequestSpec, validate } from "./http/api-client";
import { RequestValidationError } from "./http/errors";
import { type NodeSummary, NodeSummaryBuilder } from "./node-summary";
import {
  type DeployRequest,
  deployRequestSchema,
  type EventsPage,
  eventsPageSchema,
  type Job,
  type JobCreated,
  type JobList,
  type JobListQuery,
  type JobNode,
  type JobNodesQuery,
  jobCreatedSchema,
  jobListQuerySchema,
  jobListSchema,
  jobNameSchema,
  jobNodesPageSchema,
  jobNodesQuerySchema,
  jobSchema,
  type PlanJob,
  type PlanJobCreated,
  type PlanJobList,
  type PlanJobListQuery,
  type PlanList,
  type PlanMetadata,
  type PlanRunRequest,
  planJobCreatedSchema,
  planJobListQuerySchema,
  planJobListSchema,
  planJobSchema,
  planListSchema,
  planMetadataSchema,
  planRunRequestSchema,
  type StopResponse,
  stopPlanRequestSchema,
  stopRequestSchema,
  stopResponseSchema,
  type TaskList,
  type TaskMetadata,
  type TaskRequest,
  taskListSchema,
  taskMetadataSchema,
  taskRequestSchema,
} from "./schemas";
import { type Inventory, inventorySchema } from "./target-schemas";

export type { CallOptions, ClientOptions, Logger, RequestSpec } from "./http/api-client";

/** Typed calls for the orchestrator endpoints the resources use (`/orchestrator/v1`). */
export class OrchestratorClient extends ApiClient {
  /** The job's URL, built from the configured base (never from the server's `id`, §12.1). */
  jobUrl(jobName: string): string {
    return `${this.apiUrl}/jobs/${jobName}`;
  }

  planJobUrl(planJobName: string): string {
    return `${this.apiUrl}/plan_jobs/${planJobName}`;
  }

  // ---------- commands ----------

  deploy(body: DeployRequest, options?: CallOptions): Promise<JobCreated> {
    const parsed = validate(deployRequestSchema, body, "POST /command/deploy");
    return this.request(
      {
        method: "POST",
        path: "/command/deploy",
        body: parsed,
        schema: jobCreatedSchema,
        idempotent: false,
        subject: { environment: parsed.environment },
      },
      options,
    );
  }

  planRun(body: PlanRunRequest, options?: CallOptions): Promise<PlanJobCreated> {
    const parsed = validate(planRunRequestSchema, body, "POST /command/plan_run");
    return this.request(
      {
        method: "POST",
        path: "/command/plan_run",
        body: parsed,
        schema: planJobCreatedSchema,
        idempotent: false,
        subject: { plan: parsed.plan_name, environment: parsed.environment ?? "production" },
      },
      options,
    );
  }

  task(body: TaskRequest, options?: CallOptions): Promise<JobCreated> {
    const parsed = validate(taskRequestSchema, body, "POST /command/task");
    return this.request(
      {
        method: "POST",
        path: "/command/task",
        body: parsed,
        schema: jobCreatedSchema,
        idempotent: false,
        subject: { task: parsed.task, environment: parsed.environment ?? "production" },
      },
      options,
    );
  }

  /** Stops a job (not a plan job). Idempotent on the server, so it is retried like a GET. */
  stop(jobName: string, opts: { force?: boolean } & CallOptions = {}): Promise<StopResponse> {
    const body = validate(stopRequestSchema, { job: jobName, force: opts.force }, "POST /command/stop");
    return this.request(
      { method: "POST", path: "/command/stop", body, schema: stopResponseSchema, idempotent: true },
      opts,
    );
  }

  stopPlan(planJobName: string, options?: CallOptions): Promise<PlanJobCreated> {
    const body = validate(stopPlanRequestSchema, { plan_job: planJobName }, "POST /command/stop_plan");
    return this.request(
      { method: "POST", path: "/command/stop_plan", body, schema: planJobCreatedSchema, idempotent: true },
      options,
    );
  }

  // ---------- jobs ----------

  getJob(jobName: string, options?: CallOptions): Promise<Job> {
    return this.get(`/jobs/${jobPath(jobName)}`, jobSchema, options, undefined, { job: jobName });
  }

  /** One page of job events from `start` (inclusive); the next start is the highest id + 1. */
  getJobEvents(jobName: string, start?: number, options?: CallOptions): Promise<EventsPage> {
    const path = `/jobs/${jobPath(jobName)}/events`;
    return this.get(path, eventsPageSchema, options, { start }, { job: jobName });
  }

  /** Every node of a job, page by page; memory use is one page whatever the job's size. */
  async *jobNodes(
    jobName: string,
    query: JobNodesQuery & { pageSize?: number } = {},
    options?: CallOptions,
  ): AsyncGenerator<JobNode> {
    const { pageSize = 1000, ...rest } = query;
    const q = validate(jobNodesQuerySchema, rest, "GET /jobs/:id/nodes");
    const path = `/jobs/${jobPath(jobName)}/nodes`;
    for (let offset = 0; ;) {
      const page = await this.get(
        path,
        jobNodesPageSchema,
        options,
        { ...q, limit: pageSize, offset },
        { job: jobName },
      );
      yield* page.items;
      offset += page.items.length;
      const total = page.pagination?.total;
      // stop on a short page, at the total, or when the server ignored the limit (no paging support)
      if (page.items.length < pageSize || page.items.length > pageSize) return;
      if (typeof total === "number" && offset >= total) return;
    }
  }

  /** Counts per node state plus the first `limit` failed and other nodes, without holding every node. */
  async summarizeJobNodes(jobName: string, limit = 50, options?: CallOptions): Promise<NodeSummary> {
    const builder = new NodeSummaryBuilder(limit);
    for await (const node of this.jobNodes(jobName, {}, options)) builder.add(node);
    return builder.summary();
  }

  /** One page of jobs, e.g. `{ order_by: "timestamp", order: "desc", limit: 50 }`. */
  listJobs(query: JobListQuery = {}, options?: CallOptions): Promise<JobList> {
    return this.get("/jobs", jobListSchema, options, validate(jobListQuerySchema, query, "GET /jobs"));
  }

  // ---------- plan jobs ----------

  getPlanJob(planJobName: string, options?: CallOptions): Promise<PlanJob> {
    return this.get(`/plan_jobs/${jobPath(planJobName)}`, planJobSchema, options, undefined, {
      job: planJobName,
    });
  }

  getPlanJobEvents(planJobName: string, start?: number, options?: CallOptions): Promise<EventsPage> {
    const path = `/plan_jobs/${jobPath(planJobName)}/events`;
    return this.get(path, eventsPageSchema, options, { start }, { job: planJobName });
  }

  listPlanJobs(query: PlanJobListQuery = {}, options?: CallOptions): Promise<PlanJobList> {
    const q = validate(planJobListQuerySchema, query, "GET /plan_jobs");
    return this.get("/plan_jobs", planJobListSchema, options, q);
  }

  // ---------- plans ----------

  listPlans(environment = "production", options?: CallOptions): Promise<PlanList> {
    return this.get("/plans", planListSchema, options, { environment }, { environment });
  }

  /** Plan metadata; `mymodule` means the init plan `mymodule/init`. */
  getPlan(planName: string, environment = "production", options?: CallOptions): Promise<PlanMetadata> {
    let path: string;
    try {
      path = `/plans/${planPath(planName)}`;
    } catch (error) {
      throw new RequestValidationError("GET /plans/:module/:plan", [(error as Error).message]);
    }
    return this.get(path, planMetadataSchema, options, { environment }, { plan: planName, environment });
  }

  // ---------- inventory ----------

  /** Which nodes are connected to the orchestrator's PCP broker (`POST /inventory`); a read, safe to repeat. */
  inventory(nodes: string[], options?: CallOptions): Promise<Inventory> {
    return this.request(
      {
        method: "POST",
        path: "/inventory",
        body: { nodes },
        schema: inventorySchema,
        idempotent: true,
        lookup: true,
      },
      options,
    );
  }

  // ---------- tasks ----------

  listTasks(environment = "production", options?: CallOptions): Promise<TaskList> {
    return this.get("/tasks", taskListSchema, options, { environment }, { environment });
  }

  /** Task metadata; `mymodule` means the init task `mymodule/init` (same path rule as plans). */
  getTask(taskName: string, environment = "production", options?: CallOptions): Promise<TaskMetadata> {
    if (!taskRequestSchema.shape.task.safeParse(taskName).success)
      throw new RequestValidationError("GET /tasks/:module/:task", [`"${taskName}" is not a task name`]);
    const path = `/tasks/${planPath(taskName)}`;
    return this.get(path, taskMetadataSchema, options, { environment }, { task: taskName, environment });
  }

  // ---------- other PE services ----------

  /** A request to another PE service with this client's token, CA, retries and error handling. */
  serviceRequest<S extends z.ZodType>(spec: RequestSpec<S>, options?: CallOptions): Promise<z.output<S>> {
    return this.request(spec, options);
  }
}

function jobPath(name: string): string {
  const parsed = jobNameSchema.safeParse(String(name));
  if (!parsed.success)
    throw new RequestValidationError("job id", [`"${name}": ${parsed.error.issues[0].message}`]);
  return parsed.data;
}

/** `mymodule::deploy` → `mymodule/deploy`; a module's init plan `mymodule` → `mymodule/init` (§12.22). */
export function planPath(planName: string): string {
  const [module, ...rest] = planName.split("::");
  if (!module || rest.some((part) => !part)) throw new Error(`"${planName}" is not a plan name`);
  const plan = rest.length === 0 ? "init" : rest.join("::");
  return `${encodeURIComponent(module)}/${encodeURIComponent(plan)}`;
}

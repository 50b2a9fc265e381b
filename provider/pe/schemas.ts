// zod schemas for every request and response the client uses: the single source of truth for types.
// Requests are strict (an unknown key is a bug); responses are loose and require only what the client
// reads, because PE grew fields across versions (orchestrator-api.md §12.17).
import { z } from "zod";

// ---------- shared pieces ----------

/** Ids are strings in PE ("81"), but some servers send numbers: accept both, keep strings. */
const idString = z.union([z.string(), z.number()]).transform(String);
/** `duration` is "256.0" on jobs and 123.4 on plan jobs and nodes (§12.7). */
const duration = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === "" ? null : Number(v)));
const jsonObject = z.record(z.string(), z.unknown());
const ref = z.looseObject({ id: z.string().optional() });
/** Job and plan-job names are the decimal number PE assigned. */
export const jobNameSchema = z.string().regex(/^\d+$/, 'a job id is a decimal number such as "81"');

export const ownerSchema = z.looseObject({ id: z.string().optional(), login: z.string().optional() });

export const errorBodySchema = z.looseObject({
  kind: z.string(),
  msg: z.string().optional(),
  details: jsonObject.nullish(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ---------- commands ----------

/** The scopes a task takes; a deploy also takes `application` (PE before 2023). */
const nodeScopes = [
  z.strictObject({ nodes: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ query: z.union([z.string().min(1), z.array(z.unknown()).min(1)]) }),
  z.strictObject({ node_group: z.string().min(1) }),
] as const;
const scopeSchema = z.union([...nodeScopes, z.strictObject({ application: z.string().min(1) })]);

export const deployRequestSchema = z
  .strictObject({
    environment: z.string(),
    scope: scopeSchema.optional(),
    concurrency: z.number().int().positive().optional(),
    debug: z.boolean().optional(),
    description: z.string().optional(),
    enforce_environment: z.boolean().optional(),
    evaltrace: z.boolean().optional(),
    filetimeout: z.number().int().positive().optional(),
    http_connect_timeout: z.number().int().positive().optional(),
    http_keepalive_timeout: z.number().int().positive().optional(),
    http_read_timeout: z.number().int().positive().optional(),
    noop: z.boolean().optional(),
    no_noop: z.boolean().optional(),
    ordering: z.string().optional(),
    skip_tags: z.string().optional(),
    tags: z.string().optional(),
    timeout: z.number().int().positive().optional(),
    trace: z.boolean().optional(),
    use_cached_catalog: z.boolean().optional(),
    usecacheonfailure: z.boolean().optional(),
    userdata: jsonObject.optional(),
  })
  .refine((b) => !(b.noop && b.no_noop), {
    message: "noop and no_noop cannot both be true",
    path: ["no_noop"],
  })
  .refine((b) => b.environment !== "" || (b.enforce_environment === false && b.scope !== undefined), {
    message: 'environment "" needs enforce_environment: false and a scope',
    path: ["environment"],
  });
export type DeployRequest = z.input<typeof deployRequestSchema>;

export const planRunRequestSchema = z.strictObject({
  plan_name: z.string().regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/, "not a valid plan name"),
  params: jsonObject.optional(),
  environment: z.string().min(1).optional(),
  description: z.string().optional(),
  timeout: z.number().int().positive().optional(),
  userdata: jsonObject.optional(),
});
export type PlanRunRequest = z.input<typeof planRunRequestSchema>;

/** POST /command/task: exactly one scope, and no `application` scope (§3.2). */
export const taskRequestSchema = z.strictObject({
  task: z.string().regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)?$/, "not a valid task name"),
  /** required by PE, `{}` when the task takes none */
  params: jsonObject,
  environment: z.string().min(1).optional(),
  scope: z.union(nodeScopes),
  description: z.string().optional(),
  noop: z.boolean().optional(),
  timeout: z.number().int().positive().optional(),
  userdata: jsonObject.optional(),
});
export type TaskRequest = z.input<typeof taskRequestSchema>;

export const stopRequestSchema = z.strictObject({ job: jobNameSchema, force: z.boolean().optional() });
export const stopPlanRequestSchema = z.strictObject({ plan_job: jobNameSchema });

/** deploy and task answer `{"job": {"id", "name"}}` */
export const jobCreatedSchema = z.looseObject({
  job: z.looseObject({ id: z.string().optional(), name: idString }),
});
export type JobCreated = z.infer<typeof jobCreatedSchema>;

/** plan_run and stop_plan answer only `{"name"}` (§12.1) */
export const planJobCreatedSchema = z.looseObject({ name: idString });
export type PlanJobCreated = z.infer<typeof planJobCreatedSchema>;

export const stopResponseSchema = z.looseObject({
  job: z.looseObject({
    id: z.string().optional(),
    name: idString,
    nodes: z.record(z.string(), z.number()).nullish(),
  }),
});
export type StopResponse = z.infer<typeof stopResponseSchema>;

// ---------- jobs ----------

export const jobSchema = z.looseObject({
  id: z.string(),
  name: idString,
  state: z.string(),
  type: z.string().nullish(),
  command: z.string().nullish(),
  options: jsonObject.nullish(),
  owner: ownerSchema.nullish(),
  description: z.string().nullish(),
  environment: z.looseObject({ name: z.string().nullish() }).nullish(),
  timestamp: z.string().nullish(),
  started_timestamp: z.string().nullish(),
  finished_timestamp: z.string().nullish(),
  duration,
  node_count: z.number().nullish(),
  node_states: z.record(z.string(), z.number()).nullish(),
  nodes: ref.nullish(),
  events: ref.nullish(),
  report: ref.nullish(),
  userdata: jsonObject.nullish(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobNodeSchema = z.looseObject({
  name: z.string(),
  state: z.string(),
  start_timestamp: z.string().nullish(),
  finish_timestamp: z.string().nullish(),
  duration,
  details: jsonObject.nullish(),
  result: z.unknown().optional(),
});
export type JobNode = z.infer<typeof jobNodeSchema>;

const nextEventsSchema = z.looseObject({ id: z.string().optional(), event: idString.optional() }).nullish();

export const jobNodesPageSchema = z.looseObject({
  items: z.array(jobNodeSchema),
  "next-events": nextEventsSchema,
  pagination: z.looseObject({ total: z.number().nullish() }).nullish(),
});

export const eventSchema = z.looseObject({
  id: idString,
  type: z.string(),
  timestamp: z.string().nullish(),
  message: z.string().nullish(),
  details: jsonObject.nullish(),
});
export type OrchestratorEvent = z.infer<typeof eventSchema>;

export const eventsPageSchema = z.looseObject({
  items: z.array(eventSchema),
  "next-events": nextEventsSchema,
});
export type EventsPage = z.infer<typeof eventsPageSchema>;

const paginationSchema = z
  .looseObject({
    limit: z.number().nullish(),
    offset: z.number().nullish(),
    total: z.number().nullish(),
  })
  .nullish();

export const jobListSchema = z.looseObject({ items: z.array(jobSchema), pagination: paginationSchema });
export type JobList = z.infer<typeof jobListSchema>;

export const jobListQuerySchema = z.strictObject({
  limit: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
  order_by: z.enum(["owner", "timestamp", "environment", "name", "state"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  type: z.enum(["deploy", "task", "plan_task"]).optional(),
  task: z.string().optional(),
  min_finish_timestamp: z.string().optional(),
  max_finish_timestamp: z.string().optional(),
});
export type JobListQuery = z.input<typeof jobListQuerySchema>;

export const jobNodesQuerySchema = z.strictObject({
  limit: z.number().int().positive().optional(),
  order_by: z.enum(["name", "duration", "state", "start_timestamp", "finish_timestamp"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  state: z.string().optional(),
});
export type JobNodesQuery = z.input<typeof jobNodesQuerySchema>;

// ---------- plan jobs ----------

export const planJobSchema = z.looseObject({
  id: z.string(),
  name: idString,
  state: z.string(),
  options: z
    .looseObject({
      plan_name: z.string().nullish(),
      description: z.string().nullish(),
      environment: z.string().nullish(),
      parameters: jsonObject.nullish(),
    })
    .nullish(),
  /** any JSON: the plan's return value, or its error on failure (§12.8) */
  result: z.unknown().optional(),
  owner: ownerSchema.nullish(),
  timestamp: z.string().nullish(),
  created_timestamp: z.string().nullish(),
  finished_timestamp: z.string().nullish(),
  duration,
  events: ref.nullish(),
  status: z.unknown().optional(),
  userdata: jsonObject.nullish(),
});
export type PlanJob = z.infer<typeof planJobSchema>;

export const planJobListSchema = z.looseObject({
  items: z.array(planJobSchema),
  pagination: paginationSchema,
});
export type PlanJobList = z.infer<typeof planJobListSchema>;

export const planJobListQuerySchema = z.strictObject({
  limit: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
  order_by: z.enum(["owner", "timestamp", "environment", "name", "state"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  results: z.enum(["include", "exclude"]).optional(),
  min_finish_timestamp: z.string().optional(),
  max_finish_timestamp: z.string().optional(),
});
export type PlanJobListQuery = z.input<typeof planJobListQuerySchema>;

// ---------- plans ----------

const environmentRefSchema = z.looseObject({ name: z.string(), code_id: z.string().nullish() }).nullish();

export const planListSchema = z.looseObject({
  environment: environmentRefSchema,
  items: z.array(
    z.looseObject({ id: z.string().optional(), name: z.string(), permitted: z.boolean().optional() }),
  ),
});
export type PlanList = z.infer<typeof planListSchema>;

export const planParameterSchema = z.looseObject({
  type: z.string().optional(),
  description: z.string().nullish(),
  default_value: z.unknown().optional(),
});

export const planMetadataSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  environment: environmentRefSchema,
  /** `{}` on older PE: parameter checks must degrade gracefully (§12.22) */
  metadata: z
    .looseObject({
      description: z.string().nullish(),
      parameters: z.record(z.string(), planParameterSchema).nullish(),
    })
    .nullish(),
  permitted: z.boolean().optional(),
});
export type PlanMetadata = z.infer<typeof planMetadataSchema>;

// ---------- tasks ----------

export const taskListSchema = planListSchema;
export type TaskList = z.infer<typeof taskListSchema>;

/** A task parameter as task metadata (task.json) declares it: `default`, not plans' `default_value`. */
export const taskParameterSchema = z.looseObject({
  type: z.string().optional(),
  description: z.string().nullish(),
  default: z.unknown().optional(),
  sensitive: z.boolean().nullish(),
});

export const taskMetadataSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  environment: environmentRefSchema,
  /** the task's metadata file; may be `{}` for a task without one */
  metadata: z
    .looseObject({
      description: z.string().nullish(),
      supports_noop: z.boolean().nullish(),
      parameters: z.record(z.string(), taskParameterSchema).nullish(),
    })
    .nullish(),
  permitted: z.boolean().optional(),
});
export type TaskMetadata = z.infer<typeof taskMetadataSchema>;

// ---------- states ----------

export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(["finished", "failed", "stopped"]);
export const TERMINAL_PLAN_JOB_STATES: ReadonlySet<string> = new Set(["success", "failure"]);

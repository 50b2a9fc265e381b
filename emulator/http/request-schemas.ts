import { z } from "zod";

const json = z.record(z.string(), z.unknown());

/** Exactly one of nodes / query / node_group / application. */
export const ScopeSchema = z
  .strictObject({
    nodes: z.array(z.string().min(1)).optional(),
    query: z.union([z.string(), z.array(z.unknown())]).optional(),
    node_group: z.string().optional(),
    application: z.string().optional(),
  })
  .refine((s) => Object.keys(s).length === 1, {
    message: "scope must have exactly one of nodes, query, node_group, application",
  });

const flag = z.boolean().optional();
const int = z.number().int().nonnegative().optional();

/** POST /command/deploy (keys as PE 2019.8–2025 document them). */
export const DeployBodySchema = z.strictObject({
  environment: z.string(),
  scope: ScopeSchema.optional(),
  concurrency: z.number().int().positive().optional(),
  debug: flag,
  description: z.string().optional(),
  enforce_environment: flag,
  evaltrace: flag,
  filetimeout: int,
  http_connect_timeout: int,
  http_keepalive_timeout: int,
  http_read_timeout: int,
  noop: flag,
  no_noop: flag,
  ordering: z.string().optional(),
  skip_tags: z.string().optional(),
  tags: z.string().optional(),
  timeout: z.number().int().positive().optional(),
  trace: flag,
  use_cached_catalog: flag,
  usecacheonfailure: flag,
  userdata: json.optional(),
  target: z.string().nullable().optional(),
});

/** POST /command/task (`targets` for SSH/WinRM is accepted and ignored). */
export const TaskBodySchema = z.strictObject({
  environment: z.string().default("production"),
  scope: ScopeSchema,
  description: z.string().optional(),
  noop: flag,
  params: json,
  task: z.string().min(1),
  targets: z.array(json).optional(),
  timeout: z.number().int().positive().optional(),
  userdata: json.optional(),
});

/** POST /command/plan_run. */
export const PlanRunBodySchema = z.strictObject({
  plan_name: z.string().regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/, {
    message: "plan_name is not valid: not a properly-formatted string",
  }),
  params: json.default({}),
  environment: z.string().default("production"),
  description: z.string().optional(),
  timeout: z.number().int().positive().optional(),
  userdata: json.optional(),
});

const jobName = z.union([z.string().regex(/^\d+$/, "must be a job id"), z.number().int().nonnegative()]);

/** POST /command/stop. */
export const StopBodySchema = z.strictObject({ job: jobName, force: flag });

/** POST /command/stop_plan. */
export const StopPlanBodySchema = z.strictObject({ plan_job: jobName });

export type DeployBody = z.infer<typeof DeployBodySchema>;
export type TaskBody = z.infer<typeof TaskBodySchema>;
export type PlanRunBody = z.infer<typeof PlanRunBodySchema>;
export type Scope = z.infer<typeof ScopeSchema>;

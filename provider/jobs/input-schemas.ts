// zod schemas of the resources' inputs as the engine hands them to the provider (camelCase, plain JSON):
// the single source of truth for what `check` accepts and what `create` sends.
import { z } from "zod";
import { connectionInputSchema } from "../pe";

/** Any JSON value: params and userdata are passed verbatim, so they must survive JSON. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Reports every value JSON cannot carry, at its own path, saying why (a union would only say "Invalid input"). */
function checkJson(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "must be a finite number (JSON has no NaN or Infinity)",
      });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, [...path, index], ctx));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, [...path, key], ctx);
    return;
  }
  ctx.addIssue({ code: "custom", path, message: `must be JSON (a ${typeof value} is not)` });
}

const json = z
  .unknown()
  .superRefine((value, ctx) => checkJson(value, [], ctx))
  .transform((value) => value as Json);
const jsonObject = z.record(z.string(), json, "must be an object of JSON values");

const positiveInt = (what: string) =>
  z.number(`must be a number of ${what}`).int(`must be a whole number of ${what}`).positive(`must be > 0`);

/** A week: longer waits are almost certainly a unit mistake (milliseconds for seconds). */
export const MAX_WAIT_SECONDS = 7 * 24 * 3600;

const commonShape = {
  description: z.string().optional(),
  userdata: jsonObject.optional(),
  triggers: z.array(json, "must be a list").optional(),
  waitTimeoutSeconds: positiveInt("seconds")
    .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS} (a week); it is in seconds`)
    .optional(),
  failOnJobFailure: z.boolean().optional(),
  stopOnCancel: z.boolean().optional(),
  connection: connectionInputSchema.optional(),
  importJobId: z.string().regex(/^\d+$/, 'must be a job id such as "81"').optional(),
  /** Preview fails when a target node is not connected to the orchestrator (default: a warning). */
  requireConnected: z.boolean().optional(),
};

// Puppet environment names: lowercase letters, digits and underscores.
const environmentName = z
  .string("must be a Puppet environment name")
  .regex(/^[a-z0-9_]+$/, "must be a Puppet environment name (lowercase letters, digits, underscores)");

/** The scope inputs deploys and tasks share: certnames, a PQL query, a node group id. */
const scopeShape = {
  nodes: z
    .array(z.string().min(1, "node names cannot be empty"))
    .min(1, "must list at least one node")
    .optional(),
  query: z.string().min(1, "cannot be empty").optional(),
  nodeGroup: z.string().min(1, "cannot be empty").optional(),
};

/** What a deploy runs (the `/command/deploy` keys): `EnvironmentDeploy`'s and `ScheduledDeploy`'s. */
const deployShape = {
  // "" is allowed with enforceEnvironment: false (checked below): agents keep their own environment.
  environment: z
    .string("must be a Puppet environment name")
    .regex(/^[a-z0-9_]*$/, "must be a Puppet environment name (lowercase letters, digits, underscores)"),
  ...scopeShape,
  application: z.string().min(1, "cannot be empty").optional(),
  noop: z.boolean().optional(),
  noNoop: z.boolean().optional(),
  concurrency: positiveInt("nodes").optional(),
  enforceEnvironment: z.boolean().optional(),
  debug: z.boolean().optional(),
  trace: z.boolean().optional(),
  evaltrace: z.boolean().optional(),
  filetimeout: positiveInt("seconds").optional(),
  httpConnectTimeout: positiveInt("seconds").optional(),
  httpKeepaliveTimeout: positiveInt("seconds").optional(),
  httpReadTimeout: positiveInt("seconds").optional(),
  ordering: z.enum(["manifest", "title-hash", "random"]).optional(),
  skipTags: z.union([z.string(), z.array(z.string())]).optional(),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  useCachedCatalog: z.boolean().optional(),
  usecacheonfailure: z.boolean().optional(),
};

interface DeployScope {
  environment: string;
  nodes?: string[];
  query?: string;
  nodeGroup?: string;
  application?: string;
  noop?: boolean;
  noNoop?: boolean;
  enforceEnvironment?: boolean;
}

function refineDeploy(inputs: DeployScope, ctx: z.RefinementCtx): void {
  const scopes = (["nodes", "query", "nodeGroup", "application"] as const).filter(
    (k) => inputs[k] !== undefined,
  );
  // No scope is PE's whole-environment deploy (`check` warns about it); two scopes are a mistake.
  if (scopes.length > 1) {
    ctx.addIssue({
      code: "custom",
      path: [scopes[1]],
      message: `set at most one scope, not ${scopes.join(" and ")} (none deploys the whole environment)`,
    });
  }
  if (inputs.environment === "" && scopes.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["environment"],
      message:
        "an empty environment needs a scope (nodes, query, nodeGroup or application): there is no whole environment to deploy",
    });
  }
  if (inputs.noop === true && inputs.noNoop === true) {
    ctx.addIssue({ code: "custom", path: ["noNoop"], message: "noop and noNoop cannot both be true" });
  }
  if (inputs.environment === "" && inputs.enforceEnvironment !== false) {
    ctx.addIssue({
      code: "custom",
      path: ["environment"],
      message:
        "an empty environment needs enforceEnvironment: false (agents then keep their own environment)",
    });
  }
}

export const deployInputsSchema = z
  .strictObject({ ...deployShape, ...commonShape })
  .superRefine(refineDeploy);
export type DeployInputs = z.infer<typeof deployInputsSchema>;

/** A plan's name and params: `PlanRun`'s and `ScheduledPlan`'s. */
const planShape = {
  planName: z
    .string("must be a plan name such as canary or mymodule::deploy")
    .regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/, "must be a plan name such as canary or mymodule::deploy"),
  params: jsonObject.optional(),
  environment: environmentName.optional(),
};

export const planInputsSchema = z.strictObject({
  ...planShape,
  timeout: positiveInt("seconds").optional(),
  ...commonShape,
});
export type PlanInputs = z.infer<typeof planInputsSchema>;

/** Task names: `package`, `mymodule::check` (a task lives directly under its module). */
export const TASK_NAME = /^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)?$/;

/** What a task runs (the `/command/task` keys): `TaskRun`'s and `ScheduledTask`'s. */
const taskShape = {
  task: z
    .string("must be a task name such as package or mymodule::check")
    .regex(TASK_NAME, "must be a task name such as package or mymodule::check"),
  params: jsonObject.optional(),
  environment: environmentName.optional(),
  ...scopeShape,
  noop: z.boolean().optional(),
  timeout: positiveInt("seconds").optional(),
};

function refineTask(
  inputs: { nodes?: string[]; query?: string; nodeGroup?: string },
  ctx: z.RefinementCtx,
): void {
  const scopes = (["nodes", "query", "nodeGroup"] as const).filter((k) => inputs[k] !== undefined);
  if (scopes.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path: [scopes[1] ?? "nodes"],
      message:
        scopes.length === 0
          ? "set exactly one scope: nodes, query or nodeGroup (a task never runs on a whole environment by accident)"
          : `set exactly one scope, not ${scopes.join(" and ")}`,
    });
  }
}

export const taskInputsSchema = z.strictObject({ ...taskShape, ...commonShape }).superRefine(refineTask);
export type TaskInputs = z.infer<typeof taskInputsSchema>;

/** `schedule`: when a scheduled job first runs, and how often after that (none: once). */
export const scheduleInputSchema = z.strictObject(
  {
    startTime: z.iso.datetime({
      offset: true,
      message: "must be an ISO 8601 time with a zone, such as 2027-01-03T02:00:00Z",
    }),
    intervalSeconds: positiveInt("seconds").optional(),
  },
  "must be an object: { startTime, intervalSeconds? }",
);
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

/** What every scheduled job takes besides what it runs. */
const scheduledShape = {
  schedule: scheduleInputSchema,
  /** false: PE keeps the schedule and never runs it. Default true. */
  enabled: z.boolean().optional(),
  description: commonShape.description,
  userdata: commonShape.userdata,
  triggers: commonShape.triggers,
  connection: commonShape.connection,
  requireConnected: commonShape.requireConnected,
  importScheduledJobId: z.string().regex(/^\d+$/, 'must be a scheduled job id such as "7"').optional(),
};

/**
 * The job resources' inputs a schedule does not take, and why: `check` names them (a strict schema would only say
 * "unknown input").
 */
export const NOT_FOR_SCHEDULES: Readonly<Record<string, string>> = {
  waitTimeoutSeconds:
    "a schedule starts its jobs later, at their run times: `pulumi up` waits for none of them",
  failOnJobFailure: "a schedule's jobs run after `pulumi up`: their outcome shows in the lastRun output",
  stopOnCancel: "`pulumi up` starts no job of a schedule, so there is none to stop",
  importJobId: "a schedule adopts an existing scheduled job with importScheduledJobId",
};

export const scheduledDeployInputsSchema = z
  .strictObject({ ...deployShape, ...scheduledShape })
  .superRefine(refineDeploy);
export type ScheduledDeployInputs = z.infer<typeof scheduledDeployInputsSchema>;

export const scheduledTaskInputsSchema = z
  .strictObject({ ...taskShape, ...scheduledShape })
  .superRefine(refineTask);
export type ScheduledTaskInputs = z.infer<typeof scheduledTaskInputsSchema>;

/** PE's documented plan input is a name and parameters: no `timeout`. */
export const scheduledPlanInputsSchema = z.strictObject({ ...planShape, ...scheduledShape });
export type ScheduledPlanInputs = z.infer<typeof scheduledPlanInputsSchema>;

// A control-repo branch, which Code Manager deploys as the environment of the same name.
const branchName = z
  .string("must be an environment (control-repo branch) name")
  .regex(/^[\w-]+$/, "must be an environment (control-repo branch) name: letters, digits, _ and -");

export const codeDeployInputsSchema = z
  .strictObject({
    environments: z
      .array(branchName, "must be a list of environment names")
      .min(1, "must list at least one environment")
      .refine((list) => new Set(list).size === list.length, "lists an environment twice")
      .optional(),
    deployAll: z.boolean("must be true or false").optional(),
    expectedSignature: z
      .string("must be a commit SHA")
      .regex(/^[0-9a-f]{7,40}$/, "must be a commit SHA (7 to 40 lowercase hex digits)")
      .optional(),
    triggers: commonShape.triggers,
    waitTimeoutSeconds: commonShape.waitTimeoutSeconds,
    failOnJobFailure: commonShape.failOnJobFailure,
    connection: commonShape.connection,
  })
  .superRefine((inputs, ctx) => {
    const all = inputs.deployAll === true;
    if (all === (inputs.environments !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [all ? "deployAll" : "environments"],
        message: all
          ? "set either environments or deployAll: true, not both"
          : "set exactly one of environments (a list) or deployAll: true",
      });
    }
  });
export type CodeDeployInputs = z.infer<typeof codeDeployInputsSchema>;

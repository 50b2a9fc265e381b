// zod schemas of what the job kinds run (deploy, task, plan): the single source of truth for what `check` accepts
// and what `create` sends, for the job resources and the schedules alike.
import { z } from "zod";
import { commonShape, jsonObject, positiveInt } from "../resource/common-inputs";

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
export const deployShape = {
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

export function refineDeploy(inputs: DeployScope, ctx: z.RefinementCtx): void {
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
  .strictObject({
    ...deployShape,
    ...commonShape,
    /** Each `up` runs Puppet on the nodes of the scope that have no successful run from the resource. */
    converge: z.boolean("must be true or false").optional(),
  })
  .superRefine((inputs, ctx) => {
    refineDeploy(inputs, ctx);
    if (inputs.converge === true && inputs.application !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["converge"],
        message:
          "converge needs a scope whose nodes the provider can list (nodes, query, nodeGroup or the whole " +
          "environment), not an application",
      });
  });
export type DeployInputs = z.infer<typeof deployInputsSchema>;

/** A plan's name and params: `PlanRun`'s and `ScheduledPlan`'s. */
export const planShape = {
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
export const taskShape = {
  task: z
    .string("must be a task name such as package or mymodule::check")
    .regex(TASK_NAME, "must be a task name such as package or mymodule::check"),
  params: jsonObject.optional(),
  environment: environmentName.optional(),
  ...scopeShape,
  noop: z.boolean().optional(),
  timeout: positiveInt("seconds").optional(),
};

export function refineTask(
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

// world/: the world the emulator plays. Its schema (this file), the built-in world (default-world.ts),
// reading a world file (load-world.ts), and the small helpers over world values: `*` globs, "{{params.x}}"
// templates, parameters checked against what a plan or task declares, one-line zod messages. Imports nothing
// else of the emulator (only puppet-type/); every other folder may import it.

import { z } from "zod";

/** A classifier-style rule: ["and"|"or", ...rules], ["not", rule], [op, field, value]; field is "name" or ["fact", ...path]. */
export const RuleSchema: z.ZodType<unknown[]> = z.array(z.unknown()).min(1);

const seconds = z.number().nonnegative();
const globs = z.array(z.string());

/** Per-environment override of how a node's Puppet run ends. */
export const NodeRunSchema = z.strictObject({
  status: z.enum(["unchanged", "changed", "failed", "errored"]).default("unchanged"),
  seconds: seconds.optional(),
  message: z.string().optional(),
});

export const NodeSchema = z.strictObject({
  certname: z.string().min(1),
  /** The agent's own environment: what a deploy without scope ("whole environment") targets. */
  environment: z.string().default("production"),
  facts: z.record(z.string(), z.unknown()).default({}),
  /** false: the node is not connected to the PCP broker, so every run on it ends `errored`. */
  connected: z.boolean().default(true),
  /** World seconds one Puppet run or task takes on this node (default settings.runSeconds). */
  runSeconds: seconds.optional(),
  runs: z.record(z.string(), NodeRunSchema).default({}),
});

export const NodeGroupSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  rules: RuleSchema.optional(),
  /** Pinned certnames, members whatever the rules say. */
  nodes: z.array(z.string()).default([]),
});

export const PlanErrorSchema = z.strictObject({
  kind: z.string(),
  msg: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});

export const PlanParameterSchema = z.strictObject({
  type: z.string().default("Any"),
  description: z.string().optional(),
  default_value: z.unknown().optional(),
});

/** A count or a "{{params.x}}" placeholder that fills in to one. */
const countOrTemplate = z.union([z.number().int().nonnegative(), z.string()]);

/**
 * One step of a plan: a run_task / run_command / run_script on targets taken from the plan's parameters. Each
 * step with targets starts a task job of its own, as PE's plan executor does.
 */
export const PlanStepSchema = z.strictObject({
  action: z.enum(["run_task", "run_command", "run_script"]),
  /** The task name, the command line or the script; "{{params.x}}" placeholders are filled in. */
  object: z.string().min(1),
  /** Targets: a TargetSpec value, usually "{{params.nodes}}" (an array or a comma-separated string). */
  targets: z.union([z.string(), z.array(z.string())]),
  /** Only the targets from this index on (the canary's "rest"). */
  from: countOrTemplate.optional(),
  /** At most this many targets (the canary's canaries). */
  count: countOrTemplate.optional(),
  /** Task parameters of a run_task step; "{{params.x}}" placeholders are filled in. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** World seconds per node (default: the task's seconds, then the node's runSeconds). */
  seconds: seconds.optional(),
  /** Certname globs on which this step fails (a task's own failOn applies too). */
  failOn: globs.default([]),
  /**
   * stdout of a command or script on success; absent: what the command prints on a node (plans/plan-steps.ts:
   * `whoami` → "root\n", as PE's tasks run as root; `echo x` → "x\n"; otherwise nothing).
   */
  output: z.string().optional(),
  /** An `out_message` event when the step starts. */
  message: z.string().optional(),
  /** Bolt's `_catch_errors`: failed targets do not abort the plan; the plan fails at its end instead. */
  catchErrors: z.boolean().default(false),
  /** Run only if every earlier step succeeded on every target; otherwise its targets are skipped. */
  onlyIfOk: z.boolean().default(false),
  /** Error kind of the Results of targets skipped by `onlyIfOk`. */
  skipKind: z.string().default("bolt/skipped-target"),
});

export const PlanSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/, "must be a Puppet plan name like mod::plan"),
  /** Environments holding the plan; empty = every environment. */
  environments: z.array(z.string()).default([]),
  description: z.string().optional(),
  parameters: z.record(z.string(), PlanParameterSchema).default({}),
  /** World seconds the plan job sits in `pending` (code deploy in progress) before it runs. */
  pendingSeconds: seconds.default(0),
  /** World seconds the plan runs. */
  seconds: seconds.default(5),
  /** `out_message` events spread over the run. */
  messages: z.array(z.string()).default([]),
  /** Return value on success; "{{params.x}}" strings are replaced by parameter values. */
  result: z.unknown().optional(),
  /** Present: the plan ends `failure` with this error as its result. */
  error: PlanErrorSchema.optional(),
  /**
   * Steps run one after another, each as a task job; then `seconds` is not used, and without `result` the plan
   * returns the Bolt ResultSet of all steps.
   */
  steps: z.array(PlanStepSchema).default([]),
});

/** A task parameter as task metadata (task.json) declares it: `default`, not plans' `default_value`. */
export const TaskParameterSchema = z.strictObject({
  type: z.string().default("Any"),
  description: z.string().optional(),
  default: z.unknown().optional(),
  sensitive: z.boolean().optional(),
});

export const TaskSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)?$/),
  environments: z.array(z.string()).default([]),
  description: z.string().optional(),
  /** Declared parameters: served as metadata and checked at submit time, as plans' are. */
  parameters: z.record(z.string(), TaskParameterSchema).default({}),
  /** The metadata's `supports_noop`. */
  supportsNoop: z.boolean().default(false),
  /** World seconds per node (default: the node's runSeconds). */
  seconds: seconds.optional(),
  /** Node result on success; "{{params.x}}" strings are replaced. */
  result: z.unknown().default({ output: "ok\n" }),
  /** Certname globs on which the task fails. */
  failOn: globs.default([]),
});

export const TokenSchema = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9._~-]+$/, "must be URI-safe"),
  /** ISO-8601; the token is `token-expired` from then on. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const PermissionsSchema = z.strictObject({
  superuser: z.boolean().default(false),
  /** Environment globs the user may deploy to (and run tasks in). */
  deploy: globs.default([]),
  /** Plan-name globs the user may run. */
  plans: globs.default([]),
  /** Task-name globs the user may run. */
  tasks: globs.default([]),
  /** Certname globs the user may target. */
  nodes: globs.default([]),
  /** RBAC "Nodes: View node data from PuppetDB": may query `/pdb/query/v4`. */
  viewNodeData: z.boolean().default(false),
  /** RBAC "Node groups: View": may read the classifier's `/classifier-api/v1/groups`. */
  viewNodeGroups: z.boolean().default(false),
  /** Environment globs the user may deploy code to with Code Manager ("Puppet Environment: Deploy code"). */
  codeDeploy: globs.default([]),
});

export const UserSchema = z.strictObject({
  login: z.string().min(1),
  id: z.uuid().optional(),
  display_name: z.string().optional(),
  email: z.string().default(""),
  tokens: z.array(TokenSchema).default([]),
  permissions: PermissionsSchema.default(PermissionsSchema.parse({})),
});

const methodSchema = z.enum(["GET", "POST", "PUT", "*"]).default("*");

/** One fault rule: it applies to requests matching `method` and `path` while `count` lasts, at `rate`. */
export const FaultRuleSchema = z.strictObject({
  method: methodSchema,
  /** Regular expression tested against the path (without query), e.g. "^/orchestrator/v1/jobs/". */
  path: z.string().default(""),
  /**
   * error: answer `status` (503, 429 with Retry-After, 500...) without handling the request;
   * drop: destroy the connection (before handling, or after it with `afterHandling`);
   * slow: handle, then send the body in pieces over `ms`;
   * malformed: handle, then send the real status with a truncated JSON body;
   * latency: add `ms` before handling.
   */
  action: z.enum(["error", "drop", "slow", "malformed", "latency"]),
  status: z.number().int().min(400).max(599).default(503),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  afterHandling: z.boolean().default(false),
  ms: z.number().nonnegative().default(1000),
  /** Apply to the next `count` matching requests only. */
  count: z.number().int().positive().optional(),
  /** Probability in [0, 1], drawn from the seeded generator. */
  rate: z.number().min(0).max(1).default(1),
});

/** The behaviours of the events endpoints the `events` fault knob selects (see FaultsSchema). */
export const EVENTS_MODES = ["complete", "empty", "truncated", "failing", "ahead"] as const;

export const FaultsSchema = z.strictObject({
  /** Added to every request, in real milliseconds. */
  latencyMs: z.number().nonnegative().default(0),
  seed: z.number().int().default(1),
  rules: z.array(FaultRuleSchema).default([]),
  /**
   * What the events endpoints (`/jobs/:id/events`, `/plan_jobs/:id/events`) serve; real servers lag, truncate
   * or lose events. complete: as PE; empty: 200 with no items, ever; truncated: pages stop short of the end (no
   * event from the job's end on: no `job_finished` / `job_aborted` / `plan_finished` / `plan_failed`, nor the
   * last nodes' ends); failing: 500 on every events request; ahead: events show the job `eventsAheadMs`
   * before its record does (the end event comes before the record's terminal state).
   */
  events: z.enum(EVENTS_MODES).default("complete"),
  /** How far events run ahead of the record with `events: ahead`, in real milliseconds. */
  eventsAheadMs: z.number().nonnegative().default(2000),
});

export const SettingsSchema = z.strictObject({
  /** Host name written into `id` URLs; default: the Host header of the request. */
  hostname: z.string().optional(),
  /** Default world seconds of one Puppet run. */
  runSeconds: seconds.default(30),
  /** Deploy concurrency when the request sets none (PE: global_concurrent_compiles, 8). */
  concurrency: z.number().int().positive().default(8),
  /** `errored`: unknown certnames in scope.nodes become errored nodes (PE); `reject`: 400 validation-error. */
  unknownNodes: z.enum(["errored", "reject"]).default("errored"),
  /** Plan timeout in world seconds when plan_run sets none (PE's default-plan-timeout); absent = none. */
  defaultPlanTimeout: seconds.optional(),
  /** Most events one events page holds. */
  eventsPageSize: z.number().int().positive().default(1000),
  /** World seconds one Code Manager deploy of an environment takes. */
  codeDeploySeconds: seconds.default(10),
});

const commitSha = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-character hex commit SHA");

/**
 * The control repository Code Manager deploys from: each branch is an environment. Either `branches` (moved
 * while the emulator runs with `emulator.setBranch`) or `git`, the path of a real repository whose branch heads
 * are read at every deploy (so `git commit` there moves them). Absent: one branch per world environment.
 */
export const ControlRepoSchema = z.strictObject({
  branches: z.record(z.string().regex(/^[\w-]+$/), commitSha).default({}),
  git: z.string().min(1).optional(),
});

export const WorldSchema = z.strictObject({
  settings: SettingsSchema.default(SettingsSchema.parse({})),
  environments: z.array(z.strictObject({ name: z.string().regex(/^[\w-]+$/) })).min(1),
  nodes: z.array(NodeSchema).default([]),
  nodeGroups: z.array(NodeGroupSchema).default([]),
  plans: z.array(PlanSchema).default([]),
  tasks: z.array(TaskSchema).default([]),
  users: z.array(UserSchema).default([]),
  faults: FaultsSchema.default(FaultsSchema.parse({})),
  controlRepo: ControlRepoSchema.optional(),
});

/** A world as written (defaults optional). */
export type WorldInput = z.input<typeof WorldSchema>;
/** A validated world. */
export type World = z.infer<typeof WorldSchema>;
export type WorldNode = z.infer<typeof NodeSchema>;
export type WorldNodeInput = z.input<typeof NodeSchema>;
export type WorldPlan = z.infer<typeof PlanSchema>;
export type WorldPlanStep = z.infer<typeof PlanStepSchema>;
export type WorldTask = z.infer<typeof TaskSchema>;
export type WorldUser = z.infer<typeof UserSchema>;
export type FaultsInput = z.input<typeof FaultsSchema>;
export type Faults = z.infer<typeof FaultsSchema>;
export type FaultRule = z.infer<typeof FaultRuleSchema>;
export type EventsFault = Pick<Faults, "events" | "eventsAheadMs">;
export type ControlRepo = z.infer<typeof ControlRepoSchema>;

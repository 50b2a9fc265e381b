import { z } from "zod";
import { DeployBodySchema, ScopeSchema } from "./request-schemas";

const json = z.record(z.string(), z.unknown());

/** `{"value": x, "sensitive"?: true}`: PE wraps every parameter of a scheduled task or plan. */
export const ScheduledParamSchema = z.strictObject({ value: z.unknown(), sensitive: z.boolean().optional() });

const parameters = z.record(z.string(), ScheduledParamSchema).default({});

/** `start_time` and `interval` are both required; interval null = run once. */
export const ScheduleSchema = z.strictObject({
  start_time: z.iso.datetime({ offset: true, message: "start_time must be an ISO-8601 timestamp" }),
  interval: z.union([
    z.null(),
    z.strictObject({ units: z.literal("seconds"), value: z.number().int().positive() }),
  ]),
});

/** A deploy's input: /command/deploy's keys without environment, description and userdata (our reading). */
export const DeployInputSchema = DeployBodySchema.omit({
  environment: true,
  description: true,
  userdata: true,
  target: true,
});

/** A task's input: /command/task's keys under PE's names (`name`, `parameters`). */
export const TaskInputSchema = z.strictObject({
  name: z.string().min(1),
  parameters,
  scope: ScopeSchema,
  noop: z.boolean().optional(),
  timeout: z.number().int().positive().optional(),
});

/** A plan's input. */
export const PlanInputSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/, {
    message: "name is not a valid plan name",
  }),
  parameters,
  timeout: z.number().int().positive().optional(),
});

export const ScheduledTypeSchema = z.enum(["deploy", "task", "plan"]);

/** Each type's input, for a PUT that replaces `input` of a job whose type is known. */
export const InputSchemas = { deploy: DeployInputSchema, task: TaskInputSchema, plan: PlanInputSchema };

const common = {
  environment: z.string(),
  schedule: ScheduleSchema,
  description: z.string(),
  userdata: json,
};

/** POST /scheduled_jobs/environment_jobs: every key is required (description may be "", userdata {}). */
export const ScheduledJobBodySchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("deploy"), input: DeployInputSchema, ...common }),
  z.strictObject({ type: z.literal("task"), input: TaskInputSchema, ...common }),
  z.strictObject({ type: z.literal("plan"), input: PlanInputSchema, ...common }),
]);

/** PUT /scheduled_jobs/environment_jobs/:id for a job of `type`: any of these keys; `type` cannot change. */
export const scheduledJobEditSchema = (type: ScheduledType) =>
  z.strictObject({
    input: InputSchemas[type].optional(),
    environment: z.string().optional(),
    schedule: ScheduleSchema.optional(),
    description: z.string().optional(),
    userdata: json.optional(),
    enabled: z.boolean().optional(),
  });

export type Schedule = z.infer<typeof ScheduleSchema>;
export type ScheduledType = z.infer<typeof ScheduledTypeSchema>;
export type ScheduledParam = z.infer<typeof ScheduledParamSchema>;
export type ScheduledJobBody = z.infer<typeof ScheduledJobBodySchema>;
export type DeployInput = z.infer<typeof DeployInputSchema>;
export type TaskInput = z.infer<typeof TaskInputSchema>;
export type PlanInput = z.infer<typeof PlanInputSchema>;

// zod schemas of PE's scheduled-jobs API (`/orchestrator/v1/scheduled_jobs/environment_jobs`, PE 2021.7+):
// requests strict, answers loose (only what the provider reads is required), as in schemas.ts.
import { z } from "zod";
import { errorBodySchema, jobNameSchema, ownerSchema } from "./schemas";

export const SCHEDULED_JOB_TYPES = ["deploy", "task", "plan"] as const;
export type ScheduledJobType = (typeof SCHEDULED_JOB_TYPES)[number];

const idString = z.union([z.string(), z.number()]).transform(String);
const jsonObject = z.record(z.string(), z.unknown());

/** `interval: null` runs once at `start_time`; else every `value` seconds from it. */
export const scheduleSchema = z.strictObject({
  start_time: z.string().min(1),
  interval: z.strictObject({ units: z.literal("seconds"), value: z.number().int().positive() }).nullable(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** A parameter as posted: PE's own example wraps every value, and `sensitive: true` stores it as sensitive. */
export const postedParameterSchema = z.strictObject({
  value: z.unknown(),
  sensitive: z.literal(true).optional(),
});
export type PostedParameter = z.infer<typeof postedParameterSchema>;

/** `input` depends on `type`: a plan's name and parameters, a task's /command/task keys, a deploy's /command/deploy keys. */
export const scheduledJobInputSchema = z.record(z.string(), z.unknown());

export const scheduledJobRequestSchema = z.strictObject({
  type: z.enum(SCHEDULED_JOB_TYPES),
  input: scheduledJobInputSchema,
  environment: z.string(),
  schedule: scheduleSchema,
  description: z.string(),
  userdata: jsonObject,
});
export type ScheduledJobRequest = z.input<typeof scheduledJobRequestSchema>;

/** PUT: each key given replaces that key's whole value; keys left out are unchanged. */
export const scheduledJobUpdateSchema = scheduledJobRequestSchema
  .omit({ type: true })
  .partial()
  .extend({ enabled: z.boolean().optional() });
export type ScheduledJobUpdate = z.input<typeof scheduledJobUpdateSchema>;

/** POST and PUT answer `{"scheduled_job": {"id": "<URL>", "name": "2"}}`. */
export const scheduledJobCreatedSchema = z.looseObject({
  scheduled_job: z.looseObject({ id: z.string().optional(), name: idString }),
});
export type ScheduledJobCreated = z.infer<typeof scheduledJobCreatedSchema>;

/** The job a run started: `{id, name}`, or the error PE refused the start with. */
const lastRunJobSchema = z.looseObject({
  id: z.string().nullish(),
  name: idString.nullish(),
  submission_error: errorBodySchema.nullish(),
});

export const scheduledJobSchema = z.looseObject({
  id: z.string(),
  name: idString,
  enabled: z.boolean(),
  type: z.enum(SCHEDULED_JOB_TYPES),
  environment: z.string().nullish(),
  owner: ownerSchema.nullish(),
  description: z.string().nullish(),
  /** as posted, except `parameters` (plain values, non-sensitive ones only) and `sensitive_parameters` (names) */
  input: z
    .looseObject({
      parameters: jsonObject.nullish(),
      sensitive_parameters: z.array(z.string()).nullish(),
    })
    .nullish(),
  userdata: jsonObject.nullish(),
  schedule: z.looseObject({
    start_time: z.string(),
    interval: z.looseObject({ units: z.string(), value: z.number() }).nullish(),
  }),
  /** null when it will not run again (disabled, or a run-once that has run) */
  next_run: z.looseObject({ time: z.string().nullish() }).nullish(),
  /** null before the first run */
  last_run: z.looseObject({ time: z.string().nullish(), job: lastRunJobSchema.nullish() }).nullish(),
});
export type ScheduledJob = z.infer<typeof scheduledJobSchema>;

export const scheduledJobListSchema = z.looseObject({
  items: z.array(scheduledJobSchema),
  pagination: z.looseObject({ total: z.number().nullish() }).nullish(),
});
export type ScheduledJobList = z.infer<typeof scheduledJobListSchema>;

export const scheduledJobListQuerySchema = z.strictObject({
  limit: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
  order_by: z.enum(["next_run_time", "environment", "owner", "name", "type"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  type: z.enum(SCHEDULED_JOB_TYPES).optional(),
});
export type ScheduledJobListQuery = z.input<typeof scheduledJobListQuerySchema>;

/** A scheduled job's name is the decimal number PE assigned, as a job's is. */
export const scheduledJobNameSchema = jobNameSchema;

// zod schemas of the scheduled resources' inputs: what a job kind runs, and when.
import { z } from "zod";
import { commonShape, positiveInt } from "../resource/common-inputs";
import { deployShape, planShape, refineDeploy, refineTask, taskShape } from "../kinds/kind-inputs";

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
  converge: "each of a schedule's runs runs Puppet on its whole scope, so no node stays behind for long",
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

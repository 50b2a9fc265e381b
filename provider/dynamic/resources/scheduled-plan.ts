import type * as pulumi from "@pulumi/pulumi";
import type { CommonJobArgs } from "./common-args";
import type { PlanRunArgs } from "./plan-run";
import { type CommonScheduledArgs, ScheduledJobResource, scheduledJobProps } from "./scheduled-job-resource";

/**
 * Inputs of a {@link ScheduledPlan}: a {@link PlanRun}'s (what runs) plus the schedule. No `timeout`: PE's
 * scheduled plan input is a name and parameters.
 */
export interface ScheduledPlanArgs
  extends Omit<PlanRunArgs, keyof CommonJobArgs | "timeout">, CommonScheduledArgs {}

/**
 * A Puppet plan PE runs on a schedule (`/orchestrator/v1/scheduled_jobs/environment_jobs`, type `plan`): a
 * {@link PlanRun} that PE starts at each run time. A change updates it in place; `pulumi destroy` disables it
 * (PE cannot delete a scheduled job); a schedule disabled or edited in the console is put back by the next `up`.
 */
export class ScheduledPlan extends ScheduledJobResource {
  constructor(name: string, args: ScheduledPlanArgs, opts?: pulumi.CustomResourceOptions) {
    super("ScheduledPlan", name, scheduledJobProps(name, "ScheduledPlan", args, opts), opts);
  }
}

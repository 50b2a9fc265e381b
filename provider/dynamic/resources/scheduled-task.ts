import type * as pulumi from "@pulumi/pulumi";
import type { CommonJobArgs } from "./common-args";
import { type CommonScheduledArgs, ScheduledJobResource, scheduledJobProps } from "./scheduled-job-resource";
import type { TaskRunArgs } from "./task-run";

/** Inputs of a {@link ScheduledTask}: a {@link TaskRun}'s (what runs) plus the schedule. */
export interface ScheduledTaskArgs extends Omit<TaskRunArgs, keyof CommonJobArgs>, CommonScheduledArgs {}

/**
 * A Puppet task PE runs on a schedule (`/orchestrator/v1/scheduled_jobs/environment_jobs`, type `task`): a
 * {@link TaskRun} that PE starts at each run time. A change updates it in place; `pulumi destroy` disables it
 * (PE cannot delete a scheduled job); a schedule disabled or edited in the console is put back by the next `up`.
 */
export class ScheduledTask extends ScheduledJobResource {
  constructor(name: string, args: ScheduledTaskArgs, opts?: pulumi.CustomResourceOptions) {
    super("ScheduledTask", name, scheduledJobProps(name, "ScheduledTask", args, opts), opts);
  }
}

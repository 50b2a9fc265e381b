import type * as pulumi from "@pulumi/pulumi";
import type { CommonJobArgs } from "./common-args";
import type { EnvironmentDeployArgs } from "./environment-deploy";
import { type CommonScheduledArgs, ScheduledJobResource, scheduledJobProps } from "./scheduled-job-resource";

/** Inputs of a {@link ScheduledDeploy}: an {@link EnvironmentDeploy}'s (what runs) plus the schedule. */
export interface ScheduledDeployArgs
  extends Omit<EnvironmentDeployArgs, keyof CommonJobArgs | "converge">, CommonScheduledArgs {}

/**
 * Puppet runs PE starts on a schedule (`/orchestrator/v1/scheduled_jobs/environment_jobs`, type `deploy`): an
 * {@link EnvironmentDeploy} that PE starts at each run time. A change updates it in place; `pulumi destroy`
 * disables it (PE cannot delete a scheduled job); a schedule disabled or edited in the console is put back by the
 * next `up`.
 */
export class ScheduledDeploy extends ScheduledJobResource {
  constructor(name: string, args: ScheduledDeployArgs, opts?: pulumi.CustomResourceOptions) {
    super("ScheduledDeploy", name, scheduledJobProps(name, "ScheduledDeploy", args, opts), opts);
  }
}

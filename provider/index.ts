/**
 * pulumi-pe-orchestrator: Pulumi resources for the Puppet Enterprise orchestrator.
 *
 * `EnvironmentDeploy` runs Puppet on nodes in a code environment; `PlanRun` runs a Puppet plan; `TaskRun` runs a
 * Puppet task on nodes. Each starts its job through the orchestrator API, waits for it during `pulumi up`, and
 * exposes its outcome as outputs.
 */
export { type CommonJobArgs, type ConnectionArgs, JobResource } from "./dynamic/resources/common-args";
export {
  type DeployNodeSummary,
  EnvironmentDeploy,
  type EnvironmentDeployArgs,
} from "./dynamic/resources/environment-deploy";
export { type PlanError, PlanRun, type PlanRunArgs } from "./dynamic/resources/plan-run";
export { type TaskNodeSummary, TaskRun, type TaskRunArgs } from "./dynamic/resources/task-run";
export {
  CodeDeploy,
  type CodeDeployArgs,
  type CodeDeployError,
  type CodeDeployFileSync,
  type EnvironmentCodeDeploy,
} from "./dynamic/resources/code-deploy";
export {
  type CommonScheduledArgs,
  type ScheduleArgs,
  type ScheduledJobLastRun,
  ScheduledJobResource,
  type ScheduledJobSubmissionError,
} from "./dynamic/resources/scheduled-job-resource";
export { ScheduledDeploy, type ScheduledDeployArgs } from "./dynamic/resources/scheduled-deploy";
export { ScheduledPlan, type ScheduledPlanArgs } from "./dynamic/resources/scheduled-plan";
export { ScheduledTask, type ScheduledTaskArgs } from "./dynamic/resources/scheduled-task";

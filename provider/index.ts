/**
 * pulumi-pe-orchestrator: Pulumi resources for the Puppet Enterprise orchestrator.
 *
 * `EnvironmentDeploy` runs Puppet on nodes in a code environment; `PlanRun` runs a Puppet plan; `TaskRun` runs a
 * Puppet task on nodes. Each starts its job through the orchestrator API, waits for it during `pulumi up`, and
 * exposes its outcome as outputs.
 */
export { type CommonJobArgs, type ConnectionArgs, JobResource } from "./resources/common-args";
export {
  type DeployNodeSummary,
  EnvironmentDeploy,
  type EnvironmentDeployArgs,
} from "./resources/environment-deploy";
export { type PlanError, PlanRun, type PlanRunArgs } from "./resources/plan-run";
export { type TaskNodeSummary, TaskRun, type TaskRunArgs } from "./resources/task-run";
export {
  CodeDeploy,
  type CodeDeployArgs,
  type CodeDeployError,
  type CodeDeployFileSync,
  type EnvironmentCodeDeploy,
} from "./resources/code-deploy";

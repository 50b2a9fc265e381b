/**
 * pulumi-pe-orchestrator: Pulumi resources for the Puppet Enterprise orchestrator.
 *
 * `EnvironmentDeploy` runs Puppet on nodes in a code environment; `PlanRun` runs a Puppet plan. Both start the
 * job through the orchestrator API, wait for it during `pulumi up`, and expose its outcome as outputs.
 */
export { type CommonJobArgs, type ConnectionArgs, JobResource } from "./resources/common-args";
export {
  type DeployNodeSummary,
  EnvironmentDeploy,
  type EnvironmentDeployArgs,
} from "./resources/environment-deploy";
export { type PlanError, PlanRun, type PlanRunArgs } from "./resources/plan-run";
export {
  CodeDeploy,
  type CodeDeployArgs,
  type CodeDeployError,
  type CodeDeployFileSync,
  type EnvironmentCodeDeploy,
} from "./resources/code-deploy";

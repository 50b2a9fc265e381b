/**
 * pulumi-pe-orchestrator: Pulumi resources for the Puppet Enterprise orchestrator.
 *
 * The package entry point. The resources (`EnvironmentDeploy`, `PlanRun`) and the orchestrator client are
 * exported from here as they land.
 */
export const packageName = "pulumi-pe-orchestrator";

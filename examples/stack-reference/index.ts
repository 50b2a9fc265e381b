import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy } from "pulumi-pe-orchestrator";

const config = new pulumi.Config();
// With a local (file) backend the organization is always `organization`.
const upstream = new pulumi.StackReference(config.get("upstream") ?? "organization/plan-after-nodes/dev");

// requireOutput fails the update with a clear message when the other stack has not exported the value.
const planJobId = upstream.requireOutput("planJobId") as pulumi.Output<string>;
const planState = upstream.requireOutput("planState") as pulumi.Output<string>;
// The canary plan's result is Bolt's ResultSet: one `{target, status, ...}` per node.
const planResult = upstream.requireOutput("planResult") as pulumi.Output<
  Array<{ target: string; status: string }>
>;
const checked = planResult.apply((rs) => rs.filter((r) => r.status === "success").map((r) => r.target));

// This team's own environment goes to the nodes the upstream canary checked, and again whenever the upstream
// stack ran a new canary job (its job id changed).
const deploy = new EnvironmentDeploy("follow-canary", {
  environment: config.get("environment") ?? "production",
  nodes: checked,
  triggers: [planJobId],
  description: pulumi.interpolate`Follows canary plan job ${planJobId} (${planState})`,
});

export const upstreamPlanJobId = planJobId;
export const upstreamPlanState = planState;
export const upstreamPlanResult = planResult;
export const deployJobId = deploy.jobId;
export const deployState = deploy.state;

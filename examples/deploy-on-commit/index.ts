import * as pulumi from "@pulumi/pulumi";
import { CodeDeploy, EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config();
// The control-repo commit CI has just pushed: `pulumi config set commit $GIT_SHA`.
const commit = config.require("commit");
const environment = config.get("environment") ?? "production";
const nodes = config.getObject<string[]>("nodes") ?? ["node1.example.com", "node2.example.com"];

// 1. Code Manager deploys the environment's branch. A new commit deploys again; if the branch has moved past
//    the commit meanwhile, expectedSignature fails the update naming both commits.
const code = new CodeDeploy("code", {
  environments: [environment],
  triggers: [commit],
  expectedSignature: commit,
});

// 2. Puppet runs on the nodes whenever the deployed code changes: the deploy signature is the trigger.
const deploy = new EnvironmentDeploy(
  "deploy",
  {
    environment,
    nodes,
    triggers: [code.deploySignatures[environment]],
    description: pulumi.interpolate`Deploy ${environment} at ${code.deploySignatures[environment]}`,
  },
  { dependsOn: code },
);

// 3. A plan checks the nodes after each Puppet run.
const check = new PlanRun(
  "check",
  { planName: "facts::info", environment, params: { targets: nodes }, triggers: [deploy.jobId] },
  { dependsOn: deploy },
);

export const deployedCommit = code.deploySignatures[environment];
export const codeDeployState = code.state;
export const jobId = deploy.jobId;
export const jobUrl = deploy.jobUrl;
export const state = deploy.state;
export const nodeStates = deploy.nodeStates;
export const checkState = check.state;
export const checkResult = check.result;

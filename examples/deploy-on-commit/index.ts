import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy } from "pulumi-pe-orchestrator";

const config = new pulumi.Config();
// The control-repo commit that Code Manager has just deployed; CI sets it: `pulumi config set commit $SHA`.
const commit = config.require("commit");
const environment = config.get("environment") ?? "production";
const nodes = config.getObject<string[]>("nodes") ?? ["node1.example.com", "node2.example.com"];

// A new commit replaces the resource, which runs Puppet again; an unchanged commit is a no-op `pulumi up`.
// The description may change freely: it updates the stored job settings without starting a job.
const deploy = new EnvironmentDeploy("deploy", {
  environment,
  nodes,
  triggers: [commit],
  description: `Deploy ${environment} at ${commit}`,
});

export const deployedCommit = commit;
export const jobId = deploy.jobId;
export const jobUrl = deploy.jobUrl;
export const state = deploy.state;
export const nodeStates = deploy.nodeStates;

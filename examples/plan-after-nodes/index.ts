import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

// Stands in for the VMs a real stack creates (an EC2 instance, a vSphere VM, ...): a resource whose output is the
// certnames of the machines it made. Only that output matters here; swap in your cloud provider's resource.
const nodePoolProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { names: string[]; domain: string }) {
    const certnames = inputs.names.map((name) => `${name}.${inputs.domain}`);
    return { id: certnames.join(","), outs: { ...inputs, certnames } };
  },
};

class NodePool extends pulumi.dynamic.Resource {
  declare readonly certnames: pulumi.Output<string[]>;
  constructor(name: string, args: { names: string[]; domain: string }, opts?: pulumi.CustomResourceOptions) {
    super(nodePoolProvider, name, { ...args, certnames: undefined }, opts, "example", "NodePool");
  }
}

const config = new pulumi.Config();
const pool = new NodePool("web", {
  names: config.getObject<string[]>("names") ?? ["node1", "node2"],
  domain: config.get("domain") ?? "example.com",
});

// The plan's `nodes` is an output of the pool, so Pulumi runs the plan only after the machines exist, and again
// (a replacement) whenever the set of machines changes.
const canary = new PlanRun("canary", {
  planName: "canary",
  params: { nodes: pool.certnames, command: config.get("command") ?? "hostname", canary: 1 },
});

// The canary plan returns Bolt's ResultSet, one Result per node (`[{target, action, object, status, value}]`):
// deploy production to exactly the nodes where the canary's command succeeded. A failed plan fails `pulumi up`
// before this runs (failOnJobFailure defaults to true).
interface BoltResult {
  target: string;
  status: "success" | "failure";
}
const results = canary.result as pulumi.Output<BoltResult[]>;
const checked = results.apply((rs) => rs.filter((r) => r.status === "success").map((r) => r.target));
const rollout = new EnvironmentDeploy("rollout", {
  environment: "production",
  nodes: checked,
  description: pulumi.interpolate`Rollout after canary plan job ${canary.jobId}`,
});

export const certnames = pool.certnames;
export const planJobId = canary.jobId;
export const planState = canary.state;
export const planResult = canary.result;
// The task jobs the plan started (one per step): e.g. to look at each node's output with `puppet job show`.
export const planTaskJobIds = canary.taskJobIds;
export const rolloutJobId = rollout.jobId;
export const rolloutState = rollout.state;

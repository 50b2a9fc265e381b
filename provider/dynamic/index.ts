// What the serialized provider in state loads at run time (`require("pulumi-pe-orchestrator/dynamic")`):
// the implementation of both resource types, configured from the stack's `pe:*` config.
import type * as pulumi from "@pulumi/pulumi";
import { codeDeployProvider } from "./code-deploy-provider";
import { deployJob } from "./deploy-job";
import { jobResourceProvider } from "./job-resource-provider";
import { planJob } from "./plan-job";
import { configureFromStack } from "./stack-connection-config";

function withConfigure(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
  return { ...provider, configure: async (request) => configureFromStack(request) };
}

export const providers: Record<
  "EnvironmentDeploy" | "PlanRun" | "CodeDeploy",
  pulumi.dynamic.ResourceProvider
> = {
  EnvironmentDeploy: withConfigure(jobResourceProvider(deployJob)),
  PlanRun: withConfigure(jobResourceProvider(planJob)),
  CodeDeploy: withConfigure(codeDeployProvider()),
};

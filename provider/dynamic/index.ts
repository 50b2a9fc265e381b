// What the serialized provider in state loads at run time (`require("pulumi-pe-orchestrator/dynamic")`):
// the implementation of every resource type, configured from the stack's `pe:*` config.
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceTypeName } from "./resources/dynamic-resource";
import { codeDeployProvider } from "./code-deploy-provider";
import { deployJob } from "../jobs/deploy-job";
import { cancelWaits, engineCancelled } from "./engine-cancel";
import { exitWithEngine } from "../engine/exit-with-engine";
import { jobResourceProvider } from "./job-resource-provider";
import { planJob } from "../jobs/plan-job";
import { configureFromStack } from "./stack-connection-config";
import { taskJob } from "../jobs/task-job";

// Loaded in the provider process on the engine's first call: from then on a Cancel is seen even before any wait
// starts (a Ctrl-C while a command is sent), and the process ends with the engine.
engineCancelled();
exitWithEngine();

function withConfigure(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
  // `cancel`: the hook an SDK that forwards the engine's Cancel to dynamic providers would call (see engine-cancel)
  const configured: pulumi.dynamic.ResourceProvider & { cancel(): Promise<void> } = {
    ...provider,
    configure: async (request) => configureFromStack(request),
    cancel: async () => cancelWaits(),
  };
  return configured;
}

export const providers: Record<ResourceTypeName, pulumi.dynamic.ResourceProvider> = {
  EnvironmentDeploy: withConfigure(jobResourceProvider(deployJob)),
  PlanRun: withConfigure(jobResourceProvider(planJob)),
  TaskRun: withConfigure(jobResourceProvider(taskJob)),
  CodeDeploy: withConfigure(codeDeployProvider()),
};

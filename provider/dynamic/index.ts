// What the serialized provider in state loads at run time (`require("pulumi-pe-orchestrator/dynamic")`):
// the implementation of every resource type, configured from the stack's `pe:*` config.
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceTypeName } from "./resources/dynamic-resource";
import { codeDeployOperations } from "../code-deploys/code-deploy-operations";
import { environmentDeployOperations } from "../jobs/environment-deploy-operations";
import { jobOperations } from "../jobs/job-operations";
import { planJob } from "../kinds/plan-job";
import { taskJob } from "../kinds/task-job";
import { scheduledDeploy } from "../schedules/scheduled-deploy";
import { scheduledJobOperations } from "../schedules/scheduled-job-operations";
import { scheduledPlan } from "../schedules/scheduled-plan";
import { scheduledTask } from "../schedules/scheduled-task";
import { exitWithEngine } from "../engine/exit-with-engine";
import { dynamicHost } from "./dynamic-host";
import { dynamicProvider } from "./dynamic-provider";
import { engineCancelled } from "./engine-cancel";

// Loaded in the provider process on the engine's first call: from then on a Cancel is seen even before any wait
// starts (a Ctrl-C while a command is sent), and the process ends with the engine.
engineCancelled();
exitWithEngine();

export const providers: Record<ResourceTypeName, pulumi.dynamic.ResourceProvider> = {
  EnvironmentDeploy: dynamicProvider(environmentDeployOperations(dynamicHost)),
  PlanRun: dynamicProvider(jobOperations(planJob, dynamicHost)),
  TaskRun: dynamicProvider(jobOperations(taskJob, dynamicHost)),
  CodeDeploy: dynamicProvider(codeDeployOperations(dynamicHost)),
  ScheduledDeploy: dynamicProvider(scheduledJobOperations(scheduledDeploy, dynamicHost)),
  ScheduledTask: dynamicProvider(scheduledJobOperations(scheduledTask, dynamicHost)),
  ScheduledPlan: dynamicProvider(scheduledJobOperations(scheduledPlan, dynamicHost)),
};

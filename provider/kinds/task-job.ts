import { jobSketch } from "../wait";
import { type OrchestratorClient, type TaskMetadata, type TaskRequest } from "../pe";
import { cachedMetadata } from "./cached-metadata";
import { checkParams } from "./check-params";
import { type TaskInputs, taskInputsSchema } from "./kind-inputs";
import type { CheckFailure } from "../resource/resource-operations";
import type { JobKind } from "./job-kind";
import { withMarker } from "../recovery/job-marker";
import { type TaskJobOutputs, taskOutputs } from "./job-outputs";
import { nodeJobParts } from "./node-job-parts";
import { resolveTargets } from "../preview/resolve-targets";

/**
 * Maps the resource's inputs to the task request, carrying only what the user set. `params` is the one
 * exception: PE requires the key, so a task run without params sends `{}` (no parameters, not a default).
 */
export function taskRequest(inputs: TaskInputs): TaskRequest {
  const scope =
    inputs.nodes !== undefined
      ? { nodes: inputs.nodes }
      : inputs.query !== undefined
        ? { query: inputs.query }
        : { node_group: inputs.nodeGroup as string };
  const body: Record<string, unknown> = {
    task: inputs.task,
    params: inputs.params ?? {},
    environment: inputs.environment,
    scope,
    description: inputs.description,
    noop: inputs.noop,
    timeout: inputs.timeout,
    userdata: inputs.userdata,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as TaskRequest;
}

function taskMetadata(client: OrchestratorClient, task: string, environment: string): Promise<TaskMetadata> {
  return cachedMetadata(`${client.apiUrl} task ${environment} ${task}`, () =>
    client.getTask(task, environment),
  );
}

export const taskJob: JobKind<TaskInputs, TaskJobOutputs> = {
  typeName: "TaskRun",
  jobNoun: "task job",
  schema: taskInputsSchema,
  replaceKeys: [
    "task",
    "params",
    "environment",
    "nodes",
    "query",
    "nodeGroup",
    "noop",
    "timeout",
    "triggers",
  ],
  subjectInput: "task",
  async checkAgainstOrchestrator(client, inputs) {
    const environment = inputs.environment ?? "production";
    const metadata = (await taskMetadata(client, inputs.task, environment)).metadata;
    const failures: CheckFailure[] = checkParams(
      metadata?.parameters,
      inputs.params ?? {},
      `task ${inputs.task}`,
    );
    // A task declares whether it can run in no-op mode; finding out on the nodes is too late.
    if (inputs.noop === true && metadata?.supports_noop === false) {
      failures.push({
        property: "noop",
        reason: `task ${inputs.task} does not support no-op mode (its metadata says supports_noop: false): remove noop or run it for real`,
      });
    }
    return failures;
  },
  async describeRun(client, inputs) {
    const environment = inputs.environment ?? "production";
    return {
      action: `run task ${inputs.task}${inputs.noop ? " in noop mode" : ""} in ${environment}`,
      targets: () => resolveTargets(client, environment, inputs),
    };
  },
  sketch: (inputs) => jobSketch("task", taskRequest(inputs)),
  async start(client, inputs, marker) {
    const created = await client.task(
      taskRequest({ ...inputs, userdata: withMarker(inputs.userdata, marker) }),
    );
    return created.job.name;
  },
  ...nodeJobParts("task", taskOutputs),
};

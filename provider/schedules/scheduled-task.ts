import type { ScheduledTaskInputs } from "./schedule-inputs";
import type { TaskInputs } from "../kinds/kind-inputs";
import { scheduledTaskInputsSchema } from "./schedule-inputs";
import type { TaskJobOutputs } from "../kinds/job-outputs";
import { type ScheduledJobKind, scopeInputs, wrapParams } from "./scheduled-job-kind";
import { taskJob, taskRequest } from "../kinds/task-job";

/** A task on a schedule: `input` holds the `/command/task` keys, with the task as `name`. */
export const scheduledTask: ScheduledJobKind<ScheduledTaskInputs, TaskInputs, TaskJobOutputs> = {
  typeName: "ScheduledTask",
  type: "task",
  schema: scheduledTaskInputsSchema,
  job: taskJob,
  runKeys: ["task", "params", "environment", "nodes", "query", "nodeGroup", "noop", "timeout"],
  request(inputs, sensitive) {
    const body = taskRequest({ ...inputs, description: undefined, userdata: undefined });
    const input: Record<string, unknown> = {
      name: body.task,
      parameters: wrapParams(body.params, sensitive),
      scope: body.scope,
    };
    if (body.noop !== undefined) input.noop = body.noop;
    if (body.timeout !== undefined) input.timeout = body.timeout;
    // PE requires an environment; a task's default is production, as for /command/task
    return { input, environment: inputs.environment ?? "production" };
  },
  inputsOf(item) {
    const input = (item.input ?? {}) as Record<string, unknown>;
    const { application: _application, ...scope } = scopeInputs(input.scope);
    return {
      task: input.name,
      params: input.parameters ?? {},
      environment: item.environment ?? undefined,
      ...scope,
      noop: input.noop,
      timeout: input.timeout,
    };
  },
};

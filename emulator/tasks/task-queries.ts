// tasks/: the task metadata endpoints. Running a task makes a job (jobs/commands.ts). Imports world/, http/
// and plans/plan-queries.ts for the `environment` parameter that plans and tasks check alike, and its code id.

import { createHash } from "node:crypto";
import { ApiError, orchestratorKind, validationError } from "../http/api-error";
import { may } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { codeIdOf, environmentOf } from "../plans/plan-queries";
import type { WorldTask } from "../world/world-schema";

const tasksIn = (state: EmulatorState, env: string) =>
  state.world.tasks.filter((t) => t.environments.length === 0 || t.environments.includes(env));

/** "mod::task" → "mod/task"; a module's init task "mod" → "mod/init" (PE: task `exec` is `tasks/exec/init`). */
const taskPath = (name: string) => {
  const [mod, task] = name.split("::");
  return `${mod}/${task ?? "init"}`;
};

/** The task's metadata as its task.json would hold it (PE serves the file's content). */
function metadata(task: WorldTask): Record<string, unknown> {
  return {
    ...(task.description ? { description: task.description } : {}),
    supports_noop: task.supportsNoop,
    input_method: "stdin",
    parameters: Object.fromEntries(
      Object.entries(task.parameters).map(([k, p]) => [
        k,
        {
          type: p.type,
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.default !== undefined ? { default: p.default } : {}),
          ...(p.sensitive !== undefined ? { sensitive: p.sensitive } : {}),
        },
      ]),
    ),
  };
}

/** GET /tasks?environment= */
export function listTasks(state: EmulatorState, ctx: RequestContext): Handled {
  const env = environmentOf(state, ctx.query);
  const items = tasksIn(state, env)
    .map((t) => ({
      id: `${ctx.view.apiUrl}/tasks/${taskPath(t.name)}`,
      name: t.name,
      permitted: may(ctx.caller.user, "tasks", t.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    status: 200,
    body: { environment: { name: env, code_id: codeIdOf(state, env, ctx.view.now) }, items },
  };
}

/** GET /tasks/:module/:task?environment= */
export function getTask(state: EmulatorState, ctx: RequestContext): Handled {
  const [mod, taskName] = ctx.params.map(decodeURIComponent);
  const valid = /^[a-z][a-z0-9_]*$/;
  if (!valid.test(mod) || !valid.test(taskName))
    throw validationError(`Invalid task name ${mod}::${taskName}`, { module: mod, task: taskName });
  const env = environmentOf(state, ctx.query);
  const name = taskName === "init" ? mod : `${mod}::${taskName}`;
  const task = tasksIn(state, env).find((t) => t.name === name);
  if (!task)
    throw new ApiError(
      404,
      orchestratorKind("unknown-task"),
      `Could not find task '${name}' in environment '${env}'`,
      { task: name, environment: env },
    );
  // One file per task, named like the task (PE lists each implementation file the task has).
  const filename = taskName === "init" ? "init" : taskName;
  return {
    status: 200,
    body: {
      id: `${ctx.view.apiUrl}/tasks/${taskPath(task.name)}`,
      name: task.name,
      environment: { name: env, code_id: codeIdOf(state, env, ctx.view.now) },
      metadata: metadata(task),
      files: [
        {
          filename,
          uri: { path: `/${mod}/tasks/${filename}`, params: { environment: env } },
          sha256: createHash("sha256").update(`${env}/${task.name}`).digest("hex"),
          size_bytes: 693,
        },
      ],
      permitted: may(ctx.caller.user, "tasks", task.name),
    },
  };
}

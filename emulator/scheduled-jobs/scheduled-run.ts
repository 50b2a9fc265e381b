import type { Caller } from "../http/auth";
import type { EmulatorState, RequestContext } from "../http/handler-types";
import { prepareDeploy, prepareTask, type StartJob } from "../jobs/commands";
import type { ScheduledJobRecord } from "../jobs/job-record";
import { preparePlanRun } from "../plans/plan-commands";
import { paramValues, splitParams } from "./scheduled-params";

type PickEach<T, K extends keyof T> = T extends unknown ? Pick<T, K> : never;

/** What a scheduled job runs: a saved record, or a POST body before it is saved. */
export type ScheduledWork = PickEach<
  ScheduledJobRecord,
  "type" | "input" | "environment" | "description" | "userdata"
>;

/** The job a run started: a /jobs job or a /plan_jobs one. */
export interface StartedJob {
  kind: "job" | "plan_job";
  name: number;
}

/** The body of the command endpoint a scheduled job stands for (/command/deploy, /command/task, plan_run). */
function commandBody(work: ScheduledWork): Record<string, unknown> {
  const common = { description: work.description, userdata: work.userdata };
  switch (work.type) {
    case "deploy":
      return { environment: work.environment, ...work.input, ...common };
    case "task": {
      const { name, parameters, ...rest } = work.input;
      return {
        environment: work.environment,
        task: name,
        params: paramValues(parameters),
        ...rest,
        ...common,
      };
    }
    case "plan": {
      const { name, parameters, ...rest } = work.input;
      return {
        plan_name: name,
        params: paramValues(parameters),
        environment: work.environment,
        ...rest,
        ...common,
      };
    }
  }
}

const prepares = { deploy: prepareDeploy, task: prepareTask, plan: preparePlanRun };

/**
 * Makes the checks the command endpoint makes (environment, RBAC on the task, plan or environment and on every
 * node, parameters, scope) for `caller` at `now`; throws their ApiError. The result starts the job as if
 * `caller` had requested it then, and marks it as started by scheduled job `scheduledJob` (PE's
 * `options["scheduled-job-id"]` on jobs, `options.scheduled_job_id` on plan jobs). Sensitive parameters reach
 * the run but not its record: `options.sensitive` names them, as for tasks with sensitive metadata.
 */
export function prepareScheduledRun(
  state: EmulatorState,
  caller: Caller,
  work: ScheduledWork,
  now: number,
): (scheduledJob: number) => StartedJob {
  const ctx: RequestContext = {
    caller,
    body: commandBody(work),
    query: new URLSearchParams(),
    params: [],
    view: { apiUrl: "", now },
  };
  const start: StartJob = prepares[work.type](state, ctx);
  return (scheduledJob) => {
    const name = start();
    const id = String(scheduledJob);
    if (work.type === "plan") {
      const { plain, sensitive } = splitParams(work.input.parameters);
      const options = state.store.planJobs.get(name)?.record.options ?? {};
      Object.assign(options, { scheduled_job_id: id, parameters: plain, sensitive });
      state.store.changed();
      return { kind: "plan_job", name };
    }
    const options = state.store.jobs.get(name)?.record.options ?? {};
    options["scheduled-job-id"] = id;
    if (work.type === "task") {
      const { plain, sensitive } = splitParams(work.input.parameters);
      Object.assign(options, { params: plain, sensitive });
    }
    state.store.changed();
    return { kind: "job", name };
  };
}

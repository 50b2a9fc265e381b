import {
  ApiError,
  notPermitted,
  orchestratorKind,
  unknownEnvironment,
  unknownJob,
  validationError,
} from "../http/api-error";
import { may } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { parseBody } from "../http/parse-body";
import { DeployBodySchema, StopBodySchema, TaskBodySchema } from "../http/request-schemas";
import { resolveTargets } from "../nodes/resolve-targets";
import { checkParams } from "../world/check-params";
import { fillTemplate } from "../world/fill-template";
import { matchesAny } from "../world/glob";
import type { NodeOutcome } from "./job-record";
import { plannedRun } from "./planned-run";
import { type PlannedRun, placeNodes, TASK_CONCURRENCY } from "./schedule-nodes";

/** Real ms until the environment's code deploys (queued or running) end: PE holds jobs and plans until then. */
export const codeDeployWait = (state: EmulatorState, environment: string, now: number) =>
  state.codeManager.deploys.busyUntil(environment, now) - now;

/** 404 unknown-environment unless the world has it. */
export function requireEnvironment(state: EmulatorState, environment: string): void {
  if (!state.world.environments.some((e) => e.name === environment)) throw unknownEnvironment(environment);
}

/** 403 not-permitted naming the nodes the caller may not run on. */
export function requireNodes(ctx: RequestContext, nodes: string[]): void {
  const denied = nodes.filter((n) => !may(ctx.caller.user, "nodes", n));
  if (denied.length > 0)
    throw notPermitted(
      `User ${ctx.caller.user.login} is not permitted to run on ${denied.slice(0, 10).join(", ")}`,
      {
        nodes: denied.slice(0, 100),
      },
    );
}

/**
 * A command that passed every check it makes at submit time: calling it starts the job (at `ctx.view.now`) and
 * returns the job's name. Scheduled jobs make the same checks when they are saved, and start at each run.
 */
export type StartJob = () => number;

function created(ctx: RequestContext, name: number): Handled {
  return { status: 202, body: { job: { id: `${ctx.view.apiUrl}/jobs/${name}`, name: String(name) } } };
}

export const deploy = (state: EmulatorState, ctx: RequestContext): Handled =>
  created(ctx, prepareDeploy(state, ctx)());

export const runTask = (state: EmulatorState, ctx: RequestContext): Handled =>
  created(ctx, prepareTask(state, ctx)());

/** POST /command/deploy's checks; the job starts when the result is called. */
export function prepareDeploy(state: EmulatorState, ctx: RequestContext): StartJob {
  const body = parseBody(DeployBodySchema, ctx.body);
  if (body.noop && body.no_noop)
    throw validationError("noop and no_noop cannot both be true", { noop: true, no_noop: true });
  if (body.environment === "") {
    if (body.enforce_environment !== false || !body.scope)
      throw validationError("An empty environment requires enforce_environment false and a scope");
  } else requireEnvironment(state, body.environment);
  if (!may(ctx.caller.user, "deploy", body.environment || "*"))
    throw notPermitted(
      `User ${ctx.caller.user.login} is not permitted to deploy environment ${body.environment}`,
      {
        environment: body.environment,
      },
    );
  const targets = resolveTargets(state.world, body.environment, body.scope);
  requireNodes(ctx, targets);
  const runs = targets.map((n) => plannedRun(state, n, body.environment));
  const { userdata, description, ...rest } = body;
  const options = {
    concurrency: null,
    noop: false,
    no_noop: false,
    trace: false,
    debug: false,
    scope: body.scope ?? { whole_environment: true },
    enforce_environment: true,
    evaltrace: false,
    target: null,
    description: description ?? "",
    "scheduled-job-id": null,
    ...rest,
  };
  return () =>
    createJob(state, ctx, "deploy", body.environment, options, runs, body.concurrency, userdata, description);
}

/** POST /command/task's checks; the job starts when the result is called. */
export function prepareTask(state: EmulatorState, ctx: RequestContext): StartJob {
  const body = parseBody(TaskBodySchema, ctx.body);
  requireEnvironment(state, body.environment);
  const task = state.world.tasks.find(
    (t) => t.name === body.task && (t.environments.length === 0 || t.environments.includes(body.environment)),
  );
  if (!task)
    throw new ApiError(
      404,
      orchestratorKind("unknown-task"),
      `Could not find task '${body.task}' in environment '${body.environment}'`,
      { task: body.task, environment: body.environment },
    );
  if (!may(ctx.caller.user, "tasks", task.name))
    throw notPermitted(`User ${ctx.caller.user.login} is not permitted to run task ${task.name}`, {
      task: task.name,
    });
  // Like plans', task parameters are checked against the task's metadata at submit time (see README).
  const { problems } = checkParams(task.parameters, body.params);
  if (problems.length > 0)
    throw validationError(`Task ${task.name}: ${problems.join("; ")}`, { task: task.name, problems });
  const targets = resolveTargets(state.world, body.environment, body.scope);
  requireNodes(ctx, targets);
  const failing = new Set(
    state.world.nodes.filter((n) => matchesAny(task.failOn, n.certname)).map((n) => n.certname),
  );
  const runs = targets.map((n): PlannedRun => {
    const run = plannedRun(state, n, body.environment, task.seconds);
    const outcome: NodeOutcome =
      run.outcome === "errored" ? "errored" : failing.has(n) ? "failed" : "unchanged";
    return { ...run, outcome, message: outcome === "failed" ? `The task failed on ${n}` : run.message };
  });
  const options = {
    description: body.description ?? "",
    transport: "pxp",
    noop: body.noop ?? false,
    task: body.task,
    sensitive: [],
    "scheduled-job-id": null,
    params: body.params,
    scope: body.scope,
    environment: body.environment,
    ...(body.timeout !== undefined ? { timeout: body.timeout } : {}),
  };
  const taskResult = fillTemplate(task.result, body.params);
  return () =>
    createJob(
      state,
      ctx,
      "task",
      body.environment,
      options,
      runs,
      undefined,
      body.userdata,
      body.description,
      taskResult,
    );
}

function createJob(
  state: EmulatorState,
  ctx: RequestContext,
  type: "deploy" | "task",
  environment: string,
  options: Record<string, unknown>,
  runs: PlannedRun[],
  concurrency: number | undefined,
  userdata: Record<string, unknown> | undefined,
  description: string | undefined,
  taskResult?: unknown,
): number {
  const slots = concurrency ?? (type === "task" ? TASK_CONCURRENCY : state.world.settings.concurrency);
  const nodes = placeNodes(runs, slots);
  // Runs start once the environment's code deploy is over (their nodes stay `new` until then).
  const wait = codeDeployWait(state, environment, ctx.view.now);
  if (wait > 0)
    for (const n of nodes)
      if (n.start !== null) Object.assign(n, { start: n.start + wait, end: n.end + wait });
  const job = state.store.addJob((name, eventBase) => ({
    name,
    type,
    environment,
    options,
    owner: ctx.caller.owner,
    userdata: userdata ?? {},
    description: description ?? "",
    createdAt: ctx.view.now,
    eventBase,
    ...(type === "task" ? { taskResult } : {}),
    nodes,
  }));
  return job.record.name;
}

/** 403 not-permitted unless the caller is a superuser or owns the job. */
export function mayStop(ctx: RequestContext, owner: Record<string, unknown>, name: string): void {
  const user = ctx.caller.user;
  if (!user.permissions.superuser && owner.login !== user.login)
    throw notPermitted(`User ${user.login} is not permitted to stop job ${name}`, { job: name });
}

export function stopJob(state: EmulatorState, ctx: RequestContext): Handled {
  const body = parseBody(StopBodySchema, ctx.body);
  const name = String(body.job);
  const job = state.store.jobs.get(Number(name));
  if (!job) throw unknownJob(name);
  mayStop(ctx, job.record.owner, name);
  const elapsed = ctx.view.now - job.record.createdAt;
  job.interrupt(elapsed, "stop", body.force === true);
  state.store.changed();
  return {
    status: 202,
    body: { job: { id: `${ctx.view.apiUrl}/jobs/${name}`, name, nodes: job.nodeStates(elapsed) } },
  };
}

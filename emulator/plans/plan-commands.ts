import { targetNames } from "../../puppet-type/puppet-type";
import { ApiError, notPermitted, orchestratorKind, unknownJob, validationError } from "../http/api-error";
import { may } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { parseBody } from "../http/parse-body";
import { PlanRunBodySchema, StopPlanBodySchema } from "../http/request-schemas";
import { codeDeployWait, mayStop, requireEnvironment, requireNodes, type StartJob } from "../jobs/commands";
import { msOf } from "../jobs/planned-run";
import { checkParams } from "../world/check-params";
import { fillTemplate } from "../world/fill-template";
import { planSteps } from "./plan-steps";

export const planRun = (state: EmulatorState, ctx: RequestContext): Handled => ({
  status: 202,
  body: { name: String(preparePlanRun(state, ctx)()) },
});

/** POST /command/plan_run's checks; the plan job starts when the result is called (returns its name). */
export function preparePlanRun(state: EmulatorState, ctx: RequestContext): StartJob {
  const body = parseBody(PlanRunBodySchema, ctx.body);
  requireEnvironment(state, body.environment);
  const plan = state.world.plans.find(
    (p) =>
      p.name === body.plan_name && (p.environments.length === 0 || p.environments.includes(body.environment)),
  );
  if (!plan)
    throw new ApiError(
      404,
      orchestratorKind("unknown-plan"),
      `Could not find plan '${body.plan_name}' in environment '${body.environment}'`,
      { plan_name: body.plan_name, environment: body.environment },
    );
  if (!may(ctx.caller.user, "plans", plan.name))
    throw notPermitted(`User ${ctx.caller.user.login} is not permitted to run plan ${plan.name}`, {
      plan_name: plan.name,
    });
  // Parameters are checked against the plan's metadata at submit time (an emulator choice, see README).
  const { problems, values } = checkParams(plan.parameters, body.params);
  for (const [key, p] of Object.entries(plan.parameters))
    if (key in values && p.type.includes("TargetSpec")) requireNodes(ctx, targetNames(values[key]));
  if (problems.length > 0)
    throw validationError(`Plan ${plan.name}: ${problems.join("; ")}`, { plan_name: plan.name, problems });
  const timeout = body.timeout ?? state.world.settings.defaultPlanTimeout ?? null;
  const steps = planSteps(state, plan, values, body.environment);
  return () =>
    state.store.addPlanJob((name, eventBase) => ({
      name,
      planName: plan.name,
      environment: body.environment,
      options: {
        description: body.description ?? "",
        plan_name: plan.name,
        parameters: body.params,
        scheduled_job_id: null,
        environment: body.environment,
        sensitive: [],
        ...(body.timeout !== undefined ? { timeout: body.timeout } : {}),
      },
      owner: ctx.caller.owner,
      userdata: body.userdata ?? {},
      createdAt: ctx.view.now,
      eventBase,
      // A plan job sits in `pending` while code deploys to its environment run, as in PE.
      pendingMs: msOf(state, plan.pendingSeconds) + codeDeployWait(state, body.environment, ctx.view.now),
      runMs: msOf(state, plan.seconds),
      timeoutMs: timeout === null ? null : msOf(state, timeout),
      timeoutSeconds: timeout,
      messages: plan.messages.map((m) => String(fillTemplate(m, values))),
      result: fillTemplate(plan.result ?? null, values),
      ...(plan.error ? { error: plan.error } : {}),
      steps,
      returnsResults: plan.result === undefined && plan.steps.length > 0,
      stepJobs: [],
    })).record.name;
}

export function stopPlan(state: EmulatorState, ctx: RequestContext): Handled {
  const body = parseBody(StopPlanBodySchema, ctx.body);
  const name = String(body.plan_job);
  const job = state.store.planJobs.get(Number(name));
  if (!job) throw unknownJob(name);
  mayStop(ctx, job.record.owner, name);
  job.interrupt(ctx.view.now - job.record.createdAt, "stop", ctx.caller.user.login);
  state.store.changed();
  return { status: 202, body: { name } };
}

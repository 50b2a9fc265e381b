import { createHash } from "node:crypto";
import {
  ApiError,
  orchestratorKind,
  unknownEnvironment,
  unknownJob,
  validationError,
} from "../http/api-error";
import { may } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { applyPaging, parseJobId, parsePaging, parseTimestamp } from "../http/paging";
import { eventsShown } from "../jobs/events-shown";
import type { WorldPlan } from "../world/world-schema";
import type { PlanJobProgress } from "./plan-job-progress";
import { renderPlanEvent, renderPlanJob } from "./plan-job-views";

function findPlanJob(state: EmulatorState, ctx: RequestContext): PlanJobProgress {
  const job = state.store.planJobs.get(parseJobId(ctx.params[0]));
  if (!job) throw unknownJob(ctx.params[0]);
  return job;
}

/** GET /plan_jobs */
export function listPlanJobs(state: EmulatorState, ctx: RequestContext): Handled {
  const q = ctx.query;
  const paging = parsePaging(q, ["owner", "timestamp", "environment", "name", "state"], "timestamp");
  const results = q.get("results") ?? "include";
  if (results !== "include" && results !== "exclude")
    throw validationError(`Query parameter results must be include or exclude, got '${results}'`, {
      results,
    });
  const min = parseTimestamp(q, "min_finish_timestamp");
  const max = parseTimestamp(q, "max_finish_timestamp");
  const items = [...state.store.planJobs.values()]
    .map((j) => ({ j, view: renderPlanJob(j, ctx.view, results === "include") }))
    .filter(({ view }) => {
      if (min === undefined && max === undefined) return true;
      const fin = view.finished_timestamp === null ? Number.NaN : Date.parse(String(view.finished_timestamp));
      return !Number.isNaN(fin) && (min === undefined || fin >= min) && (max === undefined || fin <= max);
    });
  const page = applyPaging(items, paging, ({ j, view }, by) =>
    by === "owner"
      ? String(j.record.owner.login)
      : by === "environment"
        ? j.record.environment
        : by === "name"
          ? j.record.name
          : String(view[by]),
  );
  return {
    status: 200,
    body: {
      items: page.map((p) => p.view),
      pagination: {
        ...(paging.limit !== undefined ? { limit: paging.limit } : {}),
        offset: paging.offset,
        total: items.length,
      },
    },
  };
}

/** GET /plan_jobs/:id */
export const getPlanJob = (state: EmulatorState, ctx: RequestContext): Handled => ({
  status: 200,
  body: renderPlanJob(findPlanJob(state, ctx), ctx.view),
});

/** GET /plan_jobs/:id/events?start=N */
export function getPlanJobEvents(state: EmulatorState, ctx: RequestContext): Handled {
  const rawStart = ctx.query.get("start");
  if (rawStart !== null && !/^\d+$/.test(rawStart))
    throw validationError(`Query parameter start must be an integer, got '${rawStart}'`, { start: rawStart });
  const start = rawStart === null ? 0 : Number(rawStart);
  const job = findPlanJob(state, ctx);
  const base = job.record.eventBase;
  const times = job.events.map((e) => e.t);
  const visible = eventsShown(times, job.endAt, ctx.view.now - job.record.createdAt, ctx.events);
  const from = Math.min(Math.max(0, start - base), visible);
  const items = [];
  for (let k = from; k < visible; k++) items.push(renderPlanEvent(job, k));
  const next = Math.max(start, base + visible);
  return {
    status: 200,
    body: {
      "next-events": {
        id: `${ctx.view.apiUrl}/plan_jobs/${job.record.name}/events?start=${next}`,
        event: String(next),
      },
      items,
    },
  };
}

/** The `environment` query parameter (default production), which must name a known environment. */
export function environmentOf(state: EmulatorState, query: URLSearchParams): string {
  const env = query.get("environment") ?? "production";
  if (!/^[\w-]+$/.test(env)) throw validationError(`Illegal environment name '${env}'`, { environment: env });
  if (!state.world.environments.some((e) => e.name === env)) throw unknownEnvironment(env);
  return env;
}

/**
 * The environment's code id, as PE's task and plan listings carry it: `urn:puppet:code-id:1:<sha>;<env>`, the
 * commit of its newest completed code deploy, else its branch in the world's control repo, else a stable sha
 * derived from its name (the commit the emulator's control repo has for it when the world declares none).
 */
export function codeIdOf(state: EmulatorState, env: string, now: number): string {
  const sha =
    state.codeManager.deploys.deployedCommit(env, now) ??
    state.world.controlRepo?.branches[env] ??
    createHash("sha1").update(env).digest("hex");
  return `urn:puppet:code-id:1:${sha};${env}`;
}

const plansIn = (state: EmulatorState, env: string) =>
  state.world.plans.filter((p) => p.environments.length === 0 || p.environments.includes(env));

/** "mod::plan" → "mod/plan"; a module's init plan "mod" → "mod/init". */
const planPath = (name: string) => {
  const [mod, ...rest] = name.split("::");
  return `${mod}/${rest.length === 0 ? "init" : rest.join("::")}`;
};

/** GET /plans?environment= */
export function listPlans(state: EmulatorState, ctx: RequestContext): Handled {
  const env = environmentOf(state, ctx.query);
  const items = plansIn(state, env)
    .map((p) => ({
      id: `${ctx.view.apiUrl}/plans/${planPath(p.name)}`,
      name: p.name,
      permitted: may(ctx.caller.user, "plans", p.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    status: 200,
    body: { environment: { name: env, code_id: codeIdOf(state, env, ctx.view.now) }, items },
  };
}

function metadata(plan: WorldPlan): Record<string, unknown> {
  return {
    ...(plan.description ? { description: plan.description } : {}),
    parameters: Object.fromEntries(
      Object.entries(plan.parameters).map(([k, p]) => [
        k,
        {
          type: p.type,
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.default_value !== undefined ? { default_value: p.default_value } : {}),
        },
      ]),
    ),
  };
}

/** GET /plans/:module/:plan?environment= */
export function getPlan(state: EmulatorState, ctx: RequestContext): Handled {
  const [mod, planName] = ctx.params.map(decodeURIComponent);
  const valid = /^[a-z][a-z0-9_]*$/;
  if (!valid.test(mod) || !/^[a-z][a-z0-9_:]*$/.test(planName))
    throw validationError(`Invalid plan name ${mod}::${planName}`, { module: mod, plan: planName });
  const env = environmentOf(state, ctx.query);
  const name = planName === "init" ? mod : `${mod}::${planName}`;
  const plan = plansIn(state, env).find((p) => p.name === name);
  if (!plan)
    throw new ApiError(
      404,
      orchestratorKind("unknown-plan"),
      `Could not find plan '${name}' in environment '${env}'`,
      {
        plan_name: name,
        environment: env,
      },
    );
  return {
    status: 200,
    body: {
      id: `${ctx.view.apiUrl}/plans/${planPath(plan.name)}`,
      name: plan.name,
      environment: { name: env, code_id: codeIdOf(state, env, ctx.view.now) },
      metadata: metadata(plan),
      permitted: may(ctx.caller.user, "plans", plan.name),
    },
  };
}

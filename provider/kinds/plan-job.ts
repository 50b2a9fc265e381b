import {
  type OrchestratorClient,
  type PlanJob,
  type PlanMetadata,
  type PlanRunRequest,
  TERMINAL_PLAN_JOB_STATES,
  planTaskJobIds,
} from "../pe";
import { waitForPlanJob } from "../wait";
import { cachedMetadata } from "./cached-metadata";
import { checkParams } from "./check-params";
import { describePlanError } from "./describe-plan-error";
import { type PlanInputs, planInputsSchema } from "./kind-inputs";
import { importedPlanInputs } from "./imported-inputs";
import type { JobKind } from "./job-kind";
import { withMarker } from "../recovery/job-marker";
import { type PlanJobOutputs, planOutputs } from "./job-outputs";
import type { ResolvedTargets } from "../preview/resolve-targets";
import { sharedRecentJobs } from "../recovery/shared-recent-jobs";

/** How far back a crashed run's plan job is looked for (newest first); also the wait's history. */
const RECENT_PLAN_JOBS = 100;

/** One list per connection for recovery and the wait's history, whatever the number of creates. */
function recentPlanJobs(client: OrchestratorClient): Promise<readonly PlanJob[]> {
  return sharedRecentJobs(client, "plan jobs", async () => {
    const list = await client.listPlanJobs({
      order_by: "timestamp",
      order: "desc",
      limit: RECENT_PLAN_JOBS,
      results: "exclude",
    });
    return list.items;
  });
}

/** Maps the resource's inputs to the plan_run request, carrying only what the user set. */
export function planRunRequest(inputs: PlanInputs): PlanRunRequest {
  const body: Record<string, unknown> = {
    plan_name: inputs.planName,
    params: inputs.params,
    environment: inputs.environment,
    description: inputs.description,
    timeout: inputs.timeout,
    userdata: inputs.userdata,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as PlanRunRequest;
}

function planMetadata(
  client: OrchestratorClient,
  planName: string,
  environment: string,
): Promise<PlanMetadata> {
  return cachedMetadata(`${client.apiUrl} plan ${environment} ${planName}`, () =>
    client.getPlan(planName, environment),
  );
}

/** A target as preview may print it: a Bolt URI's `user:password@` is dropped (`ssh://root:pw@h` → `ssh://h`). */
function withoutCredentials(target: string): string {
  return target.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

/**
 * The targets a plan's `TargetSpec` parameters name (`"a,b"`, `["a", "b"]`, nested lists), in parameter order:
 * what the plan will act on as far as its parameters say. Undefined when no such parameter is set.
 */
export function planTargets(
  declared: Record<string, { type?: string }> | null | undefined,
  params: Record<string, unknown>,
): ResolvedTargets | undefined {
  const names: string[] = [];
  const used: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") names.push(...value.split(",").map(withoutCredentials).filter(Boolean));
    else if (Array.isArray(value)) value.forEach(collect);
  };
  for (const [key, parameter] of Object.entries(declared ?? {})) {
    if (!/\bTargetSpec\b/.test(parameter.type ?? "") || params[key] === undefined) continue;
    used.push(`params.${key}`);
    collect(params[key]);
  }
  return used.length === 0 ? undefined : { names: [...new Set(names)], source: used.join(", ") };
}

function outcome(planJob: PlanJob): {
  result?: unknown;
  error?: { kind?: string; msg?: string; details?: unknown };
} {
  if (planJob.state === "success") return { result: planJob.result };
  if (planJob.state !== "failure") return {};
  const error = planJob.result;
  if (error && typeof error === "object" && !Array.isArray(error)) {
    const e = error as { kind?: unknown; msg?: unknown; details?: unknown };
    return {
      error: {
        kind: typeof e.kind === "string" ? e.kind : undefined,
        msg: typeof e.msg === "string" ? e.msg : undefined,
        details: e.details,
      },
    };
  }
  return { error: { msg: error === undefined ? undefined : JSON.stringify(error) } };
}

export const planJob: JobKind<PlanInputs, PlanJobOutputs> = {
  typeName: "PlanRun",
  jobNoun: "plan job",
  schema: planInputsSchema,
  replaceKeys: ["planName", "params", "environment", "timeout", "triggers"],
  subjectInput: "planName",
  async checkAgainstOrchestrator(client, inputs) {
    const metadata = await planMetadata(client, inputs.planName, inputs.environment ?? "production");
    return checkParams(metadata.metadata?.parameters, inputs.params ?? {}, `plan ${inputs.planName}`);
  },
  async describeRun(client, inputs) {
    const environment = inputs.environment ?? "production";
    const metadata = await planMetadata(client, inputs.planName, environment).catch(() => undefined);
    const targets = planTargets(metadata?.metadata?.parameters, inputs.params ?? {});
    if (!targets) return undefined;
    return { action: `run plan ${inputs.planName} in ${environment}`, targets: async () => targets };
  },
  async start(client, inputs, marker) {
    return (
      await client.planRun(planRunRequest({ ...inputs, userdata: withMarker(inputs.userdata, marker) }))
    ).name;
  },
  async recentJobs(client) {
    const items = await recentPlanJobs(client);
    return items.map((job) => ({ name: job.name, state: job.state, userdata: job.userdata }));
  },
  isRunning: (state) => !TERMINAL_PLAN_JOB_STATES.has(state),
  async wait(client, jobName, settings) {
    const result = await waitForPlanJob(client, jobName, {
      ...settings,
      recent: () => recentPlanJobs(client),
    });
    return planOutputs(
      result.planJob,
      client.planJobUrl(jobName),
      outcome(result.planJob),
      result.taskJobIds,
    );
  },
  importedInputs: async (client, jobName) => importedPlanInputs(await client.getPlanJob(jobName)),
  async read(client, jobName, call) {
    const record = await client.getPlanJob(jobName, call);
    const taskJobIds = await planTaskJobIds(client, jobName, { record, call });
    return planOutputs(record, client.planJobUrl(jobName), outcome(record), taskJobIds);
  },
  isFailure: (outputs) => outputs.state !== "success",
  describeFailure: describePlanError,
};

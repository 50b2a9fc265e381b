import {
  type OrchestratorClient,
  type PlanJob,
  type PlanMetadata,
  type PlanRunRequest,
  TERMINAL_PLAN_JOB_STATES,
  waitForPlanJob,
} from "../client";
import { isOptionalType, matchesPuppetType } from "../client/puppet-type";
import { type PlanInputs, planInputsSchema } from "./input-schemas";
import type { CheckFailure, JobKind } from "./job-kind";
import { withMarker } from "./job-marker";
import { type PlanJobOutputs, planOutputs } from "./job-outputs";

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

/** Compares `params` with the plan's declared parameters; PE versions without metadata check nothing. */
export function checkPlanParams(
  declared: Record<string, { type?: string; default_value?: unknown }> | null | undefined,
  params: Record<string, unknown>,
  planName: string,
): CheckFailure[] {
  if (!declared || Object.keys(declared).length === 0) return [];
  const failures: CheckFailure[] = [];
  const names = Object.keys(declared).join(", ");
  for (const [key, value] of Object.entries(params)) {
    const parameter = declared[key];
    if (!parameter) {
      failures.push({
        property: "params",
        reason: `plan ${planName} has no parameter '${key}' (it takes: ${names})`,
      });
    } else if (parameter.type && !matchesPuppetType(parameter.type, value)) {
      failures.push({
        property: "params",
        reason: `parameter '${key}' of plan ${planName} must be ${parameter.type}, got ${JSON.stringify(value)}`,
      });
    }
  }
  for (const [key, parameter] of Object.entries(declared)) {
    const optional = parameter.default_value !== undefined || isOptionalType(parameter.type ?? "Any");
    if (!optional && !(key in params)) {
      failures.push({
        property: "params",
        reason: `plan ${planName} requires parameter '${key}' (${parameter.type ?? "Any"})`,
      });
    }
  }
  return failures;
}

/** Plan metadata per orchestrator, environment and plan, fetched once per provider process (one per preview). */
const metadataCache = new Map<string, Promise<PlanMetadata>>();

function planMetadata(
  client: OrchestratorClient,
  planName: string,
  environment: string,
): Promise<PlanMetadata> {
  const key = `${client.apiUrl} ${environment} ${planName}`;
  let metadata = metadataCache.get(key);
  if (!metadata) {
    metadata = client.getPlan(planName, environment);
    // A failed lookup is not kept: the next check asks again.
    metadata.catch(() => metadataCache.delete(key));
    metadataCache.set(key, metadata);
  }
  return metadata;
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
  async checkAgainstOrchestrator(client, inputs) {
    const metadata = await planMetadata(client, inputs.planName, inputs.environment ?? "production");
    return checkPlanParams(metadata.metadata?.parameters, inputs.params ?? {}, inputs.planName);
  },
  async start(client, inputs, marker) {
    return (
      await client.planRun(planRunRequest({ ...inputs, userdata: withMarker(inputs.userdata, marker) }))
    ).name;
  },
  async recentJobs(client) {
    const list = await client.listPlanJobs({
      order_by: "timestamp",
      order: "desc",
      limit: 100,
      results: "exclude",
    });
    return list.items.map((job) => ({ name: job.name, state: job.state, userdata: job.userdata }));
  },
  isRunning: (state) => !TERMINAL_PLAN_JOB_STATES.has(state),
  async wait(client, jobName, settings) {
    const result = await waitForPlanJob(client, jobName, settings);
    return planOutputs(result.planJob, client.planJobUrl(jobName), outcome(result.planJob));
  },
  async read(client, jobName) {
    const record = await client.getPlanJob(jobName);
    return planOutputs(record, client.planJobUrl(jobName), outcome(record));
  },
  isFailure: (outputs) => outputs.state !== "success",
  describeFailure(outputs) {
    if (!outputs.error) return "the plan reported no error";
    return `plan error ${outputs.error.kind ?? ""}: ${outputs.error.msg ?? ""}`.trim();
  },
};

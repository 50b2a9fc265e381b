import {
  type OrchestratorClient,
  type PlanJob,
  type PlanMetadata,
  type PlanRunRequest,
  TERMINAL_PLAN_JOB_STATES,
  waitForPlanJob,
} from "../client";
import { cachedMetadata } from "./cached-metadata";
import { checkParams } from "./check-params";
import { type PlanInputs, planInputsSchema } from "./input-schemas";
import type { JobKind } from "./job-kind";
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

function planMetadata(
  client: OrchestratorClient,
  planName: string,
  environment: string,
): Promise<PlanMetadata> {
  return cachedMetadata(`${client.apiUrl} plan ${environment} ${planName}`, () =>
    client.getPlan(planName, environment),
  );
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
    const result = await waitForPlanJob(client, jobName, {
      timeoutMs: settings.timeoutMs,
      onProgress: settings.onProgress,
    });
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

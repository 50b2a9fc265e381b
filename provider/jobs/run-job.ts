import type { CommonJobOutputs } from "../kinds/job-outputs";
import { settleInFlight } from "../recovery/in-flight-journal";
import { startOrRecoverJob } from "../recovery/start-or-recover-job";
import type { Props } from "../resource/host";
import { ADOPT_KEY, recordedOutputs, userInputs } from "../resource/resource-props";
import { failedJob, type JobResource, statusLine } from "./job-resource";
import { waitForRun } from "./wait-for-run";

/**
 * `create`: starts the job (or takes the one an interrupted run started, or the adopted one) and waits for it.
 * The journal entry stays until a later operation shows the engine recorded this job (settleInFlight).
 */
export async function createJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  resource: JobResource<I, O>,
  urn: string | undefined,
  props: Props,
): Promise<{ id: string; outs: Props }> {
  const { kind, host, clientFor } = resource;
  const inputs = userInputs(props);
  const parsed = kind.schema.parse(inputs);
  const client = clientFor(inputs);
  const adopted = inputs[ADOPT_KEY];
  const { jobName, recovered } =
    typeof adopted === "string"
      ? { jobName: adopted, recovered: undefined }
      : await startOrRecoverJob(kind, client, parsed, urn);
  // a job started just now is what its inputs say; an adopted or recovered one is read first
  const started = typeof adopted !== "string" && !recovered;
  if (recovered) void host.log(`${kind.typeName}: ${recovered}`, { urn, severity: "warning" });
  const status = statusLine(host, urn);
  status.show(() => `${kind.typeName}: ${kind.jobNoun} ${jobName} started`);
  const sketch = started ? kind.sketch?.(parsed) : undefined;
  const outputs = await waitForRun(resource, client, jobName, props, status, sketch);
  if (kind.isFailure(outputs) && parsed.failOnJobFailure !== false)
    failedJob(kind, jobName, outputs, props, "failed");
  return { id: jobName, outs: { ...inputs, ...outputs } };
}

/**
 * `update`: no API call, unless the job was recorded before it ended (a failed wait, a refresh mid-job): then it
 * waits for the job and records how it really ended. A failed job stays failed: `up` keeps saying so until
 * triggers change or the failure is accepted.
 */
export async function updateJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  resource: JobResource<I, O>,
  urn: string | undefined,
  id: string,
  olds: Props,
  news: Props,
): Promise<{ outs: Props }> {
  const { kind, host, clientFor } = resource;
  settleInFlight(urn, id);
  const inputs = userInputs(news);
  let outputs = recordedOutputs(olds) as unknown as O;
  // the latest job: the resource's own, or the last one a converging deploy ran
  const jobName = typeof outputs.jobId === "string" ? outputs.jobId : id;
  if (kind.isRunning(outputs.state))
    outputs = await waitForRun(resource, clientFor(inputs), jobName, news, statusLine(host, urn));
  if (kind.isFailure(outputs) && inputs.failOnJobFailure !== false)
    failedJob(kind, jobName, outputs, news, "had failed");
  return { outs: { ...inputs, ...outputs } };
}

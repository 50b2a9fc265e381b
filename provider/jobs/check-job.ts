import { checkRemotely } from "../kinds/check-remotely";
import type { JobKind } from "../kinds/job-kind";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { previewRun } from "../preview/preview-run";
import { canonicalJson } from "../resource/canonical-json";
import type { Props } from "../resource/host";
import { type CheckFailure, checkConnection } from "../resource/resource-operations";
import { ADOPT_KEY, hideParams, userInputs } from "../resource/resource-props";
import { validateInputs } from "../resource/validate-inputs";
import { type JobResource, warnBeforeRun } from "./job-resource";

/**
 * `check` of a job resource: the inputs' schema, the connection, what only the orchestrator can tell (plan,
 * params), and for a resource `up` would create or replace, what its job will run on. Starts nothing.
 */
export async function checkJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  resource: JobResource<I, O>,
  urn: string | undefined,
  olds: Props,
  news: Props,
): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  const { kind, host, clients, clientFor } = resource;
  const inputs = userInputs(news);
  const { failures, value, hasUnknowns } = validateInputs(kind.schema, inputs);
  if (failures.length === 0 && value && !hasUnknowns) {
    const connectionFailure = await checkConnection(inputs, clients.settings);
    if (connectionFailure) failures.push(connectionFailure);
    // inputs as they were when last checked start nothing new: no need to ask the orchestrator again
    else if (kind.checkAgainstOrchestrator && inputsChanged(olds, inputs))
      failures.push(...(await checkRemotely(kind, value, () => clientFor(inputs))));
    // Only for a resource `up` would create or replace: what its job will run on.
    if (failures.length === 0 && runsJob(kind, olds, news)) {
      const log = (message: string, severity: "info" | "warning") => host.log(message, { urn, severity });
      failures.push(...(await previewRun(kind, clientFor(inputs), value, log, (m) => hideParams(m, news))));
    }
  }
  // No old inputs: a resource not created yet, which will start a job. Say now what is worth a look (diff does it
  // for replaces).
  if (failures.length === 0 && value && Object.keys(olds).length === 0)
    await warnBeforeRun(resource, value, urn);
  return { inputs: news, failures };
}

/** Whether the user's inputs differ from the old ones (or there are none: a create). */
function inputsChanged(olds: Props, inputs: Props): boolean {
  const before = userInputs(olds);
  return Object.keys(before).length === 0 || canonicalJson(before) !== canonicalJson(inputs);
}

/**
 * Whether `up` would start a job for these inputs: a create (no old inputs) or a change of what runs (a replace),
 * unless the resource adopts an existing job (`importJobId`).
 */
function runsJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  olds: Props,
  news: Props,
): boolean {
  const after = userInputs(news);
  if (after[ADOPT_KEY] !== undefined) return false;
  const before = userInputs(olds);
  if (Object.keys(before).length === 0) return true;
  return kind.replaceKeys.some((key) => canonicalJson(before[key]) !== canonicalJson(after[key]));
}

import { randomUUID } from "node:crypto";
import {
  baselineSince,
  type CodeDeployEnvironments,
  type CodeDeployOutcome,
  type CodeDeployProgress,
  CodeDeployWaitError,
  type CodeManagerClient,
  deployCode,
  environmentsFromStatus,
  followCodeDeploy,
  OrchestratorError,
} from "../pe";
import {
  type InFlightEntry,
  interruptedCreate,
  removeInFlight,
  writeInFlight,
} from "../recovery/in-flight-journal";
import { hashInputs } from "../recovery/job-marker";
import { EngineCancelled, type Host, type Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { StatusLine } from "../resource/status-line";
import type { CodeDeployInputs } from "./code-deploy-inputs";
import { type CodeDeployOutputs, idOf, outputsOf } from "./code-deploy-outputs";
import { cancelledError, standingAfterCancel, TYPE } from "./code-deploy-outcome";

/** Inputs that change what is deployed: a change replaces the resource (a new code deploy). */
export const REPLACE_KEYS = ["environments", "deployAll", "expectedSignature", "triggers"] as const;

/**
 * The resource's status line: each environment's latest known status (from `/deploys/status`, read every few
 * seconds) and the time since the deploy started, which moves every 2 s with no request.
 */
export function progressStatus(host: Host, urn: string | undefined, what: string) {
  const line = new StatusLine((message) => host.log(message, { urn, ephemeral: true }));
  let origin = Date.now();
  let environments: CodeDeployProgress["environments"] = {};
  const render = () => {
    const envs = Object.entries(environments)
      .map(([env, status]) => `${env} ${status}`)
      .join(", ");
    return `${TYPE}: ${envs || `deploying ${what}`} (${Math.round((Date.now() - origin) / 1000)}s)`;
  };
  line.show(render);
  return {
    onProgress: (progress: CodeDeployProgress) => {
      origin = Date.now() - progress.elapsedMs;
      environments = progress.environments;
      line.show(render);
    },
    close: () => line.close(),
  };
}

/**
 * The journal entry of the deploy an interrupted run of this resource sent with these inputs, when Code Manager
 * shows it: `create` takes its outcome instead of deploying again.
 */
async function interruptedDeploy(
  host: Host,
  client: CodeManagerClient,
  names: CodeDeployEnvironments,
  inputsHash: string,
  urn: string | undefined,
): Promise<InFlightEntry | undefined> {
  const previous = urn ? interruptedCreate(urn, client.apiUrl, inputsHash) : undefined;
  if (!previous) return undefined;
  const status = await client.deploysStatus();
  const since = baselineSince(previous.startedAt);
  if (!environmentsFromStatus(status, names, since).some((e) => e.status !== "unknown")) return undefined;
  void host.log(
    `${TYPE}: took the code deploy started by an interrupted run at ${previous.startedAt} instead of deploying again`,
    { urn, severity: "warning" },
  );
  return previous;
}

/**
 * `create`'s deploy: sends it (or takes the one an interrupted run sent) and waits for its outcome, journalled so
 * that a crash is recovered by the next create. The engine's Cancel (Ctrl-C, SIGTERM) ends the wait.
 */
export async function deployAndWait(
  host: Host,
  client: CodeManagerClient,
  inputs: CodeDeployInputs,
  props: Props,
  urn?: string,
): Promise<CodeDeployOutcome> {
  const timeoutMs = inputs.waitTimeoutSeconds === undefined ? undefined : inputs.waitTimeoutSeconds * 1000;
  const inputsHash = hashInputs(inputs, REPLACE_KEYS);

  const what = inputs.environments?.join(", ") ?? "all environments";
  const names: CodeDeployEnvironments = inputs.environments ?? "all";
  const previous = await interruptedDeploy(host, client, names, inputsHash, urn);
  const taken = previous !== undefined;
  const entry = previous ?? {
    urn: urn ?? "",
    apiUrl: client.apiUrl,
    inputsHash,
    attempt: randomUUID(),
    startedAt: new Date().toISOString(),
  };
  // Until a later operation shows the engine recorded this resource (settleInFlight), the entry stays: a crash
  // before that is recovered by the next create. It names the resource id, so that operation can settle it.
  const record = (outputs: CodeDeployOutputs) => {
    if (urn) writeInFlight({ ...entry, jobId: idOf(outputs) });
  };
  if (urn && !taken) writeInFlight(entry);
  const status = progressStatus(host, urn, what);
  const onProgress = status.onProgress;
  const signal = host.signal();
  try {
    const outcome = taken
      ? await followCodeDeploy(client, names, baselineSince(entry.startedAt), {
          startedAt: entry.startedAt,
          timeoutMs,
          onProgress,
          signal,
        })
      : await deployCode(
          client,
          { environments: inputs.environments, deployAll: inputs.deployAll },
          { timeoutMs, onProgress, signal },
        );
    record(outputsOf(outcome));
    if (outcome.recoveredFromStatus) {
      void host.log(
        `${TYPE}: the deploy request's answer was lost (${outcome.recoveredFromStatus}); its outcome was read from /deploys/status`,
        { urn, severity: "warning" },
      );
    }
    return outcome;
  } catch (error) {
    if (signal.reason instanceof EngineCancelled) {
      const outputs = await standingAfterCancel(client, names, entry.startedAt);
      record(outputs);
      throw cancelledError(outputs, props);
    }
    if (error instanceof CodeDeployWaitError && error.reason === "deadline") {
      // Recorded while deploying: the next `up` waits for it (update) instead of deploying again.
      const outputs = outputsOf({ environments: error.environments, startedAt: error.startedAt });
      record(outputs);
      throw new JobFailedError(
        `${TYPE}: ${error.message} (waitTimeoutSeconds: ${inputs.waitTimeoutSeconds}; raise it if deploys need longer)`,
        idOf(outputs),
        { ...props, ...outputs },
      );
    }
    // Refused, or it never reached Code Manager: nothing to take over. Otherwise the entry stays, and the next
    // create takes the deploy if /deploys/status shows one.
    const nothingDeployed =
      (error instanceof CodeDeployWaitError && error.reason === "lost") ||
      (error instanceof OrchestratorError && error.status !== undefined && error.status < 500);
    if (urn && nothingDeployed) removeInFlight(urn);
    throw error instanceof Error
      ? new Error(`${TYPE} of ${what}: ${error.message}`, { cause: error })
      : error;
  } finally {
    status.close();
  }
}

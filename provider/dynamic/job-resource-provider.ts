import type * as pulumi from "@pulumi/pulumi";
import {
  type ConnectionSettings,
  ConnectionSettingsError,
  JobWaitError,
  OrchestratorClient,
  OrchestratorError,
  resolveConnectionSettings,
  type WaitProgress,
} from "../client";
import { isTlsTrustError } from "../client/error-hints";
import { ALL_OUTPUT_KEYS } from "../output-keys";
import { canonicalJson } from "./canonical-json";
import { clientCache, connectionOptions, engineLogger } from "./client-cache";
import { logToEngine } from "./engine-log";
import { readInFlight, removeInFlight } from "./in-flight-journal";
import { JobFailedError } from "./job-failed-error";
import type { CheckFailure, JobKind } from "./job-kind";
import type { CommonJobOutputs } from "./job-outputs";
import { startOrRecoverJob } from "./start-or-recover-job";
import { validateInputs } from "./validate-inputs";

type Props = Record<string, unknown>;

/** Keys the provider or the resource class add to the inputs: never user inputs. */
const INTERNAL_KEYS = new Set<string>(["__provider", "__urn", ...ALL_OUTPUT_KEYS]);
/** The `importJobId` input adopts an existing job: changing it is a different job. */
const ADOPT_KEY = "importJobId";

/** The user's inputs among stored properties (which also hold outputs and internal keys). */
export function userInputs(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !INTERNAL_KEYS.has(key)));
}

/** The user inputs whose values differ between stored properties and new inputs. */
export function changedInputs(olds: Props, news: Props): string[] {
  const before = userInputs(olds);
  const after = userInputs(news);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key]));
}

const connectionSettings = (props: Props) => resolveConnectionSettings(connectionOptions(props));

const clientFor = clientCache(
  (props) => new OrchestratorClient(connectionSettings(props), { logger: engineLogger }),
);

function progressLine(typeName: string, jobNoun: string, progress: WaitProgress): string {
  const nodes = Object.entries(progress.nodeStates)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
  const seconds = Math.round(progress.elapsedMs / 1000);
  return [
    `${typeName}: ${jobNoun} ${progress.jobName} ${progress.state} (${seconds}s)`,
    nodes && `nodes: ${nodes}`,
    progress.lastMessage && `last event: ${progress.lastMessage}`,
  ]
    .filter(Boolean)
    .join("; ");
}

/**
 * The dynamic provider of one resource type, over the orchestrator client. `check` validates before any API
 * call; `create` starts the job and waits; `read` refreshes the job's record; `update` and `delete` make no
 * API call (a finished job cannot be changed or undone).
 */
export function jobResourceProvider<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
): pulumi.dynamic.ResourceProvider {
  // `props` are all of the resource's properties: a partial failure must keep `__provider` in state.
  const fail = (jobName: string, outputs: O, props: Props, what: string): never => {
    throw new JobFailedError(
      `${kind.typeName} ${kind.jobNoun} ${jobName} ${what} (state ${outputs.state}): ${kind.describeFailure(outputs)}. ` +
        `Job URL: ${outputs.jobUrl}. It is recorded in the stack; to run it again, change the resource's ` +
        `triggers, or set failOnJobFailure: false to accept this outcome.`,
      jobName,
      { ...props, ...outputs },
    );
  };

  const waitFor = async (client: OrchestratorClient, jobName: string, props: Props): Promise<O> => {
    const timeoutSeconds = props.waitTimeoutSeconds as number | undefined;
    const urn = typeof props.__urn === "string" ? props.__urn : undefined;
    try {
      return await kind.wait(client, jobName, {
        timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
        onProgress: (progress) =>
          void logToEngine(progressLine(kind.typeName, kind.jobNoun, progress), { urn, ephemeral: true }),
      });
    } catch (error) {
      if (!(error instanceof JobWaitError)) throw error;
      // Record what is known of the job, so that the next `up` or a `refresh` finds it again.
      const outputs = await kind.read(client, jobName).catch(() => undefined);
      throw new JobFailedError(
        `${kind.typeName}: ${error.message}` +
          (error.reason === "deadline"
            ? ` (waitTimeoutSeconds: ${timeoutSeconds}; raise it if the job needs longer)`
            : ""),
        jobName,
        {
          ...props,
          ...(outputs ?? { jobId: jobName, jobUrl: error.jobUrl, state: error.lastState ?? "unknown" }),
        },
      );
    }
  };

  return {
    async check(_olds: Props, news: Props) {
      const inputs = userInputs(news);
      const { failures, value, hasUnknowns } = validateInputs(kind.schema, inputs);
      if (failures.length === 0 && value && !hasUnknowns) {
        const connectionFailure = await checkConnection(inputs);
        if (connectionFailure) failures.push(connectionFailure);
        else if (kind.checkAgainstOrchestrator) failures.push(...(await checkRemotely(kind, value, inputs)));
      }
      return { inputs: news, failures };
    },

    async diff(id: string, olds: Props, news: Props) {
      settleInFlight(id, news);
      const changed = changedInputs(olds, news);
      const replaceKeys = new Set<string>([...kind.replaceKeys, ADOPT_KEY]);
      const replaces = changed.filter((key) => replaceKeys.has(key));
      // A job recorded while still running (a failed wait, a refresh mid-job) is waited for by `update`.
      const unfinished = typeof olds.state === "string" && kind.isRunning(olds.state);
      return { changes: changed.length > 0 || unfinished, replaces, deleteBeforeReplace: false };
    },

    async create(props: Props) {
      const inputs = userInputs(props);
      const parsed = kind.schema.parse(inputs);
      const client = clientFor(inputs);
      const urn = typeof props.__urn === "string" ? props.__urn : undefined;
      const adopted = inputs[ADOPT_KEY];
      const { jobName, recovered } =
        typeof adopted === "string"
          ? { jobName: adopted, recovered: undefined }
          : await startOrRecoverJob(kind, client, parsed, urn);
      if (recovered) void logToEngine(`${kind.typeName}: ${recovered}`, { urn, severity: "warning" });
      void logToEngine(`${kind.typeName}: ${kind.jobNoun} ${jobName} started`, { urn, ephemeral: true });
      // The journal entry stays until a later operation shows the engine recorded this job (settleInFlight).
      const outputs = await waitFor(client, jobName, props);
      if (kind.isFailure(outputs) && parsed.failOnJobFailure !== false)
        fail(jobName, outputs, props, "failed");
      return { id: jobName, outs: { ...inputs, __urn: urn, ...outputs } };
    },

    async read(id: string, props: Props) {
      const inputs = userInputs(props);
      const client = clientFor(inputs);
      try {
        const outputs = await kind.read(client, id);
        return { id, props: { ...inputs, __urn: props.__urn, ...outputs } };
      } catch (error) {
        // A job the orchestrator no longer knows is gone: an empty id tells the engine so.
        if (error instanceof OrchestratorError && error.status === 404) return { id: "", props: {} };
        throw error;
      }
    },

    async update(id: string, olds: Props, news: Props) {
      settleInFlight(id, news);
      const inputs = userInputs(news);
      let outputs = Object.fromEntries(
        Object.entries(olds).filter(
          ([key]) => INTERNAL_KEYS.has(key) && key !== "__provider" && key !== "__urn",
        ),
      ) as unknown as O;
      // Recorded before it ended: wait for the job now and record how it really ended.
      if (kind.isRunning(outputs.state)) outputs = await waitFor(clientFor(inputs), id, news);
      // A failed job stays failed: `up` keeps saying so until triggers change or the failure is accepted.
      if (kind.isFailure(outputs) && inputs.failOnJobFailure !== false) fail(id, outputs, news, "had failed");
      return { outs: { ...inputs, __urn: news.__urn, ...outputs } };
    },

    async delete(id: string, props: Props) {
      settleInFlight(id, props);
      // Nothing to undo: a job's record stays in the orchestrator's history.
    },
  };
}

/**
 * The engine calls diff, update or delete only for a resource it has in state: if the in-flight journal still
 * names this job, the create that started it was recorded, and the entry can go. Until then a crash that lost
 * the create's answer (the engine died, the provider finished the wait) is recovered by the next create.
 */
export function settleInFlight(id: string, props: Props): void {
  const urn = props.__urn;
  if (typeof urn === "string" && readInFlight(urn)?.jobId === id) removeInFlight(urn);
}

/**
 * Resolves the connection settings and reads the token, so that a wrong URL, CA or token file fails `preview`
 * naming the setting to fix, before any request.
 */
export async function checkConnection(
  inputs: Props,
  resolve: (inputs: Props) => ConnectionSettings = connectionSettings,
): Promise<CheckFailure | undefined> {
  try {
    await resolve(inputs).token.get();
    return undefined;
  } catch (error) {
    if (!(error instanceof ConnectionSettingsError)) throw error;
    // `setting` may carry where it came from ("connection.tokenFile (/path)"): the property is the first word.
    const setting = error.setting?.split(" ")[0];
    const property = setting?.startsWith("connection.") ? setting : "connection";
    return { property, reason: `${error.message} (set it in the resource's connection or in pe:* config)` };
  }
}

/** Checks needing the orchestrator (plan and params); skipped quietly when it cannot be reached. */
async function checkRemotely<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  value: I,
  inputs: Props,
): Promise<CheckFailure[]> {
  let client: OrchestratorClient;
  try {
    client = clientFor(inputs);
  } catch (error) {
    if (error instanceof ConnectionSettingsError) return [];
    throw error;
  }
  try {
    return (await kind.checkAgainstOrchestrator?.(client, value)) ?? [];
  } catch (error) {
    if (!(error instanceof OrchestratorError)) return [];
    if (error.status === 404) {
      const property = error.kind?.endsWith("unknown-environment") ? "environment" : "planName";
      return [{ property, reason: `${error.msg ?? error.message}` }];
    }
    // Problems a later `up` could not get past either: say so now, naming what to fix.
    if (error.status === 401) return [{ property: "connection", reason: error.message }];
    if (error.status === 403) return [{ property: "planName", reason: error.message }];
    if (isTlsTrustError(error.code)) return [{ property: "connection.cacert", reason: error.message }];
    // Unreachable or anything else: `create` reports it with full context.
    return [];
  }
}

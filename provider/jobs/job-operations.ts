import { ConnectionSettingsError, JobWaitError, type OrchestratorClient, OrchestratorError } from "../pe";
import { isTlsTrustError } from "../pe/http/error-hints";
import type { ConnectionSettings } from "../pe";
import type { JobSketch } from "../wait";
import { suggestEnvironment, suggestPlan, suggestTask } from "../preview/known-names";
import { previewRun } from "../preview/preview-run";
import { settleInFlight } from "../recovery/in-flight-journal";
import { startOrRecoverJob } from "../recovery/start-or-recover-job";
import { canonicalJson } from "./canonical-json";
import { connections } from "./client-cache";
import { EngineCancelled, type Host, type Props } from "./host";
import { JobFailedError } from "./job-failed-error";
import type { CheckFailure, JobKind } from "./job-kind";
import type { CommonJobOutputs } from "./job-outputs";
import { progressLine } from "./progress-line";
import { ADOPT_KEY, changedInputs, hideParams, INTERNAL_KEYS, userInputs } from "./resource-props";
import { StatusLine } from "./status-line";
import { validateInputs } from "./validate-inputs";

/**
 * A resource type's operations, in the engine's terms but tied to no engine face: each takes the resource's URN
 * and its properties as the engine holds them, and returns what the engine records. A face translates to and
 * from its own protocol (the dynamic provider's, the plugin's).
 */
export interface ResourceOperations {
  check(
    urn: string | undefined,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(
    urn: string | undefined,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string | undefined, props: Props): Promise<{ id: string; outs: Props }>;
  read(urn: string | undefined, id: string, props: Props): Promise<{ id: string; props: Props }>;
  /** `pulumi import`: the resource an existing job (or deploy) is, and the inputs a program would declare. */
  adopt(urn: string | undefined, id: string): Promise<{ id: string; props: Props; inputs: Props }>;
  update(urn: string | undefined, id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(urn: string | undefined, id: string, props: Props): Promise<void>;
}

/**
 * The operations of one job resource type, over the orchestrator client. `check` validates before any API
 * call; `create` starts the job and waits; `read` refreshes the job's record; `update` and `delete` make no
 * API call (a finished job cannot be changed or undone).
 */
export function jobOperations<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  host: Host,
): ResourceOperations {
  const clients = connections(host);
  const clientFor = clients.orchestrator;

  // `props` are all of the resource's properties: a partial failure must keep a face's own keys in state.
  const fail = (jobName: string, outputs: O, props: Props, what: string): never => {
    throw new JobFailedError(
      `${kind.typeName} ${kind.jobNoun} ${jobName} ${what} (state ${outputs.state}): ` +
        `${hideParams(kind.describeFailure(outputs), props)}. ` +
        `Job URL: ${outputs.jobUrl}. It is recorded in the stack; to run it again, change the resource's ` +
        `triggers, or set failOnJobFailure: false to accept this outcome.`,
      jobName,
      { ...props, ...outputs },
    );
  };

  const statusLine = (urn: string | undefined) =>
    new StatusLine((message) => host.log(message, { urn, ephemeral: true }));

  /** Shows the kind's warnings about a job that is about to start on the resource's row (preview and up). */
  const warn = async (value: I, urn: string | undefined): Promise<void> => {
    for (const message of kind.warnings?.(value) ?? [])
      await host.log(`${kind.typeName}: ${message}`, { urn, severity: "warning" });
  };

  const waitFor = async (
    client: OrchestratorClient,
    jobName: string,
    props: Props,
    status: StatusLine,
    sketch?: JobSketch,
  ): Promise<O> => {
    const timeoutSeconds = props.waitTimeoutSeconds as number | undefined;
    // the engine's Cancel (Ctrl-C, SIGTERM) ends every wait; so does the engine's death
    const signal = host.signal();
    try {
      return await kind.wait(client, jobName, {
        timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
        signal,
        stopOnAbort: (reason) => reason instanceof EngineCancelled && props.stopOnCancel === true,
        sketch,
        onProgress: (progress) => {
          // re-rendered while nothing changes, so the elapsed time keeps moving
          const at = Date.now();
          status.show(() =>
            progressLine(kind.typeName, kind.jobNoun, {
              ...progress,
              elapsedMs: progress.elapsedMs + Date.now() - at,
            }),
          );
        },
      });
    } catch (error) {
      if (!(error instanceof JobWaitError)) throw error;
      const cancelled = error.reason === "aborted" && signal.reason instanceof EngineCancelled;
      // Record what is known of the job, so that the next `up` or a `refresh` finds it again. When cancelled,
      // the engine is waiting on us: the read gets a second at most. When PE could not be reached for the
      // wait's whole budget, one attempt for a few seconds (not a second full budget for the same outage).
      const unreachable = error.reason === "request-failed";
      const read = kind
        .read(client, jobName, unreachable ? { retry: false } : undefined)
        .catch(() => undefined);
      const outputs = await (cancelled
        ? within(read, CANCEL_READ_MS)
        : unreachable
          ? within(read, RECORD_AFTER_FAILURE_MS)
          : read);
      const recorded = {
        ...props,
        ...(outputs ?? { jobId: jobName, jobUrl: error.jobUrl, state: error.lastState ?? "unknown" }),
      };
      const message = cancelled
        ? cancelMessage(kind, jobName, recorded, error.stopped, props.stopOnCancel === true)
        : `${kind.typeName}: ${error.message}` +
          (error.reason === "deadline"
            ? ` (waitTimeoutSeconds: ${timeoutSeconds}; raise it if the job needs longer)`
            : "");
      throw new JobFailedError(hideParams(message, props), jobName, recorded);
    } finally {
      status.close();
    }
  };

  return {
    async check(urn, olds, news) {
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
          failures.push(
            ...(await previewRun(kind, clientFor(inputs), value, log, (m) => hideParams(m, news))),
          );
        }
      }
      // No old inputs: a resource not created yet, which will start a job. Say now what is worth a look (diff
      // does it for replaces).
      if (failures.length === 0 && value && Object.keys(olds).length === 0) await warn(value, urn);
      return { inputs: news, failures };
    },

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedInputs(olds, news);
      const replaceKeys = new Set<string>([...kind.replaceKeys, ADOPT_KEY]);
      const replaces = changed.filter((key) => replaceKeys.has(key));
      if (replaces.length > 0) {
        const parsed = kind.schema.safeParse(userInputs(news));
        if (parsed.success) await warn(parsed.data, urn);
      }
      // A job recorded while still running (a failed wait, a refresh mid-job) is waited for by `update`.
      const unfinished = typeof olds.state === "string" && kind.isRunning(olds.state);
      return { changes: changed.length > 0 || unfinished, replaces, deleteBeforeReplace: false };
    },

    async create(urn, props) {
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
      const status = statusLine(urn);
      status.show(() => `${kind.typeName}: ${kind.jobNoun} ${jobName} started`);
      // The journal entry stays until a later operation shows the engine recorded this job (settleInFlight).
      const outputs = await waitFor(
        client,
        jobName,
        props,
        status,
        started ? kind.sketch?.(parsed) : undefined,
      );
      if (kind.isFailure(outputs) && parsed.failOnJobFailure !== false)
        fail(jobName, outputs, props, "failed");
      return { id: jobName, outs: { ...inputs, ...outputs } };
    },

    async read(_urn, id, props) {
      const inputs = userInputs(props);
      try {
        const outputs = await kind.read(clientFor(inputs), id);
        return { id, props: { ...inputs, ...outputs } };
      } catch (error) {
        // A job the orchestrator no longer knows is gone: an empty id tells the engine so.
        if (error instanceof OrchestratorError && error.status === 404) return { id: "", props: {} };
        throw error;
      }
    },

    async adopt(_urn, id) {
      const client = clientFor({});
      const [inputs, outputs] = await Promise.all([kind.importedInputs(client, id), kind.read(client, id)]);
      return { id, props: { ...inputs, ...outputs }, inputs };
    },

    async update(urn, id, olds, news) {
      settleInFlight(urn, id);
      const inputs = userInputs(news);
      let outputs = Object.fromEntries(
        Object.entries(olds).filter(
          ([key]) => INTERNAL_KEYS.has(key) && key !== "__provider" && key !== "__urn",
        ),
      ) as unknown as O;
      // Recorded before it ended: wait for the job now and record how it really ended.
      if (kind.isRunning(outputs.state))
        outputs = await waitFor(clientFor(inputs), id, news, statusLine(urn));
      // A failed job stays failed: `up` keeps saying so until triggers change or the failure is accepted.
      if (kind.isFailure(outputs) && inputs.failOnJobFailure !== false) fail(id, outputs, news, "had failed");
      return { outs: { ...inputs, ...outputs } };
    },

    async delete(urn, id) {
      settleInFlight(urn, id);
      // Nothing to undo: a job's record stays in the orchestrator's history.
    },
  };
}

/** Time the record read after a Cancel may take: the engine waits on this operation. */
export const CANCEL_READ_MS = 800;
/** How long the job's record is read for after the wait's polls failed (PE unreachable), before giving up on it. */
const RECORD_AFTER_FAILURE_MS = 5_000;

/** `work`'s value, or undefined if it takes longer than `ms`. */
function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** One line per resource after a Cancel: the job, its state and URL, and what the next `up` does with it. */
function cancelMessage(
  kind: { typeName: string; jobNoun: string },
  jobName: string,
  recorded: Props,
  stopped: boolean,
  stopOnCancel: boolean,
): string {
  const job = `${kind.jobNoun} ${jobName}`;
  const where = `(state ${String(recorded.state)}, ${String(recorded.jobUrl)})`;
  if (stopped)
    return (
      `${kind.typeName}: cancelled; ${job} was stopped in PE (stopOnCancel) ${where}; ` +
      "the next `pulumi up` records how it ended."
    );
  const how = stopOnCancel
    ? `stopping ${job} failed; it may still be running in PE`
    : `${job} keeps running in PE`;
  return (
    `${kind.typeName}: cancelled; ${how} ${where}; ` +
    "the next `pulumi up` waits for it (or `pulumi refresh` reads it)."
  );
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

/**
 * Resolves the connection settings and reads the token, so that a wrong URL, CA or token file fails `preview`
 * naming the setting to fix, before any request.
 */
export async function checkConnection(
  inputs: Props,
  resolve: (inputs: Props) => ConnectionSettings,
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
export async function checkRemotely<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  value: I,
  clientFor: () => OrchestratorClient,
): Promise<CheckFailure[]> {
  let client: OrchestratorClient;
  try {
    client = clientFor();
  } catch (error) {
    if (error instanceof ConnectionSettingsError) return [];
    throw error;
  }
  try {
    return (await kind.checkAgainstOrchestrator?.(client, value)) ?? [];
  } catch (error) {
    if (!(error instanceof OrchestratorError)) return [];
    const subject = kind.subjectInput ?? "(inputs)";
    if (error.status === 404) {
      const property = error.kind?.endsWith("unknown-environment") ? "environment" : subject;
      const names = value as { environment?: string; planName?: string; task?: string };
      const environment = names.environment ?? "production";
      const suggestion =
        property === "environment"
          ? await suggestEnvironment(client, environment)
          : property === "planName" && names.planName
            ? await suggestPlan(client, names.planName, environment)
            : property === "task" && names.task
              ? await suggestTask(client, names.task, environment)
              : "";
      return [{ property, reason: `${error.msg ?? error.message}${suggestion}` }];
    }
    // Problems a later `up` could not get past either: say so now, naming what to fix.
    if (error.status === 401) return [{ property: "connection", reason: error.message }];
    if (error.status === 403) return [{ property: subject, reason: error.message }];
    if (isTlsTrustError(error.code)) return [{ property: "connection.cacert", reason: error.message }];
    // Unreachable or anything else: `create` reports it with full context.
    return [];
  }
}

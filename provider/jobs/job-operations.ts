import type * as pulumi from "@pulumi/pulumi";
import {
  type ConnectionSettings,
  ConnectionSettingsError,
  JobWaitError,
  OrchestratorClient,
  OrchestratorError,
  resolveConnectionSettings,
} from "../pe";
import type { DurationEstimate, JobSketch, WaitProgress } from "../wait";
import { isTlsTrustError } from "../pe/http/error-hints";
import { ALL_OUTPUT_KEYS, SECRET_PARAMS_KEY } from "../jobs/output-keys";
import { canonicalJson } from "../jobs/canonical-json";
import { EngineCancelled, engineCancelled } from "./engine-cancel";
import { clientCache, connectionOptions, engineLogger } from "./client-cache";
import { logToEngine } from "../engine/engine-log";
import { exitWithEngine } from "../engine/exit-with-engine";
import { readInFlight, removeInFlight } from "../recovery/in-flight-journal";
import { JobFailedError } from "../jobs/job-failed-error";
import type { CheckFailure, JobKind } from "../jobs/job-kind";
import type { CommonJobOutputs } from "../jobs/job-outputs";
import { suggestEnvironment, suggestPlan, suggestTask } from "../preview/known-names";
import { previewRun } from "../preview/preview-run";
import { startOrRecoverJob } from "../recovery/start-or-recover-job";
import { StatusLine } from "../engine/status-line";
import { validateInputs } from "../jobs/validate-inputs";

type Props = Record<string, unknown>;

/** Keys the provider or the resource class add to the inputs: never user inputs. */
const INTERNAL_KEYS = new Set<string>(["__provider", "__urn", SECRET_PARAMS_KEY, ...ALL_OUTPUT_KEYS]);
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
  const step = progress.step;
  // A plan's progress is its running step's: "step 2: command job 14 on 40 nodes: 31 finished, 1 failed".
  const stepLine =
    step &&
    `step ${step.number}: ${step.action} job ${step.jobName}` +
      (step.nodeCount !== undefined ? ` on ${step.nodeCount} node${step.nodeCount === 1 ? "" : "s"}` : "") +
      (nodes ? `: ${nodes}` : "") +
      (step.state && step.state !== "running" ? ` (${step.state})` : "");
  return [
    `${typeName}: ${jobNoun} ${progress.jobName} ${progress.state} (${seconds}s)`,
    stepLine || (nodes && `nodes: ${nodes}`),
    progress.lastMessage && `last event: ${progress.lastMessage}`,
    progress.estimate && expectedLine(progress.estimate),
  ]
    .filter(Boolean)
    .join("; ");
}

/** What the wait expects and why: "expected ~31s (3 earlier runs, same nodes, other job)". */
export function expectedLine(estimate: DurationEstimate): string {
  const seconds = Math.max(1, Math.round(estimate.durationMs / 1000));
  const basis =
    estimate.source === "history"
      ? `${estimate.samples ?? 1} earlier run${estimate.samples === 1 ? "" : "s"}, ${estimate.basis ?? "same job"}`
      : estimate.source === "progress"
        ? "from the nodes' progress"
        : "given";
  return `expected ~${seconds}s (${basis})`;
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
      `${kind.typeName} ${kind.jobNoun} ${jobName} ${what} (state ${outputs.state}): ` +
        `${hideParams(kind.describeFailure(outputs), props)}. ` +
        `Job URL: ${outputs.jobUrl}. It is recorded in the stack; to run it again, change the resource's ` +
        `triggers, or set failOnJobFailure: false to accept this outcome.`,
      jobName,
      { ...props, ...outputs },
    );
  };

  const waitFor = async (
    client: OrchestratorClient,
    jobName: string,
    props: Props,
    status: StatusLine,
    sketch?: JobSketch,
  ): Promise<O> => {
    const timeoutSeconds = props.waitTimeoutSeconds as number | undefined;
    // the engine's Cancel (Ctrl-C, SIGTERM) ends every wait; so does the engine's death (the process exits)
    const signal = AbortSignal.any([engineCancelled(), exitWithEngine()]);
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
      // the engine is waiting on us: the read gets a second at most.
      const read = kind.read(client, jobName).catch(() => undefined);
      const outputs = await (cancelled ? within(read, CANCEL_READ_MS) : read);
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
    async check(olds: Props, news: Props) {
      const inputs = userInputs(news);
      const { failures, value, hasUnknowns } = validateInputs(kind.schema, inputs);
      if (failures.length === 0 && value && !hasUnknowns) {
        const connectionFailure = await checkConnection(inputs);
        if (connectionFailure) failures.push(connectionFailure);
        else if (kind.checkAgainstOrchestrator) failures.push(...(await checkRemotely(kind, value, inputs)));
        // Only for a resource `up` would create or replace: what its job will run on.
        if (failures.length === 0 && runsJob(kind, olds, news)) {
          const urn = typeof news.__urn === "string" ? news.__urn : undefined;
          failures.push(
            ...(await previewRun(kind, clientFor(inputs), value, urn, (m) => hideParams(m, news))),
          );
        }
      }
      // No old inputs: a resource not created yet, which will start a job. Say now what is worth a look (diff
      // does it for replaces).
      if (failures.length === 0 && value && Object.keys(olds).length === 0) await warn(kind, value, news);
      return { inputs: news, failures };
    },

    async diff(id: string, olds: Props, news: Props) {
      settleInFlight(id, news);
      const changed = changedInputs(olds, news);
      const replaceKeys = new Set<string>([...kind.replaceKeys, ADOPT_KEY]);
      const replaces = changed.filter((key) => replaceKeys.has(key));
      if (replaces.length > 0) {
        const parsed = kind.schema.safeParse(userInputs(news));
        if (parsed.success) await warn(kind, parsed.data, news);
      }
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
      // a job started just now is what its inputs say; an adopted or recovered one is read first
      const started = typeof adopted !== "string" && !recovered;
      if (recovered) void logToEngine(`${kind.typeName}: ${recovered}`, { urn, severity: "warning" });
      const status = new StatusLine(urn);
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
      if (kind.isRunning(outputs.state)) {
        const status = new StatusLine(typeof news.__urn === "string" ? news.__urn : undefined);
        outputs = await waitFor(clientFor(inputs), id, news, status);
      }
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

/** Time the record read after a Cancel may take: the engine waits on this operation. */
const CANCEL_READ_MS = 800;

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

/**
 * A failure message with the values of secret params hidden. Plans and tasks echo what they were given (a
 * command, a package name) in their errors, and the provider sees params in plain text; the resource says when
 * they hold a secret (SECRET_PARAMS_KEY), and then every string among them is hidden, since which one is secret
 * is not known here.
 */
export function hideParams(message: string, props: Props): string {
  if (props[SECRET_PARAMS_KEY] !== true) return message;
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string" && value.length >= 3) values.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(props.params);
  // longest first, so that a value holding another is hidden whole
  const hidden = values
    .sort((a, b) => b.length - a.length)
    .reduce((text, value) => text.split(value).join("[secret]"), message);
  return hidden === message ? message : `${hidden} (values of params hidden: they hold a secret)`;
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
 * The engine calls diff, update or delete only for a resource it has in state: if the in-flight journal still
 * names this job, the create that started it was recorded, and the entry can go. Until then a crash that lost
 * the create's answer (the engine died, the provider finished the wait) is recovered by the next create.
 */
export function settleInFlight(id: string, props: Props): void {
  const urn = props.__urn;
  if (typeof urn === "string" && readInFlight(urn)?.jobId === id) removeInFlight(urn);
}

/** Shows the kind's warnings about a job that is about to start on the resource's row (preview and up). */
async function warn<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  value: I,
  props: Props,
): Promise<void> {
  const urn = typeof props.__urn === "string" ? props.__urn : undefined;
  for (const message of kind.warnings?.(value) ?? [])
    await logToEngine(`${kind.typeName}: ${message}`, { urn, severity: "warning" });
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

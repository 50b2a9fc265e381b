import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  baselineSince,
  type CodeDeployEnvironments,
  type CodeDeployProgress,
  CodeDeployWaitError,
  CodeManagerClient,
  deployCode,
  type EnvironmentCodeDeploy,
  environmentsFromStatus,
  followCodeDeploy,
  OrchestratorError,
  resolveCodeManagerSettings,
} from "../pe";
import { clientCache, connectionOptions, engineLogger } from "./client-cache";
import { type CodeDeployOutputs, idOf, outputsOf } from "../jobs/code-deploy-outputs";
import { EngineCancelled, engineCancelled } from "./engine-cancel";
import { logToEngine } from "../engine/engine-log";
import { StatusLine } from "../engine/status-line";
import { exitWithEngine } from "../engine/exit-with-engine";
import { readInFlight, removeInFlight, writeInFlight } from "../recovery/in-flight-journal";
import { type CodeDeployInputs, codeDeployInputsSchema } from "../jobs/input-schemas";
import { JobFailedError } from "../jobs/job-failed-error";
import { hashInputs } from "../recovery/job-marker";
import { changedInputs, checkConnection, settleInFlight, userInputs } from "./job-resource-provider";
import { validateInputs } from "../jobs/validate-inputs";

type Props = Record<string, unknown>;

const TYPE = "CodeDeploy";
/** Inputs that change what is deployed: a change replaces the resource (a new code deploy). */
const REPLACE_KEYS = ["environments", "deployAll", "expectedSignature", "triggers"] as const;

const clientFor = clientCache(
  (props) =>
    new CodeManagerClient(resolveCodeManagerSettings(connectionOptions(props)), { logger: engineLogger }),
);

/**
 * The resource's status line: each environment's latest known status (from `/deploys/status`, read every few
 * seconds) and the time since the deploy started, which moves every 2 s with no request.
 */
function progressStatus(urn: string | undefined, what: string) {
  const line = new StatusLine(urn);
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

/** What to do about a failed environment, by Code Manager's error kind. */
function failureHint(deploy: EnvironmentCodeDeploy): string {
  const kind = deploy.error?.kind ?? "";
  if (kind.endsWith("/deploy-failure")) {
    return `check that the control repo has a branch named "${deploy.environment}" and that its Puppetfile deploys (Code Manager's log: /var/log/puppetlabs/puppetserver/puppetserver.log)`;
  }
  return "see Code Manager's log on the primary (/var/log/puppetlabs/puppetserver/puppetserver.log)";
}

/** Throws when the outcome fails the operation: a failed environment, or a commit other than the expected one. */
function checkOutcome(
  parsed: CodeDeployInputs,
  outputs: CodeDeployOutputs,
  id: string,
  props: Props,
  when: string,
): void {
  const failed = outputs.deploys.filter((d) => d.status === "failed");
  if (failed.length > 0 && parsed.failOnJobFailure !== false) {
    const what = failed
      .map(
        (d) =>
          `${d.environment} (${d.error?.kind ?? "failed"}: ${d.error?.msg ?? "no message"}); ${failureHint(d)}`,
      )
      .join("; ");
    throw new JobFailedError(
      `${TYPE}: code deploy ${when} for ${what}. It is recorded in the stack; to deploy again, change the ` +
        "resource's triggers, or set failOnJobFailure: false to accept this outcome.",
      id,
      { ...props, ...outputs },
    );
  }
  const expected = parsed.expectedSignature;
  if (expected === undefined) return;
  const other = outputs.deploys.filter(
    (d) => d.status === "complete" && d.deploySignature && !d.deploySignature.startsWith(expected),
  );
  if (other.length > 0) {
    const what = other.map((d) => `${d.environment} at ${d.deploySignature}`).join(", ");
    throw new JobFailedError(
      `${TYPE}: Code Manager deployed ${what}, not the expected commit ${expected} (expectedSignature): the branch ` +
        "moved since that commit was chosen. Once the branch points at the commit you want, change triggers to " +
        "deploy again, or set expectedSignature to the deployed commit.",
      id,
      { ...props, ...outputs },
    );
  }
}

/** How long a cancelled wait may spend reading where the deploys stand: the engine is waiting on us. */
const CANCEL_READ_MS = 800;

/** The engine's Cancel (Ctrl-C, SIGTERM) ends every wait; so does the engine's death (the process exits). */
const waitSignal = () => AbortSignal.any([engineCancelled(), exitWithEngine()]);

/**
 * After the engine's Cancel: where the deploys stand (read once, briefly), as `deploying` outputs, so that the
 * next `up` waits for them. Code Manager cannot stop a deploy: they go on.
 */
async function standingAfterCancel(
  client: CodeManagerClient,
  names: CodeDeployEnvironments,
  startedAt: string,
): Promise<CodeDeployOutputs> {
  const status = await client
    .deploysStatus({ signal: AbortSignal.timeout(CANCEL_READ_MS) })
    .catch(() => undefined);
  const unknown = (environment: string): EnvironmentCodeDeploy => ({
    environment,
    id: null,
    status: "unknown",
    deploySignature: null,
    fileSync: null,
    error: null,
  });
  const environments = status
    ? environmentsFromStatus(status, names, baselineSince(startedAt))
    : names === "all"
      ? []
      : names.map(unknown);
  return outputsOf({ environments, startedAt });
}

/** The one clear line `up` ends with for a CodeDeploy whose wait the engine cancelled. */
function cancelledError(outputs: CodeDeployOutputs, props: Props): JobFailedError {
  const where =
    outputs.deploys.map((d) => `${d.environment} ${d.status}`).join(", ") || "no environment known";
  return new JobFailedError(
    `${TYPE}: cancelled (the Pulumi engine asked to cancel); Code Manager cannot stop a deploy, so it goes on ` +
      `(${where}). It is recorded in the stack: the next \`pulumi up\` waits for it (or \`pulumi refresh\` reads it).`,
    idOf(outputs),
    { ...props, ...outputs },
  );
}

/**
 * The dynamic provider of `CodeDeploy` (Code Manager is no job API, so it does not go through JobKind). `check`
 * validates before any request; `create` deploys and waits; `read` reports what `/deploys/status` says of the
 * environments; `update` and `delete` make no API call (deployed code is undone by deploying other code).
 */
export function codeDeployProvider(): pulumi.dynamic.ResourceProvider {
  const wait = async (client: CodeManagerClient, inputs: CodeDeployInputs, props: Props, urn?: string) => {
    const timeoutMs = inputs.waitTimeoutSeconds === undefined ? undefined : inputs.waitTimeoutSeconds * 1000;
    const inputsHash = hashInputs(inputs, REPLACE_KEYS);

    const what = inputs.environments?.join(", ") ?? "all environments";
    // An interrupted run of this resource sent this deploy: take its outcome instead of deploying again.
    const previous = urn ? readInFlight(urn) : undefined;
    const names: CodeDeployEnvironments = inputs.environments ?? "all";
    let taken = false;
    if (previous && previous.apiUrl === client.apiUrl && previous.inputsHash === inputsHash) {
      const status = await client.deploysStatus();
      const since = baselineSince(previous.startedAt);
      if (environmentsFromStatus(status, names, since).some((e) => e.status !== "unknown")) {
        taken = true;
        void logToEngine(
          `${TYPE}: took the code deploy started by an interrupted run at ${previous.startedAt} instead of deploying again`,
          { urn, severity: "warning" },
        );
      }
    }
    const entry =
      taken && previous
        ? previous
        : {
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
    const status = progressStatus(urn, what);
    const onProgress = status.onProgress;
    const signal = waitSignal();
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
        void logToEngine(
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
  };

  return {
    async check(_olds: Props, news: Props) {
      const inputs = userInputs(news);
      const { failures, value, hasUnknowns } = validateInputs(codeDeployInputsSchema, inputs);
      if (failures.length === 0 && value && !hasUnknowns) {
        const failure = await checkConnection(inputs, (props) =>
          resolveCodeManagerSettings(connectionOptions(props)),
        );
        if (failure) failures.push(failure);
      }
      return { inputs: news, failures };
    },

    async diff(id: string, olds: Props, news: Props) {
      settleInFlight(id, news);
      const changed = changedInputs(olds, news);
      const replaces = changed.filter((key) => (REPLACE_KEYS as readonly string[]).includes(key));
      // Recorded while still deploying: `update` waits for the outcome.
      return {
        changes: changed.length > 0 || olds.state === "deploying",
        replaces,
        deleteBeforeReplace: false,
      };
    },

    async create(props: Props) {
      const inputs = userInputs(props);
      const parsed = codeDeployInputsSchema.parse(inputs);
      const urn = typeof props.__urn === "string" ? props.__urn : undefined;
      const outputs = outputsOf(await wait(clientFor(inputs), parsed, props, urn));
      const id = idOf(outputs);
      checkOutcome(parsed, outputs, id, props, "failed");
      return { id, outs: { ...inputs, __urn: urn, ...outputs } };
    },

    async read(id: string, props: Props) {
      const inputs = userInputs(props);
      const stored = props.deploys as EnvironmentCodeDeploy[] | undefined;
      const names = stored?.map((d) => d.environment) ?? (inputs.environments as string[] | undefined) ?? [];
      const status = await clientFor(inputs).deploysStatus();
      const now = environmentsFromStatus(status, names);
      const deploys = names.map((environment, i) => {
        const before = stored?.[i];
        const fresh = now[i];
        if (!before) return fresh;
        // Garbage-collected or never seen by this Code Manager: keep what was recorded.
        if (fresh.status === "unknown") return before;
        const same = fresh.deploySignature === before.deploySignature;
        return {
          ...before,
          status: fresh.status,
          deploySignature: fresh.deploySignature ?? before.deploySignature,
          error: fresh.error,
          id: same ? before.id : null,
          fileSync: same ? before.fileSync : null,
        };
      });
      const outputs = outputsOf({
        environments: deploys,
        startedAt: String(props.startedAt ?? ""),
        finishedAt: (props.finishedAt as string | null) ?? undefined,
        durationSeconds: (props.durationSeconds as number | null) ?? undefined,
      });
      return { id, props: { ...inputs, __urn: props.__urn, ...outputs } };
    },

    async update(id: string, olds: Props, news: Props) {
      settleInFlight(id, news);
      const inputs = userInputs(news);
      const parsed = codeDeployInputsSchema.parse(inputs);
      let outputs = {
        state: olds.state,
        deploys: olds.deploys,
        deploySignatures: olds.deploySignatures,
        startedAt: olds.startedAt,
        finishedAt: olds.finishedAt,
        durationSeconds: olds.durationSeconds,
      } as CodeDeployOutputs;
      if (outputs.state === "deploying") {
        // Recorded before it ended: follow the deploy now and record how it ended.
        const names = outputs.deploys.map((d) => d.environment);
        const urn = typeof news.__urn === "string" ? news.__urn : undefined;
        const client = clientFor(inputs);
        const signal = waitSignal();
        const status = progressStatus(urn, names.join(", "));
        const outcome = await followCodeDeploy(client, names, baselineSince(outputs.startedAt), {
          startedAt: outputs.startedAt,
          timeoutMs: parsed.waitTimeoutSeconds === undefined ? undefined : parsed.waitTimeoutSeconds * 1000,
          onProgress: status.onProgress,
          signal,
        })
          .catch((error: unknown) => {
            if (!(signal.reason instanceof EngineCancelled)) throw error;
            return standingAfterCancel(client, names, outputs.startedAt).then((standing) => {
              throw cancelledError(standing, news);
            });
          })
          .finally(() => status.close());
        outputs = outputsOf(outcome);
      }
      checkOutcome(parsed, outputs, id, news, "had failed");
      return { outs: { ...inputs, __urn: news.__urn, ...outputs } };
    },

    async delete(id: string, props: Props) {
      settleInFlight(id, props);
      // Nothing to undo: deployed code is replaced by deploying other code.
    },
  };
}

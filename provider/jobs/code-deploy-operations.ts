import { randomUUID } from "node:crypto";
import {
  baselineSince,
  type CodeDeployEnvironments,
  type CodeDeployProgress,
  CodeDeployWaitError,
  type CodeManagerClient,
  deployCode,
  type EnvironmentCodeDeploy,
  environmentsFromStatus,
  followCodeDeploy,
  OrchestratorError,
} from "../pe";
import {
  interruptedCreate,
  removeInFlight,
  settleInFlight,
  writeInFlight,
} from "../recovery/in-flight-journal";
import { hashInputs } from "../recovery/job-marker";
import { connections } from "./client-cache";
import { type CodeDeployOutputs, idOf, outputsOf } from "./code-deploy-outputs";
import { EngineCancelled, type Host, type Props } from "./host";
import { type CodeDeployInputs, codeDeployInputsSchema } from "./input-schemas";
import { JobFailedError } from "./job-failed-error";
import { CANCEL_READ_MS, checkConnection, type ResourceOperations } from "./job-operations";
import { changedInputs, userInputs } from "./resource-props";
import { StatusLine } from "./status-line";
import { validateInputs } from "./validate-inputs";

const TYPE = "CodeDeploy";
/** Inputs that change what is deployed: a change replaces the resource (a new code deploy). */
const REPLACE_KEYS = ["environments", "deployAll", "expectedSignature", "triggers"] as const;

/**
 * The resource's status line: each environment's latest known status (from `/deploys/status`, read every few
 * seconds) and the time since the deploy started, which moves every 2 s with no request.
 */
function progressStatus(host: Host, urn: string | undefined, what: string) {
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
 * The operations of `CodeDeploy` (Code Manager is no job API, so it does not go through JobKind). `check`
 * validates before any request; `create` deploys and waits; `read` reports what `/deploys/status` says of the
 * environments; `update` and `delete` make no API call (deployed code is undone by deploying other code). A
 * cancelled wait reads where the deploys stand for at most CANCEL_READ_MS.
 */
export function codeDeployOperations(host: Host): ResourceOperations {
  const clients = connections(host);
  const clientFor = clients.codeManager;
  // The engine's Cancel (Ctrl-C, SIGTERM) ends every wait; so does the engine's death.
  const waitSignal = () => host.signal();
  const wait = async (client: CodeManagerClient, inputs: CodeDeployInputs, props: Props, urn?: string) => {
    const timeoutMs = inputs.waitTimeoutSeconds === undefined ? undefined : inputs.waitTimeoutSeconds * 1000;
    const inputsHash = hashInputs(inputs, REPLACE_KEYS);

    const what = inputs.environments?.join(", ") ?? "all environments";
    // An interrupted run of this resource sent this deploy: take its outcome instead of deploying again.
    const previous = urn ? interruptedCreate(urn, client.apiUrl, inputsHash) : undefined;
    const names: CodeDeployEnvironments = inputs.environments ?? "all";
    let taken = false;
    if (previous) {
      const status = await client.deploysStatus();
      const since = baselineSince(previous.startedAt);
      if (environmentsFromStatus(status, names, since).some((e) => e.status !== "unknown")) {
        taken = true;
        void host.log(
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
    const status = progressStatus(host, urn, what);
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
  };

  return {
    async check(_urn, _olds, news) {
      const inputs = userInputs(news);
      const { failures, value, hasUnknowns } = validateInputs(codeDeployInputsSchema, inputs);
      if (failures.length === 0 && value && !hasUnknowns) {
        const failure = await checkConnection(inputs, clients.codeManagerSettings);
        if (failure) failures.push(failure);
      }
      return { inputs: news, failures };
    },

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedInputs(olds, news);
      const replaces = changed.filter((key) => (REPLACE_KEYS as readonly string[]).includes(key));
      // Recorded while still deploying: `update` waits for the outcome.
      return {
        changes: changed.length > 0 || olds.state === "deploying",
        replaces,
        deleteBeforeReplace: false,
      };
    },

    async create(urn, props) {
      const inputs = userInputs(props);
      const parsed = codeDeployInputsSchema.parse(inputs);
      const outputs = outputsOf(await wait(clientFor(inputs), parsed, props, urn));
      const id = idOf(outputs);
      checkOutcome(parsed, outputs, id, props, "failed");
      return { id, outs: { ...inputs, ...outputs } };
    },

    async read(_urn, id, props) {
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
      return { id, props: { ...inputs, ...outputs } };
    },

    async adopt(urn, id) {
      // What `/deploys/status` shows of the environments named: "production" or "production,staging".
      const inputs = { environments: id.split(",").map((name) => name.trim()) };
      const parsed = codeDeployInputsSchema.safeParse(inputs);
      if (!parsed.success)
        throw new Error(
          `${TYPE}: import by environment names, e.g. "production" or "production,staging" (got "${id}")`,
        );
      const read = await this.read(urn, id, inputs);
      return { id, props: read.props, inputs };
    },

    async update(urn, id, olds, news) {
      settleInFlight(urn, id);
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
        const client = clientFor(inputs);
        const signal = waitSignal();
        const status = progressStatus(host, urn, names.join(", "));
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
      return { outs: { ...inputs, ...outputs } };
    },

    async delete(urn, id) {
      settleInFlight(urn, id);
      // Nothing to undo: deployed code is replaced by deploying other code.
    },
  };
}

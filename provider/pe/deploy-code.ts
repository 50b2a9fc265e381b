import type { CodeManagerClient } from "./code-manager-client";
import type { CodeDeployResult, DeploysStatus } from "./code-manager-schemas";
import { isTlsTrustError } from "./http/error-hints";
import { OrchestratorError, ResponseShapeError } from "./http/errors";
import { sleep } from "./http/sleep";

/** One environment's code deploy, as the resource records it. */
export interface EnvironmentCodeDeploy {
  environment: string;
  /** Code Manager's queue id; null when the outcome was learnt from `/deploys/status` (which has no ids). */
  id: number | null;
  /** `complete` or `failed` once over; `new`, `queued`, `deploying` before; `unknown` when not found. */
  status: string;
  /** The control-repo commit deployed. */
  deploySignature: string | null;
  fileSync: { environmentCommit: string; codeCommit: string } | null;
  error: { kind: string; msg: string | null; details: Record<string, unknown> | null } | null;
}

export interface CodeDeployOutcome {
  environments: EnvironmentCodeDeploy[];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** Set when the answer of the deploy request was lost and the outcome came from `/deploys/status`. */
  recoveredFromStatus?: string;
}

export interface CodeDeployProgress {
  elapsedMs: number;
  /** Status per environment, as `/deploys/status` shows it. */
  environments: Record<string, string>;
}

/**
 * What was known before our deploy: the newest deployed date and failure time per environment, and `since` for
 * the environments it does not name (absent: any deploy of them counts). Later ones are ours.
 */
export interface CodeDeployBaseline {
  environments: Record<string, { deployed?: number; failed?: number }>;
  since?: number;
}

/** What a deploy names: its environments, or `all` (deploy-all: Code Manager lists the environments itself). */
export type CodeDeployEnvironments = string[] | "all";

export interface DeployCodeOptions {
  /** Overall deadline; Code Manager cannot stop a deploy, so at the deadline the wait ends and it goes on. */
  timeoutMs?: number;
  /** Longest a single `wait: true` request is held before following the deploy through `/deploys/status`. */
  holdMs?: number;
  /** How often `/deploys/status` is read while following a deploy whose answer was lost (default 2 s). */
  pollMs?: number;
  /**
   * How often `/deploys/status` is read for each environment's progress while the request is held (default 10 s):
   * the answer itself says when the deploy ends, so these reads only feed the progress line.
   */
  progressMs?: number;
  /** After the answer was lost: how long no trace of our deploy means it never reached Code Manager. */
  lostAfterMs?: number;
  onProgress?: (progress: CodeDeployProgress) => void;
  signal?: AbortSignal;
}

export type CodeDeployWaitReason = "deadline" | "lost" | "aborted";

/** Waiting on a code deploy ended before the deploy did, or its request vanished without a trace. */
export class CodeDeployWaitError extends Error {
  override name = "CodeDeployWaitError";
  constructor(
    message: string,
    readonly reason: CodeDeployWaitReason,
    readonly environments: EnvironmentCodeDeploy[],
    readonly startedAt: string,
  ) {
    super(message);
  }
}

const IN_FLIGHT = new Set(["new", "queued", "deploying", "unknown"]);
const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** What `/deploys/status` said of each environment before our request. */
export function baselineOf(status: DeploysStatus): CodeDeployBaseline {
  const base: CodeDeployBaseline["environments"] = {};
  const bump = (env: string, key: "deployed" | "failed", at: number) => {
    if (Number.isNaN(at)) return;
    const entry = (base[env] ??= {});
    entry[key] = Math.max(entry[key] ?? at, at);
  };
  for (const d of status["file-sync-storage-status"].deployed) bump(d.environment, "deployed", time(d.date));
  for (const f of status["deploys-status"].failed) bump(f.environment, "failed", time(f["queued-at"]));
  return { environments: base };
}

/** The baseline of a deploy started at `startedAt` (ISO): anything Code Manager finished after it is ours. */
export function baselineSince(startedAt: string): CodeDeployBaseline {
  return { environments: {}, since: Date.parse(startedAt) };
}

/**
 * Each environment as `/deploys/status` shows it. With a baseline, only deploys newer than it count (ours);
 * without one, the newest known deploy counts (what refresh reports). For `all` (a deploy-all), the environments
 * it shows a deploy of (in flight, or newer than the baseline), by name: how a follower learns what Code Manager
 * listed.
 */
export function environmentsFromStatus(
  status: DeploysStatus,
  environments: CodeDeployEnvironments,
  baseline?: CodeDeployBaseline,
): EnvironmentCodeDeploy[] {
  const s = status["deploys-status"];
  if (environments === "all") {
    const named = [
      ...s.new,
      ...s.queued,
      ...s.deploying,
      ...s.failed,
      ...status["file-sync-storage-status"].deployed,
    ];
    const names = [...new Set(named.map((d) => d.environment))].sort();
    return environmentsFromStatus(status, names, baseline).filter((e) => e.status !== "unknown");
  }
  return environments.map((environment): EnvironmentCodeDeploy => {
    const base = baseline?.environments[environment] ?? {
      deployed: baseline?.since,
      failed: baseline?.since,
    };
    const newer = (at: number, than: number | undefined) =>
      !Number.isNaN(at) && (than === undefined || at > than);
    const deployed = status["file-sync-storage-status"].deployed
      .filter((d) => d.environment === environment)
      .sort((a, b) => time(b.date) - time(a.date))[0];
    const failed = s.failed
      .filter((f) => f.environment === environment)
      .sort((a, b) => time(b["queued-at"]) - time(a["queued-at"]))[0];
    const deployedIsOurs = deployed !== undefined && (!baseline || newer(time(deployed.date), base.deployed));
    const failedIsOurs = failed !== undefined && (!baseline || newer(time(failed["queued-at"]), base.failed));
    const empty = { environment, id: null, deploySignature: null, fileSync: null, error: null };
    // A deploy still queued or running is the newest word on the environment.
    for (const state of ["deploying", "queued", "new"] as const) {
      if (s[state].some((d) => d.environment === environment)) return { ...empty, status: state };
    }
    const failedFirst =
      failedIsOurs && (!deployedIsOurs || time(failed["queued-at"]) > time(deployed?.date ?? null));
    if (failedFirst && failed) {
      return { ...empty, status: "failed", error: errorOf(failed.error) };
    }
    if (deployedIsOurs && deployed) {
      return { ...empty, status: "complete", deploySignature: deployed["deploy-signature"] ?? null };
    }
    return { ...empty, status: "unknown" };
  });
}

function errorOf(error: CodeDeployResult["error"]): EnvironmentCodeDeploy["error"] {
  if (!error) return null;
  return { kind: error.kind, msg: error.msg ?? null, details: error.details ?? null };
}

function fromAnswer(result: CodeDeployResult): EnvironmentCodeDeploy {
  const sync = result["file-sync"];
  return {
    environment: result.environment,
    id: result.id ?? null,
    status: result.status,
    deploySignature: result["deploy-signature"] ?? null,
    fileSync: sync
      ? { environmentCommit: sync["environment-commit"], codeCommit: sync["code-commit"] }
      : null,
    error: errorOf(result.error),
  };
}

/** The outcome of deploys that all ended now. */
function finished(environments: EnvironmentCodeDeploy[], startedAt: string): CodeDeployOutcome {
  const ended = Date.now();
  return {
    environments,
    startedAt,
    finishedAt: new Date(ended).toISOString(),
    durationSeconds: Math.round(ended - Date.parse(startedAt)) / 1000,
  };
}

/** A failure after which the deploy may have been queued: follow it through `/deploys/status`. */
function outcomeUnknown(error: unknown): boolean {
  if (error instanceof ResponseShapeError) return true;
  if (!(error instanceof OrchestratorError)) return false;
  if (error.status !== undefined) return error.status >= 500;
  // refused or unresolvable: never sent; an untrusted certificate: nothing was sent either
  return (
    !["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"].includes(error.code ?? "") && !isTlsTrustError(error.code)
  );
}

/**
 * Deploys code with Code Manager and waits for the outcome of every environment. The request is sent once with
 * `wait: true` and held up to `holdMs`; when its answer is lost (dropped connection, timeout, 5xx, garbled body)
 * the outcome is read from `/deploys/status`: the environment under `deployed` with a date after the baseline,
 * or under `failed`. So a deploy that went on is never reported failed, nor sent a second time.
 */
export async function deployCode(
  client: CodeManagerClient,
  target: { environments?: string[]; deployAll?: boolean },
  options: DeployCodeOptions = {},
): Promise<CodeDeployOutcome> {
  const { signal, onProgress } = options;
  const progressMs = options.progressMs ?? 10_000;
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeoutMs;
  const baseline = baselineOf(await client.deploysStatus({ signal }));
  const names: CodeDeployEnvironments = target.environments ?? "all";

  // Progress on the side while the request is held; it stops with the request.
  const progress = new AbortController();
  const onAbort = () => progress.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const report = (environments: EnvironmentCodeDeploy[]) =>
    onProgress?.({
      elapsedMs: Date.now() - started,
      environments: Object.fromEntries(environments.map((e) => [e.environment, e.status])),
    });
  const poller = (async () => {
    while (!progress.signal.aborted) {
      await sleep(progressMs, progress.signal).catch(() => undefined);
      if (progress.signal.aborted) return;
      const status = await client.deploysStatus({ signal: progress.signal }).catch(() => undefined);
      if (status && !progress.signal.aborted) report(environmentsFromStatus(status, names, baseline));
    }
  })();

  let lost: unknown;
  try {
    const answer = await client.deploy(
      {
        ...(target.deployAll ? { "deploy-all": true as const } : { environments: target.environments }),
        wait: true,
      },
      { signal, timeoutMs: Math.max(1000, Math.min(options.holdMs ?? 10 * 60_000, deadline - Date.now())) },
    );
    const environments = answer.map(fromAnswer);
    if (environments.every((e) => !IN_FLIGHT.has(e.status))) return finished(environments, startedAt);
    lost = new Error("Code Manager answered before the deploys ended");
  } catch (error) {
    if (signal?.aborted || !outcomeUnknown(error)) throw error;
    lost = error;
  } finally {
    progress.abort();
    signal?.removeEventListener("abort", onAbort);
    await poller;
  }

  // The answer is lost: follow the deploy through /deploys/status until every environment's outcome is known.
  const why =
    lost instanceof OrchestratorError && lost.status === undefined
      ? `${lost.code ?? "connection failed"}: ${lost.msg ?? ""}`
      : lost instanceof Error
        ? lost.message
        : String(lost);
  const outcome = await followCodeDeploy(client, names, baseline, {
    ...options,
    startedAt,
    timeoutMs: deadline - started,
    lostMessage: `the code deploy request failed (${why})`,
  });
  return { ...outcome, recoveredFromStatus: why };
}

/**
 * Follows deploys already sent (an answer lost, a run interrupted) through `/deploys/status` until every
 * environment has a deploy newer than `baseline` that completed or failed.
 */
export async function followCodeDeploy(
  client: CodeManagerClient,
  names: CodeDeployEnvironments,
  baseline: CodeDeployBaseline,
  options: DeployCodeOptions & { startedAt: string; lostMessage?: string },
): Promise<CodeDeployOutcome> {
  const { signal, startedAt } = options;
  const started = Date.parse(startedAt);
  const pollMs = options.pollMs ?? 2000;
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeoutMs;
  const lostSince = Date.now();
  const lostAfterMs = options.lostAfterMs ?? 30_000;
  for (;;) {
    const status = await client.deploysStatus({ signal });
    const environments = environmentsFromStatus(status, names, baseline);
    options.onProgress?.({
      elapsedMs: Date.now() - started,
      environments: Object.fromEntries(environments.map((e) => [e.environment, e.status])),
    });
    // a deploy-all is over once it shows deploys (queued together) and none is in flight
    const over = environments.length > 0 && environments.every((e) => !IN_FLIGHT.has(e.status));
    if (over) return finished(environments, startedAt);
    if (environments.every((e) => e.status === "unknown") && Date.now() - lostSince > lostAfterMs) {
      const what = names === "all" ? "any environment (deploy-all)" : names.join(", ");
      throw new CodeDeployWaitError(
        `${options.lostMessage ?? "the code deploy"}: no deploy of ${what} appeared in ` +
          `/deploys/status within ${Math.round(lostAfterMs / 1000)}s: it did not reach Code Manager; run it again`,
        "lost",
        environments,
        startedAt,
      );
    }
    if (Date.now() + pollMs > deadline) {
      const pending = environments.filter((e) => IN_FLIGHT.has(e.status));
      const what =
        pending.map((e) => `${e.environment} (${e.status})`).join(", ") || "all environments (none seen yet)";
      throw new CodeDeployWaitError(
        `code deploy of ${what} did not finish before ` +
          "the wait deadline; Code Manager cannot stop a deploy, so it goes on",
        "deadline",
        environments,
        startedAt,
      );
    }
    await sleep(pollMs, signal);
  }
}

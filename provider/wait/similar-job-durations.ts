import type { Job, PlanJob } from "../pe/schemas";

/** What a finished job must share with the one being waited for to count as "the same job". */
export interface HistoryHints {
  /** jobs: the code environment (default: the waited-for job's) */
  environment?: string;
  /** plan jobs: the plan's name (default: the waited-for plan job's) */
  planName?: string;
}

/** States whose duration says how long the job takes: a stopped job says nothing. */
const DONE_JOB_STATES = new Set(["finished", "failed"]);

/** Durations in ms (most recent first) of the runs a prediction is made from, and what makes them alike. */
export interface SimilarRuns {
  durationsMs: number[];
  /** what the runs share with the waited-for job, for the progress line: "same scope", "same nodes", ... */
  basis: string;
}

/**
 * Durations in ms, in the list's order (most recent first), of the finished jobs that look like
 * `current`: same command and environment (and task), and the same scope when any such job exists;
 * otherwise the same node count, which a whole-environment or query deploy keeps from run to run.
 */
export function similarJobDurations(current: Job, jobs: readonly Job[], hints: HistoryHints = {}): number[] {
  return similarJobRuns(current, jobs, hints).durationsMs;
}

/**
 * The runs `similarJobDurations` picks, and when there are none, what PE knows of the same Puppet runs from
 * other jobs (a new resource is not a new node): runs on the same nodes in another environment or by the
 * other command (a deploy and a `puppet run` task both run the agent), then the same task on other nodes.
 */
export function similarJobRuns(current: Job, jobs: readonly Job[], hints: HistoryHints = {}): SimilarRuns {
  const environment = hints.environment ?? current.environment?.name ?? undefined;
  const command = current.type ?? current.command;
  const task = current.options?.task;
  const done = jobs.filter((j) => j.name !== current.name && DONE_JOB_STATES.has(j.state));
  const candidates = done.filter(
    (j) =>
      (j.type ?? j.command) === command &&
      (environment === undefined || j.environment?.name === environment) &&
      j.options?.task === task,
  );
  const scope = canonical(current.options?.scope);
  const sameScope =
    scope === undefined ? [] : candidates.filter((j) => canonical(j.options?.scope) === scope);
  if (sameScope.length > 0) return { durationsMs: durations(sameScope), basis: "same scope" };
  const sameCount = candidates.filter((j) => j.node_count === current.node_count);
  if (sameCount.length > 0) return { durationsMs: durations(sameCount), basis: "same node count" };
  const nodes = nodeSet(current);
  if (nodes !== undefined) {
    const sameNodes = done.filter((j) => nodeSet(j) === nodes && j.options?.task === task);
    if (sameNodes.length > 0) return { durationsMs: durations(sameNodes), basis: "same nodes, other job" };
  }
  if (task !== undefined) {
    const sameTask = done.filter((j) => j.options?.task === task && j.node_count === current.node_count);
    if (sameTask.length > 0) return { durationsMs: durations(sameTask), basis: "same task, other nodes" };
  }
  return { durationsMs: [], basis: "none" };
}

/** The certnames of a `nodes` scope, each once; undefined for other scopes. */
export function scopeNodes(scope: unknown): string[] | undefined {
  const nodes =
    scope !== null && typeof scope === "object" && !Array.isArray(scope)
      ? (scope as { nodes?: unknown }).nodes
      : undefined;
  return Array.isArray(nodes) && nodes.length > 0 && nodes.every((n) => typeof n === "string")
    ? [...new Set(nodes as string[])]
    : undefined;
}

/** The sorted node list of a `nodes` scope, as one string; undefined for other scopes. */
function nodeSet(job: Job): string | undefined {
  const nodes = scopeNodes(job.options?.scope);
  return nodes && JSON.stringify(nodes.sort());
}

/** Durations in ms of the successful runs of the same plan in the same environment, most recent first. */
export function similarPlanJobDurations(
  current: PlanJob,
  planJobs: readonly PlanJob[],
  hints: HistoryHints = {},
): number[] {
  return similarPlanJobRuns(current, planJobs, hints).durationsMs;
}

/** The runs `similarPlanJobDurations` picks: the same parameters when any, else other parameters. */
export function similarPlanJobRuns(
  current: PlanJob,
  planJobs: readonly PlanJob[],
  hints: HistoryHints = {},
): SimilarRuns {
  const planName = hints.planName ?? current.options?.plan_name ?? undefined;
  if (planName === undefined) return { durationsMs: [], basis: "none" };
  const environment = hints.environment ?? current.options?.environment ?? undefined;
  const candidates = planJobs.filter(
    (p) =>
      p.name !== current.name &&
      // a failed plan often stops early: its duration is not the plan's
      p.state === "success" &&
      p.options?.plan_name === planName &&
      (environment === undefined || (p.options?.environment ?? "production") === environment),
  );
  const params = canonical(current.options?.parameters);
  const sameParams = candidates.filter((p) => canonical(p.options?.parameters) === params);
  return sameParams.length > 0
    ? { durationsMs: durations(sameParams), basis: "same parameters" }
    : { durationsMs: durations(candidates), basis: "same plan, other parameters" };
}

function durations(records: ReadonlyArray<Job | PlanJob>): number[] {
  return records.map(durationMs).filter((d): d is number => d !== undefined);
}

/** `duration` (s) when the server gives it, else the timestamps (whole seconds in PE). */
function durationMs(record: Job | PlanJob): number | undefined {
  if (typeof record.duration === "number" && Number.isFinite(record.duration)) return record.duration * 1000;
  const start = "started_timestamp" in record ? record.started_timestamp : record.created_timestamp;
  const from = Date.parse(String(start ?? ""));
  const to = Date.parse(String(record.finished_timestamp ?? ""));
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? to - from : undefined;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` compare equal; undefined stays undefined. */
function canonical(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  return JSON.stringify(sort(value));
}

import { createHash } from "node:crypto";

/** A node's run in one of the resource's jobs. */
export interface NodeRun<N = unknown> {
  job: string;
  state: string;
  /** What the job's node list said of it (for the outputs). */
  node: N;
}

/** A node in the scope with no successful run from the resource, and why. */
export type Behind =
  { name: string; why: "joined" } | { name: string; why: "failed"; job: string; state: string };

/** A node's run ended well. */
const SUCCESS = "finished";
/** States in which a node's run has not ended: not behind yet, the job is waited for. */
const UNFINISHED = new Set(["new", "ready", "running"]);

/** Jobs in the order the resource started them, newest first, by their number. */
export function newestFirst(jobs: readonly string[]): string[] {
  return [...new Set(jobs)].sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
}

/**
 * Each node's latest run from the resource: `jobs` newest first, each with its nodes. A later job's run of a node
 * wins over an earlier one, whatever its outcome.
 */
export function latestRuns<N extends { name: string; state: string }>(
  jobs: readonly { name: string; nodes: readonly N[] }[],
): Map<string, NodeRun<N>> {
  const latest = new Map<string, NodeRun<N>>();
  for (const job of jobs)
    for (const node of job.nodes)
      if (!latest.has(node.name)) latest.set(node.name, { job: job.name, state: node.state, node });
  return latest;
}

/**
 * The rule: a node is behind when it is in the scope now and its latest run from the resource did not succeed:
 * it has none (it joined the scope since), or that run failed, errored or was skipped (a later successful run
 * from the resource clears it, as it is then the latest). A run still going is not behind: it is waited for.
 * Nodes that left the scope are never behind.
 */
export function behindNodes(scope: readonly string[], latest: ReadonlyMap<string, NodeRun>): Behind[] {
  const behind: Behind[] = [];
  for (const name of new Set(scope)) {
    const run = latest.get(name);
    if (!run) behind.push({ name, why: "joined" });
    else if (run.state !== SUCCESS && !UNFINISHED.has(run.state))
      behind.push({ name, why: "failed", job: run.job, state: run.state });
  }
  return behind;
}

/** The jobs in which some node of the scope is still running. */
export function unfinishedJobs(scope: readonly string[], latest: ReadonlyMap<string, NodeRun>): string[] {
  const jobs = scope.map((name) => latest.get(name)).filter((run) => run && UNFINISHED.has(run.state));
  return newestFirst(jobs.map((run) => run!.job));
}

/**
 * A digest of the scope's names (order does not matter): recorded when nobody is behind, so that a preview whose
 * scope has the same digest knows nobody is, without reading the jobs' node lists.
 */
export function scopeDigest(scope: readonly string[]): string {
  const names = [...new Set(scope)].sort();
  return createHash("sha256").update(names.join("\n")).digest("hex").slice(0, 32);
}

/** How many names a line shows before "and N more". */
const SHOWN = 5;

/** preview's line: "converge: 2 nodes behind: node6 joined the scope, node3 failed in job 81; up runs Puppet on them". */
export function behindLine(behind: readonly Behind[]): string {
  const count = `${behind.length} node${behind.length === 1 ? "" : "s"} behind`;
  const why = behind
    .slice(0, SHOWN)
    .map((b) => (b.why === "joined" ? `${b.name} joined the scope` : `${b.name} ${b.state} in job ${b.job}`));
  const more = behind.length > SHOWN ? ` and ${behind.length - SHOWN} more` : "";
  return `converge: ${count}: ${why.join(", ")}${more}; up runs Puppet on ${behind.length === 1 ? "it" : "them"}`;
}

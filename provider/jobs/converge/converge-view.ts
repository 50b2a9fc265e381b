import { type JobNode, NodeSummaryBuilder, type OrchestratorClient, OrchestratorError } from "../../pe";
import { deployJob } from "../../kinds/deploy-job";
import type { DeployInputs } from "../../kinds/kind-inputs";
import { type DeployJobOutputs, nodeOutputs } from "../../kinds/job-outputs";
import { resolveTargets } from "../../preview/resolve-targets";
import { markerOf } from "../../recovery/job-marker";
import type { Props } from "../../resource/host";
import {
  type Behind,
  behindNodes,
  latestRuns,
  newestFirst,
  type NodeRun,
  scopeDigest,
  unfinishedJobs,
} from "./behind-nodes";

/** The resource's jobs kept in `jobIds` (newest first) and read for the nodes' latest runs. */
export const JOB_HISTORY = 20;
/** At most this many names in `nodesBehind`. */
const BEHIND_SHOWN = 50;

/** Where a converging deploy stands: its scope now, who is behind, and each node's latest run. */
export interface ConvergeView {
  scope: string[];
  behind: Behind[];
  /** The resource's jobs in which a node of the scope still runs: waited for before anything else. */
  unfinished: string[];
  /** The resource's jobs, newest first (at most JOB_HISTORY). */
  jobs: string[];
  /** Absent when the scope is the one recorded converged: no job's node list was read. */
  latest?: Map<string, NodeRun<JobNode>>;
}

/** What state holds of the resource's converging: its jobs and the digest of the scope it last converged. */
export function recordedConverge(olds: Props): { jobIds: string[]; scopeDigest: string } {
  const jobIds = Array.isArray(olds.jobIds) ? olds.jobIds.map(String) : [];
  const first = typeof olds.jobId === "string" ? [olds.jobId] : [];
  return {
    jobIds: newestFirst([...jobIds, ...first]),
    scopeDigest: typeof olds.scopeDigest === "string" ? olds.scopeDigest : "",
  };
}

/**
 * Resolves the scope as preview does (one lookup) and, unless it is the scope recorded as converged (`cheap`),
 * reads the node lists of the resource's jobs: those state records, and any job marked as this resource's in the
 * orchestrator's recent jobs (one an interrupted run started). Throws TargetLookupError when the scope cannot be
 * resolved.
 */
export async function convergeView(
  client: OrchestratorClient,
  urn: string | undefined,
  inputs: DeployInputs,
  olds: Props,
  { cheap }: { cheap: boolean },
): Promise<ConvergeView> {
  const recorded = recordedConverge(olds);
  const { names: scope } = await resolveTargets(client, inputs.environment, inputs);
  if (cheap && recorded.scopeDigest !== "" && scopeDigest(scope) === recorded.scopeDigest)
    return { scope, behind: [], unfinished: [], jobs: recorded.jobIds };
  const marked = urn
    ? (await deployJob.recentJobs(client))
        .filter((job) => markerOf(job.userdata)?.urn === urn)
        .map((j) => j.name)
    : [];
  const jobs = newestFirst([...recorded.jobIds, ...marked]).slice(0, JOB_HISTORY);
  const lists = await Promise.all(jobs.map(async (name) => ({ name, nodes: await nodesOf(client, name) })));
  const latest = latestRuns(lists);
  return {
    scope,
    behind: behindNodes(scope, latest),
    unfinished: unfinishedJobs(scope, latest),
    jobs,
    latest,
  };
}

/** The view after `job` ran (its node list read, the other jobs' taken from `view`): no list is read twice. */
export async function withJob(
  client: OrchestratorClient,
  view: ConvergeView,
  job: string,
): Promise<ConvergeView> {
  const latest = new Map(view.latest);
  for (const [name, run] of latestRuns([{ name: job, nodes: await nodesOf(client, job) }]))
    latest.set(name, run);
  return {
    scope: view.scope,
    behind: behindNodes(view.scope, latest),
    unfinished: unfinishedJobs(view.scope, latest),
    jobs: newestFirst([job, ...view.jobs]).slice(0, JOB_HISTORY),
    latest,
  };
}

/** Every node of a job; none when the orchestrator no longer has the job (pruned). */
async function nodesOf(client: OrchestratorClient, job: string): Promise<JobNode[]> {
  const nodes: JobNode[] = [];
  try {
    for await (const node of client.jobNodes(job)) nodes.push(node);
  } catch (error) {
    if (error instanceof OrchestratorError && error.status === 404) return [];
    throw error;
  }
  return nodes;
}

/**
 * The outputs of a converging deploy: the latest job's record (`jobId`, `state`, ...), the history (`jobIds`),
 * each node of the scope by its latest run from the resource (`nodeStates`, `nodeResults`; nodes that left the
 * scope drop out), who is behind (`nodesBehind`) and, when nobody is, the digest of the scope (`scopeDigest`).
 */
export function convergeOutputs(view: ConvergeView, latestJob: DeployJobOutputs, olds: Props): Props {
  const settled = view.behind.length === 0 && view.unfinished.length === 0;
  const nodes = view.latest ? scopeNodeOutputs(view.scope, view.latest) : keptNodeOutputs(olds, latestJob);
  return {
    ...latestJob,
    ...nodes,
    jobIds: newestFirst([latestJob.jobId, ...view.jobs]).slice(0, JOB_HISTORY),
    nodesBehind: view.behind.slice(0, BEHIND_SHOWN).map((b) => b.name),
    scopeDigest: settled ? scopeDigest(view.scope) : "",
  };
}

function scopeNodeOutputs(scope: readonly string[], latest: ReadonlyMap<string, NodeRun<JobNode>>) {
  const builder = new NodeSummaryBuilder();
  for (const name of new Set(scope)) {
    const run = latest.get(name);
    if (run) builder.add(run.node);
  }
  return nodeOutputs(builder.summary());
}

/** The scope as recorded (nothing read): the node outputs state holds, else the latest job's. */
function keptNodeOutputs(olds: Props, latestJob: DeployJobOutputs) {
  if (olds.nodeStates === undefined) return {};
  const keys = ["nodeCount", "nodeStates", "nodeResults", "nodeResultsTruncated"] as const;
  return Object.fromEntries(keys.map((key) => [key, olds[key] ?? latestJob[key]]));
}

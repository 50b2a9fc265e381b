import type { Job, NodeSummary, PlanJob } from "../pe";
import type { Json } from "../resource/common-inputs";

/** Outputs both resources record about their job. */
export interface CommonJobOutputs {
  /** The job's name, the number PE assigned (e.g. "81"); also the resource's id. */
  jobId: string;
  /** The job's URL under the configured orchestrator (`.../orchestrator/v1/jobs/81`). */
  jobUrl: string;
  /** The job's final state as the orchestrator reports it. */
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  /** Login of the user who started the job. */
  owner: string | null;
}

export interface DeployJobOutputs extends CommonJobOutputs {
  nodeCount: number;
  /** Nodes per state, e.g. `{ finished: 9, failed: 1 }`. */
  nodeStates: Record<string, number>;
  /** A bounded summary: failed nodes first, then others, at most 50 of each. */
  nodeResults: NodeSummaryOutput[];
  /** True when `nodeResults` does not list every node (large jobs). */
  nodeResultsTruncated: boolean;
}

export interface NodeSummaryOutput {
  name: string;
  state: string;
  durationSeconds: number | null;
  status: string | null;
  message: string | null;
}

/** A task node also carries the task's own JSON output (or its `_error`), bounded. */
export interface TaskNodeSummaryOutput extends NodeSummaryOutput {
  result: Json | null;
}

export interface TaskJobOutputs extends DeployJobOutputs {
  /** As a deploy's, plus each node's task output: failed nodes first, at most 50 of each. */
  nodeResults: TaskNodeSummaryOutput[];
}

export interface PlanJobOutputs extends CommonJobOutputs {
  /** The plan's return value (state `success`). */
  result: Json | null;
  /** The plan's error (state `failure`). */
  error: { kind: string | null; msg: string | null; details: Json | null } | null;
  /** The task jobs the plan's steps started (job names, in order). */
  taskJobIds: string[];
}

/** What jobs and plan jobs report alike; `startedAt` is the field each record has for its start. */
function commonOutputs(
  record: Job | PlanJob,
  jobUrl: string,
  startedAt: string | null | undefined,
): CommonJobOutputs {
  return {
    jobId: record.name,
    jobUrl,
    state: record.state,
    startedAt: startedAt ?? record.timestamp ?? null,
    finishedAt: record.finished_timestamp ?? null,
    durationSeconds: record.duration ?? null,
    owner: record.owner?.login ?? null,
  };
}

/** What a bounded node summary says of the nodes: counts, and the listed nodes, failed first. */
export function nodeOutputs(summary: NodeSummary): Omit<DeployJobOutputs, keyof CommonJobOutputs> {
  return {
    nodeCount: summary.total,
    nodeStates: summary.counts,
    nodeResults: [...summary.failed, ...summary.others].map((node) => ({
      name: node.name,
      state: node.state,
      durationSeconds: node.durationSeconds,
      status: node.status ?? null,
      message: node.message ?? null,
    })),
    nodeResultsTruncated: summary.truncated,
  };
}

export function deployOutputs(job: Job, jobUrl: string, summary: NodeSummary): DeployJobOutputs {
  return {
    ...commonOutputs(job, jobUrl, job.started_timestamp),
    ...nodeOutputs(summary),
    nodeCount: job.node_count ?? summary.total,
    nodeStates: job.node_states ?? summary.counts,
  };
}

/** A deploy's outputs, each node with its `result` (already bounded by the node summary). */
export function taskOutputs(job: Job, jobUrl: string, summary: NodeSummary): TaskJobOutputs {
  const outputs = deployOutputs(job, jobUrl, summary);
  const results = [...summary.failed, ...summary.others].map((node) =>
    node.result === undefined ? null : (node.result as Json),
  );
  return {
    ...outputs,
    nodeResults: outputs.nodeResults.map((node, i) => ({ ...node, result: results[i] })),
  };
}

export function planOutputs(
  planJob: PlanJob,
  jobUrl: string,
  outcome: { result?: unknown; error?: { kind?: string; msg?: string; details?: unknown } },
  taskJobIds: string[],
): PlanJobOutputs {
  return {
    ...commonOutputs(planJob, jobUrl, planJob.created_timestamp),
    result: outcome.result === undefined ? null : (outcome.result as Json),
    error: outcome.error
      ? {
          kind: outcome.error.kind ?? null,
          msg: outcome.error.msg ?? null,
          details: outcome.error.details === undefined ? null : (outcome.error.details as Json),
        }
      : null,
    taskJobIds,
  };
}

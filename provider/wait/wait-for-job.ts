import { estimateEndFromProgress } from "./estimate-end-from-progress";
import type { DurationEstimate } from "./estimate-job-duration";
import { type JobSketch, NEW_JOB_STATE } from "./job-sketch";
import { estimateFromNodeRuns } from "./estimate-from-node-runs";
import { JobNodeStates } from "./job-node-states";
import { latestNodeRunDurations } from "../pe/latest-node-runs";
import type { NodeSummary } from "../pe/node-summary";
import type { CallOptions, OrchestratorClient } from "../pe/orchestrator-client";
import { PlanSteps } from "./plan-steps";
import { planTaskJobIds } from "../pe/plan-task-job-ids";
import { pollJob, type PollOptions } from "./poll-job";
import { type Job, type PlanJob, TERMINAL_JOB_STATES, TERMINAL_PLAN_JOB_STATES } from "../pe/schemas";
import { scopeNodes, type SimilarRuns, similarJobRuns, similarPlanJobRuns } from "./similar-job-durations";
import { stopPlanJob } from "../pe/stop-plan-job";

/** The wait's options: the loop's own (`PollOptions`) and what the job's sources use. */
export interface WaitOptions<Recent = never> extends PollOptions {
  /**
   * Recent jobs (plan jobs for a plan wait) the caller listed already, e.g. once for many waits: the history
   * estimate is made from them instead of a list request of its own (the job's record is then read).
   */
  recent?: () => Promise<readonly Recent[]>;
  /**
   * With `recent`: those jobs as they stand now, without a request. A wait with nothing to predict from looks
   * at them again at each poll, so a job like its own that ends meanwhile (another create's) predicts its end.
   */
  recentNow?: () => readonly Recent[] | undefined;
  /**
   * Each named node's latest Puppet run (ms), e.g. from a read the caller shares between waits (it must heed
   * `call.signal`); default: one PuppetDB query for the deploy's nodes.
   */
  nodeRuns?: (nodes: readonly string[], call: CallOptions) => Promise<Map<string, number>>;
  /**
   * jobs: the job as the command that just started it describes it (see `jobSketch`): the wait predicts from
   * it and reads the record first at its first poll, where it would otherwise read it at once (the record
   * of a job just created says only that it is new)
   */
  sketch?: JobSketch;
  /** jobs: failed and other nodes listed in the summary (default 50 each) */
  nodeSummaryLimit?: number;
}

interface WaitStats {
  /** HTTP requests made by the wait, retries included */
  requests: number;
  elapsedMs: number;
  /** the last predicted duration the wait followed (caller, history or progress), if any */
  estimate?: DurationEstimate;
}

export interface JobWaitResult extends WaitStats {
  job: Job;
  state: string;
  nodeStates: Record<string, number>;
  nodes: NodeSummary;
}

export interface PlanJobWaitResult extends WaitStats {
  planJob: PlanJob;
  state: string;
  /** the plan's return value (state `success`) */
  result?: unknown;
  /** the plan's error (state `failure`) */
  error?: { kind?: string; msg?: string; details?: unknown };
  /** the jobs the plan's steps started, in order */
  taskJobIds: string[];
}

/** Polls a job until it is `finished`, `failed` or `stopped` (`stopping` is not the end). */
export async function waitForJob(
  client: OrchestratorClient,
  jobName: string,
  options: WaitOptions<Job> = {},
): Promise<JobWaitResult> {
  // until the record is read, what the command that started the job said of it
  let job: Job | undefined = options.sketch && {
    ...options.sketch,
    id: client.jobUrl(jobName),
    name: jobName,
    state: NEW_JOB_STATE,
    duration: null,
  };
  const nodeStates = new JobNodeStates();
  const useRecord = (record: Job) => {
    job = record;
    nodeStates.useRecord(record);
    return record.state;
  };
  const outcome = await pollJob("job", jobName, client.jobUrl(jobName), options, {
    fetchRecord: async (call) => useRecord(await client.getJob(jobName, call)),
    fetchHistory: async (hints, call) => {
      if (options.recent) {
        const items = await options.recent();
        return {
          similar: () => (job ? similarJobRuns(job, options.recentNow?.() ?? items, hints) : NO_RUNS),
        };
      }
      // the newest jobs include this one: the same request gives its record and its history
      const { items } = await client.listJobs(
        { order_by: "timestamp", order: "desc", limit: HISTORY_LIMIT },
        call,
      );
      const own = items.find((j) => j.name === jobName);
      return {
        state: own ? useRecord(own) : undefined,
        similar: () => (job ? similarJobRuns(job, items, hints) : NO_RUNS),
      };
    },
    fetchNodeRuns: async (call) => {
      // a deploy on named nodes that ran Puppet before: their last runs (PuppetDB reports) predict this one
      const nodes =
        job && (job.type ?? job.command) === "deploy" ? scopeNodes(job.options?.scope) : undefined;
      if (!nodes || nodes.length > MAX_REPORT_NODES) return undefined;
      // a PuppetDB that does not answer at once must not hold up the wait: one attempt, a short bound. The
      // bound is a timer that holds its controller: `AbortSignal.any` holds its sources weakly (Node 20), and an
      // `AbortSignal.timeout` collected before it fires never aborts.
      const budget = new AbortController();
      const timer = setTimeout(
        () => budget.abort(new Error("PuppetDB did not answer in time")),
        NODE_RUNS_TIMEOUT_MS,
      );
      const signal = AbortSignal.any([budget.signal, ...(call.signal ? [call.signal] : [])]);
      const read = options.nodeRuns ?? ((names, c) => latestNodeRunDurations(client, names, c));
      const runs = await read(nodes, { ...call, signal, retry: false }).finally(() => clearTimeout(timer));
      const concurrency = job?.options?.concurrency;
      return estimateFromNodeRuns(
        nodes.map((n) => runs.get(n)),
        typeof concurrency === "number" ? concurrency : undefined,
      );
    },
    historyLive: options.recentNow !== undefined,
    fetchEvents: (start, call) => client.getJobEvents(jobName, start, call),
    applyEvent: (event, readAt) => nodeStates.applyEvent(event, readAt, job),
    estimate: (now) =>
      job?.node_count && job.node_count > 1
        ? estimateEndFromProgress({
            nodeCount: job.node_count,
            nodes: nodeStates.nodeTimes(),
            now,
            concurrency: typeof job.options?.concurrency === "number" ? job.options.concurrency : undefined,
          })
        : undefined,
    // one node: its state is in the record, which also says the job's; its events feed no estimate
    eventsUseful: () => job?.node_count == null || job.node_count > 1,
    sketched: options.sketch !== undefined,
    isTerminal: (state) => TERMINAL_JOB_STATES.has(state),
    stop: (call) => client.stop(jobName, call),
    counts: nodeStates.counts,
  });
  const nodes = await client
    .summarizeJobNodes(jobName, options.nodeSummaryLimit ?? 50, outcome.call)
    .catch((cause) => outcome.fail(options.signal?.aborted ? "aborted" : "request-failed", cause));
  const final = job!;
  return {
    job: final,
    state: final.state,
    nodeStates: final.node_states ?? {},
    nodes,
    requests: outcome.call.counter.requests,
    elapsedMs: outcome.elapsedMs(),
    estimate: outcome.estimate(),
  };
}

/** Polls a plan job until it is `success` or `failure` (`pending` is not the end). */
export async function waitForPlanJob(
  client: OrchestratorClient,
  planJobName: string,
  options: WaitOptions<PlanJob> = {},
): Promise<PlanJobWaitResult> {
  let planJob: PlanJob | undefined;
  const steps = new PlanSteps();
  // a plan's events are its steps: without a prediction its polls follow them (see `nextPollDelay`)
  const planOptions = { ...options, poll: { unpredictedMs: undefined, ...options.poll } };
  const outcome = await pollJob("plan job", planJobName, client.planJobUrl(planJobName), planOptions, {
    fetchRecord: async (call) => {
      planJob = await client.getPlanJob(planJobName, call);
      return planJob.state;
    },
    fetchHistory: async (hints, call) => {
      if (options.recent) {
        const items = await options.recent();
        return { similar: () => (planJob ? similarPlanJobRuns(planJob, items, hints) : NO_RUNS) };
      }
      const query = {
        order_by: "timestamp",
        order: "desc",
        limit: HISTORY_LIMIT,
        results: "exclude",
      } as const;
      const { items } = await client.listPlanJobs(query, call);
      // listed without results: a plan that has already ended is read again, result included
      const own = items.find((j) => j.name === planJobName && !TERMINAL_PLAN_JOB_STATES.has(j.state));
      if (own) planJob = own;
      return {
        state: own?.state,
        similar: () => (planJob ? similarPlanJobRuns(planJob, items, hints) : NO_RUNS),
      };
    },
    historyLive: options.recentNow !== undefined,
    fetchEvents: (start, call) => client.getPlanJobEvents(planJobName, start, call),
    applyEvent: (event) => steps.applyEvent(event),
    refresh: async (call, now, ended) => {
      // the running step's node counts, from its task job (a failed read leaves the last ones, except at the
      // plan's end: counts read while the step ran would then be its final progress)
      const stepJob = steps.jobToRead(now, ended);
      if (stepJob === undefined) return;
      const job = await client.getJob(stepJob, call).catch(() => undefined);
      if (job) steps.useStepJob(job);
      else if (ended) steps.forgetStepJob();
    },
    step: () => steps.current(),
    isTerminal: (state) => TERMINAL_PLAN_JOB_STATES.has(state),
    stop: (call) => stopPlanJob(client, planJobName, { known: steps.jobNames, call }),
    counts: steps.counts,
  });
  const final = planJob!;
  const failed = final.state === "failure";
  const result = final.result ?? undefined;
  const taskJobIds = await planTaskJobIds(client, planJobName, {
    record: final,
    known: steps.jobNames,
    call: outcome.call,
  }).catch((cause) => outcome.fail("request-failed", cause));
  return {
    planJob: final,
    state: final.state,
    ...(failed ? { error: asError(result) } : { result }),
    taskJobIds,
    requests: outcome.call.counter.requests,
    elapsedMs: outcome.elapsedMs(),
    estimate: outcome.estimate(),
  };
}

/** The nodes a job's last-run estimate asks PuppetDB about at most (one query); larger jobs: the progress estimate. */
const MAX_REPORT_NODES = 100;
/** How long the wait gives PuppetDB for the nodes' last runs before it goes on without them. */
const NODE_RUNS_TIMEOUT_MS = 1_000;
/** Recent jobs listed for the history estimate: enough to hold this job and a few like it. */
const HISTORY_LIMIT = 50;
const NO_RUNS: SimilarRuns = { durationsMs: [], basis: "none" };

function asError(value: unknown): PlanJobWaitResult["error"] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    return {
      kind: typeof v.kind === "string" ? v.kind : undefined,
      msg: typeof v.msg === "string" ? v.msg : undefined,
      details: v.details,
    };
  }
  return { msg: value === undefined || value === null ? undefined : String(value) };
}

import { createHash } from "node:crypto";
import type { JobProgress, NodeState } from "./job-progress";
import { durationString, iso, seconds } from "./time-format";

/** What rendering needs: the API base URL for `id`s and the current time. */
export interface ViewContext {
  apiUrl: string;
  now: number;
}

const jobUrl = (ctx: ViewContext, name: number) => `${ctx.apiUrl}/jobs/${name}`;
const uuid = (text: string) => {
  const h = createHash("sha1").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** GET /jobs/:id (and the items of GET /jobs). */
export function renderJob(job: JobProgress, ctx: ViewContext): Record<string, unknown> {
  const rec = job.record;
  const elapsed = ctx.now - rec.createdAt;
  const transitions = job.transitions(elapsed);
  const done = elapsed >= job.endAt;
  const url = jobUrl(ctx, rec.name);
  return {
    id: url,
    name: String(rec.name),
    command: rec.type,
    type: rec.type,
    state: job.state(elapsed),
    options: rec.options,
    owner: rec.owner,
    description: rec.description,
    timestamp: iso(rec.createdAt + transitions[transitions.length - 1][1]),
    started_timestamp: iso(rec.createdAt),
    finished_timestamp: done ? iso(rec.createdAt + job.endAt) : null,
    duration: durationString(done ? job.endAt : elapsed),
    environment: { name: rec.environment },
    node_count: rec.nodes.length,
    node_states: rec.nodes.length === 0 ? null : job.nodeStates(elapsed),
    nodes: { id: `${url}/nodes` },
    report: { id: `${url}/report` },
    events: { id: `${url}/events` },
    // each state is left when the next is entered; the end state, as recorded PE jobs show it, at once (the
    // current state of a job still going has none)
    status: transitions.map(([state, at], i) => ({
      state,
      enter_time: iso(rec.createdAt + at),
      exit_time:
        i + 1 < transitions.length
          ? iso(rec.createdAt + transitions[i + 1][1])
          : done
            ? iso(rec.createdAt + at)
            : null,
    })),
    userdata: rec.userdata,
  };
}

/** The outcome of a node's run as PE reports it in `result` and in end events. */
export function nodeResult(job: JobProgress, i: number): unknown {
  const rec = job.record;
  const n = rec.nodes[i];
  if (n.outcome === "skipped") return null;
  if (n.outcome === "errored")
    return {
      msg: n.message ?? `Error running on ${n.name}`,
      kind: "puppetlabs.orchestrator/execution-failure",
      details: { node: n.name },
    };
  if (rec.type === "task")
    return n.outcome === "failed"
      ? {
          _error: {
            msg: n.message ?? "The task failed with exit code 1",
            kind: "puppetlabs.tasks/task-error",
            details: { exitcode: 1 },
          },
        }
      : rec.taskResult;
  const failed = n.outcome === "failed" ? 1 : 0;
  const changed = n.outcome === "changed" ? 3 : 0;
  return {
    hash: createHash("sha1").update(`${rec.name}/${n.name}`).digest("hex"),
    noop: { noop: rec.options.noop === true, no_noop: rec.options.no_noop === true },
    status: n.outcome,
    metrics: {
      corrective_change: 0,
      out_of_sync: changed + failed,
      restarted: 0,
      skipped: 0,
      total: 347,
      changed,
      scheduled: 0,
      failed_to_restart: 0,
      failed,
    },
    environment: rec.environment,
    configuration_version: String(Math.floor(rec.createdAt / 1000)),
  };
}

/** One item of GET /jobs/:id/nodes. */
export function renderNode(job: JobProgress, i: number, ctx: ViewContext): Record<string, unknown> {
  const rec = job.record;
  const n = rec.nodes[i];
  const elapsed = ctx.now - rec.createdAt;
  const state: NodeState = job.nodeState(i, elapsed);
  const started = n.start !== null && elapsed >= n.start;
  const ended = elapsed >= n.end;
  const at = (ms: number) => iso(rec.createdAt + ms);
  const reportUrl = `${ctx.apiUrl.replace(/\/orchestrator\/v1$/, "")}/#/cm/report/${uuid(`${rec.name}/${n.name}`)}`;
  let details: Record<string, unknown> = {};
  if (state === "running" && n.start !== null) details = { "run-time": seconds(elapsed - n.start) };
  else if (state === "errored" || state === "skipped") details = { message: n.message ?? "" };
  else if (ended && rec.type === "deploy") details = { "report-url": reportUrl };
  const lastIdx = ended ? job.endIdx[i] : started ? job.startIdx[i] : -1;
  return {
    name: n.name,
    state,
    timestamp: ended ? at(n.end) : started && n.start !== null ? at(n.start) : null,
    start_timestamp: started && n.start !== null ? at(n.start) : null,
    finish_timestamp: ended && n.start !== null ? at(n.end) : null,
    duration: started && n.start !== null ? seconds((ended ? n.end : elapsed) - n.start) : null,
    transaction_uuid:
      rec.type === "deploy" && ended && n.start !== null ? uuid(`${rec.name}/${n.name}`) : null,
    details,
    result: ended ? nodeResult(job, i) : null,
    transport: "pcp",
    "latest-event-id": lastIdx >= 0 ? rec.eventBase + lastIdx : null,
  };
}

/** A job event as PE lists it; `k` is the timeline index. */
export function renderJobEvent(job: JobProgress, k: number): Record<string, unknown> {
  const rec = job.record;
  const type = job.eventType[k];
  const i = job.eventNode[k];
  const what = rec.type === "task" ? "task" : "puppet run";
  const base = { id: String(rec.eventBase + k), type, timestamp: iso(rec.createdAt + job.times[k]) };
  if (i < 0) {
    const detail = { state: job.terminalState(), node_states: job.nodeStates(job.endAt) };
    if (type === "job_stopping")
      return { ...base, details: { detail: {} }, message: `Stopping job ${rec.name}` };
    const message =
      type === "job_aborted"
        ? `Job ${rec.name} ${rec.interrupt?.reason === "restart" ? "aborted: the orchestrator restarted" : "stopped"}`
        : `Finished job ${rec.name}`;
    return { ...base, details: { detail }, message };
  }
  const n = rec.nodes[i];
  const messages: Record<string, string> = {
    node_running: `Started ${what} on ${n.name} ...`,
    node_finished: `Finished ${what} on ${n.name} - Success! `,
    node_failed: `Finished ${what} on ${n.name} - Failed! `,
    node_errored: n.message ?? `Error running ${what} on ${n.name}`,
    node_skipped: n.message ?? `Skipped ${what} on ${n.name}`,
  };
  let detail: unknown;
  if (type === "node_running") detail = { noop: rec.options.noop === true };
  else if (type === "node_errored" || type === "node_skipped") detail = { message: messages[type] };
  else detail = nodeResult(job, i);
  return { ...base, details: { node: n.name, detail }, message: messages[type] };
}

import { type Job, type NodeSummary, type OrchestratorClient, TERMINAL_JOB_STATES } from "../pe";
import { waitForJob } from "../wait";
import type { JobKind } from "./job-kind";
import { sharedNodeRuns } from "../wait/shared-node-runs";
import { addRecentJob, peekRecentJobs, sharedRecentJobs } from "../recovery/shared-recent-jobs";
import { importedJobInputs } from "./imported-inputs";
import type { DeployJobOutputs } from "./job-outputs";

/** How far back a crashed run's job is looked for (newest first). */
const RECENT_JOBS = 100;

/** At most this many failed and other nodes are kept in state, whatever the job's size. */
const NODE_SUMMARY_LIMIT = 50;

type Parts<O> = Pick<
  JobKind<never, O & DeployJobOutputs>,
  "recentJobs" | "isRunning" | "wait" | "read" | "importedInputs" | "isFailure" | "describeFailure"
>;

/**
 * What the kinds whose jobs live under `/jobs` (deploys and tasks) do alike: find recent jobs of their type,
 * wait on `/jobs/:id`, read a job and its bounded node summary, judge and describe failed nodes.
 */
export function nodeJobParts<O extends DeployJobOutputs>(
  type: "deploy" | "task",
  outputs: (job: Job, jobUrl: string, nodes: NodeSummary) => O,
): Parts<O> {
  // one list per connection for recovery and the wait's history, whatever the number of creates
  const key = `jobs ${type}`;
  const recent = (client: OrchestratorClient): Promise<readonly Job[]> =>
    sharedRecentJobs(client, key, async () => {
      const list = await client.listJobs({ type, order_by: "timestamp", order: "desc", limit: RECENT_JOBS });
      return list.items;
    });
  return {
    async recentJobs(client: OrchestratorClient) {
      const items = await recent(client);
      return items.map((job) => ({ name: job.name, state: job.state, userdata: job.userdata }));
    },
    isRunning: (state) => !TERMINAL_JOB_STATES.has(state),
    async wait(client, jobName, settings) {
      const result = await waitForJob(client, jobName, {
        ...settings,
        nodeSummaryLimit: NODE_SUMMARY_LIMIT,
        recent: () => recent(client),
        recentNow: () => peekRecentJobs<Job>(client, key),
        nodeRuns: (nodes, call) => sharedNodeRuns(client, nodes, call),
      });
      // the next create of this process predicts from this run too
      addRecentJob(client, key, result.job);
      return outputs(result.job, client.jobUrl(jobName), result.nodes);
    },
    async read(client, jobName, call) {
      const [job, nodes] = await Promise.all([
        client.getJob(jobName, call),
        client.summarizeJobNodes(jobName, NODE_SUMMARY_LIMIT, call),
      ]);
      return outputs(job, client.jobUrl(jobName), nodes);
    },
    importedInputs: async (client, jobName) => importedJobInputs(await client.getJob(jobName)),
    isFailure: (result) => result.state !== "finished",
    describeFailure(result) {
      const failed = result.nodeResults.filter((node) => node.state === "failed" || node.state === "errored");
      const counts = Object.entries(result.nodeStates)
        .map(([state, count]) => `${count} ${state}`)
        .join(", ");
      const names = failed.map((node) => (node.message ? `${node.name} (${node.message})` : node.name));
      return `nodes: ${counts || "none"}${names.length ? `; failed nodes: ${names.join(", ")}` : ""}`;
    },
  };
}

import { type DeployRequest, type OrchestratorClient, TERMINAL_JOB_STATES, waitForJob } from "../client";
import { type DeployInputs, deployInputsSchema } from "./input-schemas";
import type { JobKind } from "./job-kind";
import { withMarker } from "./job-marker";
import { type DeployJobOutputs, deployOutputs } from "./job-outputs";

/** How far back a crashed run's job is looked for (newest first). */
const RECENT_JOBS = 100;

/** At most this many failed and other nodes are kept in state, whatever the job's size. */
const NODE_SUMMARY_LIMIT = 50;

/** Maps the resource's inputs to the deploy request, carrying only what the user set (never server defaults). */
export function deployRequest(inputs: DeployInputs): DeployRequest {
  const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);
  const scope =
    inputs.nodes !== undefined
      ? { nodes: inputs.nodes }
      : inputs.query !== undefined
        ? { query: inputs.query }
        : inputs.nodeGroup !== undefined
          ? { node_group: inputs.nodeGroup }
          : inputs.application !== undefined
            ? { application: inputs.application }
            : undefined;
  const body: Record<string, unknown> = {
    environment: inputs.environment,
    scope,
    noop: inputs.noop,
    no_noop: inputs.noNoop,
    concurrency: inputs.concurrency,
    description: inputs.description,
    enforce_environment: inputs.enforceEnvironment,
    debug: inputs.debug,
    trace: inputs.trace,
    evaltrace: inputs.evaltrace,
    filetimeout: inputs.filetimeout,
    http_connect_timeout: inputs.httpConnectTimeout,
    http_keepalive_timeout: inputs.httpKeepaliveTimeout,
    http_read_timeout: inputs.httpReadTimeout,
    ordering: inputs.ordering,
    skip_tags: list(inputs.skipTags),
    tags: list(inputs.tags),
    use_cached_catalog: inputs.useCachedCatalog,
    usecacheonfailure: inputs.usecacheonfailure,
    userdata: inputs.userdata,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as DeployRequest;
}

async function summarize(client: OrchestratorClient, jobName: string): Promise<DeployJobOutputs> {
  const [job, nodes] = await Promise.all([
    client.getJob(jobName),
    client.summarizeJobNodes(jobName, NODE_SUMMARY_LIMIT),
  ]);
  return deployOutputs(job, client.jobUrl(jobName), nodes);
}

export const deployJob: JobKind<DeployInputs, DeployJobOutputs> = {
  typeName: "EnvironmentDeploy",
  jobNoun: "job",
  schema: deployInputsSchema,
  replaceKeys: [
    "environment",
    "nodes",
    "query",
    "nodeGroup",
    "application",
    "noop",
    "noNoop",
    "concurrency",
    "enforceEnvironment",
    "debug",
    "trace",
    "evaltrace",
    "filetimeout",
    "httpConnectTimeout",
    "httpKeepaliveTimeout",
    "httpReadTimeout",
    "ordering",
    "skipTags",
    "tags",
    "useCachedCatalog",
    "usecacheonfailure",
    "triggers",
  ],
  async start(client, inputs, marker) {
    const created = await client.deploy(
      deployRequest({ ...inputs, userdata: withMarker(inputs.userdata, marker) }),
    );
    return created.job.name;
  },
  async recentJobs(client) {
    const list = await client.listJobs({
      type: "deploy",
      order_by: "timestamp",
      order: "desc",
      limit: RECENT_JOBS,
    });
    return list.items.map((job) => ({ name: job.name, state: job.state, userdata: job.userdata }));
  },
  isRunning: (state) => !TERMINAL_JOB_STATES.has(state),
  async wait(client, jobName, settings) {
    const result = await waitForJob(client, jobName, { ...settings, nodeSummaryLimit: NODE_SUMMARY_LIMIT });
    return deployOutputs(result.job, client.jobUrl(jobName), result.nodes);
  },
  read: summarize,
  isFailure: (outputs) => outputs.state !== "finished",
  describeFailure(outputs) {
    const failed = outputs.nodeResults.filter((node) => node.state === "failed" || node.state === "errored");
    const counts = Object.entries(outputs.nodeStates)
      .map(([state, count]) => `${count} ${state}`)
      .join(", ");
    const names = failed.map((node) => (node.message ? `${node.name} (${node.message})` : node.name));
    return `nodes: ${counts || "none"}${names.length ? `; failed nodes: ${names.join(", ")}` : ""}`;
  },
};

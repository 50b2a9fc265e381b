import type { OrchestratorClient } from "../pe";
import { deployJob } from "../kinds/deploy-job";
import type { DeployInputs } from "../kinds/kind-inputs";
import type { DeployJobOutputs } from "../kinds/job-outputs";
import { TargetLookupError } from "../preview/resolve-targets";
import { settleInFlight } from "../recovery/in-flight-journal";
import { startOrRecoverJob } from "../recovery/start-or-recover-job";
import type { Host, Props } from "../resource/host";
import type { ResourceOperations } from "../resource/resource-operations";
import { recordedOutputs, userInputs } from "../resource/resource-props";
import { behindLine, newestFirst } from "./converge/behind-nodes";
import { type ConvergeView, convergeOutputs, convergeView, withJob } from "./converge/converge-view";
import { jobOperations } from "./job-operations";
import { failedJob, type JobResource, jobResource, statusLine } from "./job-resource";
import { waitForRun } from "./wait-for-run";

const TYPE = "EnvironmentDeploy";

/**
 * `EnvironmentDeploy`'s operations: a job resource's, plus `converge` (docs/resources.md). With it, `diff` says
 * who is behind (a change, never a replace), `update` runs one job on exactly them, `read` brings the list up to
 * date, and the outputs describe each node by its latest run from the resource.
 */
export function environmentDeployOperations(host: Host): ResourceOperations {
  const base = jobOperations(deployJob, host);
  const resource = jobResource(deployJob, host);
  const converging = (props: Props) => userInputs(props).converge === true;
  const parsed = (props: Props) => deployJob.schema.safeParse(userInputs(props));
  /** Who is behind, as cheaply as state allows; undefined (with a warning) when the scope cannot be listed. */
  const viewOrWarn = async (
    urn: string | undefined,
    inputs: DeployInputs,
    recorded: Props,
    props: Props,
    consequence: string,
  ): Promise<ConvergeView | undefined> => {
    try {
      return await convergeView(resource.clientFor(userInputs(props)), urn, inputs, recorded, {
        cheap: true,
      });
    } catch (error) {
      if (!(error instanceof TargetLookupError)) throw error;
      await host.log(`${TYPE}: converge: ${error.message}; ${consequence}`, { urn, severity: "warning" });
      return undefined;
    }
  };
  return {
    ...base,

    async diff(urn, id, olds, news) {
      const result = await base.diff(urn, id, olds, news);
      settleRecorded(urn, olds);
      const inputs = parsed(news);
      if (!converging(news) || result.replaces.length > 0 || !inputs.success) return result;
      const view = await viewOrWarn(urn, inputs.data, olds, news, "no node is known to be behind");
      if (!view) return result;
      if (view.behind.length > 0)
        await host.log(`${TYPE}: ${behindLine(view.behind)}`, { urn, severity: "info" });
      // the node lists were read: the scope is not the one recorded converged (someone behind, or nodes left)
      return { ...result, changes: result.changes || view.latest !== undefined };
    },

    async create(urn, props) {
      const created = await base.create(urn, props);
      const inputs = parsed(props);
      if (!converging(props) || !inputs.success) return created;
      const client = resource.clientFor(userInputs(props));
      const job = created.outs as unknown as DeployJobOutputs;
      try {
        const view = await convergeView(client, urn, inputs.data, created.outs, { cheap: false });
        return { id: created.id, outs: { ...created.outs, ...convergeOutputs(view, job, created.outs) } };
      } catch (error) {
        // the job ran and is recorded; the next preview finds who is behind
        await host.log(`${TYPE}: converge: ${(error as Error).message}`, { urn, severity: "warning" });
        return created;
      }
    },

    async read(urn, id, props) {
      const inputs = parsed(props);
      if (!converging(props) || !inputs.success) return base.read(urn, id, props);
      const view = await viewOrWarn(urn, inputs.data, props, props, "nodesBehind is as last recorded");
      if (!view) {
        // the scope cannot be listed now: the job's record is refreshed, who is behind stays as recorded
        const read = await base.read(urn, typeof props.jobId === "string" ? props.jobId : id, props);
        if (read.id === "") return read;
        const kept = [
          "nodeCount",
          "nodeStates",
          "nodeResults",
          "nodeResultsTruncated",
          "jobIds",
          "nodesBehind",
          "scopeDigest",
        ];
        return { id, props: { ...read.props, ...Object.fromEntries(kept.map((key) => [key, props[key]])) } };
      }
      // the newest of the resource's jobs: state's latest, or one an interrupted run started
      const latest = view.jobs[0] ?? (typeof props.jobId === "string" ? props.jobId : id);
      const read = await base.read(urn, latest, props);
      if (read.id === "") return read;
      const job = read.props as unknown as DeployJobOutputs;
      return { id, props: { ...read.props, ...convergeOutputs(view, job, props) } };
    },

    async update(urn, id, olds, news) {
      if (!converging(news)) return base.update(urn, id, olds, news);
      settleInFlight(urn, id);
      settleRecorded(urn, olds);
      return convergeUpdate(resource, urn, olds, news);
    },
  };
}

/** A converge job recorded in state is settled as the first job is (settleInFlight). */
function settleRecorded(urn: string | undefined, olds: Props): void {
  if (typeof olds.jobId === "string") settleInFlight(urn, olds.jobId);
}

/**
 * `update` with `converge`: waits for the resource's jobs still running (one recorded mid-run, or one an
 * interrupted run started), then runs one job on exactly the nodes behind, if any, and records each node's latest
 * run. A failed converge job fails the update unless `failOnJobFailure: false`.
 */
async function convergeUpdate(
  resource: JobResource<DeployInputs, DeployJobOutputs>,
  urn: string | undefined,
  olds: Props,
  news: Props,
): Promise<{ outs: Props }> {
  const { host } = resource;
  const inputs = userInputs(news);
  const parsed = deployJob.schema.parse(inputs);
  const client = resource.clientFor(inputs);
  let recorded: Props = { ...recordedOutputs(olds), ...inputs };
  let latestJob = recorded as unknown as DeployJobOutputs;
  let view = await convergeView(client, urn, parsed, recorded, { cheap: false });
  for (const job of view.unfinished) {
    latestJob = await waitForRun(resource, client, job, recorded, statusLine(host, urn));
    recorded = { ...recorded, jobIds: newestFirst([job, ...view.jobs]) };
  }
  if (view.unfinished.length > 0) view = await convergeView(client, urn, parsed, recorded, { cheap: false });
  // a job newer than state's latest (an interrupted run's, finished since): the latest job is its
  const newest = view.jobs[0];
  if (newest !== undefined && newest !== latestJob.jobId) latestJob = await deployJob.read(client, newest);
  let ran = false;
  if (view.behind.length > 0) {
    const nodes = view.behind.map((b) => b.name);
    latestJob = await runOn(resource, client, urn, parsed, nodes, {
      ...recorded,
      ...convergeOutputs(view, latestJob, recorded),
    });
    recorded = { ...recorded, jobIds: newestFirst([latestJob.jobId, ...view.jobs]) };
    view = await withJob(client, view, latestJob.jobId);
    ran = true;
  }
  const outs = { ...inputs, ...convergeOutputs(view, latestJob, recorded) };
  if (ran && deployJob.isFailure(latestJob) && parsed.failOnJobFailure !== false)
    failedJob(deployJob, latestJob.jobId, outs as unknown as DeployJobOutputs, outs, "failed");
  return { outs };
}

/** Starts the converge job on `nodes` (or takes the one an interrupted run started for them) and waits for it. */
async function runOn(
  resource: JobResource<DeployInputs, DeployJobOutputs>,
  client: OrchestratorClient,
  urn: string | undefined,
  parsed: DeployInputs,
  nodes: string[],
  recorded: Props,
): Promise<DeployJobOutputs> {
  const { host } = resource;
  const run: DeployInputs = { ...parsed, nodes, query: undefined, nodeGroup: undefined };
  const { jobName, recovered } = await startOrRecoverJob(deployJob, client, run, urn);
  if (recovered) void host.log(`${TYPE}: ${recovered}`, { urn, severity: "warning" });
  const status = statusLine(host, urn);
  const count = `${nodes.length} node${nodes.length === 1 ? "" : "s"}`;
  status.show(() => `${TYPE}: converge: job ${jobName} started on ${count}`);
  // recorded mid-run (Ctrl-C, a failed wait) with this job as the latest: the next `up` waits for it
  const props = { ...recorded, jobIds: newestFirst([jobName, ...((recorded.jobIds as string[]) ?? [])]) };
  return waitForRun(
    resource,
    client,
    jobName,
    props,
    status,
    recovered ? undefined : deployJob.sketch?.(run),
  );
}

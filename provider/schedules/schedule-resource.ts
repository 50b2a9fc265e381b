import { OrchestratorError, type ScheduledJob, type ScheduledJobsClient } from "../pe";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { type Connections, connections } from "../resource/client-cache";
import type { Host, Props } from "../resource/host";
import { hideParams } from "../resource/resource-props";
import type { ScheduledInputs, ScheduledJobKind } from "./scheduled-job-kind";
import { lastRunJob, scheduledJobOutputs } from "./scheduled-job-outputs";
import { forgetSharedScheduledJobs, sharedScheduledJobs } from "./shared-scheduled-jobs";

/** `J`: what the schedule runs (a job kind's inputs); `I`: the scheduled resource's inputs; `O`: the job's outputs. */
export type JobInputs = { failOnJobFailure?: boolean };

/** What every lifecycle step of a scheduled resource works with: its kind, the face's host, the clients. */
export interface ScheduleResource<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
> {
  kind: ScheduledJobKind<I, J, O>;
  host: Host;
  clients: Connections;
  /** Says `message` on the resource's row, after the type's name. */
  say(urn: string | undefined, message: string, severity?: "info" | "warning"): Promise<void>;
  /** A request failed: its error, prefixed and with secret params' values hidden. */
  failed(error: unknown, props: Props, what: string): Error;
}

export function scheduleResource<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(kind: ScheduledJobKind<I, J, O>, host: Host): ScheduleResource<I, J, O> {
  return {
    kind,
    host,
    clients: connections(host),
    say: (urn, message, severity = "info") => host.log(`${kind.typeName}: ${message}`, { urn, severity }),
    failed(error, props, what) {
      const message = error instanceof Error ? error.message : String(error);
      return new Error(hideParams(`${kind.typeName}: ${what}: ${message}`, props));
    },
  };
}

/** The outputs of a schedule PE holds, with its last run's job and that job's state. */
export async function scheduleOutputs<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(kind: ScheduledJobKind<I, J, O>, client: ScheduledJobsClient, item: ScheduledJob) {
  const job = lastRunJob(item);
  const plan = kind.type === "plan";
  const jobUrl = job
    ? plan
      ? client.orchestrator.planJobUrl(job.name)
      : client.orchestrator.jobUrl(job.name)
    : undefined;
  return scheduledJobOutputs(
    item,
    { schedule: client.url(item.name), job: jobUrl },
    job ? await jobState(kind, client, job.name) : undefined,
  );
}

/** The state of a job a schedule started: from the kind's shared list of recent jobs, else its record. */
async function jobState<I extends J & ScheduledInputs, J extends JobInputs, O extends CommonJobOutputs>(
  kind: ScheduledJobKind<I, J, O>,
  client: ScheduledJobsClient,
  name: string,
): Promise<string | undefined> {
  try {
    const recent = await kind.job.recentJobs(client.orchestrator);
    const found = recent.find((job) => job.name === name);
    if (found) return found.state;
    const record =
      kind.type === "plan"
        ? await client.orchestrator.getPlanJob(name)
        : await client.orchestrator.getJob(name);
    return record.state;
  } catch {
    return undefined; // pruned, or not readable: lastRun says what the schedule knows
  }
}

/** A write: the operation's shared list of schedules is stale after it, whether PE took it or not. */
export function wrote<T>(client: ScheduledJobsClient, request: Promise<T>): Promise<T> {
  return request.finally(() => forgetSharedScheduledJobs(client));
}

/** The schedule `id`, from the operation's one list of schedules, else read by id; undefined when PE has none. */
export async function findSchedule(
  client: ScheduledJobsClient,
  id: string,
): Promise<ScheduledJob | undefined> {
  const listed = (await sharedScheduledJobs(client)).find((item) => item.name === id);
  if (listed) return listed;
  try {
    return await client.get(id);
  } catch (error) {
    if (error instanceof OrchestratorError && error.status === 404) return undefined;
    throw error;
  }
}

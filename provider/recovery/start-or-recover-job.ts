import { randomUUID } from "node:crypto";
import type { OrchestratorClient } from "../pe";
import { type InFlightEntry, interruptedCreate, writeInFlight } from "./in-flight-journal";
import type { JobKind } from "../kinds/job-kind";
import { hashInputs, type JobMarker, markerOf } from "./job-marker";
import type { CommonJobOutputs } from "../kinds/job-outputs";

export interface StartedJob {
  jobName: string;
  /** Why an existing job was taken instead of starting one; absent when a new job was started. */
  recovered?: string;
}

/**
 * Starts the resource's job, unless a job for the same resource and the same inputs already exists because an
 * earlier `pulumi up` was interrupted (crash, kill) before recording it:
 *
 * 1. the in-flight journal names a job (or, when the crash came between sending the command and its answer, an
 *    attempt marker to look for in recent jobs): that job is taken, running or finished;
 * 2. a job marked with this resource and these inputs is still running (started on another machine, or the
 *    journal is gone): that job is taken rather than running a second one at the same time;
 * 3. otherwise a new job is started, journalled first so that step 1 works after a crash.
 *
 * Changing the inputs (e.g. `triggers`) always starts a new job.
 */
export async function startOrRecoverJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  client: OrchestratorClient,
  inputs: I,
  urn: string | undefined,
): Promise<StartedJob> {
  const inputsHash = hashInputs(inputs as Record<string, unknown>, kind.replaceKeys);
  const marker: JobMarker = { urn: urn ?? "", inputsHash, attempt: randomUUID() };
  if (!urn) return { jobName: await kind.start(client, inputs, marker) };

  const previous = interruptedCreate(urn, client.apiUrl, inputsHash);
  const recent = await kind.recentJobs(client);
  if (previous) {
    const jobName =
      previous.jobId ?? recent.find((job) => markerOf(job.userdata)?.attempt === previous.attempt)?.name;
    if (jobName) {
      return {
        jobName,
        recovered: `took ${kind.jobNoun} ${jobName}, started by an interrupted run at ${previous.startedAt}, instead of starting another`,
      };
    }
  }
  const running = recent.find((job) => {
    const found = markerOf(job.userdata);
    return found?.urn === urn && found.inputsHash === inputsHash && kind.isRunning(job.state);
  });
  if (running) {
    return {
      jobName: running.name,
      recovered: `took ${kind.jobNoun} ${running.name}, still running for this resource with the same inputs, instead of starting a second one`,
    };
  }

  const entry: InFlightEntry = {
    urn,
    apiUrl: client.apiUrl,
    inputsHash,
    attempt: marker.attempt,
    startedAt: new Date().toISOString(),
  };
  writeInFlight(entry);
  const jobName = await kind.start(client, inputs, marker);
  writeInFlight({ ...entry, jobId: jobName });
  return { jobName };
}

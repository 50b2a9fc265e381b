import { randomUUID } from "node:crypto";
import type { ScheduledJob, ScheduledJobRequest } from "../pe";
import { interruptedCreate, writeInFlight } from "./in-flight-journal";
import { hashInputs, markerOf, withMarker } from "./job-marker";
import type { Json } from "../resource/common-inputs";

export interface CreatedSchedule {
  name: string;
  /** Why an existing schedule was taken instead of creating one; absent when one was created. */
  recovered?: string;
}

/**
 * Creates the resource's schedule, unless an earlier `pulumi up` created it and was interrupted (crash, kill)
 * before the engine recorded it: a second schedule would run every job twice, for good. As startOrRecoverJob
 * does for jobs, the POST is journalled first, and the schedule carries the attempt's marker in its userdata, so
 * the next create takes the schedule the journal names, or the one its marker finds in PE's list when the crash
 * came between the POST and its answer. A different body (another schedule, params, triggers) always creates.
 */
export async function createOrRecoverSchedule(
  request: { apiUrl: string; body: ScheduledJobRequest; urn: string | undefined },
  post: (body: ScheduledJobRequest) => Promise<string>,
  listed: () => Promise<readonly ScheduledJob[]>,
): Promise<CreatedSchedule> {
  const { apiUrl, body, urn } = request;
  const inputsHash = hashInputs(body as Record<string, unknown>, Object.keys(body));
  const attempt = randomUUID();
  const marked = {
    ...body,
    userdata: withMarker(body.userdata as Record<string, Json>, { urn: urn ?? "", inputsHash, attempt }),
  };
  if (!urn) return { name: await post(marked) };

  const previous = interruptedCreate(urn, apiUrl, inputsHash);
  if (previous) {
    const name =
      previous.jobId ??
      (await listed()).find((item) => markerOf(item.userdata)?.attempt === previous.attempt)?.name;
    if (name)
      return {
        name,
        recovered: `took scheduled job ${name}, created by an interrupted run at ${previous.startedAt}, instead of creating another`,
      };
  }
  const entry = { urn, apiUrl, inputsHash, attempt, startedAt: new Date().toISOString() };
  writeInFlight(entry);
  const name = await post(marked);
  writeInFlight({ ...entry, jobId: name });
  return { name };
}

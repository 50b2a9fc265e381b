import { ApiError, orchestratorKind } from "../http/api-error";
import type { EmulatorState } from "../http/handler-types";
import { parseJobId } from "../http/paging";
import type { ScheduledJobRecord } from "../jobs/job-record";

/** The scheduled job a path names: 400 validation-error if not an integer, 404 unknown-job if none (our kind). */
export function findScheduledJob(state: EmulatorState, id: string): ScheduledJobRecord {
  const job = state.store.scheduledJobs.get(parseJobId(id));
  if (!job)
    throw new ApiError(404, orchestratorKind("unknown-job"), `No scheduled job exists with id ${id}`, { id });
  return job;
}

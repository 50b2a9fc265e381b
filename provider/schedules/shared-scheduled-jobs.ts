import type { ScheduledJob, ScheduledJobsClient } from "../pe";
import { forgetRecentJobs, sharedRecentJobs } from "../recovery/shared-recent-jobs";

const KEY = "scheduled jobs";

/**
 * Every schedule PE holds, read once per connection and shared by the reads of one operation: a `refresh` of 100
 * scheduled resources lists them once (paged with a large limit) instead of reading each. The process's shared
 * job lists hold it, so it is re-read after the same 30 s, a failed read is not kept, and a write of this process
 * (`forgetSharedScheduledJobs`) drops it.
 */
export function sharedScheduledJobs(client: ScheduledJobsClient): Promise<readonly ScheduledJob[]> {
  return sharedRecentJobs(client.orchestrator, KEY, () => client.listAll());
}

/** After a create, edit or disable: the next read lists the schedules again rather than read a stale list. */
export function forgetSharedScheduledJobs(client: ScheduledJobsClient): void {
  forgetRecentJobs(client.orchestrator, KEY);
}

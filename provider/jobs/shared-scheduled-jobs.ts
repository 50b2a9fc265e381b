import type { ScheduledJob, ScheduledJobsClient } from "../pe";
import { sharedRecentJobs } from "../recovery/shared-recent-jobs";

/**
 * Every schedule PE holds, read once per connection and shared by the reads of one operation: a `refresh` of 100
 * scheduled resources lists them once (paged with a large limit) instead of reading each. The process's shared
 * job lists hold it, so it is re-read after the same 30 s and a failed read is not kept.
 */
export function sharedScheduledJobs(client: ScheduledJobsClient): Promise<readonly ScheduledJob[]> {
  return sharedRecentJobs(client.orchestrator, "scheduled jobs", () => client.listAll());
}

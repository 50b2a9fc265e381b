import type { ScheduledJob } from "../pe";

/** The job a schedule's last run started, or the error PE refused to start it with. */
export interface LastRunOutput {
  time?: string;
  jobId?: string;
  jobUrl?: string;
  /** the state of that job now, as its record says */
  jobState?: string;
  submissionError?: { kind: string; msg?: string; details?: Record<string, unknown> };
}

/** What a scheduled resource records besides the declared keys (which PE's values are stored under). */
export interface ScheduledJobOutputs {
  /** PE's name of the schedule ("7"), also the resource's id */
  scheduledJobId: string;
  url: string;
  enabled: boolean;
  nextRun?: string;
  lastRun?: LastRunOutput;
  /** login of the schedule's owner, as whom its jobs run */
  owner?: string;
  /** the params PE stores as sensitive (it returns their names, never their values) */
  sensitiveParameters: string[];
}

/** The last run's job, as PE names it: `{name}` with the URL to read it at, built from the configured base. */
export function lastRunJob(item: ScheduledJob): { name: string } | undefined {
  const name = item.last_run?.job?.name;
  return name === undefined || name === null ? undefined : { name };
}

export function scheduledJobOutputs(
  item: ScheduledJob,
  urls: { schedule: string; job?: string },
  jobState: string | undefined,
): ScheduledJobOutputs {
  const last = item.last_run;
  const job = lastRunJob(item);
  const error = last?.job?.submission_error;
  const lastRun: LastRunOutput | undefined = last
    ? strip({
        time: last.time ?? undefined,
        jobId: job?.name,
        jobUrl: job ? urls.job : undefined,
        jobState,
        submissionError: error
          ? strip({ kind: error.kind, msg: error.msg, details: error.details ?? undefined })
          : undefined,
      })
    : undefined;
  return strip({
    scheduledJobId: item.name,
    url: urls.schedule,
    enabled: item.enabled,
    nextRun: item.next_run?.time ?? undefined,
    lastRun,
    owner: item.owner?.login ?? undefined,
    sensitiveParameters: [...(item.input?.sensitive_parameters ?? [])].sort(),
  });
}

/** Without its undefined members: they would reach state as nothing anyway, and tests compare plainly. */
function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

import type { CallOptions, OrchestratorClient } from "./orchestrator-client";
import { planTaskJobIds } from "./plan-task-job-ids";
import { TERMINAL_JOB_STATES } from "./schemas";

export interface PlanStopOutcome {
  /** Task jobs of the plan that were still running and were stopped. */
  taskJobsStopped: string[];
  /** Task jobs of the plan that could not be stopped (they may still run), with why. */
  taskJobsNotStopped: Array<{ jobName: string; reason: string }>;
}

/**
 * Stops a plan job and the task jobs it started. `stop_plan` starts no further step but leaves a running task job
 * running on its nodes (orchestrator-api.md §3.6, gotcha 24), so each of the plan's jobs still running is stopped
 * with `force` (its node runs are ended too). The plan is stopped first, so no step starts after the jobs are
 * listed. The one stop path of a PlanRun: the wait's deadline and Cancel both use it.
 */
export async function stopPlanJob(
  client: OrchestratorClient,
  planJobName: string,
  options: { known?: Iterable<string>; call?: CallOptions } = {},
): Promise<PlanStopOutcome> {
  await client.stopPlan(planJobName, options.call);
  const record = await client.getPlanJob(planJobName, options.call).catch(() => undefined);
  // Every source: a job that started just before the stop may not be keyed in the record yet.
  const ids = await planTaskJobIds(client, planJobName, { ...options, record, scanEvents: true });
  const outcome: PlanStopOutcome = { taskJobsStopped: [], taskJobsNotStopped: [] };
  for (const jobName of ids) {
    try {
      const job = await client.getJob(jobName, options.call);
      if (TERMINAL_JOB_STATES.has(job.state)) continue;
      await client.stop(jobName, { force: true, ...options.call });
      outcome.taskJobsStopped.push(jobName);
    } catch (error) {
      outcome.taskJobsNotStopped.push({
        jobName,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcome;
}

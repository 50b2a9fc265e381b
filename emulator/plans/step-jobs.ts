import type { JobNode, JobRecord, PlanJobRecord, PlanStepRecord } from "../jobs/job-record";
import type { PlanJobFactory } from "../jobs/job-store";
import { placeNodes, TASK_CONCURRENCY } from "../jobs/schedule-nodes";
import { PlanJobProgress, planEventsReserved } from "./plan-job-progress";

/** The task job of a step, started `startMs` after its plan job was created (PE: `options.plan_job`). */
function stepJobRecord(
  plan: PlanJobRecord,
  step: PlanStepRecord,
  nodes: JobNode[],
  startMs: number,
  name: number,
  eventBase: number,
): JobRecord {
  return {
    name,
    type: "task",
    // Plan-step jobs carry an empty environment name (orchestrator-api.md gotcha 16).
    environment: "",
    options: {
      description: "",
      transport: "pxp",
      noop: false,
      task: step.task,
      sensitive: [],
      "scheduled-job-id": null,
      params: step.params,
      scope: { nodes: step.runs.map((r) => r.name) },
      environment: plan.environment,
      plan_job: plan.name,
    },
    owner: plan.owner,
    userdata: {},
    description: "",
    createdAt: plan.createdAt + startMs,
    eventBase,
    taskResult: step.value,
    nodes,
  };
}

/** How the job store keeps plan jobs and starts their steps' task jobs (index.ts hands it to JobStore.load). */
export const planJobFactory: PlanJobFactory<PlanJobProgress> = {
  progress: (record, store) => new PlanJobProgress(record, store),
  eventsReserved: planEventsReserved,
  stepJob(plan, index, startMs, name, eventBase) {
    const step = plan.steps[index];
    return stepJobRecord(plan, step, placeNodes(step.runs, TASK_CONCURRENCY), startMs, name, eventBase);
  },
};

// Waiting on a job (engine-neutral core): the wait loop, its poll schedule and the predictions it polls by
// (history of like jobs, PuppetDB's last runs, the nodes' progress). May import pe/ only; no Pulumi, no face.
export { estimateEndFromProgress, type NodeTimes, type ProgressInput } from "./estimate-end-from-progress";
export {
  callerEstimate,
  type DurationEstimate,
  estimateJobDuration,
  type HistoryEstimateOptions,
} from "./estimate-job-duration";
export { type HistoryOption, historyOptionSchema } from "./history-option";
export { type JobSketch, jobSketch } from "./job-sketch";
export { DEFAULT_POLL_POLICY, nextPollDelay, type PollDelayInput, type PollPolicy } from "./next-poll-delay";
export { type PlanStepProgress } from "./plan-steps";
export { type Clock, systemClock, type WaitProgress } from "./poll-job";
export { type HistoryHints, similarJobDurations, similarPlanJobDurations } from "./similar-job-durations";
export {
  type JobWaitResult,
  type PlanJobWaitResult,
  type WaitOptions,
  waitForJob,
  waitForPlanJob,
} from "./wait-for-job";

// The outputs each resource adds to its inputs in state: the resource classes register them as placeholders
// (so they are typed outputs), and the provider tells them apart from user inputs.
export const COMMON_OUTPUT_KEYS = [
  "jobId",
  "jobUrl",
  "state",
  "startedAt",
  "finishedAt",
  "durationSeconds",
  "owner",
] as const;
export const DEPLOY_OUTPUT_KEYS = [
  ...COMMON_OUTPUT_KEYS,
  "nodeCount",
  "nodeStates",
  "nodeResults",
  "nodeResultsTruncated",
] as const;
/** EnvironmentDeploy with `converge`: its jobs, who is behind, the digest of the scope last converged. */
export const ENVIRONMENT_DEPLOY_OUTPUT_KEYS = [
  ...DEPLOY_OUTPUT_KEYS,
  "jobIds",
  "nodesBehind",
  "scopeDigest",
] as const;
/** A task run reports what a deploy does; its node results also carry each node's task output. */
export const TASK_OUTPUT_KEYS = DEPLOY_OUTPUT_KEYS;
export const PLAN_OUTPUT_KEYS = [...COMMON_OUTPUT_KEYS, "result", "error", "taskJobIds"] as const;
/** CodeDeploy: no job; one Code Manager deploy per environment (`deploys`, as `environments` is the input). */
export const CODE_DEPLOY_OUTPUT_KEYS = [
  "state",
  "deploys",
  "deploySignatures",
  "startedAt",
  "finishedAt",
  "durationSeconds",
] as const;
/**
 * A scheduled job's own outputs. What PE holds of the declared keys (schedule, enabled, params, ...) is stored
 * under the inputs' own names, so that a refresh shows drift as a change of those inputs.
 */
export const SCHEDULED_JOB_OUTPUT_KEYS = [
  "scheduledJobId",
  "url",
  "nextRun",
  "lastRun",
  "owner",
  "sensitiveParameters",
] as const;
export const ALL_OUTPUT_KEYS: readonly string[] = [
  ...new Set([
    ...ENVIRONMENT_DEPLOY_OUTPUT_KEYS,
    ...PLAN_OUTPUT_KEYS,
    ...CODE_DEPLOY_OUTPUT_KEYS,
    ...SCHEDULED_JOB_OUTPUT_KEYS,
  ]),
];
/**
 * An internal input, true when a resource's `params` hold a secret: the provider sees params in plain text, so
 * the resource tells it to keep their values out of its error messages.
 */
export const SECRET_PARAMS_KEY = "__secretParams";
/**
 * An internal input of the scheduled resources: the names of the params whose values are secrets, which are
 * posted with `sensitive: true` (the provider sees params in plain text, so the face tells it which).
 */
export const SENSITIVE_PARAMS_KEY = "__sensitiveParams";

// Public surface of the orchestrator client. No Pulumi imports here: the resources build on this.
export { calculateRetryDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./http/calculate-retry-delay";
export { CodeManagerClient } from "./code-manager-client";
export * from "./code-manager-schemas";
export {
  baselineOf,
  baselineSince,
  type CodeDeployBaseline,
  type CodeDeployEnvironments,
  type CodeDeployOutcome,
  type CodeDeployProgress,
  CodeDeployWaitError,
  type DeployCodeOptions,
  deployCode,
  type EnvironmentCodeDeploy,
  environmentsFromStatus,
  followCodeDeploy,
} from "./deploy-code";
export {
  ConnectionSettingsError,
  type JobKind,
  JobWaitError,
  OrchestratorError,
  RequestValidationError,
  ResponseShapeError,
  ResponseTooLargeError,
  type WaitFailure,
} from "./http/errors";
export { scrubSecretsDeep, terminalText } from "./http/untrusted-text";
export { fleetNodeRunDurations, latestNodeRunDurations } from "./latest-node-runs";
export {
  boundResult,
  type NodeSummary,
  NodeSummaryBuilder,
  type NodeSummaryEntry,
  RESULT_LIMIT_BYTES,
  RESULTS_BUDGET_BYTES,
} from "./node-summary";
export { isLoopbackHost, normalizeServiceUrl, type ServiceUrl } from "./settings/normalize-service-url";
export {
  type CallOptions,
  type ClientOptions,
  type Logger,
  OrchestratorClient,
  type RequestSpec,
} from "./orchestrator-client";
export { ScheduledJobsClient } from "./scheduled-jobs-client";
export * from "./scheduled-job-schemas";
export { planTaskJobIds, sortedJobIds, stepStartJobId } from "./plan-task-job-ids";
export {
  type ConnectionInput,
  type ConnectionSettings,
  connectionInputSchema,
  describeConnectionSettings,
  type ResolveConnectionOptions,
  resolveCodeManagerSettings,
  resolveConnectionSettings,
} from "./settings/resolve-connection-settings";
export * from "./schemas";
export { type PlanStopOutcome, stopPlanJob } from "./stop-plan-job";
export { queryPuppetDb } from "./puppetdb-client";
export { getNodeGroup } from "./classifier-client";
export * from "./target-schemas";
export type { TokenSource } from "./settings/token-source";

import type { ClientOptions } from "./orchestrator-client";
import { OrchestratorClient } from "./orchestrator-client";
import {
  type ResolveConnectionOptions,
  resolveConnectionSettings,
} from "./settings/resolve-connection-settings";

/** Resolves the connection settings and builds a client in one step. */
export function createOrchestratorClient(
  resolve: ResolveConnectionOptions = {},
  options: ClientOptions = {},
): OrchestratorClient {
  return new OrchestratorClient(resolveConnectionSettings(resolve), options);
}

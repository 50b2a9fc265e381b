import { deployJob, deployRequest } from "../kinds/deploy-job";
import { type DeployInputs } from "../kinds/kind-inputs";
import { type ScheduledDeployInputs, scheduledDeployInputsSchema } from "./schedule-inputs";
import type { DeployJobOutputs } from "../kinds/job-outputs";
import { type ScheduledJobKind, scopeInputs } from "./scheduled-job-kind";

/** The deploy inputs and the `/command/deploy` keys they are sent as (besides environment and scope). */
const FLAGS = [
  ["noop", "noop"],
  ["noNoop", "no_noop"],
  ["concurrency", "concurrency"],
  ["enforceEnvironment", "enforce_environment"],
  ["debug", "debug"],
  ["trace", "trace"],
  ["evaltrace", "evaltrace"],
  ["filetimeout", "filetimeout"],
  ["httpConnectTimeout", "http_connect_timeout"],
  ["httpKeepaliveTimeout", "http_keepalive_timeout"],
  ["httpReadTimeout", "http_read_timeout"],
  ["ordering", "ordering"],
  ["skipTags", "skip_tags"],
  ["tags", "tags"],
  ["useCachedCatalog", "use_cached_catalog"],
  ["usecacheonfailure", "usecacheonfailure"],
] as const;

/** Puppet runs on a schedule: `input` holds the `/command/deploy` keys but the environment (a key of its own). */
export const scheduledDeploy: ScheduledJobKind<ScheduledDeployInputs, DeployInputs, DeployJobOutputs> = {
  typeName: "ScheduledDeploy",
  type: "deploy",
  schema: scheduledDeployInputsSchema,
  job: deployJob,
  runKeys: ["environment", "nodes", "query", "nodeGroup", "application", ...FLAGS.map(([key]) => key)],
  request(inputs) {
    const {
      environment,
      description: _d,
      userdata: _u,
      ...input
    } = deployRequest({
      ...inputs,
      description: undefined,
      userdata: undefined,
    });
    return { input, environment };
  },
  inputsOf(item) {
    const input = (item.input ?? {}) as Record<string, unknown>;
    return {
      environment: item.environment ?? "",
      ...scopeInputs(input.scope),
      ...Object.fromEntries(FLAGS.map(([key, body]) => [key, input[body]])),
    };
  },
};

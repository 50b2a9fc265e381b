import { OrchestratorError } from "../pe";
import type { JobKind } from "../kinds/job-kind";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { settleInFlight } from "../recovery/in-flight-journal";
import type { Host } from "../resource/host";
import type { ResourceOperations } from "../resource/resource-operations";
import { ADOPT_KEY, changedInputs, userInputs } from "../resource/resource-props";
import { checkJob } from "./check-job";
import { jobResource, warnBeforeRun } from "./job-resource";
import { createJob, updateJob } from "./run-job";

/**
 * The operations of one job resource type, over the orchestrator client. `check` validates before any API
 * call; `create` starts the job and waits; `read` refreshes the job's record; `update` and `delete` make no
 * API call (a finished job cannot be changed or undone).
 */
export function jobOperations<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  host: Host,
): ResourceOperations {
  const resource = jobResource(kind, host);
  const { clientFor } = resource;
  return {
    check: (urn, olds, news) => checkJob(resource, urn, olds, news),

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedInputs(olds, news);
      const replaceKeys = new Set<string>([...kind.replaceKeys, ADOPT_KEY]);
      const replaces = changed.filter((key) => replaceKeys.has(key));
      if (replaces.length > 0) {
        const parsed = kind.schema.safeParse(userInputs(news));
        if (parsed.success) await warnBeforeRun(resource, parsed.data, urn);
      }
      // A job recorded while still running (a failed wait, a refresh mid-job) is waited for by `update`.
      const unfinished = typeof olds.state === "string" && kind.isRunning(olds.state);
      return { changes: changed.length > 0 || unfinished, replaces, deleteBeforeReplace: false };
    },

    create: (urn, props) => createJob(resource, urn, props),

    async read(_urn, id, props) {
      const inputs = userInputs(props);
      try {
        const outputs = await kind.read(clientFor(inputs), id);
        return { id, props: { ...inputs, ...outputs } };
      } catch (error) {
        // A job the orchestrator no longer knows is gone: an empty id tells the engine so.
        if (error instanceof OrchestratorError && error.status === 404) return { id: "", props: {} };
        throw error;
      }
    },

    async adopt(_urn, id) {
      const client = clientFor({});
      const [inputs, outputs] = await Promise.all([kind.importedInputs(client, id), kind.read(client, id)]);
      return { id, props: { ...inputs, ...outputs }, inputs };
    },

    update: (urn, id, olds, news) => updateJob(resource, urn, id, olds, news),

    async delete(urn, id) {
      settleInFlight(urn, id);
      // Nothing to undo: a job's record stays in the orchestrator's history.
    },
  };
}

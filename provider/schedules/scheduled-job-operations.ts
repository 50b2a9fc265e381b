import { OrchestratorError } from "../pe";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { settleInFlight } from "../recovery/in-flight-journal";
import type { Host, Props } from "../resource/host";
import { SCHEDULED_JOB_OUTPUT_KEYS } from "../resource/output-keys";
import type { ResourceOperations } from "../resource/resource-operations";
import { userInputs } from "../resource/resource-props";
import { checkSchedule } from "./check-schedule";
import { createSchedule } from "./create-schedule";
import { adoptSchedule, readSchedule } from "./read-schedule";
import { changedScheduleInputs, heldBy, sensitiveOf } from "./schedule-changes";
import {
  type JobInputs,
  type ScheduleResource,
  scheduleOutputs,
  scheduleResource,
  wrote,
} from "./schedule-resource";
import { ADOPT_SCHEDULE_KEY, type ScheduledInputs, type ScheduledJobKind } from "./scheduled-job-kind";
import { scheduledJobUpdate } from "./scheduled-job-request";

/** Changes that replace the resource: a new schedule, the old one disabled. */
const REPLACE_KEYS = new Set(["triggers", ADOPT_SCHEDULE_KEY]);
/** Inputs PE does not hold: a change updates state and sends nothing. */
const LOCAL_KEYS = new Set(["connection", "requireConnected"]);

/**
 * The operations of a scheduled resource: the one lasting object among the resources. `create` POSTs the
 * schedule, `update` PUTs the keys that changed, `delete` disables it (PE has no delete), `read` finds it in one
 * list of every schedule per connection and stores what PE holds under the inputs' names, so that a refresh shows
 * drift and the next `up` puts it back. A schedule PE holds disabled cannot be edited: a change replaces it.
 */
export function scheduledJobOperations<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(kind: ScheduledJobKind<I, J, O>, host: Host): ResourceOperations {
  const resource = scheduleResource(kind, host);
  return {
    check: (urn, olds, news) => checkSchedule(resource, urn, olds, news),

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedScheduleInputs(kind, olds, news);
      let replaces = changed.filter((key) => REPLACE_KEYS.has(key));
      // PE refuses every edit of a disabled schedule, re-enabling included: a new one replaces it.
      const edits = changed.filter((key) => !LOCAL_KEYS.has(key));
      if (replaces.length === 0 && olds.enabled === false && edits.length > 0) replaces = edits;
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    create: (urn, props) => createSchedule(resource, urn, props),
    read: (_urn, id, props) => readSchedule(resource, id, props),
    adopt: (urn, id) => adoptSchedule(resource, urn, id),
    update: (urn, id, olds, news) => updateSchedule(resource, urn, id, olds, news),

    async delete(urn, id, props) {
      settleInFlight(urn, id);
      const client = resource.clients.scheduledJobs(userInputs(props));
      try {
        await wrote(client, client.update(id, { enabled: false }));
      } catch (error) {
        // already disabled, or gone: what destroy wants
        const done =
          error instanceof OrchestratorError &&
          (error.status === 404 || error.kind?.endsWith("/disabled-scheduled-job") === true);
        if (!done) throw resource.failed(error, props, `disabling scheduled job ${id} failed`);
      }
      await resource.say(urn, `disabled scheduled job ${id} (PE cannot delete a scheduled job)`);
    },
  };
}

/** `update`: PUTs only the keys whose values PE would be told differently; none, no request. */
async function updateSchedule<I extends J & ScheduledInputs, J extends JobInputs, O extends CommonJobOutputs>(
  { kind, clients, say, failed }: ScheduleResource<I, J, O>,
  urn: string | undefined,
  id: string,
  olds: Props,
  news: Props,
): Promise<{ outs: Props }> {
  settleInFlight(urn, id);
  const inputs = userInputs(news);
  const parsed = kind.schema.parse(inputs);
  const client = clients.scheduledJobs(inputs);
  const update = scheduledJobUpdate(kind, heldBy<I>(olds), {
    inputs: parsed,
    sensitive: sensitiveOf(news, parsed.params),
  });
  if (Object.keys(update).length === 0) {
    const kept = Object.fromEntries(
      Object.entries(olds).filter(([key]) => (SCHEDULED_JOB_OUTPUT_KEYS as readonly string[]).includes(key)),
    );
    return { outs: { ...inputs, ...kept, enabled: olds.enabled } };
  }
  try {
    await wrote(client, client.update(id, update));
  } catch (error) {
    const disabled = error instanceof OrchestratorError && error.kind?.endsWith("/disabled-scheduled-job");
    throw failed(
      error,
      news,
      disabled
        ? `scheduled job ${id} was disabled in PE since state was read, and PE refuses its edits; ` +
            "run `pulumi refresh`, then `pulumi up` replaces it"
        : `updating scheduled job ${id} (${Object.keys(update).join(", ")}) failed`,
    );
  }
  await say(urn, `updated scheduled job ${id}: ${Object.keys(update).join(", ")}`);
  const item = await client.get(id);
  return { outs: { ...inputs, ...(await scheduleOutputs(kind, client, item)) } };
}

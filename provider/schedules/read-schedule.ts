import type { CommonJobOutputs } from "../kinds/job-outputs";
import { canonicalJson } from "../resource/canonical-json";
import type { Props } from "../resource/host";
import { userInputs } from "../resource/resource-props";
import { heldBy } from "./schedule-changes";
import { findSchedule, type JobInputs, type ScheduleResource, scheduleOutputs } from "./schedule-resource";
import type { ScheduledInputs } from "./scheduled-job-kind";
import { comparable, declaredOf, recordOf, scheduledJobRequest } from "./scheduled-job-request";

/**
 * `read`: the schedule from the operation's one list of every schedule per connection, with what PE holds stored
 * under the inputs' names, so that a refresh shows drift and the next `up` puts it back.
 */
export async function readSchedule<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(
  { kind, clients }: ScheduleResource<I, J, O>,
  id: string,
  props: Props,
): Promise<{ id: string; props: Props }> {
  const inputs = userInputs(props);
  const client = clients.scheduledJobs(inputs);
  const item = await findSchedule(client, id);
  if (!item) return { id: "", props: {} };
  const held = declaredOf(kind, item);
  const stored = heldBy<I>(props);
  // What state says, as PE would show it: a key PE shows alike keeps the program's spelling (a tag list, a start
  // time with an offset), one that differs takes PE's value, which the next `up` puts back.
  let before: Props | undefined;
  try {
    before = declaredOf(
      kind,
      recordOf(scheduledJobRequest(kind, stored.inputs, stored.sensitive), id, true),
    ).inputs;
  } catch {
    before = undefined; // state that makes no request: PE's values throughout
  }
  const merged: Props = { ...inputs };
  for (const [key, value] of Object.entries(held.inputs)) {
    if (key === "enabled") continue;
    if (before && comparable(before[key], key) === comparable(value, key)) continue;
    if (key === "params") {
      // values of sensitive params never come back: those PE still holds keep the stored ones
      const old = (inputs.params ?? {}) as Record<string, unknown>;
      const kept = held.sensitive.filter((name) => name in old).map((name) => [name, old[name]]);
      merged.params = { ...(value as Record<string, unknown>), ...Object.fromEntries(kept) };
    } else if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return { id, props: { ...merged, ...(await scheduleOutputs(kind, client, item)) } };
}

/** `pulumi import`: the schedule PE holds, and the inputs a program would declare (defaults left out). */
export async function adoptSchedule<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(
  { kind, clients, say }: ScheduleResource<I, J, O>,
  urn: string | undefined,
  id: string,
): Promise<{ id: string; props: Props; inputs: Props }> {
  const client = clients.scheduledJobs({});
  const item = await client.get(id);
  const held = declaredOf(kind, item);
  const inputs = Object.fromEntries(
    Object.entries(held.inputs).filter(
      ([key, value]) =>
        value !== undefined &&
        value !== null &&
        value !== "" &&
        !(key === "enabled" && value === true) &&
        !(key === "userdata" && canonicalJson(value) === "{}") &&
        !(key === "params" && canonicalJson(value) === "{}" && held.sensitive.length === 0),
    ),
  );
  if (held.sensitive.length > 0)
    await say(
      urn,
      `PE holds params ${held.sensitive.join(", ")} of scheduled job ${id} as sensitive and never returns their ` +
        "values: declare them in the program (as secrets)",
      "warning",
    );
  return { id, props: { ...inputs, ...(await scheduleOutputs(kind, client, item)) }, inputs };
}

import type { ScheduledJobsClient } from "../pe";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { createOrRecoverSchedule } from "../recovery/create-or-recover-schedule";
import type { Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { hideParams, userInputs } from "../resource/resource-props";
import { recordChanges, sensitiveOf } from "./schedule-changes";
import { type JobInputs, type ScheduleResource, scheduleOutputs, wrote } from "./schedule-resource";
import { ADOPT_SCHEDULE_KEY, type ScheduledInputs } from "./scheduled-job-kind";
import { recordOf, scheduledJobRequest, type UpdatableKey } from "./scheduled-job-request";
import { sharedScheduledJobs } from "./shared-scheduled-jobs";

type Request = ReturnType<typeof scheduledJobRequest>;

/**
 * `create`: POSTs the schedule (or takes the one an interrupted run posted), or adopts an existing one
 * (`importScheduledJobId`) sending only what differs from the program; then `enabled: false`, which PE takes only
 * as a second request. A schedule that exists is always recorded, even when a later step fails.
 */
export async function createSchedule<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(
  resource: ScheduleResource<I, J, O>,
  urn: string | undefined,
  props: Props,
): Promise<{ id: string; outs: Props }> {
  const { kind, clients } = resource;
  const inputs = userInputs(props);
  const parsed = kind.schema.parse(inputs);
  const sensitive = sensitiveOf(props, parsed.params);
  const client = clients.scheduledJobs(inputs);
  const body = scheduledJobRequest(kind, parsed, sensitive);
  const adopted = inputs[ADOPT_SCHEDULE_KEY];
  const { name, recovered } =
    typeof adopted === "string"
      ? {
          name: await adoptHeld(
            resource,
            client,
            adopted,
            { body, enabled: parsed.enabled ?? true, sensitive },
            urn,
            props,
          ),
          recovered: false,
        }
      : await postSchedule(resource, client, body, urn, props);
  try {
    // PE creates schedules enabled; `enabled: false` is a second request (one a recovered schedule may have had)
    const taken = recovered ? await client.get(name) : undefined;
    const disable = parsed.enabled === false && typeof adopted !== "string" && taken?.enabled !== false;
    if (disable) await wrote(client, client.update(name, { enabled: false }));
    const item = taken && !disable ? taken : await client.get(name);
    return { id: name, outs: { ...inputs, ...(await scheduleOutputs(kind, client, item)) } };
  } catch (error) {
    // the schedule exists: record it, so that it is not made twice
    throw new JobFailedError(
      hideParams(
        `${kind.typeName}: scheduled job ${name} was created (${client.url(name)}), then: ` +
          `${(error as Error).message}; it is recorded in the stack, and the next \`pulumi up\` puts it as declared`,
        props,
      ),
      name,
      { ...inputs, scheduledJobId: name, url: client.url(name), enabled: true, sensitiveParameters: [] },
    );
  }
}

/** Adopts schedule `id`, made as the program declares it: only what differs is sent. */
async function adoptHeld<I extends J & ScheduledInputs, J extends JobInputs, O extends CommonJobOutputs>(
  { kind, say, failed }: ScheduleResource<I, J, O>,
  client: ScheduledJobsClient,
  id: string,
  { body, enabled, sensitive }: { body: Request; enabled: boolean; sensitive: Set<string> },
  urn: string | undefined,
  props: Props,
): Promise<string> {
  const held = await client.get(id).catch((error: unknown) => {
    throw failed(error, props, `reading scheduled job ${id} to adopt it failed`);
  });
  const name = held.name;
  const keys = recordChanges(kind, held, recordOf(body, name, enabled), sensitive.size > 0);
  if (keys.length === 0) return name;
  if (!held.enabled)
    throw new Error(
      `${kind.typeName}: scheduled job ${name} is disabled in PE, which lets no one edit or re-enable it; ` +
        `remove importScheduledJobId to create a new schedule instead`,
    );
  const full = { ...body, enabled } as Record<UpdatableKey, unknown>;
  const update = Object.fromEntries(keys.map((key) => [key, full[key]]));
  await wrote(client, client.update(name, update)).catch((error: unknown) => {
    throw failed(error, props, `adopting scheduled job ${name} failed`);
  });
  await say(urn, `adopted scheduled job ${name} and set ${keys.join(", ")} as declared`);
  return name;
}

/** POSTs the schedule, unless an interrupted run of this resource posted it: then that one is taken. */
async function postSchedule<I extends J & ScheduledInputs, J extends JobInputs, O extends CommonJobOutputs>(
  { say, failed }: ScheduleResource<I, J, O>,
  client: ScheduledJobsClient,
  body: Request,
  urn: string | undefined,
  props: Props,
): Promise<{ name: string; recovered: boolean }> {
  const post = async (marked: Request) => {
    const created = await wrote(client, client.create(marked)).catch((error: unknown) => {
      throw failed(error, props, "creating the scheduled job failed");
    });
    return created.scheduled_job.name;
  };
  const made = await createOrRecoverSchedule({ apiUrl: client.orchestrator.apiUrl, body, urn }, post, () =>
    sharedScheduledJobs(client),
  );
  if (made.recovered) await say(urn, made.recovered, "warning");
  return { name: made.name, recovered: made.recovered !== undefined };
}

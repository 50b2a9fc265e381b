import type { CommonJobOutputs } from "../kinds/job-outputs";
import { checkRemotely } from "../kinds/check-remotely";
import { previewRun } from "../preview/preview-run";
import type { Props } from "../resource/host";
import { type CheckFailure, checkConnection } from "../resource/resource-operations";
import { hideParams, userInputs } from "../resource/resource-props";
import { validateInputs } from "../resource/validate-inputs";
import { changedScheduleInputs } from "./schedule-changes";
import { NOT_FOR_SCHEDULES } from "./schedule-inputs";
import type { JobInputs, ScheduleResource } from "./schedule-resource";
import { ADOPT_SCHEDULE_KEY, type ScheduledInputs } from "./scheduled-job-kind";
import { startTimeCheck, whenItRuns } from "./start-time-check";

/**
 * `check` of a scheduled resource: the job inputs a schedule does not take, the schema, the connection, what only
 * the orchestrator can tell; then, when sent, the start time, and what the schedule's jobs will run on.
 */
export async function checkSchedule<
  I extends J & ScheduledInputs,
  J extends JobInputs,
  O extends CommonJobOutputs,
>(
  resource: ScheduleResource<I, J, O>,
  urn: string | undefined,
  olds: Props,
  news: Props,
): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  const { kind, clients, say } = resource;
  const all = userInputs(news);
  const failures: CheckFailure[] = Object.keys(all)
    .filter((key) => key in NOT_FOR_SCHEDULES)
    .map((key) => ({
      property: key,
      reason: `${key} does not apply to ${kind.typeName}: ${NOT_FOR_SCHEDULES[key]}; remove it`,
    }));
  const inputs = Object.fromEntries(Object.entries(all).filter(([key]) => !(key in NOT_FOR_SCHEDULES)));
  const validated = validateInputs(kind.schema, inputs);
  failures.push(...validated.failures);
  const value = validated.value;
  if (failures.length > 0 || !value || validated.hasUnknowns) return { inputs: news, failures };

  const connectionFailure = await checkConnection(inputs, clients.settings);
  if (connectionFailure) return { inputs: news, failures: [connectionFailure] };
  failures.push(...(await checkRemotely(kind.job, value, () => clients.orchestrator(inputs))));
  if (failures.length > 0) return { inputs: news, failures };

  const creating = Object.keys(userInputs(olds)).length === 0;
  const changed = creating ? [] : changedScheduleInputs(kind, olds, news);
  const log = (message: string, severity: "info" | "warning") =>
    say(urn, hideParams(message, news), severity);
  // The start time is judged when it is sent: at the create, or when the schedule changes.
  if (creating || changed.includes("schedule")) {
    const check = startTimeCheck(value.schedule, Date.now());
    if (check.failure) failures.push(check.failure);
    if (check.warning) await log(check.warning, "warning");
  }
  // What the schedule's jobs will run on, when that is new: a create or a change of what runs.
  if (failures.length === 0 && (creating || changed.some((key) => kind.runKeys.includes(key)))) {
    const when = whenItRuns(value.schedule);
    const describe = kind.job.describeRun;
    const scheduled = {
      describeRun: describe
        ? async (client: Parameters<typeof describe>[0], job: J) => {
            const run = await describe(client, job);
            return run && { ...run, action: `${run.action} ${when}` };
          }
        : undefined,
    };
    const hide = (message: string) => hideParams(message, news);
    failures.push(...(await previewRun(scheduled, clients.orchestrator(inputs), value, log, hide)));
  }
  if (failures.length === 0 && creating) {
    for (const warning of kind.job.warnings?.(value) ?? []) await log(warning, "warning");
    if (inputs[ADOPT_SCHEDULE_KEY] === undefined)
      await log("PE cannot delete a scheduled job: `pulumi destroy` disables it", "info");
  }
  return { inputs: news, failures };
}

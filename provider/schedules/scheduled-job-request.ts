import type { Schedule, ScheduledJob, ScheduledJobRequest, ScheduledJobUpdate } from "../pe";
import { withoutMarker } from "../recovery/job-marker";
import { canonicalJson } from "../resource/canonical-json";
import type { Props } from "../resource/host";
import type { ScheduleInput } from "./schedule-inputs";
import { SENSITIVE_PARAMS_KEY } from "../resource/output-keys";
import type { ScheduledInputs, ScheduledJobMapping } from "./scheduled-job-kind";

export function scheduleBody(schedule: ScheduleInput): Schedule {
  return {
    start_time: schedule.startTime,
    interval:
      schedule.intervalSeconds === undefined ? null : { units: "seconds", value: schedule.intervalSeconds },
  };
}

/** The names of the params a face said are secret. */
export function sensitiveParams(props: Props): Set<string> {
  const names = props[SENSITIVE_PARAMS_KEY];
  return new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : []);
}

/**
 * The POST body for a resource's inputs. PE requires every key: an unset description is sent as "" and unset
 * userdata as {}, which is what PE shows for them, not a server default filled in.
 */
export function scheduledJobRequest<I extends ScheduledInputs>(
  kind: ScheduledJobMapping<I>,
  inputs: I,
  sensitive: ReadonlySet<string>,
): ScheduledJobRequest {
  const { input, environment } = kind.request(inputs, sensitive);
  return {
    type: kind.type,
    input,
    environment,
    schedule: scheduleBody(inputs.schedule),
    description: inputs.description ?? "",
    userdata: (inputs.userdata ?? {}) as Record<string, unknown>,
  };
}

/** The keys a PUT may carry, in the order PE's page lists them. */
export const UPDATABLE_KEYS = [
  "input",
  "environment",
  "schedule",
  "description",
  "userdata",
  "enabled",
] as const;
export type UpdatableKey = (typeof UPDATABLE_KEYS)[number];

/** The whole body PE would hold for these inputs, `enabled` included (default true). */
function fullBody<I extends ScheduledInputs>(
  kind: ScheduledJobMapping<I>,
  inputs: I,
  sensitive: ReadonlySet<string>,
) {
  return { ...scheduledJobRequest(kind, inputs, sensitive), enabled: inputs.enabled ?? true };
}

/** Start times compare as instants: `…T02:00:00Z` and `…T03:00:00+01:00` are the same time. */
function sameInstant(body: { schedule: Schedule }): unknown {
  const ms = Date.parse(body.schedule.start_time);
  return {
    ...body,
    schedule: { ...body.schedule, start_time: Number.isNaN(ms) ? body.schedule.start_time : ms },
  };
}

/**
 * The PUT that takes PE from `before` (what state says it holds) to `after` (the program's inputs): only the
 * top-level keys that differ, each with its whole value (PE replaces per key; an unchanged past `start_time`
 * sent again would be refused). Empty when nothing PE holds changes.
 */
export function scheduledJobUpdate<I extends ScheduledInputs>(
  kind: ScheduledJobMapping<I>,
  before: { inputs: I; sensitive: ReadonlySet<string> },
  after: { inputs: I; sensitive: ReadonlySet<string> },
): ScheduledJobUpdate {
  const a = sameInstant(fullBody(kind, before.inputs, before.sensitive)) as Record<string, unknown>;
  const b = fullBody(kind, after.inputs, after.sensitive);
  const bNormal = sameInstant(b) as Record<string, unknown>;
  const update: Record<string, unknown> = {};
  for (const key of UPDATABLE_KEYS)
    if (canonicalJson(a[key]) !== canonicalJson(bNormal[key])) update[key] = b[key];
  return update as ScheduledJobUpdate;
}

/**
 * What PE's record says of the declared keys, in the inputs' terms: what the schedule runs (the kind's
 * `inputsOf`), its schedule, enabled, description, userdata, and the names of the params PE stores as sensitive
 * (their values it never returns).
 */
export function declaredOf<I extends ScheduledInputs>(
  kind: ScheduledJobMapping<I>,
  item: ScheduledJob,
): { inputs: Props; sensitive: string[] } {
  const interval = item.schedule.interval;
  return {
    inputs: {
      ...kind.inputsOf(item),
      schedule: {
        startTime: item.schedule.start_time,
        ...(interval ? { intervalSeconds: interval.value } : {}),
      },
      enabled: item.enabled,
      description: item.description ?? "",
      userdata: withoutMarker(item.userdata ?? {}),
    },
    sensitive: [...(item.input?.sensitive_parameters ?? [])].sort(),
  };
}

/** The record PE would hold after a POST of this body: non-sensitive params as plain values, the others by name. */
export function recordOf(body: ScheduledJobRequest, name: string, enabled: boolean): ScheduledJob {
  const parameters = (body.input.parameters ?? undefined) as
    Record<string, { value: unknown; sensitive?: true }> | undefined;
  const input: Record<string, unknown> = { ...body.input };
  if (parameters) {
    const entries = Object.entries(parameters);
    input.parameters = Object.fromEntries(
      entries.filter(([, p]) => !p.sensitive).map(([k, p]) => [k, p.value]),
    );
    input.sensitive_parameters = entries.filter(([, p]) => p.sensitive).map(([k]) => k);
  }
  return {
    id: name,
    name,
    enabled,
    type: body.type,
    environment: body.environment,
    description: body.description,
    userdata: body.userdata,
    input,
    schedule: body.schedule,
  };
}

/** Declared values in one form for comparing: start times as instants, tag lists as PE's comma-separated text. */
export function comparable(value: unknown, key: string): string {
  if (key === "schedule" && value && typeof value === "object") {
    const s = value as { startTime?: unknown };
    const ms = typeof s.startTime === "string" ? Date.parse(s.startTime) : NaN;
    return canonicalJson({ ...s, startTime: Number.isNaN(ms) ? s.startTime : ms });
  }
  if ((key === "tags" || key === "skipTags") && Array.isArray(value)) return canonicalJson(value.join(","));
  return canonicalJson(value);
}

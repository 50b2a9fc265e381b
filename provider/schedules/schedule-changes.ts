import type { ScheduledJob } from "../pe";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { canonicalJson } from "../resource/canonical-json";
import type { Props } from "../resource/host";
import { userInputs } from "../resource/resource-props";
import type { JobInputs } from "./schedule-resource";
import type { ScheduledInputs, ScheduledJobKind } from "./scheduled-job-kind";
import {
  comparable,
  declaredOf,
  sensitiveParams,
  UPDATABLE_KEYS,
  type UpdatableKey,
} from "./scheduled-job-request";

/** The params the face says are secret: the ones posted `sensitive: true`. */
export function sensitiveOf(props: Props, params: Record<string, unknown> | undefined): Set<string> {
  return new Set([...sensitiveParams(props)].filter((name) => params !== undefined && name in params));
}

/** What PE holds, as state says (the last create, update or refresh). */
export function heldBy<I>(olds: Props): { inputs: I; sensitive: Set<string> } {
  return {
    inputs: userInputs(olds) as I,
    sensitive: new Set(Array.isArray(olds.sensitiveParameters) ? (olds.sensitiveParameters as string[]) : []),
  };
}

/** The user inputs whose values PE would be told differently (defaults applied: enabled true, description ""). */
export function changedScheduleInputs(kind: { type: string }, olds: Props, news: Props): string[] {
  const before = normalized(kind, userInputs(olds));
  const after = normalized(kind, userInputs(news));
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((key) => comparable(before[key], key) !== comparable(after[key], key));
  // a param that became secret, or stopped being one, is posted otherwise
  const held = heldBy(olds).sensitive;
  const wanted = sensitiveOf(news, after.params as Record<string, unknown> | undefined);
  if (!changed.includes("params") && canonicalJson([...held].sort()) !== canonicalJson([...wanted].sort()))
    changed.push("params");
  return changed;
}

function normalized(kind: { type: string }, inputs: Props): Props {
  return {
    ...inputs,
    enabled: inputs.enabled ?? true,
    description: inputs.description ?? "",
    userdata: inputs.userdata ?? {},
    params: kind.type === "deploy" ? undefined : (inputs.params ?? {}),
    environment: inputs.environment ?? (kind.type === "deploy" ? undefined : "production"),
  };
}

/** Only the keys a PUT may carry whose values differ between two records (sensitive values unseen: compared by name). */
export function recordChanges<I extends J & ScheduledInputs, J extends JobInputs, O extends CommonJobOutputs>(
  kind: ScheduledJobKind<I, J, O>,
  held: ScheduledJob,
  wanted: ScheduledJob,
  anySensitive: boolean,
): UpdatableKey[] {
  const a = declaredOf(kind, held);
  const b = declaredOf(kind, wanted);
  const inputKeys = new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)]);
  const differs = (key: string) => comparable(a.inputs[key], key) !== comparable(b.inputs[key], key);
  const changed = new Set<UpdatableKey>();
  for (const key of inputKeys) {
    if (!differs(key)) continue;
    if (key === "schedule" || key === "description" || key === "userdata" || key === "enabled")
      changed.add(key);
    else if (key === "environment") changed.add("environment");
    else changed.add("input");
  }
  // values PE never returns cannot be compared: a schedule with secret params gets them sent again
  if (anySensitive || canonicalJson(a.sensitive) !== canonicalJson(b.sensitive)) changed.add("input");
  return UPDATABLE_KEYS.filter((key) => changed.has(key));
}

import type { z } from "zod";
import type { ScheduledJob, ScheduledJobType } from "../pe";
import type { Props } from "../resource/host";
import type { ScheduleInput } from "./schedule-inputs";
import type { JobKind } from "../kinds/job-kind";
import type { CommonJobOutputs } from "../kinds/job-outputs";

/** The inputs every scheduled job takes besides what it runs. */
export interface ScheduledInputs {
  schedule: ScheduleInput;
  enabled?: boolean;
  description?: string;
  userdata?: Record<string, unknown>;
  params?: Record<string, unknown>;
  requireConnected?: boolean;
}

/** How a kind's inputs map to PE's `input` and `environment`, and back. */
export interface ScheduledJobMapping<I extends ScheduledInputs> {
  /** PE's `type` of the schedule */
  type: ScheduledJobType;
  /** PE's `input` (params wrapped, `sensitive: true` for those named) and `environment` for these inputs. */
  request(inputs: I, sensitive: ReadonlySet<string>): { input: Record<string, unknown>; environment: string };
  /** The inputs a program declares for what the schedule runs, read back from PE's record (import, refresh). */
  inputsOf(item: ScheduledJob): Props;
}

/**
 * What differs between the three scheduled resources: the job kind whose checks and preview they share (a
 * `ScheduledTask` is validated as a `TaskRun` is), and how their inputs map to PE's `input` and `environment`
 * and back.
 */
export interface ScheduledJobKind<
  I extends J & ScheduledInputs,
  J extends { failOnJobFailure?: boolean },
  O extends CommonJobOutputs,
> extends ScheduledJobMapping<I> {
  typeName: "ScheduledDeploy" | "ScheduledTask" | "ScheduledPlan";
  schema: z.ZodType<I>;
  /** the job resource whose validation, preview and recent-jobs list a schedule reuses */
  job: JobKind<J, O>;
  /** Inputs that say what runs (not when): a change shows again in preview what it will run on. */
  runKeys: readonly string[];
}

/** Each param as PE's scheduled jobs take it: `{value}`, and `sensitive: true` for a secret one. */
export function wrapParams(
  params: Record<string, unknown> | undefined,
  sensitive: ReadonlySet<string>,
): Record<string, { value: unknown; sensitive?: true }> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([key, value]) => [
      key,
      sensitive.has(key) ? { value, sensitive: true as const } : { value },
    ]),
  );
}

/** The scope inputs of a posted `scope`: `{nodes}`, `{query}`, `{node_group}`, `{application}`. */
export function scopeInputs(scope: unknown): Props {
  const s = (scope ?? {}) as Record<string, unknown>;
  return {
    nodes: Array.isArray(s.nodes) ? s.nodes : undefined,
    query: typeof s.query === "string" ? s.query : undefined,
    nodeGroup: typeof s.node_group === "string" ? s.node_group : undefined,
    application: typeof s.application === "string" ? s.application : undefined,
  };
}

/** Adopting an existing schedule (`importScheduledJobId`) is another schedule: a change replaces. */
export const ADOPT_SCHEDULE_KEY = "importScheduledJobId";

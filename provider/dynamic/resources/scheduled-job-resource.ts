import * as pulumi from "@pulumi/pulumi";
import { SCHEDULED_JOB_OUTPUT_KEYS, SENSITIVE_PARAMS_KEY } from "../../resource/output-keys";
import { type ConnectionArgs, jobResourceProps } from "./common-args";
import { DynamicResource, type ResourceTypeName } from "./dynamic-resource";

/** When a scheduled job runs: first at `startTime`, then every `intervalSeconds` (none: once). */
export interface ScheduleArgs {
  /** The first run, ISO 8601 with a zone (`2027-01-03T02:00:00Z`). A run-once start in the past is refused. */
  startTime: pulumi.Input<string>;
  /** Seconds between runs (a whole number >= 1); none runs the job once. A day is 86400. */
  intervalSeconds?: pulumi.Input<number>;
}

/** Inputs every scheduled resource takes besides what it runs. */
export interface CommonScheduledArgs {
  /** When the job runs: `{ startTime, intervalSeconds? }`. Changing it updates the schedule in place. */
  schedule: pulumi.Input<ScheduleArgs>;
  /** false keeps the schedule in PE without running it (default true). Changing it updates it in place. */
  enabled?: pulumi.Input<boolean>;
  /** Shown in the PE console (default ""). Changing it updates the schedule in place. */
  description?: pulumi.Input<string>;
  /** Arbitrary JSON stored with the schedule (default {}). Changing it updates the schedule in place. */
  userdata?: pulumi.Input<Record<string, unknown>>;
  /** Any change of these values replaces the resource: a new schedule, the old one disabled. */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /** Connection overrides for this resource; each setting left out comes from the provider (the `pe:*` stack config). */
  connection?: pulumi.Input<ConnectionArgs>;
  /** Fail `pulumi preview` (and `up`) when a target node is not connected to the orchestrator; by default it warns. */
  requireConnected?: pulumi.Input<boolean>;
  /**
   * Adopt an existing scheduled job (e.g. one made in the PE console) instead of creating one; what differs from
   * the program is then set as declared. Changing it replaces the resource.
   */
  importScheduledJobId?: pulumi.Input<string>;
}

/** A schedule's last run: the job it started (and that job's state now), or why PE could not start it. */
export interface ScheduledJobLastRun {
  /** When it ran (ISO 8601). */
  time?: string;
  /** The job it started ("81"). */
  jobId?: string;
  /** That job's URL under the configured orchestrator. */
  jobUrl?: string;
  /** That job's state as its record says now (`finished`, `failed`, `success`, ...). */
  jobState?: string;
  /** PE's error when it could not start the job (`{ kind, msg, details }`). */
  submissionError?: ScheduledJobSubmissionError;
}

/** Why PE could not start a scheduled run's job. */
export interface ScheduledJobSubmissionError {
  kind: string;
  msg?: string;
  details?: Record<string, unknown>;
}

/** The outputs every scheduled resource exposes. */
export abstract class ScheduledJobResource extends DynamicResource {
  /** PE's name of the scheduled job (e.g. "7"); also the resource's id. */
  declare readonly scheduledJobId: pulumi.Output<string>;
  /** The scheduled job's URL under the configured orchestrator. */
  declare readonly url: pulumi.Output<string>;
  /** Whether PE runs it: false once disabled (in the console, or by `pulumi destroy`). */
  declare readonly enabled: pulumi.Output<boolean>;
  /** Its next run (ISO 8601); absent when it will not run again (disabled, or a run-once that has run). */
  declare readonly nextRun: pulumi.Output<string | undefined>;
  /** Its last run; absent before the first. */
  declare readonly lastRun: pulumi.Output<ScheduledJobLastRun | undefined>;
  /** Login of the schedule's owner: its jobs run as this user. */
  declare readonly owner: pulumi.Output<string | undefined>;
  /** The params PE stores as sensitive (the secret ones): PE returns their names, never their values. */
  declare readonly sensitiveParameters: pulumi.Output<string[]>;
}

/** The names of the params whose values are secrets: posted to PE with `sensitive: true`. */
function secretParamNames(
  params: pulumi.Input<Record<string, unknown>> | undefined,
): pulumi.Output<string[]> {
  if (params === undefined) return pulumi.output([]);
  if (pulumi.Output.isInstance(params) || params instanceof Promise) {
    // one secret for the whole object: every param in it is secret
    const whole = pulumi.output(params);
    return pulumi
      .output(pulumi.isSecret(whole))
      .apply((secret) =>
        secret ? whole.apply((value) => Object.keys(value ?? {})) : pulumi.output<string[]>([]),
      );
  }
  const names = Object.entries(params).map(([name, value]) =>
    pulumi.output(pulumi.isSecret(pulumi.output(value))).apply((secret) => (secret ? name : "")),
  );
  return pulumi.all(names).apply((list) => list.filter((name) => name !== ""));
}

/** What a scheduled resource registers: its inputs, the outputs to fill in, and which params are secret. */
export function scheduledJobProps(
  name: string,
  typeName: ResourceTypeName,
  args: CommonScheduledArgs & { params?: pulumi.Input<Record<string, unknown>> },
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.Inputs {
  return {
    ...jobResourceProps(name, typeName, args, opts, [...SCHEDULED_JOB_OUTPUT_KEYS, "enabled"]),
    enabled: args.enabled,
    [SENSITIVE_PARAMS_KEY]: secretParamNames(args.params),
  };
}

import * as pulumi from "@pulumi/pulumi";
import {
  type CommonJobArgs,
  type CommonJobOutputProps,
  jobResourceProps,
  RESOURCE_MODULE,
} from "./common-args";
import { serializedProvider } from "./serialized-provider";

/** Inputs of a {@link PlanRun}: the body of `POST /command/plan_run`, in camelCase. */
export interface PlanRunArgs extends CommonJobArgs {
  /** The plan to run, e.g. `canary` or `mymodule::deploy` (required). */
  planName: pulumi.Input<string>;
  /** The plan's parameters, passed verbatim (names are the plan's own). Secrets stay secret. */
  params?: pulumi.Input<Record<string, unknown>>;
  /** Code environment of the plan (PE's default: `production`). */
  environment?: pulumi.Input<string>;
  /** Seconds the orchestrator lets the plan run before failing it. */
  timeout?: pulumi.Input<number>;
}

/** A plan's error, as the orchestrator reports it. */
export interface PlanError {
  kind: string | null;
  msg: string | null;
  details: unknown;
}

const OUTPUTS = [
  "jobUrl",
  "state",
  "startedAt",
  "finishedAt",
  "durationSeconds",
  "owner",
  "result",
  "error",
  "jobId",
] as const;

/**
 * Runs a Puppet plan through the PE orchestrator (`POST /command/plan_run`), waits for the plan job, and exposes
 * its outcome: `result` is the plan's return value, for downstream resources and stack outputs.
 */
export class PlanRun extends pulumi.dynamic.Resource implements CommonJobOutputProps {
  declare readonly jobId: pulumi.Output<string>;
  declare readonly jobUrl: pulumi.Output<string>;
  /** `success` or `failure`. */
  declare readonly state: pulumi.Output<string>;
  declare readonly startedAt: pulumi.Output<string | null>;
  declare readonly finishedAt: pulumi.Output<string | null>;
  declare readonly durationSeconds: pulumi.Output<number | null>;
  declare readonly owner: pulumi.Output<string | null>;
  /** The plan's return value (any JSON). */
  declare readonly result: pulumi.Output<unknown>;
  /** The plan's error when it failed, else null. */
  declare readonly error: pulumi.Output<PlanError | null>;

  constructor(name: string, args: PlanRunArgs, opts?: pulumi.CustomResourceOptions) {
    const props = jobResourceProps(name, "PlanRun", args, opts, OUTPUTS);
    // The plan's result and error may echo its params. Placeholders derived from the params make the engine
    // keep these outputs secret whenever a param is secret (an output is secret when its input of the same
    // name is).
    const echoOfParams = pulumi.output(args.params).apply(() => undefined);
    props.result = echoOfParams;
    props.error = echoOfParams;
    super(serializedProvider("PlanRun"), name, props, opts, RESOURCE_MODULE, "PlanRun");
  }
}

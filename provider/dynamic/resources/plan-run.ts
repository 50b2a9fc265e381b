import * as pulumi from "@pulumi/pulumi";
import { PLAN_OUTPUT_KEYS } from "../../resource/output-keys";
import { type CommonJobArgs, JobResource, jobResourceProps } from "./common-args";

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

/**
 * Runs a Puppet plan through the PE orchestrator (`POST /command/plan_run`), waits for the plan job, and exposes
 * its outcome: `result` is the plan's return value, for downstream resources and stack outputs.
 */
export class PlanRun extends JobResource {
  /** The plan's return value (any JSON). */
  declare readonly result: pulumi.Output<unknown>;
  /** The plan's error when it failed, else null. */
  declare readonly error: pulumi.Output<PlanError | null>;
  /** The task jobs the plan's steps started (job names such as "1234", in order), e.g. to read their nodes. */
  declare readonly taskJobIds: pulumi.Output<string[]>;

  constructor(name: string, args: PlanRunArgs, opts?: pulumi.CustomResourceOptions) {
    const props = jobResourceProps(name, "PlanRun", args, opts, PLAN_OUTPUT_KEYS);
    // The plan's result and error may echo its params. Placeholders derived from the params make the engine
    // keep these outputs secret whenever a param is secret (an output is secret when its input of the same
    // name is).
    const echoOfParams = pulumi.output(args.params).apply(() => undefined);
    props.result = echoOfParams;
    props.error = echoOfParams;
    super("PlanRun", name, props, opts);
  }
}

import * as pulumi from "@pulumi/pulumi";
import { TASK_OUTPUT_KEYS } from "../../resource/output-keys";
import { type CommonJobArgs, JobResource, jobResourceProps } from "./common-args";
import type { DeployNodeSummary } from "./environment-deploy";

/** Inputs of a {@link TaskRun}: the body of `POST /command/task`, in camelCase. */
export interface TaskRunArgs extends CommonJobArgs {
  /** The task to run, e.g. `package` or `mymodule::check` (required). */
  task: pulumi.Input<string>;
  /** The task's parameters, passed verbatim (names are the task's own). Secrets stay secret. */
  params?: pulumi.Input<Record<string, unknown>>;
  /** Code environment the task is loaded from (PE's default: `production`). */
  environment?: pulumi.Input<string>;
  /** Scope: exactly one of `nodes`, `query`, `nodeGroup` (a task never runs on a whole environment). */
  nodes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Scope: a PQL query whose results' certnames are the targets. */
  query?: pulumi.Input<string>;
  /** Scope: a classifier node group id. */
  nodeGroup?: pulumi.Input<string>;
  /** Run in no-op mode; only for tasks whose metadata says `supports_noop: true`. */
  noop?: pulumi.Input<boolean>;
  /** Seconds the task may run on each node before the orchestrator ends it (newer PE). */
  timeout?: pulumi.Input<number>;
}

/** One node of a task job: a deploy's summary plus the task's own output. */
export interface TaskNodeSummary extends DeployNodeSummary {
  /**
   * The task's JSON output on this node (`{"_error": {kind, msg, details}}` when it failed); at most 4 KiB of
   * JSON per node and 64 KiB over all listed nodes, beyond which it is `{"_truncated": {bytes, limit, head}}`.
   */
  result: unknown;
}

/**
 * Runs a Puppet task on nodes through the PE orchestrator (`POST /command/task`), waits for the job, and exposes
 * its outcome: per-node task output in `nodeResults`, for downstream resources and stack outputs.
 */
export class TaskRun extends JobResource {
  /** Number of nodes in the job. */
  declare readonly nodeCount: pulumi.Output<number>;
  /** Nodes per state, e.g. `{ finished: 9, failed: 1 }`. */
  declare readonly nodeStates: pulumi.Output<Record<string, number>>;
  /** Per-node results with the task's output: failed nodes first, then others; at most 50 of each. */
  declare readonly nodeResults: pulumi.Output<TaskNodeSummary[]>;
  /** True when `nodeResults` does not list every node. */
  declare readonly nodeResultsTruncated: pulumi.Output<boolean>;

  constructor(name: string, args: TaskRunArgs, opts?: pulumi.CustomResourceOptions) {
    const props = jobResourceProps(name, "TaskRun", args, opts, TASK_OUTPUT_KEYS);
    // Task output may echo its params: a placeholder derived from them keeps nodeResults secret whenever a
    // param is secret (an output is secret when its input of the same name is), as PlanRun does for result.
    props.nodeResults = pulumi.output(args.params).apply(() => undefined);
    super("TaskRun", name, props, opts);
  }
}

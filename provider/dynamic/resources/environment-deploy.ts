import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_DEPLOY_OUTPUT_KEYS } from "../../resource/output-keys";
import { type CommonJobArgs, JobResource, jobResourceProps } from "./common-args";

/** Inputs of an {@link EnvironmentDeploy}: the body of `POST /command/deploy`, in camelCase. */
export interface EnvironmentDeployArgs extends CommonJobArgs {
  /** The Puppet code environment to deploy (required). */
  environment: pulumi.Input<string>;
  /** Scope: at most one of `nodes`, `query`, `nodeGroup`, `application`; none deploys the whole environment. Certnames to run Puppet on. */
  nodes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Scope: a PQL query whose results' certnames are the targets. */
  query?: pulumi.Input<string>;
  /** Scope: a classifier node group id. */
  nodeGroup?: pulumi.Input<string>;
  /** Scope: an application instance (PE before 2023). */
  application?: pulumi.Input<string>;
  /** Run Puppet in no-op mode: report what would change and change nothing. */
  noop?: pulumi.Input<boolean>;
  /** Enforce changes even on nodes whose agents are set to `noop = true`. */
  noNoop?: pulumi.Input<boolean>;
  /** Maximum nodes run at once. */
  concurrency?: pulumi.Input<number>;
  /** PE defaults this to true; set false to let agents keep their own environment. */
  enforceEnvironment?: pulumi.Input<boolean>;
  /** Debug-level messages in the Puppet run's log (the agent's `--debug`). */
  debug?: pulumi.Input<boolean>;
  /** Stack traces with the Puppet run's errors (the agent's `--trace`). */
  trace?: pulumi.Input<boolean>;
  /** The time each resource took to evaluate, in the Puppet run's log (the agent's `--evaltrace`). */
  evaltrace?: pulumi.Input<boolean>;
  /** Seconds between the agent's checks for updated configuration files (Puppet's `filetimeout`). */
  filetimeout?: pulumi.Input<number>;
  /** Seconds the agent waits to connect to the server (Puppet's `http_connect_timeout`). */
  httpConnectTimeout?: pulumi.Input<number>;
  /** Seconds the agent keeps an idle connection to the server open (Puppet's `http_keepalive_timeout`). */
  httpKeepaliveTimeout?: pulumi.Input<number>;
  /** Seconds the agent waits for a read on a connection to the server (Puppet's `http_read_timeout`). */
  httpReadTimeout?: pulumi.Input<number>;
  /** The order of resources that have no explicit dependencies: `manifest`, `title-hash` or `random` (Puppet's `ordering`). */
  ordering?: pulumi.Input<"manifest" | "title-hash" | "random">;
  /** Tags to skip: a comma-separated string or a list. */
  skipTags?: pulumi.Input<string | string[]>;
  /** Tags to apply: a comma-separated string or a list. */
  tags?: pulumi.Input<string | string[]>;
  /** Apply the catalog each agent has cached instead of compiling a new one. */
  useCachedCatalog?: pulumi.Input<boolean>;
  /** Fall back to the cached catalog when compiling a new one fails. */
  usecacheonfailure?: pulumi.Input<boolean>;
  /**
   * Keep the scope converged: each `pulumi up` runs Puppet (one job, on `nodes`) on the nodes of the scope that
   * have no successful run from this resource: nodes that joined the scope since, and nodes whose latest run from
   * it failed or was skipped. Preview names them; nobody behind, nothing runs. Default false: one job per change
   * of the inputs or `triggers`. Not with `application`.
   */
  converge?: pulumi.Input<boolean>;
}

/** One node of a deploy, as summarised in {@link EnvironmentDeploy.nodes}. */
export interface DeployNodeSummary {
  name: string;
  state: string;
  durationSeconds: number | null;
  /** Puppet run status (`changed`, `unchanged`, `failed`) when reported. */
  status: string | null;
  message: string | null;
}

/**
 * Runs Puppet on a set of nodes in a code environment through the PE orchestrator (`POST /command/deploy`),
 * waits for the job, and exposes its outcome. Changing what runs (environment, scope, options, triggers)
 * replaces the resource with a new job; description, userdata, waitTimeoutSeconds, failOnJobFailure,
 * stopOnCancel and connection update in place without one.
 */
export class EnvironmentDeploy extends JobResource {
  /** Number of nodes in the job. */
  declare readonly nodeCount: pulumi.Output<number>;
  /** Nodes per state, e.g. `{ finished: 9, failed: 1 }`. */
  declare readonly nodeStates: pulumi.Output<Record<string, number>>;
  /**
   * Per-node results: failed nodes first, then others; at most 50 of each, whatever the job's size. (Named
   * `nodeResults` because `nodes` is the scope input.)
   */
  declare readonly nodeResults: pulumi.Output<DeployNodeSummary[]>;
  /** True when `nodeResults` does not list every node. */
  declare readonly nodeResultsTruncated: pulumi.Output<boolean>;
  /**
   * With `converge`: the resource's jobs, latest first (at most 20). `jobId`, `state` and the times are then the
   * latest job's, and `nodeCount`, `nodeStates` and `nodeResults` describe each node of the scope by its latest
   * run from this resource (nodes that left the scope drop out).
   */
  declare readonly jobIds: pulumi.Output<string[] | undefined>;
  /** With `converge`: the nodes of the scope with no successful run from this resource (at most 50 named). */
  declare readonly nodesBehind: pulumi.Output<string[] | undefined>;
  /**
   * With `converge`: a digest of the scope's node names when none was behind ("" otherwise): a preview whose
   * scope has the same digest reads no job's node list.
   */
  declare readonly scopeDigest: pulumi.Output<string | undefined>;

  constructor(name: string, args: EnvironmentDeployArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "EnvironmentDeploy",
      name,
      jobResourceProps(name, "EnvironmentDeploy", args, opts, ENVIRONMENT_DEPLOY_OUTPUT_KEYS),
      opts,
    );
  }
}

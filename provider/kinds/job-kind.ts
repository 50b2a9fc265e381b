import type { z } from "zod";
import type { CallOptions, OrchestratorClient } from "../pe";
import type { JobSketch, WaitProgress } from "../wait";
import type { JobMarker } from "../recovery/job-marker";
import type { ResolvedTargets } from "../preview/resolve-targets";
import type { CheckFailure } from "../resource/resource-operations";
import type { CommonJobOutputs } from "./job-outputs";

/** For preview: "run Puppet in production" on these targets. */
export interface RunDescription {
  action: string;
  targets: () => Promise<ResolvedTargets>;
  /** Warnings about the inputs found on the way (an environment the orchestrator does not know). */
  warnings?: string[];
}

/** A recent job of this kind, as listed by the orchestrator. */
export interface RecentJob {
  name: string;
  state: string;
  userdata?: unknown;
}

/** What the resource asks of a wait; a kind passes all of it on to the client's wait. */
export interface WaitSettings {
  timeoutMs?: number;
  onProgress: (progress: WaitProgress) => void;
  /** aborted by the engine's Cancel or its death */
  signal?: AbortSignal;
  /** true: stop the job too when the wait is aborted (`stopOnCancel`) */
  stopOnAbort?: (reason: unknown) => boolean;
  /** the job was started just now with these inputs (see `JobKind.sketch`) */
  sketch?: JobSketch;
}

/** What differs between the two resources: everything else lives in job-resource-provider.ts. */
export interface JobKind<Inputs extends { failOnJobFailure?: boolean }, Outputs extends CommonJobOutputs> {
  /** Resource type name, as users see it in `pulumi preview`. */
  typeName: "EnvironmentDeploy" | "PlanRun" | "TaskRun";
  /** "job" or "plan job", for messages. */
  jobNoun: string;
  schema: z.ZodType<Inputs>;
  /** Inputs that change what runs: a change replaces the resource (a new job). */
  replaceKeys: readonly (keyof Inputs & string)[];
  /** The input naming what runs (`planName`, `task`): where a 404 or 403 from the orchestrator's check points. */
  subjectInput?: keyof Inputs & string;
  /** Warnings worth a look before this job starts (shown on the resource's row when a job would run). */
  warnings?(inputs: Inputs): string[];
  /** Extra checks that need the orchestrator (plan parameters); absent settings or network: no failures. */
  checkAgainstOrchestrator?(client: OrchestratorClient, inputs: Inputs): Promise<CheckFailure[]>;
  /**
   * What preview says the job will do and on which nodes (absent: nothing to say, e.g. a plan with no TargetSpec
   * parameter). Throws TargetLookupError when a service it needs cannot be read.
   */
  describeRun?(client: OrchestratorClient, inputs: Inputs): Promise<RunDescription | undefined>;
  /**
   * What the record of a job just started with these inputs will say (jobs under `/jobs`): the wait then
   * skips the record read at its start. Undefined when the server alone can say (a query scope).
   */
  sketch?(inputs: Inputs): JobSketch | undefined;
  /** POSTs the command, marked in its userdata, and returns the new job's name. */
  start(client: OrchestratorClient, inputs: Inputs, marker: JobMarker): Promise<string>;
  /** The newest jobs of this kind (most recent first), to find marked ones after a crash. */
  recentJobs(client: OrchestratorClient): Promise<RecentJob[]>;
  /** States in which a job still runs (or will). */
  isRunning(state: string): boolean;
  /** Waits for a terminal state and returns the outputs. */
  wait(client: OrchestratorClient, jobName: string, settings: WaitSettings): Promise<Outputs>;
  /** The inputs that would have started this existing job (`pulumi import`). */
  importedInputs(client: OrchestratorClient, jobName: string): Promise<Record<string, unknown>>;
  /** Reads the job's current record without waiting (`call`: e.g. one attempt, after a wait's polls failed). */
  read(client: OrchestratorClient, jobName: string, call?: CallOptions): Promise<Outputs>;
  /** True when the final state is a failure (`failed`, `stopped`, `failure`). */
  isFailure(outputs: Outputs): boolean;
  /** One line about the failure: failed nodes or the plan's error. */
  describeFailure(outputs: Outputs): string;
}

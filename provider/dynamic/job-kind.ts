import type { z } from "zod";
import type { OrchestratorClient, WaitProgress } from "../client";
import type { CommonJobOutputs } from "./job-outputs";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface WaitSettings {
  timeoutMs?: number;
  onProgress: (progress: WaitProgress) => void;
}

/** What differs between the two resources: everything else lives in job-resource-provider.ts. */
export interface JobKind<Inputs extends { failOnJobFailure?: boolean }, Outputs extends CommonJobOutputs> {
  /** Resource type name, as users see it in `pulumi preview`. */
  typeName: "EnvironmentDeploy" | "PlanRun";
  /** "job" or "plan job", for messages. */
  jobNoun: string;
  schema: z.ZodType<Inputs>;
  /** Inputs that change what runs: a change replaces the resource (a new job). */
  replaceKeys: readonly (keyof Inputs & string)[];
  /** Extra checks that need the orchestrator (plan parameters); absent settings or network: no failures. */
  checkAgainstOrchestrator?(client: OrchestratorClient, inputs: Inputs): Promise<CheckFailure[]>;
  /** POSTs the command and returns the new job's name. */
  start(client: OrchestratorClient, inputs: Inputs): Promise<string>;
  /** Waits for a terminal state and returns the outputs. */
  wait(client: OrchestratorClient, jobName: string, settings: WaitSettings): Promise<Outputs>;
  /** Reads the job's current record without waiting. */
  read(client: OrchestratorClient, jobName: string): Promise<Outputs>;
  /** True when the final state is a failure (`failed`, `stopped`, `failure`). */
  isFailure(outputs: Outputs): boolean;
  /** One line about the failure: failed nodes or the plan's error. */
  describeFailure(outputs: Outputs): string;
}

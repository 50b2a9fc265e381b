import type { CodeDeployStore } from "../code-manager/code-deploy-store";
import type { ControlRepo } from "../code-manager/control-repo";
import type { JobStore } from "../jobs/job-store";
import type { ViewContext } from "../jobs/job-views";
import type { PlanJobProgress } from "../plans/plan-job-progress";
import type { EventsFault, World, WorldNode } from "../world/world-schema";
import type { Auth, Caller } from "./auth";

/**
 * What the handlers ask of the scheduled jobs' runner (scheduled-jobs/schedule-runner.ts implements it): the state
 * knows this contract, not the runner, which itself builds on the command handlers that take the state.
 */
export interface Scheduler {
  /** Starts every run due by `now`, then re-arms. */
  tick(now: number): void;
  /** Sets the timer for the earliest next run again (a scheduled job was saved or edited). */
  arm(): void;
}

/** What every handler shares: the world, the job store, the scheduled jobs' runner and the time scale. */
export interface EmulatorState {
  world: World;
  store: JobStore<PlanJobProgress>;
  /** Starts scheduled jobs' runs; re-armed when one is saved or edited. */
  scheduler: Scheduler;
  /** World nodes by certname. */
  nodes: Map<string, WorldNode>;
  auth: Auth;
  /** World seconds per real second. */
  timeScale: number;
  /** Code Manager: the control repo it deploys from and its deploys. */
  codeManager: { repo: ControlRepo; deploys: CodeDeployStore };
}

/** One authenticated API request. */
export interface RequestContext {
  caller: Caller;
  body: unknown;
  query: URLSearchParams;
  /** Regex groups of the matched route. */
  params: string[];
  view: ViewContext;
  /** The events fault knob at the time of the request (absent: complete events). */
  events?: EventsFault;
}

export interface Handled {
  status: number;
  body: unknown;
  /** Response headers beside the content type and length (PuppetDB's `X-Records`). */
  headers?: Record<string, string>;
}

export type Handler = (state: EmulatorState, ctx: RequestContext) => Handled;

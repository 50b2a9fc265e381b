// Every error class the orchestrator client throws. None of them holds a token, request headers or
// got's option objects, so they are safe to log, print and serialise into Pulumi diagnostics.

export interface OrchestratorErrorInit {
  method: string;
  path: string;
  status?: number;
  /** orchestrator error kind, e.g. `puppetlabs.orchestrator/unknown-environment` */
  kind?: string;
  msg?: string;
  details?: Record<string, unknown>;
  /** network-level error code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, ETIMEDOUT, ...) */
  code?: string;
  hint?: string;
  /** how many attempts were made (retries included) */
  attempts?: number;
}

/** A request to the orchestrator failed: an error response, a network or TLS failure. */
export class OrchestratorError extends Error {
  override name = "OrchestratorError";
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly kind?: string;
  readonly msg?: string;
  readonly details?: Record<string, unknown>;
  readonly code?: string;
  readonly hint?: string;
  readonly attempts?: number;

  constructor(init: OrchestratorErrorInit, message?: string) {
    super(message ?? OrchestratorError.format(init));
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.kind = init.kind;
    this.msg = init.msg;
    this.details = init.details;
    this.code = init.code;
    this.hint = init.hint;
    this.attempts = init.attempts;
  }

  static format(init: OrchestratorErrorInit): string {
    const what = init.status !== undefined ? `HTTP ${init.status}` : (init.code ?? "request failed");
    const kind = init.kind ? ` ${init.kind}` : "";
    const msg = init.msg ? `: ${init.msg}` : "";
    const attempts = init.attempts && init.attempts > 1 ? ` (after ${init.attempts} attempts)` : "";
    const hint = init.hint ? `. ${init.hint}` : "";
    return `${init.method} ${init.path} failed: ${what}${kind}${msg}${attempts}${hint}`;
  }
}

/** A 2xx response whose body is not JSON or does not match the expected schema. */
export class ResponseShapeError extends OrchestratorError {
  override name = "ResponseShapeError";
  /** `items[3].state: expected string`: one line per mismatch */
  readonly issues: string[];

  constructor(init: OrchestratorErrorInit & { issues: string[] }) {
    super(
      init,
      `${init.method} ${init.path} returned an unexpected response (HTTP ${init.status}): ${init.issues.join("; ")}` +
        (init.hint ? `. ${init.hint}` : ""),
    );
    this.issues = init.issues;
  }
}

/** An answer larger than the cap: dropped while it was read, never parsed. */
export class ResponseTooLargeError extends OrchestratorError {
  override name = "ResponseTooLargeError";
  /** bytes */
  readonly cap: number;

  constructor(
    init: Pick<OrchestratorErrorInit, "method" | "path" | "attempts"> & { cap: number; limit?: number },
  ) {
    const mb = Math.round((init.cap / (1024 * 1024)) * 10) / 10;
    const why =
      init.limit !== undefined
        ? `the answer to a page of at most ${init.limit} items is larger than ${mb} MB: the server sent far more than asked`
        : `the answer is larger than ${mb} MB, the most this provider reads (PE's answers are far smaller: a ` +
          "proxy or a misbehaving server may be in the way; if this PE really sends more, raise PE_MAX_RESPONSE_MB)";
    super({ ...init, code: "ERESPONSETOOLARGE" }, `${init.method} ${init.path} failed: ${why}`);
    this.cap = init.cap;
  }
}

/** A connection setting is missing or invalid; `setting` names what the user should fix. */
export class ConnectionSettingsError extends Error {
  override name = "ConnectionSettingsError";
  constructor(
    message: string,
    /** e.g. `pe:cacert`, `PE_TOKEN_FILE`, `connection.serviceUrl` */
    readonly setting?: string,
  ) {
    super(message);
  }
}

/** A request body that does not match its schema (a bug in the caller, found before sending). */
export class RequestValidationError extends Error {
  override name = "RequestValidationError";
  constructor(
    readonly endpoint: string,
    readonly issues: string[],
  ) {
    super(`invalid request for ${endpoint}: ${issues.join("; ")}`);
  }
}

export type JobKind = "job" | "plan job";
export type WaitFailure = "deadline" | "aborted" | "request-failed";

/** Waiting on a job ended before the job did. Names the job so a later run can find it again. */
export class JobWaitError extends Error {
  override name = "JobWaitError";
  readonly jobKind: JobKind;
  readonly jobName: string;
  readonly jobUrl: string;
  readonly reason: WaitFailure;
  /** the job was stopped (deadline) */
  readonly stopped: boolean;
  readonly lastState?: string;
  /** a stopped plan job's task jobs that were stopped with it */
  readonly taskJobsStopped: string[];
  /** a stopped plan job's task jobs that could not be stopped */
  readonly taskJobsNotStopped: Array<{ jobName: string; reason: string }>;

  constructor(init: {
    jobKind: JobKind;
    jobName: string;
    jobUrl: string;
    reason: WaitFailure;
    stopped: boolean;
    lastState?: string;
    cause?: unknown;
    detail?: string;
    taskJobsStopped?: string[];
    taskJobsNotStopped?: Array<{ jobName: string; reason: string }>;
  }) {
    const job = `${init.jobKind} ${init.jobName} (${init.jobUrl})`;
    const state = init.lastState ? `, last state ${init.lastState}` : "";
    const why =
      init.reason === "deadline"
        ? `did not finish before the wait deadline${init.detail ? ` (${init.detail})` : ""}`
        : init.reason === "aborted"
          ? "wait was cancelled"
          : `could not be polled: ${init.cause instanceof Error ? init.cause.message : String(init.cause)}`;
    const after = init.stopped
      ? "; the job was stopped"
      : init.reason === "deadline"
        ? "; stopping it failed, it may still be running"
        : "; the job may still be running";
    const stoppedJobs = init.taskJobsStopped ?? [];
    const notStopped = init.taskJobsNotStopped ?? [];
    const plural = (n: number) => (n === 1 ? "task job" : "task jobs");
    const tasks =
      (stoppedJobs.length > 0
        ? `, and so were the ${plural(stoppedJobs.length)} it started and left running: ${stoppedJobs.join(", ")}`
        : "") +
      (notStopped.length > 0
        ? `; ${plural(notStopped.length)} ${notStopped.map((t) => `${t.jobName} (${t.reason})`).join(", ")} ` +
          "could not be stopped and may still be running"
        : "");
    super(
      `${job} ${why}${state}${after}${tasks}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.taskJobsStopped = stoppedJobs;
    this.taskJobsNotStopped = notStopped;
    this.jobKind = init.jobKind;
    this.jobName = init.jobName;
    this.jobUrl = init.jobUrl;
    this.reason = init.reason;
    this.stopped = init.stopped;
    this.lastState = init.lastState;
  }
}

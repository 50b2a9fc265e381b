/** An HTTP error in PE's documented shape `{kind, msg, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    msg: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }

  body(): Record<string, unknown> {
    return this.details === undefined
      ? { kind: this.kind, msg: this.message }
      : { kind: this.kind, msg: this.message, details: this.details };
  }
}

const orch = (kind: string) => `puppetlabs.orchestrator/${kind}`;

export const validationError = (msg: string, details: Record<string, unknown> = {}) =>
  new ApiError(400, orch("validation-error"), msg, details);

export const unknownJob = (name: string) =>
  new ApiError(404, orch("unknown-job"), `No job exists with id ${name}`, { id: name });

export const unknownEnvironment = (environment: string) =>
  new ApiError(404, orch("unknown-environment"), `Unknown environment ${environment}`, { environment });

export const notPermitted = (msg: string, details: Record<string, unknown> = {}) =>
  new ApiError(403, orch("not-permitted"), msg, details);

export const orchestratorKind = orch;

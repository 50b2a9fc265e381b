/**
 * A create or update whose job ran but did not succeed. Carrying `id` and `properties` makes the dynamic
 * provider report a partial failure, so the engine records the job in state instead of losing it.
 */
export class JobFailedError extends Error {
  override name = "JobFailedError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(message: string, id: string, properties: Record<string, unknown>) {
    super(message);
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}

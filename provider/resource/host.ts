import type { ConnectionInput } from "../pe";

/**
 * What an engine face gives the engine-neutral operations: the provider's own settings, where messages go, and
 * when waits must end. The dynamic provider and the provider plugin each make one per process.
 */
export interface Host {
  /** The provider's connection settings: the `pe:*` stack config, or an explicit provider resource's. */
  providerConfig(): ConnectionInput;
  /**
   * A message on the resource's row (or the run's diagnostics when there is no URN); `ephemeral` is a status
   * line the next one replaces. Never fails an operation.
   */
  log(message: string, options?: LogOptions): Promise<void>;
  /** Aborted when waits must end: the engine's Cancel (reason `EngineCancelled`) or the engine's death. */
  signal(): AbortSignal;
}

export interface LogOptions {
  urn?: string;
  severity?: "info" | "warning";
  ephemeral?: boolean;
}

/** The reason waits are aborted with when the engine cancels the operation (Ctrl-C, SIGTERM). */
export class EngineCancelled extends Error {
  override name = "EngineCancelled";
  constructor() {
    super("the Pulumi engine asked to cancel (Ctrl-C or SIGTERM)");
  }
}

/** One resource operation's properties as the engine hands them over (inputs, outputs and a face's own keys). */
export type Props = Record<string, unknown>;

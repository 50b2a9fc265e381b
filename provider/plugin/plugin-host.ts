import { logToEngine } from "../engine/engine-log";
import { exitWithEngine } from "../engine/exit-with-engine";
import { EngineCancelled, type Host } from "../resource/host";
import type { ConnectionInput } from "../pe";

/**
 * The plugin's process as the operations see it: the settings of the engine's Configure (configure-hook), messages
 * through the engine's log service, and waits ended by the provider's `cancel()` (the engine's Cancel, the
 * engine's way) or the engine's death.
 */
export class PluginHost implements Host {
  private config: ConnectionInput = {};
  private readonly cancelled = new AbortController();
  private readonly gone: AbortSignal;

  constructor(engineAddress: string | undefined) {
    this.gone = engineAddress ? exitWithEngine(engineAddress) : new AbortController().signal;
  }

  configure(settings: ConnectionInput): void {
    this.config = settings;
  }

  providerConfig(): ConnectionInput {
    return this.config;
  }

  log(message: string, options?: Parameters<Host["log"]>[1]): Promise<void> {
    return logToEngine(message, options);
  }

  /** Aborts every wait of this process, now and later (the engine cancels the whole operation). */
  cancel(): void {
    if (!this.cancelled.signal.aborted) this.cancelled.abort(new EngineCancelled());
  }

  signal(): AbortSignal {
    return AbortSignal.any([this.cancelled.signal, this.gone]);
  }
}

import { logToEngine } from "../engine/engine-log";
import { exitWithEngine } from "../engine/exit-with-engine";
import type { Host } from "../resource/host";
import { engineCancelled } from "./engine-cancel";
import { stackConnectionConfig } from "./stack-connection-config";

/**
 * The dynamic provider's process as the operations see it: `pe:*` stack config from `configure`, messages through
 * the engine's log service, and waits ended by the engine's Cancel (sniffed, see engine-cancel) or its death.
 */
export const dynamicHost: Host = {
  providerConfig: stackConnectionConfig,
  log: logToEngine,
  signal: () => AbortSignal.any([engineCancelled(), exitWithEngine()]),
};

import * as pulumi from "@pulumi/pulumi";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

let connected = false;
/** The engine's address: the dynamic provider's first argument; a plugin says which of its arguments it is. */
let address: string | undefined = process.argv[2];

/** Sets the engine's address before the first log (a plugin's arguments also carry flags). */
export function useEngineAddress(engineAddress: string): void {
  address = engineAddress;
}

/**
 * The engine's log service, reached from the dynamic provider's own process. The SDK connects only programs to
 * the engine; the provider process gets the engine's address as its first argument, so we connect it here.
 */
function engine() {
  if (!connected) {
    connected = true;
    if (address && !pulumi.runtime.hasEngine()) {
      pulumi.runtime.resetOptions("", "", -1, address, "", false, "");
    }
  }
  return pulumi.runtime.getEngine();
}

/**
 * Shows a message on the resource's row in `pulumi up` (ephemeral: a status line that is replaced by the next
 * one) or in its diagnostics (not ephemeral). Logging never fails an operation.
 */
export function logToEngine(
  message: string,
  options: { urn?: string; ephemeral?: boolean; severity?: "info" | "warning" } = {},
): Promise<void> {
  const client = engine();
  if (!client) return Promise.resolve();
  const request = new LogRequest()
    .setSeverity(options.severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO)
    .setMessage(message)
    .setUrn(options.urn ?? "")
    .setEphemeral(options.ephemeral === true);
  return new Promise((resolve) => client.log(request, () => resolve()));
}

import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
// The SDK's settings module alone (the one `pulumi.runtime` re-exports, so the same engine connection): the
// `@pulumi/pulumi` index also loads the closure serializer (TypeScript, @npmcli/arborist) and the automation API,
// about 2 s of the plugin's start-up on a loaded 2-core machine (bench/plugin-stack.ts), for three functions.
import { getEngine, hasEngine, resetOptions } from "@pulumi/pulumi/runtime/settings";
import { terminalText } from "../pe/http/untrusted-text";

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
    if (address && !hasEngine()) {
      resetOptions("", "", -1, address, "", false, "");
    }
  }
  return getEngine();
}

/**
 * Shows a message on the resource's row in `pulumi up` (ephemeral: a status line that is replaced by the next
 * one) or in its diagnostics (not ephemeral). Logging never fails an operation. Every message passes here, so
 * here it is made terminal-safe: server text in it has its control characters escaped and no token.
 */
export function logToEngine(
  message: string,
  options: { urn?: string; ephemeral?: boolean; severity?: "info" | "warning" } = {},
): Promise<void> {
  const client = engine();
  if (!client) return Promise.resolve();
  const request = new LogRequest()
    .setSeverity(options.severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO)
    .setMessage(terminalText(message))
    .setUrn(options.urn ?? "")
    .setEphemeral(options.ephemeral === true);
  return new Promise((resolve) => client.log(request, () => resolve()));
}

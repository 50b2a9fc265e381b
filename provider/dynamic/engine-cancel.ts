import * as http2 from "node:http2";
import { EngineCancelled } from "../resource/host";

/**
 * The engine's Cancel, seen from inside the dynamic provider's process.
 *
 * Why: on the first Ctrl-C (or a SIGTERM) `pulumi` sends every provider the `Cancel` RPC and then waits for
 * the operations in flight. `@pulumi/pulumi` 3.248's dynamic-provider server (`cmd/dynamic-provider`) answers
 * that RPC with a no-op and gives the `ResourceProvider` no hook, so a create waiting on an hour-long job would
 * keep `up` waiting for the hour. The RPC does reach this process: it is an HTTP/2 stream with path
 * `/pulumirpc.ResourceProvider/Cancel` on the gRPC server (`@grpc/grpc-js`, over `node:http2`) the SDK started
 * before it loaded this package. So we find that server among the process's listening handles and listen for
 * the stream beside grpc-js, which still answers it.
 *
 * Degrades to nothing: if the SDK's internals differ (no such server, no `_getActiveHandles`), Ctrl-C waits
 * for the jobs as before. To drop: once the SDK calls a `cancel()` hook of dynamic providers, delete the
 * server lookup below; `cancelWaits` (already wired as the providers' `cancel`) stays the one entry.
 */
const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

export { EngineCancelled };

const cancelled = new AbortController();
let listening = false;

/** Aborts every wait of this process, now and later (the engine cancels the whole operation). */
export function cancelWaits(): void {
  if (!cancelled.signal.aborted) cancelled.abort(new EngineCancelled());
}

/** Aborted once the engine asks this provider process to cancel. */
export function engineCancelled(): AbortSignal {
  if (!listening) {
    listening = true;
    listenForCancel();
  }
  return cancelled.signal;
}

function listenForCancel(): void {
  try {
    const handles = (process as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
    // grpc-js's insecure server is an `Http2Server`; a TLS one would be an `Http2SecureServer`
    const classes = [http2.createServer().constructor, http2.createSecureServer({}).constructor];
    for (const handle of handles) {
      if (!classes.some((c) => handle instanceof c)) continue;
      (handle as http2.Http2Server).on("stream", (_stream, headers) => {
        if (headers[":path"] === CANCEL_PATH) cancelWaits();
      });
    }
  } catch {
    // internals differ: no cancel detection
  }
}

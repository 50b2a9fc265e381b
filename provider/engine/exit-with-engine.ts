import * as net from "node:net";

/**
 * Ends the provider's process (the dynamic provider's or the plugin's) when the Pulumi engine that started it is gone (`kill -9` of `pulumi`, a
 * lost CI runner, an OOM kill): the engine never tells its plugins, and a provider left behind would poll the
 * orchestrator until its jobs end. Gone means this process's parent changed (the engine died and we were
 * re-parented) or the engine's address (the process's first argument) refused connections twice in a row.
 * Checked every second, so the process stops polling and exits within about 2 s. The in-flight journal keeps
 * the job of an interrupted create: the next `up` takes it.
 *
 * Only in a provider process the engine starts (`@pulumi/pulumi/cmd/dynamic-provider`, the plugin); elsewhere (tests,
 * benchmarks calling the providers in-process) it does nothing.
 */
const CHECK_MS = 1_000;
/** Refused probes in a row that mean the engine is gone (one could be a momentary backlog). */
const REFUSED_TO_GO = 2;

const gone = new AbortController();
let watching = false;

/**
 * Starts the watch (once) and returns the signal aborted when the engine is gone, just before the exit. A plugin
 * passes the engine's address; the dynamic provider's is its process's first argument.
 */
export function exitWithEngine(engineAddress?: string): AbortSignal {
  if (!watching) {
    const entry = require.main?.filename ?? "";
    const address = engineAddress ?? (/cmd[\\/]dynamic-provider/.test(entry) ? process.argv[2] : undefined);
    if (address) {
      watching = true;
      watch(address);
    }
  }
  return gone.signal;
}

function watch(address: string): void {
  const parent = process.ppid;
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = Number(address.slice(colon + 1));
  let refused = 0;
  let probing = false;
  const timer = setInterval(() => {
    if (process.ppid !== parent) return leave(`its parent process ${parent} exited`);
    if (probing || !Number.isInteger(port) || port <= 0) return;
    probing = true;
    const socket = net.connect({ host, port });
    socket.setTimeout(CHECK_MS);
    const done = (answered: boolean) => {
      probing = false;
      socket.destroy();
      refused = answered ? 0 : refused + 1;
      if (refused >= REFUSED_TO_GO) leave(`the engine at ${address} no longer answers`);
    };
    socket.once("connect", () => done(true));
    // a timeout is not a refusal: a busy engine may accept late
    socket.once("timeout", () => {
      probing = false;
      socket.destroy();
    });
    socket.once("error", () => done(false));
  }, CHECK_MS);
  timer.unref();

  function leave(why: string): void {
    clearInterval(timer);
    gone.abort(new Error(`the Pulumi engine is gone (${why})`));
    process.stderr.write(`pulumi-pe-orchestrator: the Pulumi engine is gone (${why}); exiting\n`);
    process.exit(1);
  }
}

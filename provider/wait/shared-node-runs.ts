import {
  type CallOptions,
  fleetNodeRunDurations,
  latestNodeRunDurations,
  type OrchestratorClient,
} from "../pe";
import { lookupOnce } from "../pe/lookup-cache";

/** One page of the fleet's latest reports (~100 KB): all of most PE installations in one request. */
const FLEET_PAGE = 1000;
/** The shared read's own bound: an answer too slow for the first create's wait still serves the later ones. */
const FLEET_READ_MS = 10_000;

/**
 * Each node's latest Puppet run (ms, from PuppetDB reports) for a deploy's wait, out of one read of the whole
 * fleet shared by every create of the provider process (per connection), where each create queried PuppetDB for
 * its own nodes. Nodes the page lacks (a fleet of more than `FLEET_PAGE` nodes), or all of them when the shared
 * read failed, are queried for as before. Reports a run of this process makes are not in it: the wait predicts
 * those nodes from the jobs it saw end (the shared recent jobs), which come first.
 */
export async function sharedNodeRuns(
  client: OrchestratorClient,
  nodes: readonly string[],
  call: CallOptions,
): Promise<Map<string, number>> {
  const read = lookupOnce(client, "puppetdb latest reports", () => readFleet(client));
  const fleet = await untilAborted(read, call.signal).catch((error: unknown) => {
    if (call.signal?.aborted) throw error;
    return undefined;
  });
  const runs = new Map<string, number>();
  const missing: string[] = [];
  for (const node of nodes) {
    const ms = fleet?.durations.get(node);
    if (ms !== undefined) runs.set(node, ms);
    else if (!fleet?.complete) missing.push(node);
  }
  if (missing.length === 0) return runs;
  for (const [node, ms] of await latestNodeRunDurations(client, missing, call)) runs.set(node, ms);
  return runs;
}

/** The read no single wait owns: bounded by a timer that holds its own controller, never by a caller's signal. */
function readFleet(client: OrchestratorClient) {
  const bound = new AbortController();
  const timer = setTimeout(() => bound.abort(new Error("PuppetDB did not answer in time")), FLEET_READ_MS);
  return fleetNodeRunDurations(client, FLEET_PAGE, { signal: bound.signal, retry: false }).finally(() =>
    clearTimeout(timer),
  );
}

/** `promise`, or the signal's reason as soon as it aborts (the promise goes on for the others awaiting it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

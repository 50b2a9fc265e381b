/**
 * Lookups made once per client (the provider keeps one per distinct connection, so per token) for the life of
 * the provider process (one preview or `up`): preview's, one request per distinct query, group, environment or
 * node, whatever the number of resources; and the fleet's PuppetDB reports the deploys' waits predict from. A
 * failed lookup stays failed for the run: the preview says so on each resource, and asking again would only
 * slow it down.
 */
const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

function cacheOf(client: object): Map<string, Promise<unknown>> {
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  return cache;
}

export function lookupOnce<T>(client: object, key: string, load: () => Promise<T>): Promise<T> {
  const cache = cacheOf(client);
  let entry = cache.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = load();
    entry.catch(() => undefined); // callers see the failure; an entry nobody awaits again is not "unhandled"
    cache.set(key, entry);
  }
  return entry;
}

export function hasLookup(client: object, key: string): boolean {
  return cacheOf(client).has(key);
}

export function storeLookup<T>(client: object, key: string, value: Promise<T>): void {
  value.catch(() => undefined);
  cacheOf(client).set(key, value);
}

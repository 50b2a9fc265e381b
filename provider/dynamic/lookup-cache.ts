/**
 * Lookups preview makes, shared by every resource of the provider process (one preview): one request per
 * distinct query, group, environment or node, whatever the number of resources. A failed lookup stays failed for
 * the run: the preview says so on each resource, and asking again would only slow it down.
 */
const cache = new Map<string, Promise<unknown>>();

export function lookupOnce<T>(key: string, load: () => Promise<T>): Promise<T> {
  let entry = cache.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = load();
    entry.catch(() => undefined); // callers see the failure; an entry nobody awaits again is not "unhandled"
    cache.set(key, entry);
  }
  return entry;
}

export function hasLookup(key: string): boolean {
  return cache.has(key);
}

export function storeLookup<T>(key: string, value: Promise<T>): void {
  value.catch(() => undefined);
  cache.set(key, value);
}

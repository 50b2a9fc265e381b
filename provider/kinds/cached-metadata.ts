/** Plan and task metadata by orchestrator, environment and name, fetched once per provider process (one per preview). */
const cache = new Map<string, Promise<unknown>>();

export function cachedMetadata<T>(key: string, fetch: () => Promise<T>): Promise<T> {
  let metadata = cache.get(key) as Promise<T> | undefined;
  if (!metadata) {
    metadata = fetch();
    // A failed lookup is not kept: the next check asks again.
    metadata.catch(() => cache.delete(key));
    cache.set(key, metadata);
  }
  return metadata;
}

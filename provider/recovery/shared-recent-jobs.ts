/**
 * A kind's list of recent jobs, read once per client (per connection) for a while and shared by every create of
 * the provider process: crash recovery looks for marked jobs in it and the wait predicts the end from it, where
 * each create used to list twice (100 creates: 200 lists of up to 100 jobs, each parsed).
 *
 * Jobs an interrupted earlier run started are in it (they predate this process). A list older than
 * `MAX_AGE_MS` is read again, so a long `up` predicts later jobs from the ones it finished itself; a failed
 * read is not kept (the next create asks again and fails or succeeds on its own).
 */
const MAX_AGE_MS = 30_000;

interface Entry {
  readAt: number;
  list: Promise<readonly unknown[]>;
  /** the list once read (and as `addRecentJob` changed it since), for `peekRecentJobs` */
  items?: readonly unknown[];
}

const lists = new WeakMap<object, Map<string, Entry>>();

export function sharedRecentJobs<T>(
  client: object,
  key: string,
  load: () => Promise<readonly T[]>,
  now: () => number = Date.now,
): Promise<readonly T[]> {
  let byKey = lists.get(client);
  if (!byKey) {
    byKey = new Map();
    lists.set(client, byKey);
  }
  const cached = byKey.get(key);
  if (cached && now() - cached.readAt <= MAX_AGE_MS) return cached.list as Promise<readonly T[]>;
  const entry: Entry = { readAt: now(), list: load() };
  byKey.set(key, entry);
  keepItems(entry);
  entry.list.catch(() => {
    if (byKey.get(key) === entry) byKey.delete(key);
  });
  return entry.list as Promise<readonly T[]>;
}

/**
 * Puts a job this process saw end at the head of the kind's cached list (replacing its older entry), when there
 * is one: a later create in the same process predicts from it, where the list read before it ran knows nothing
 * of it. The list is not read for this.
 */
export function addRecentJob<T extends { name: string }>(client: object, key: string, job: T): void {
  const entry = lists.get(client)?.get(key);
  if (!entry) return;
  const add = (items: readonly T[]) => [job, ...items.filter((j) => j.name !== job.name)];
  entry.list = (entry.list as Promise<readonly T[]>).then(add);
  // a list already read is peeked at with the job at once; one still being read gets it when it arrives
  if (entry.items) entry.items = add(entry.items as readonly T[]);
  else keepItems(entry);
  // a failed read stays failed (and is dropped by sharedRecentJobs' own handler)
  entry.list.catch(() => undefined);
}

/** Drops the kind's cached list after a write that made it stale: the next read lists again. */
export function forgetRecentJobs(client: object, key: string): void {
  lists.get(client)?.delete(key);
}

/** Records what the entry's list resolves to for `peekRecentJobs`, unless a newer list has replaced it. */
function keepItems(entry: Entry): void {
  const list = entry.list;
  list.then(
    (items) => {
      if (entry.list === list) entry.items = items;
    },
    () => undefined,
  );
}

/**
 * The kind's cached list as it stands, without reading it (undefined before the first read ends): a wait with
 * nothing to predict from looks at it at each poll, so a job like its own that another create saw end meanwhile
 * predicts its end.
 */
export function peekRecentJobs<T>(client: object, key: string): readonly T[] | undefined {
  return lists.get(client)?.get(key)?.items as readonly T[] | undefined;
}

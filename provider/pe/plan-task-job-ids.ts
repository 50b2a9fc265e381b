import type { CallOptions, OrchestratorClient } from "./orchestrator-client";
import type { OrchestratorEvent, PlanJob } from "./schemas";

/** Most events pages read to find a plan's jobs: plans log a few events per step. */
const MAX_PAGES = 50;

/**
 * The job a plan event says a step started: `task_start`, `command_start`, `script_start`, `upload_start`,
 * `wait_start`, `apply_start`, `apply_prep_start` carry `details["job-id"]`, a string or a number (§5.5, §12.14).
 */
export function stepStartJobId(event: OrchestratorEvent): string | undefined {
  if (!event.type.endsWith("_start") || event.type === "plan_start") return undefined;
  const id = event.details?.["job-id"];
  return (typeof id === "string" && /^\d+$/.test(id)) || (typeof id === "number" && Number.isInteger(id))
    ? String(id)
    : undefined;
}

/** Job names sorted as numbers, without duplicates. */
export const sortedJobIds = (ids: Iterable<string>) =>
  [...new Set(ids)].sort((a, b) => Number(a) - Number(b));

/**
 * The jobs a plan job started: the names its record's `status` is keyed by (§5.2) and, when the record has no
 * `status` object or `scanEvents` asks for it, the job-ids of its `*_start` events (read from the first).
 * `known` adds ids already seen, e.g. by a wait.
 */
export async function planTaskJobIds(
  client: OrchestratorClient,
  planJobName: string,
  options: { record?: PlanJob; known?: Iterable<string>; call?: CallOptions; scanEvents?: boolean } = {},
): Promise<string[]> {
  const ids = new Set(options.known ?? []);
  const status = options.record?.status;
  const keyed = status !== null && typeof status === "object" && !Array.isArray(status);
  if (keyed) for (const key of Object.keys(status)) if (/^\d+$/.test(key)) ids.add(key);
  if (keyed && !options.scanEvents) return sortedJobIds(ids);
  let start: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items } = await client.getPlanJobEvents(planJobName, start, options.call);
    let next = start ?? 0;
    for (const event of items) {
      const id = stepStartJobId(event);
      if (id) ids.add(id);
      const n = Number(event.id);
      if (Number.isFinite(n)) next = Math.max(next, n + 1);
    }
    if (items.length === 0 || next === start) break;
    start = next;
  }
  return sortedJobIds(ids);
}

import type { EmulatorState } from "../http/handler-types";

/** The nodes' last scheduled agent run ended this long before the emulator's process started (PuppetDB
 * timestamps, ms precision). */
const AGENT_RUN_ENDED_AT = Date.now() - 10 * 60_000;

/** One PuppetDB report, the fields the emulator models. */
export interface ReportRow {
  certname: string;
  start_time: string;
  end_time: string;
  environment: string;
  status: "unchanged" | "changed" | "failed";
}

/**
 * `["from", "reports", condition]` (AST, optionally `["extract", [...], condition]`): each named node's latest
 * report, the only reports the emulator keeps. The condition must say `["=", "latest_report?", true]`; it may
 * name the nodes (`["=", "certname", x]`, `["in", "certname", ["array", [...]]]`, under `and`/`or`), else every
 * node's; in the world's node order (PuppetDB promises no order without `order_by`; puppetdb-paging.ts orders
 * and pages them). A node's latest
 * report is its last Puppet run in a deploy job that has ended, else its scheduled agent run, which lasted its
 * `runSeconds` (world seconds, real time at the time scale) and ended before the emulator's process started.
 * A string: the query is refused (a 400).
 */
export function latestReports(
  state: EmulatorState,
  query: unknown[],
  now = Date.now(),
): ReportRow[] | string {
  const condition = query[0] === "extract" ? query[2] : query;
  const names = new Set<string>();
  let latest = false;
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    const [op, field, value] = c as [unknown, unknown, unknown];
    if ((op === "and" || op === "or") && c.length > 1) c.slice(1).forEach(walk);
    else if (op === "=" && field === "latest_report?" && value === true) latest = true;
    else if (op === "=" && field === "certname" && typeof value === "string") names.add(value);
    else if (op === "in" && field === "certname" && Array.isArray(value) && value[0] === "array")
      for (const n of Array.isArray(value[1]) ? value[1] : []) if (typeof n === "string") names.add(n);
  };
  walk(condition);
  if (!latest) return 'The emulator keeps only the latest reports: add ["=", "latest_report?", true]';
  if (names.size === 0) for (const certname of state.nodes.keys()) names.add(certname);
  const runs = new Map<string, { start: number; end: number; outcome: string; environment: string }>();
  for (const job of state.store.jobs.values()) {
    const rec = job.record;
    if (rec.type !== "deploy") continue;
    for (const n of rec.nodes) {
      const end = rec.createdAt + n.end;
      if (n.start === null || n.cut || end > now || !names.has(n.name)) continue;
      if ((runs.get(n.name)?.end ?? -Infinity) < end)
        runs.set(n.name, {
          start: rec.createdAt + n.start,
          end,
          outcome: n.outcome,
          environment: rec.environment,
        });
    }
  }
  const rows: ReportRow[] = [];
  for (const [certname, node] of state.nodes) {
    if (!names.has(certname)) continue;
    const run = runs.get(certname);
    if (run) {
      rows.push({
        certname,
        start_time: new Date(run.start).toISOString(),
        end_time: new Date(run.end).toISOString(),
        environment: run.environment,
        status: run.outcome === "changed" ? "changed" : run.outcome === "unchanged" ? "unchanged" : "failed",
      });
      continue;
    }
    const seconds = node.runSeconds ?? state.world.settings.runSeconds;
    const end = AGENT_RUN_ENDED_AT;
    rows.push({
      certname,
      start_time: new Date(end - (seconds * 1000) / state.timeScale).toISOString(),
      end_time: new Date(end).toISOString(),
      environment: node.environment,
      status: "unchanged",
    });
  }
  return rows;
}

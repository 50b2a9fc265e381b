import { z } from "zod";
import type { CallOptions, OrchestratorClient } from "./orchestrator-client";
import { queryPuppetDb } from "./puppetdb-client";

const reportRowsSchema = z.array(
  z.looseObject({
    certname: z.string(),
    start_time: z.string().nullish(),
    end_time: z.string().nullish(),
  }),
);

/**
 * How long each node's latest Puppet run took (ms), from its latest PuppetDB report: one query for all the
 * nodes. Nodes without a report, or whose report has no usable times, are absent.
 */
export async function latestNodeRunDurations(
  client: OrchestratorClient,
  certnames: readonly string[],
  call?: CallOptions,
): Promise<Map<string, number>> {
  const named = ["in", "certname", ["array", [...certnames]]];
  return durationsOf(await latestReports(client, ["and", LATEST, named], [], call));
}

/**
 * The same for the whole fleet, one page of at most `limit` nodes (by certname): `complete` when PuppetDB had no
 * more, so a node absent from it has no report.
 */
export async function fleetNodeRunDurations(
  client: OrchestratorClient,
  limit: number,
  call?: CallOptions,
): Promise<{ durations: Map<string, number>; complete: boolean }> {
  const paging = [
    ["order_by", [["certname", "asc"]]],
    ["limit", limit],
  ];
  const rows = await latestReports(client, LATEST, paging, call);
  return { durations: durationsOf(rows), complete: rows.length < limit };
}

const LATEST = ["=", "latest_report?", true];

function latestReports(
  client: OrchestratorClient,
  condition: unknown[],
  paging: unknown[],
  call?: CallOptions,
) {
  const query = [
    "from",
    "reports",
    ["extract", ["certname", "start_time", "end_time"], condition],
    ...paging,
  ];
  return queryPuppetDb(client, query, reportRowsSchema, call);
}

function durationsOf(rows: z.infer<typeof reportRowsSchema>): Map<string, number> {
  const durations = new Map<string, number>();
  for (const row of rows) {
    const ms = Date.parse(row.end_time ?? "") - Date.parse(row.start_time ?? "");
    if (Number.isFinite(ms) && ms > 0) durations.set(row.certname, ms);
  }
  return durations;
}

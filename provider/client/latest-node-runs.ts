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
  const rows = await queryPuppetDb(
    client,
    [
      "from",
      "reports",
      [
        "extract",
        ["certname", "start_time", "end_time"],
        ["and", ["=", "latest_report?", true], ["in", "certname", ["array", [...certnames]]]],
      ],
    ],
    reportRowsSchema,
    call,
  );
  const durations = new Map<string, number>();
  for (const row of rows) {
    const ms = Date.parse(row.end_time ?? "") - Date.parse(row.start_time ?? "");
    if (Number.isFinite(ms) && ms > 0) durations.set(row.certname, ms);
  }
  return durations;
}

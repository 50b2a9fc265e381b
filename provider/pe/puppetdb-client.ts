import type { z } from "zod";
import type { CallOptions, OrchestratorClient } from "./orchestrator-client";

/**
 * `POST /pdb/query/v4` on PuppetDB (`puppetdbUrl`), with the orchestrator client's token (PE's PuppetDB accepts
 * RBAC tokens), CA and error handling. A lookup: one retry and a short budget.
 */
export function queryPuppetDb<S extends z.ZodType>(
  client: OrchestratorClient,
  query: string | unknown[],
  schema: S,
  options?: CallOptions,
): Promise<z.output<S>> {
  return client.serviceRequest(
    {
      method: "POST",
      base: client.settings.puppetdb.value,
      path: "/pdb/query/v4",
      body: { query },
      schema,
      idempotent: true,
      lookup: true,
    },
    options,
  );
}

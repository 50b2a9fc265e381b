import type { CallOptions, OrchestratorClient } from "./orchestrator-client";
import { type NodeGroup, nodeGroupSchema } from "./target-schemas";

/** `GET /classifier-api/v1/groups/:id` on the node classifier (`classifierUrl`), with the client's token and CA. */
export function getNodeGroup(
  client: OrchestratorClient,
  id: string,
  options?: CallOptions,
): Promise<NodeGroup> {
  return client.serviceRequest(
    {
      method: "GET",
      base: client.settings.classifier.value,
      path: `/classifier-api/v1/groups/${encodeURIComponent(id)}`,
      schema: nodeGroupSchema,
      idempotent: true,
      lookup: true,
    },
    options,
  );
}

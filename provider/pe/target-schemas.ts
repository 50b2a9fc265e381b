// Responses of the lookups preview makes to say what a job will touch: the orchestrator's inventory, PuppetDB's
// query API and the node classifier's groups. Unknown fields are kept: these services add fields across versions.
import { z } from "zod";

/** `POST /orchestrator/v1/inventory`: one item per node asked; broker and timestamp only when connected. */
export const inventorySchema = z.looseObject({
  items: z.array(z.looseObject({ name: z.string(), connected: z.boolean() })),
});
export type Inventory = z.infer<typeof inventorySchema>;

/** `POST /pdb/query/v4` on nodes or inventory: each result names its certname. */
export const certnameRowsSchema = z.array(z.looseObject({ certname: z.string() }));

/** `POST /pdb/query/v4` on the environments entity. */
export const environmentRowsSchema = z.array(z.looseObject({ name: z.string() }));

/** `GET /classifier-api/v1/groups/:id`: the fields preview reads (the rule holds pinned nodes too). */
export const nodeGroupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  rule: z.array(z.unknown()).nullish(),
  environment: z.string().optional(),
});
export type NodeGroup = z.infer<typeof nodeGroupSchema>;

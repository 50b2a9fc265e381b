import { z } from "zod";
import { ApiError, orchestratorKind } from "../http/api-error";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { parseBody } from "../http/parse-body";

const inventoryRequestSchema = z.strictObject({ nodes: z.array(z.string()) });

/**
 * One node's PCP connection as the orchestrator reports it; broker and timestamp only when connected. The
 * timestamp carries milliseconds, as PE's does (`2017-07-14T15:57:33.640Z`), unlike job timestamps.
 */
function entry(state: EmulatorState, name: string, view: RequestContext["view"]) {
  const node = state.nodes.get(name);
  if (!node?.connected) return { name, connected: false };
  const broker = `pcp://${new URL(view.apiUrl).hostname}/server`;
  return {
    name,
    connected: true,
    broker,
    timestamp: new Date(view.now).toISOString(),
  };
}

/** `GET /inventory`: every world node. */
export function listInventory(state: EmulatorState, ctx: RequestContext): Handled {
  return { status: 200, body: { items: state.world.nodes.map((n) => entry(state, n.certname, ctx.view)) } };
}

/** `GET /inventory/:node`; a node the broker never saw is `connected: false`, as in PE. */
export function getInventoryNode(state: EmulatorState, ctx: RequestContext): Handled {
  return { status: 200, body: entry(state, decodeURIComponent(ctx.params[0]), ctx.view) };
}

/** `POST /inventory` `{"nodes": [...]}`: the connection of each named node, in the order asked. */
export function postInventory(state: EmulatorState, ctx: RequestContext): Handled {
  const { nodes } = parseBody(inventoryRequestSchema, ctx.body);
  if (nodes.length > 100_000) throw new ApiError(400, orchestratorKind("validation-error"), "Too many nodes");
  return { status: 200, body: { items: nodes.map((name) => entry(state, name, ctx.view)) } };
}

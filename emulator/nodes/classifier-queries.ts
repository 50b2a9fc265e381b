import { ApiError } from "../http/api-error";
import { mayView } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";

const ALL_NODES = "00000000-0000-4000-8000-000000000000";

/**
 * `GET /classifier-api/v1/groups/:id`: a world node group in the classifier's shape. Pinned nodes are stored the
 * way PE's console pins them: `["=", "name", certname]` terms or-ed with the group's own rule.
 */
export function getNodeGroup(state: EmulatorState, ctx: RequestContext): Handled {
  if (!mayView(ctx.caller.user, "viewNodeGroups"))
    throw new ApiError(
      403,
      "permission-denied",
      `Permission denied: ${ctx.caller.user.login} may not view node groups`,
    );
  const id = decodeURIComponent(ctx.params[0]);
  const group = state.world.nodeGroups.find((candidate) => candidate.id === id);
  if (!group) throw new ApiError(404, "not-found", `The group with id ${id} doesn't exist`, { id });
  const pinned = group.nodes.map((certname) => ["=", "name", certname]);
  const terms = [...(group.rules ? [group.rules] : []), ...pinned];
  const rule = terms.length === 0 ? undefined : terms.length === 1 ? terms[0] : ["or", ...terms];
  return {
    status: 200,
    body: {
      id: group.id,
      name: group.name,
      description: null,
      environment: "production",
      environment_trumps: false,
      parent: ALL_NODES,
      ...(rule ? { rule } : {}),
      classes: {},
      config_data: {},
      variables: {},
      last_edited: null,
      serial_number: 1,
    },
  };
}

import { ApiError, orchestratorKind, validationError } from "../http/api-error";
import type { Scope } from "../http/request-schemas";
import type { World } from "../world/world-schema";
import { matchesRule, queryFilter, RuleError } from "./node-rules";

const emptyTarget = (environment: string, target: string) =>
  new ApiError(
    400,
    orchestratorKind("empty-target"),
    "No nodes were found for the specified target. Nothing to do.",
    {
      environment,
      target,
    },
  );

/** The certnames a scope names (or the whole environment without scope), as PE resolves them. */
export function resolveTargets(world: World, environment: string, scope: Scope | undefined): string[] {
  if (!scope) {
    const nodes = world.nodes.filter((n) => n.environment === environment).map((n) => n.certname);
    if (nodes.length === 0)
      throw new ApiError(
        400,
        orchestratorKind("empty-environment"),
        `No nodes in environment ${environment}`,
        {
          environment,
        },
      );
    return nodes;
  }
  if (scope.nodes) {
    if (scope.nodes.length === 0) throw emptyTarget(environment, "nodes");
    const names = [...new Set(scope.nodes)];
    if (world.settings.unknownNodes === "reject") {
      const known = new Set(world.nodes.map((n) => n.certname));
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length > 0)
        throw validationError(`Unknown nodes: ${unknown.join(", ")}`, { nodes: unknown });
    }
    return names;
  }
  if (scope.query !== undefined) {
    let filter: ReturnType<typeof queryFilter>;
    try {
      filter = queryFilter(scope.query);
    } catch (err) {
      if (err instanceof RuleError)
        throw new ApiError(400, orchestratorKind("query-error"), `PuppetDB query failed: ${err.message}`);
      throw err;
    }
    const nodes = world.nodes.filter(filter).map((n) => n.certname);
    if (nodes.length === 0) throw emptyTarget(environment, "query");
    return nodes;
  }
  if (scope.node_group !== undefined) {
    const group = world.nodeGroups.find((g) => g.id === scope.node_group);
    if (!group)
      throw validationError(`Unknown node group ${scope.node_group}`, { node_group: scope.node_group });
    const pinned = new Set(group.nodes);
    const nodes = world.nodes
      .filter((n) => pinned.has(n.certname) || (group.rules !== undefined && matchesRule(group.rules, n)))
      .map((n) => n.certname);
    if (nodes.length === 0) throw emptyTarget(environment, "node_group");
    return nodes;
  }
  throw validationError("The application scope is not supported (app orchestration was removed in PE 2023)", {
    scope,
  });
}

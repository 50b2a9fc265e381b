import { ApiError } from "../http/api-error";
import { mayView } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { queryFilter, RuleError } from "./node-rules";
import { latestReports } from "./report-queries";

/** PuppetDB answers query errors as plain text with a 400, not as `{kind, msg}`. */
const textError = (status: number, text: string): Handled => ({ status, body: text });

const environmentsPql = /^\s*environments\s*(\[\s*name\s*\])?\s*\{\s*\}\s*$/;

/**
 * `POST /pdb/query/v4` (`{"query": ...}`) and `GET /pdb/query/v4?query=`: the node queries a scope accepts (PQL
 * `nodes[certname] {...}` / `inventory[certname] {...}` or the AST `["from", "nodes", condition]`), plus the
 * environments entity. The token needs "View node data from PuppetDB", as PE's RBAC-aware PuppetDB asks.
 */
export function queryPuppetDb(state: EmulatorState, ctx: RequestContext): Handled {
  if (!mayView(ctx.caller.user, "viewNodeData"))
    throw new ApiError(
      403,
      "puppetlabs.rbac/permission-denied",
      `Permission denied: ${ctx.caller.user.login} may not view node data from PuppetDB`,
    );
  const fromBody =
    ctx.body !== null && typeof ctx.body === "object" ? (ctx.body as { query?: unknown }).query : undefined;
  let query: unknown = fromBody ?? ctx.query.get("query") ?? undefined;
  if (typeof query === "string" && query.trim().startsWith("[")) {
    try {
      query = JSON.parse(query);
    } catch {
      return textError(400, `Malformed AST query: ${query}`);
    }
  }
  if (query === undefined) return textError(400, "Missing query");
  if (typeof query !== "string" && !Array.isArray(query))
    return textError(400, "The query must be PQL or AST");

  const environments =
    typeof query === "string"
      ? environmentsPql.test(query)
      : query[0] === "from" && query[1] === "environments";
  if (environments)
    return { status: 200, body: state.world.environments.map((environment) => ({ name: environment.name })) };

  if (Array.isArray(query) && query[0] === "from" && query[1] === "reports") {
    const rows = latestReports(state, Array.isArray(query[2]) ? query[2] : []);
    if (typeof rows === "string") return textError(400, rows);
    // paging clauses after the query: `["limit", n]` (others, such as order_by, keep the emulator's order)
    const limit = query.slice(3).find((c): c is ["limit", number] => Array.isArray(c) && c[0] === "limit");
    if (limit && !(Number.isInteger(limit[1]) && limit[1] >= 0))
      return textError(400, `Invalid limit: ${JSON.stringify(limit[1])}`);
    return { status: 200, body: limit ? rows.slice(0, limit[1]) : rows };
  }

  let filter: ReturnType<typeof queryFilter>;
  try {
    filter = queryFilter(query as string | unknown[]);
  } catch (error) {
    if (error instanceof RuleError) return textError(400, error.message);
    throw error;
  }
  // A PQL projection (`[certname]`) returns only the certname; the AST form returns node records.
  const projected = typeof query === "string" || (Array.isArray(query[2]) && query[2][0] === "extract");
  const body = state.world.nodes.filter(filter).map((node) =>
    projected
      ? { certname: node.certname }
      : {
          certname: node.certname,
          deactivated: null,
          expired: null,
          catalog_environment: node.environment,
          facts_environment: node.environment,
          report_environment: node.environment,
        },
  );
  return { status: 200, body };
}

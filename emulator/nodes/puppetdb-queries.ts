import { ApiError } from "../http/api-error";
import { mayView } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import type { WorldNode } from "../world/world-schema";
import { queryFilter, RuleError } from "./node-rules";
import {
  astPaging,
  mergePaging,
  pageRows,
  type PagingClauses,
  pagingParams,
  pqlPaging,
} from "./puppetdb-paging";
import { latestReports, type ReportRow } from "./report-queries";

/** PuppetDB answers query errors as plain text with a 400, not as `{kind, msg}`. */
const textError = (status: number, text: string): Handled => ({ status, body: text });

const environmentsPql = /^\s*environments\s*(\[\s*name\s*\])?\s*\{\s*\}\s*$/;

/** The fields each entity may be ordered by (`order_by`): the ones the emulator serves. */
const ENVIRONMENT_FIELDS = { name: (row: { name: string }) => row.name };
const REPORT_FIELDS = Object.fromEntries(
  (["certname", "start_time", "end_time", "environment", "status"] as const).map((f) => [
    f,
    (row: ReportRow) => row[f],
  ]),
);
const NODE_FIELDS: Record<string, (node: WorldNode) => unknown> = {
  certname: (node) => node.certname,
  deactivated: () => null,
  expired: () => null,
  catalog_environment: (node) => node.environment,
  facts_environment: (node) => node.environment,
  report_environment: (node) => node.environment,
};
const INVENTORY_FIELDS = { ...NODE_FIELDS, environment: NODE_FIELDS.catalog_environment };

/**
 * `POST /pdb/query/v4` (`{"query": ...}`) and `GET /pdb/query/v4?query=`: the node queries a scope accepts (PQL
 * `nodes[certname] {...}` / `inventory[certname] {...}` or the AST `["from", "nodes", condition]`), the
 * environments entity and nodes' latest reports. Paged as PuppetDB pages (puppetdb-paging.ts): `limit`,
 * `offset`, `order_by` and `include_total` (→ `X-Records`) as parameters (the POST body's keys, a GET's URL
 * parameters), or as the query's own clauses. The token needs "View node data from PuppetDB", as PE's RBAC-aware
 * PuppetDB asks.
 */
export function queryPuppetDb(state: EmulatorState, ctx: RequestContext): Handled {
  if (!mayView(ctx.caller.user, "viewNodeData"))
    throw new ApiError(
      403,
      "puppetlabs.rbac/permission-denied",
      `Permission denied: ${ctx.caller.user.login} may not view node data from PuppetDB`,
    );
  const body =
    ctx.body !== null && typeof ctx.body === "object" ? (ctx.body as Record<string, unknown>) : undefined;
  const param = (key: string): unknown => body?.[key] ?? ctx.query.get(key) ?? undefined;
  let query: unknown = param("query");
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
  try {
    return answer(state, query, param);
  } catch (error) {
    if (error instanceof RuleError) return textError(400, error.message);
    throw error;
  }
}

function answer(state: EmulatorState, raw: string | unknown[], param: (key: string) => unknown): Handled {
  const params = pagingParams(param);
  let query: string | unknown[];
  let clauses: PagingClauses;
  if (typeof raw === "string") ({ query, clauses } = pqlPaging(raw));
  else if (raw[0] === "from") ({ query, clauses } = astPaging(raw));
  else [query, clauses] = [raw, {}];
  const paging = mergePaging(params, clauses);
  const paged = <T>(rows: T[], fields: Record<string, (row: T) => unknown>, view: (row: T) => unknown) => {
    const page = pageRows(rows, paging, fields);
    return {
      status: 200,
      body: page.rows.map(view),
      ...(paging.includeTotal ? { headers: { "X-Records": String(page.total) } } : {}),
    };
  };

  const environments =
    typeof query === "string"
      ? environmentsPql.test(query)
      : query[0] === "from" && query[1] === "environments";
  if (environments)
    return paged(
      state.world.environments.map((environment) => ({ name: environment.name })),
      ENVIRONMENT_FIELDS,
      (row) => row,
    );

  if (Array.isArray(query) && query[0] === "from" && query[1] === "reports") {
    const rows = latestReports(state, Array.isArray(query[2]) ? query[2] : []);
    if (typeof rows === "string") throw new RuleError(rows);
    return paged(rows, REPORT_FIELDS, (row) => row);
  }

  const filter = queryFilter(query);
  // A PQL projection (`[certname]`) returns only the certname; the AST form returns node records.
  const projected = typeof query === "string" || (Array.isArray(query[2]) && query[2][0] === "extract");
  const inventory = typeof query === "string" ? /^\s*inventory\b/.test(query) : query[1] === "inventory";
  return paged(state.world.nodes.filter(filter), inventory ? INVENTORY_FIELDS : NODE_FIELDS, (node) =>
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
}

import { RuleError } from "./node-rules";

/**
 * PuppetDB's paging of one query (https://puppet.com/docs/puppetdb/latest/api/query/v4/paging.html): the
 * request's `limit`, `offset`, `order_by` and `include_total` parameters, and the query's own clauses (AST
 * `["limit", n]`, `["offset", n]`, `["order_by", [...]]` after the condition; PQL `order by`, `limit`, `offset`
 * at the end of the braces), which win over the parameters key by key, as PuppetDB merges them.
 */
export interface PdbPaging {
  limit?: number;
  offset?: number;
  orderBy?: Array<{ field: string; desc: boolean }>;
  /** `X-Records` header: how many rows the query had before `limit` and `offset` */
  includeTotal: boolean;
}

export type PagingClauses = Pick<PdbPaging, "limit" | "offset" | "orderBy">;

const PAGING_OPS = new Set(["limit", "offset", "order_by"]);

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** An integer from a number or a string of digits; undefined otherwise. */
function integer(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function parseLimit(value: unknown): number {
  const n = integer(value);
  if (n === undefined || n <= 0)
    throw new RuleError(`Illegal value '${text(value)}' for :limit; expected a positive non-zero integer.`);
  return n;
}

function parseOffset(value: unknown): number {
  const n = integer(value);
  if (n === undefined || n < 0)
    throw new RuleError(`Illegal value '${text(value)}' for :offset; expected a non-negative integer.`);
  return n;
}

/** The `order_by` parameter: a JSON array of `{"field", "order"?}` maps (a string in a GET, JSON in a POST). */
function parseOrderByParam(value: unknown): PdbPaging["orderBy"] {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new RuleError(`Illegal value '${value}' for :order_by; expected a JSON array of maps.`);
    }
  }
  const isMap = (x: unknown): x is Record<string, unknown> =>
    x !== null && typeof x === "object" && !Array.isArray(x);
  if (!Array.isArray(parsed) || !parsed.every(isMap))
    throw new RuleError(`Illegal value '${text(parsed)}' for :order_by; expected an array of maps.`);
  return parsed.map((map) => {
    const unknown = Object.keys(map).find((k) => k !== "field" && k !== "order");
    if (unknown !== undefined)
      throw new RuleError(`Illegal value '${JSON.stringify(map)}' in :order_by; unknown key '${unknown}'.`);
    if (typeof map.field !== "string")
      throw new RuleError(
        `Illegal value '${JSON.stringify(map)}' in :order_by; missing required key 'field'.`,
      );
    const order = map.order === undefined ? "asc" : String(map.order).toLowerCase();
    if (order !== "asc" && order !== "desc")
      throw new RuleError(
        `Illegal value '${JSON.stringify(map)}' in :order_by; 'order' must be either 'asc' or 'desc'`,
      );
    return { field: map.field, desc: order === "desc" };
  });
}

function parseIncludeTotal(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  const s = String(value).toLowerCase();
  if (s === "true" || s === "false") return s === "true";
  throw new RuleError(`Illegal value '${text(value)}' for :include_total; expected true or false.`);
}

/** The paging parameters of the request: `param(key)` is the POST body's key, else the URL's. */
export function pagingParams(param: (key: string) => unknown): PdbPaging {
  const limit = param("limit");
  const offset = param("offset");
  const orderBy = param("order_by");
  return {
    ...(limit !== undefined ? { limit: parseLimit(limit) } : {}),
    ...(offset !== undefined ? { offset: parseOffset(offset) } : {}),
    ...(orderBy !== undefined ? { orderBy: parseOrderByParam(orderBy) } : {}),
    includeTotal: parseIncludeTotal(param("include_total")),
  };
}

/** One AST paging clause folded into `clauses`. */
function astClause(clause: unknown[], clauses: PagingClauses): void {
  const [op, value] = clause;
  if (op === "limit") clauses.limit = parseLimit(value);
  else if (op === "offset") clauses.offset = parseOffset(value);
  else {
    const terms = Array.isArray(value) ? value : [];
    if (!Array.isArray(value) || terms.length === 0)
      throw new RuleError(`Illegal value '${text(value)}' for order_by: expected an array of fields`);
    clauses.orderBy = terms.map((term: unknown) => {
      if (typeof term === "string") return { field: term, desc: false };
      const [field, order] = Array.isArray(term) ? term : [];
      const dir = typeof order === "string" ? order.toLowerCase() : undefined;
      if (typeof field !== "string" || (dir !== "asc" && dir !== "desc"))
        throw new RuleError(
          `Illegal value '${text(term)}' in order_by: expected a field or [field, "asc" | "desc"]`,
        );
      return { field, desc: dir === "desc" };
    });
  }
}

const isPagingClause = (c: unknown): c is unknown[] => Array.isArray(c) && PAGING_OPS.has(c[0] as string);

/**
 * `["from", entity, condition?, ...paging clauses]` → the query without its paging clauses, and the clauses
 * (as PuppetDB reads them: the condition is optional, the clauses come after it).
 */
export function astPaging(query: unknown[]): { query: unknown[]; clauses: PagingClauses } {
  const rest = query.slice(2);
  const condition = rest.length > 0 && !isPagingClause(rest[0]) ? [rest[0]] : [];
  const clauses: PagingClauses = {};
  for (const clause of rest.slice(condition.length)) {
    if (!isPagingClause(clause))
      throw new RuleError(
        "Your `from` query accepts an optional query only as a second argument. Check your query and try again.",
      );
    astClause(clause, clauses);
  }
  return { query: [...query.slice(0, 2), ...condition], clauses };
}

const FIELD = String.raw`[\w.?]+(?:\s+(?:asc|desc))?`;
/** The last paging clause of a PQL body: `limit n`, `offset n` or `order by f [asc|desc], ...`. */
const PQL_CLAUSE = new RegExp(
  String.raw`(?:^|\s)(?:(limit|offset)\s+([^\s"]+)|order\s+by\s+(${FIELD}(?:\s*,\s*${FIELD})*))\s*$`,
  "i",
);

/**
 * A PQL query (`nodes[certname] { facts.role = "web" order by certname desc limit 10 offset 20 }`) → the query
 * without its paging clauses, and the clauses.
 */
export function pqlPaging(query: string): { query: string; clauses: PagingClauses } {
  const open = query.indexOf("{");
  const close = query.lastIndexOf("}");
  const clauses: PagingClauses = {};
  if (open < 0 || close < open) return { query, clauses };
  let body = query.slice(open + 1, close);
  for (let m = PQL_CLAUSE.exec(body); m; m = PQL_CLAUSE.exec(body)) {
    body = body.slice(0, m.index);
    const op = m[1]?.toLowerCase();
    if (op === "limit") clauses.limit ??= parseLimit(m[2]);
    else if (op === "offset") clauses.offset ??= parseOffset(m[2]);
    else
      clauses.orderBy ??= m[3].split(",").map((term) => {
        const [field, order] = term.trim().split(/\s+/);
        return { field, desc: order?.toLowerCase() === "desc" };
      });
  }
  return { query: `${query.slice(0, open + 1)}${body}${query.slice(close)}`, clauses };
}

/** The request's parameters, overridden by the query's own clauses key by key. */
export function mergePaging(params: PdbPaging, clauses: PagingClauses): PdbPaging {
  const defined = Object.fromEntries(Object.entries(clauses).filter(([, v]) => v !== undefined));
  return { ...params, ...defined };
}

/** Nulls sort last ascending and first descending, as PostgreSQL orders them. */
function compare(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Orders (stably, by the fields `order_by` names; `fields` are the ones the entity may be ordered by), then
 * takes `offset` and `limit`. `total`: the rows before the slice, for `X-Records`.
 */
export function pageRows<T>(
  rows: T[],
  paging: PdbPaging,
  fields: Record<string, (row: T) => unknown>,
): { rows: T[]; total: number } {
  const orderBy = paging.orderBy ?? [];
  for (const { field } of orderBy)
    if (!Object.hasOwn(fields, field))
      throw new RuleError(
        `Unrecognized column '${field}' specified in :order_by; Supported columns are '${Object.keys(fields).join("', '")}'`,
      );
  const sorted =
    orderBy.length === 0
      ? rows
      : [...rows].sort((a, b) => {
          for (const { field, desc } of orderBy) {
            const c = compare(fields[field](a), fields[field](b));
            if (c !== 0) return desc ? -c : c;
          }
          return 0;
        });
  const offset = paging.offset ?? 0;
  const end = paging.limit === undefined ? undefined : offset + paging.limit;
  return { rows: sorted.slice(offset, end), total: rows.length };
}

import { validationError } from "./api-error";

export interface Paging {
  /** Absent: every item (PE documents no default; an emulator choice). */
  limit?: number;
  offset: number;
  order: "asc" | "desc";
  orderBy?: string;
}

function nonNegativeInt(query: URLSearchParams, key: string, min: number): number | undefined {
  const raw = query.get(key);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw validationError(`Query parameter ${key} must be an integer >= ${min}, got '${raw}'`, {
      [key]: raw,
    });
  return Number(raw);
}

/** limit, offset, order, order_by, validated like PE (400 validation-error). */
export function parsePaging(query: URLSearchParams, orderBys: string[], defaultOrderBy?: string): Paging {
  const order = query.get("order") ?? "asc";
  if (order !== "asc" && order !== "desc")
    throw validationError(`Query parameter order must be asc or desc, got '${order}'`, { order });
  const orderBy = query.get("order_by") ?? defaultOrderBy;
  if (orderBy !== undefined && !orderBys.includes(orderBy))
    throw validationError(
      `Query parameter order_by must be one of ${orderBys.join(", ")}, got '${orderBy}'`,
      {
        order_by: orderBy,
      },
    );
  return {
    limit: nonNegativeInt(query, "limit", 1),
    offset: nonNegativeInt(query, "offset", 0) ?? 0,
    order,
    orderBy,
  };
}

/** Sorts (stably, by `key` when order_by is set) and slices. */
export function applyPaging<T>(
  items: T[],
  paging: Paging,
  key: (item: T, orderBy: string) => string | number,
): T[] {
  const sorted = [...items];
  const dir = paging.order === "desc" ? -1 : 1;
  const orderBy = paging.orderBy;
  if (orderBy !== undefined) {
    const keys = new Map(sorted.map((item) => [item, key(item, orderBy)]));
    sorted.sort((a, b) => {
      const ka = keys.get(a) as string | number;
      const kb = keys.get(b) as string | number;
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * dir;
    });
  } else if (dir < 0) sorted.reverse();
  const end = paging.limit === undefined ? undefined : paging.offset + paging.limit;
  return sorted.slice(paging.offset, end);
}

/** A job id in a path or body must be an integer. */
export function parseJobId(text: string): number {
  if (!/^\d+$/.test(text)) throw validationError(`Job id must be an integer, got '${text}'`, { id: text });
  return Number(text);
}

/** min/max_finish_timestamp as epoch ms. */
export function parseTimestamp(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    throw validationError(`Query parameter ${key} must be an ISO-8601 timestamp`, { [key]: raw });
  return ms;
}

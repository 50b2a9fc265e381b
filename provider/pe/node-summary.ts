import type { JobNode } from "./schemas";

export interface NodeSummaryEntry {
  name: string;
  state: string;
  durationSeconds: number | null;
  /** Puppet run status (`changed`, `unchanged`, `failed`) when the node reported one */
  status?: string;
  /** why a node failed, errored or was skipped */
  message?: string;
  /**
   * What the node reported in `result` (a task's JSON output, its `_error`, or Puppet's run metrics), bounded:
   * see {@link boundResult}.
   */
  result?: unknown;
}

/** Most bytes of JSON one node's `result` keeps; a bigger one is replaced by a marker. */
export const RESULT_LIMIT_BYTES = 4096;
/** Most bytes of JSON every listed node's `result` keeps together, failed nodes first. */
export const RESULTS_BUDGET_BYTES = 64 * 1024;
/** Characters of a too-big result's JSON text the marker keeps, to show what it was. */
const HEAD_CHARS = 256;

/**
 * A result that fits in `limit` bytes of JSON as it is, else `{"_truncated": {bytes, limit, head}}`: the
 * underscore key follows PE's and Bolt's own (`_error`, `_output`), so it cannot be taken for task output.
 */
export function boundResult(value: unknown, limit = RESULT_LIMIT_BYTES): unknown {
  const text = JSON.stringify(value) ?? "null";
  const bytes = Buffer.byteLength(text);
  if (bytes <= limit) return value;
  return { _truncated: { bytes, limit, head: text.slice(0, Math.min(HEAD_CHARS, limit)) } };
}

/** A job's nodes in bounded size: exact counts, then at most `limit` failed and `limit` other nodes. */
export interface NodeSummary {
  total: number;
  counts: Record<string, number>;
  failed: NodeSummaryEntry[];
  others: NodeSummaryEntry[];
  /** some nodes are counted but not listed */
  truncated: boolean;
}

const FAILED_STATES = new Set(["failed", "errored"]);

export class NodeSummaryBuilder {
  private total = 0;
  private readonly counts: Record<string, number> = {};
  private readonly failed: NodeSummaryEntry[] = [];
  private readonly others: NodeSummaryEntry[] = [];

  constructor(private readonly limit = 50) {}

  add(node: JobNode): void {
    this.total++;
    this.counts[node.state] = (this.counts[node.state] ?? 0) + 1;
    const list = FAILED_STATES.has(node.state) ? this.failed : this.others;
    if (list.length < this.limit) list.push(entry(node));
  }

  summary(): NodeSummary {
    // One budget for every listed result, failed nodes first: their output says what went wrong.
    let budget = RESULTS_BUDGET_BYTES;
    const spend = (e: NodeSummaryEntry): NodeSummaryEntry => {
      if (e.result === undefined) return e;
      const kept = boundResult(e.result, Math.min(RESULT_LIMIT_BYTES, Math.max(budget, 0)));
      budget -= Buffer.byteLength(JSON.stringify(kept) ?? "");
      return { ...e, result: kept };
    };
    return {
      total: this.total,
      counts: { ...this.counts },
      failed: this.failed.map(spend),
      others: this.others.map(spend),
      truncated: this.failed.length + this.others.length < this.total,
    };
  }
}

function entry(node: JobNode): NodeSummaryEntry {
  const result = asRecord(node.result);
  const error = asRecord(result?._error) ?? (typeof result?.kind === "string" ? result : undefined);
  const status = typeof result?.status === "string" ? result.status : undefined;
  const message =
    str(node.details?.message) ??
    str(error?.msg) ??
    str(result?.error) ??
    (FAILED_STATES.has(node.state) ? status : undefined);
  return {
    name: node.name,
    state: node.state,
    durationSeconds: node.duration,
    ...(status ? { status } : {}),
    ...(message ? { message: message.slice(0, 500) } : {}),
    ...(node.result !== undefined && node.result !== null ? { result: boundResult(node.result) } : {}),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

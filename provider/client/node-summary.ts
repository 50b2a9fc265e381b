import type { JobNode } from "./schemas";

export interface NodeSummaryEntry {
  name: string;
  state: string;
  durationSeconds: number | null;
  /** Puppet run status (`changed`, `unchanged`, `failed`) when the node reported one */
  status?: string;
  /** why a node failed, errored or was skipped */
  message?: string;
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
    return {
      total: this.total,
      counts: { ...this.counts },
      failed: [...this.failed],
      others: [...this.others],
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

import type { ScheduledParam } from "../http/scheduled-job-schemas";

/** Scheduled parameters split as PE shows them: plain values of the non-sensitive ones, names of the others. */
export function splitParams(params: Record<string, ScheduledParam>): {
  plain: Record<string, unknown>;
  sensitive: string[];
} {
  const plain: Record<string, unknown> = {};
  const sensitive: string[] = [];
  for (const [key, p] of Object.entries(params)) {
    if (p.sensitive === true) sensitive.push(key);
    else plain[key] = p.value;
  }
  return { plain, sensitive };
}

/** Every parameter's value, as the run needs them. */
export const paramValues = (params: Record<string, ScheduledParam>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(params).map(([key, p]) => [key, p.value]));

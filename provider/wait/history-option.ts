import { z } from "zod";
import { RequestValidationError } from "../pe/http/errors";
import { formatIssues } from "../pe/http/format-issues";
import type { HistoryHints } from "./similar-job-durations";

/** `WaitOptions.history`: hints for matching past runs, or `false` for no history request. */
export const historyOptionSchema = z.union([
  z.literal(false),
  z.strictObject({
    environment: z.string().min(1).optional(),
    planName: z.string().min(1).optional(),
  }),
]);

export type HistoryOption = HistoryHints | false;

/** Validates the caller's history option (default `{}`: match on the job's own environment, plan, scope). */
export function parseHistoryOption(value: unknown): HistoryOption {
  if (value === undefined) return {};
  const parsed = historyOptionSchema.safeParse(value);
  if (!parsed.success) throw new RequestValidationError("wait option history", formatIssues(parsed.error));
  return parsed.data;
}

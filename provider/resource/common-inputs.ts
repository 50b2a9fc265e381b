// zod schemas of what every resource's inputs share (JSON values, the common job inputs, the connection), as the
// engine hands them to the provider (camelCase, plain JSON). Each family's own inputs build on these.
import { z } from "zod";
import { connectionInputSchema } from "../pe";

/** Any JSON value: params and userdata are passed verbatim, so they must survive JSON. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Reports every value JSON cannot carry, at its own path, saying why (a union would only say "Invalid input"). */
function checkJson(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "must be a finite number (JSON has no NaN or Infinity)",
      });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, [...path, index], ctx));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, [...path, key], ctx);
    return;
  }
  ctx.addIssue({ code: "custom", path, message: `must be JSON (a ${typeof value} is not)` });
}

export const json = z
  .unknown()
  .superRefine((value, ctx) => checkJson(value, [], ctx))
  .transform((value) => value as Json);
export const jsonObject = z.record(z.string(), json, "must be an object of JSON values");

export const positiveInt = (what: string) =>
  z.number(`must be a number of ${what}`).int(`must be a whole number of ${what}`).positive(`must be > 0`);

/** A week: longer waits are almost certainly a unit mistake (milliseconds for seconds). */
export const MAX_WAIT_SECONDS = 7 * 24 * 3600;

export const commonShape = {
  description: z.string().optional(),
  userdata: jsonObject.optional(),
  triggers: z.array(json, "must be a list").optional(),
  waitTimeoutSeconds: positiveInt("seconds")
    .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS} (a week); it is in seconds`)
    .optional(),
  failOnJobFailure: z.boolean().optional(),
  stopOnCancel: z.boolean().optional(),
  connection: connectionInputSchema.optional(),
  importJobId: z.string().regex(/^\d+$/, 'must be a job id such as "81"').optional(),
  /** Preview fails when a target node is not connected to the orchestrator (default: a warning). */
  requireConnected: z.boolean().optional(),
};

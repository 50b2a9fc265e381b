import type { z } from "zod";
import { formatZodError } from "../world/format-zod-error";
import { validationError } from "./api-error";

/** Validates a request body; a failure is PE's 400 validation-error naming what is wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw validationError("The request body must be a JSON object");
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw validationError(`Invalid request body: ${formatZodError(parsed.error)}`, {
      errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  return parsed.data;
}

import type { z } from "zod";
import type { CheckFailure } from "./resource-operations";

/**
 * How the engine sends a value it does not know yet (a computed output in preview), to dynamic providers and
 * plugins alike: the SDK's `pulumi.runtime.unknownValue` (a test holds the two equal).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or holds, a value the engine does not know yet (preview of a computed output). */
function holdsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(holdsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(holdsUnknown);
  return false;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates inputs with their zod schema and turns every issue into a check failure naming the input. Issues
 * about values still unknown in a preview are left for `up`, when they are known.
 */
export function validateInputs<T>(
  schema: z.ZodType<T>,
  inputs: Record<string, unknown>,
): { failures: CheckFailure[]; value?: T; hasUnknowns: boolean } {
  const hasUnknowns = holdsUnknown(inputs);
  const parsed = schema.safeParse(inputs);
  if (parsed.success) return { failures: [], value: parsed.data, hasUnknowns };
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const property = [...path, key].join(".");
        failures.push({
          property,
          reason: `unknown input '${property}': check its spelling against the docs`,
        });
      }
      continue;
    }
    // Checks over several inputs (scope) can only be judged when every value is known.
    if (holdsUnknown(valueAt(inputs, issue.path)) || (issue.code === "custom" && hasUnknowns)) continue;
    const property = path.join(".") || "(inputs)";
    failures.push({ property, reason: `${property}: ${issue.message}` });
  }
  return { failures, hasUnknowns };
}

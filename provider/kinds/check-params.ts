import { isOptionalType, matchesPuppetType } from "../../puppet-type/puppet-type";
import type { CheckFailure } from "../resource/resource-operations";

/** A declared parameter: plans' metadata says `default_value`, tasks' metadata (task.json) says `default`. */
export interface DeclaredParameter {
  type?: string;
  default_value?: unknown;
  default?: unknown;
}

/**
 * Compares `params` with the parameters a plan or task declares (`subject`: "plan canary", "task package"):
 * unknown names, values of the wrong Puppet type, missing required ones. No metadata (older PE): no failures.
 */
export function checkParams(
  declared: Record<string, DeclaredParameter> | null | undefined,
  params: Record<string, unknown>,
  subject: string,
): CheckFailure[] {
  if (!declared || Object.keys(declared).length === 0) return [];
  const failures: CheckFailure[] = [];
  const names = Object.keys(declared).join(", ");
  for (const [key, value] of Object.entries(params)) {
    const parameter = declared[key];
    if (!parameter) {
      failures.push({
        property: "params",
        reason: `${subject} has no parameter '${key}' (it takes: ${names})`,
      });
    } else if (parameter.type && !matchesPuppetType(parameter.type, value)) {
      failures.push({
        property: "params",
        reason: `parameter '${key}' of ${subject} must be ${parameter.type}, got ${JSON.stringify(value)}`,
      });
    }
  }
  for (const [key, parameter] of Object.entries(declared)) {
    const optional =
      parameter.default_value !== undefined ||
      parameter.default !== undefined ||
      isOptionalType(parameter.type ?? "Any");
    if (!optional && !(key in params)) {
      failures.push({
        property: "params",
        reason: `${subject} requires parameter '${key}' (${parameter.type ?? "Any"})`,
      });
    }
  }
  return failures;
}

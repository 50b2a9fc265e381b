import { isOptionalType, matchesPuppetType } from "../../puppet-type/puppet-type";

/** A declared plan or task parameter: plans say `default_value`, task metadata says `default`. */
interface Declared {
  type: string;
  default_value?: unknown;
  default?: unknown;
}

/**
 * Checks submitted params against declared ones, as PE does at submit time: unknown names, missing required
 * values, wrongly typed values. Returns the problems and the values the run sees (defaults filled in).
 */
export function checkParams(
  declared: Record<string, Declared>,
  params: Record<string, unknown>,
): { problems: string[]; values: Record<string, unknown> } {
  const problems: string[] = [];
  for (const key of Object.keys(params)) if (!(key in declared)) problems.push(`unknown parameter '${key}'`);
  const values: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(declared)) {
    const value = key in params ? params[key] : (p.default_value ?? p.default);
    if (value === undefined) {
      if (!isOptionalType(p.type)) problems.push(`expects a value for parameter '${key}'`);
      continue;
    }
    if (key in params && !matchesPuppetType(p.type, value))
      problems.push(`parameter '${key}' expects a ${p.type} value`);
    values[key] = value;
  }
  return { problems, values };
}

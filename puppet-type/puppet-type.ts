// Puppet data types, as plan metadata declares them: shared by the provider (checking params before a
// plan runs) and the emulator (rejecting them like PE would).
/** Splits "A, B[C, D], E" at top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() !== "") out.push(text.slice(start).trim());
  return out;
}

const unquote = (s: string) => s.replace(/^['"]|['"]$/g, "");

/** Whether a JSON value fits a Puppet data type string; types not modelled here accept anything. */
export function matchesPuppetType(type: string, value: unknown): boolean {
  const m = /^(\w+(?:::\w+)*)\s*(?:\[(.*)\])?$/s.exec(type.trim());
  if (!m) return true;
  const [, base, rawArgs] = m;
  const args = rawArgs === undefined ? [] : splitArgs(rawArgs);
  const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  switch (base) {
    case "Optional":
      return value === null || value === undefined || matchesPuppetType(args[0] ?? "Any", value);
    case "Variant":
      return args.some((a) => matchesPuppetType(a, value));
    case "Undef":
      return value === null || value === undefined;
    case "String":
      return typeof value === "string";
    case "Enum":
      return typeof value === "string" && args.map(unquote).includes(value);
    case "Integer":
      return isInt(value);
    case "Float":
    case "Numeric":
      return typeof value === "number";
    case "Boolean":
      return typeof value === "boolean";
    case "Array":
    case "Tuple":
      return Array.isArray(value) && (args.length === 0 || value.every((v) => matchesPuppetType(args[0], v)));
    case "Hash":
    case "Struct":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "TargetSpec":
      return (
        (typeof value === "string" && value !== "") ||
        (Array.isArray(value) && value.every((v) => matchesPuppetType("TargetSpec", v)))
      );
    default:
      return true;
  }
}

/** Whether a parameter of this type may be left out. */
export const isOptionalType = (type: string) => /^\s*(Optional|Any|Undef)\b/.test(type);

/** Certnames named by a TargetSpec value ("a,b" strings are lists too, as in Bolt). */
export function targetNames(value: unknown): string[] {
  if (typeof value === "string")
    return value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return Array.isArray(value) ? value.flatMap(targetNames) : [];
}

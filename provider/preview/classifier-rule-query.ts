/**
 * A node classifier rule (`["and", ["=", ["fact", "role"], "web"], ["~", "name", "^db"]]`, pinned nodes as
 * `["=", "name", certname]`) as the PuppetDB AST query that selects the same certnames, the way PE's
 * `/v1/rules/translate` does: `name` is `certname`, `["fact", a, b]` is `facts.a.b` on the inventory entity.
 * Throws on a rule it cannot read (the caller reports it as unresolved).
 */
export function classifierRuleToQuery(rule: unknown): unknown[] {
  return ["from", "inventory", ["extract", ["certname"], condition(rule)]];
}

const COMPARISONS = new Set(["=", "~", "<", ">", "<=", ">="]);

function condition(rule: unknown): unknown[] {
  if (!Array.isArray(rule) || rule.length === 0)
    throw new Error(`not a classifier rule: ${JSON.stringify(rule)}`);
  const [op, ...args] = rule as [unknown, ...unknown[]];
  if (op === "and" || op === "or") return [op, ...args.map(condition)];
  if (op === "not") return ["not", condition(args[0])];
  if (typeof op !== "string" || !COMPARISONS.has(op) || args.length !== 2)
    throw new Error(`unsupported classifier rule operator ${JSON.stringify(op)}`);
  const value = args[1];
  // The classifier compares numbers given as strings; PuppetDB's ordering operators need numbers.
  const numeric = op !== "=" && op !== "~" && typeof value === "string" && value.trim() !== "";
  return [op, field(args[0]), numeric && Number.isFinite(Number(value)) ? Number(value) : value];
}

function field(value: unknown): string {
  if (value === "name") return "certname";
  if (Array.isArray(value) && (value[0] === "fact" || value[0] === "trusted") && value.length > 1)
    return `${value[0] === "fact" ? "facts" : "trusted"}.${value.slice(1).map(String).join(".")}`;
  throw new Error(`unsupported classifier rule field ${JSON.stringify(value)}`);
}

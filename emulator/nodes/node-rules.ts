// nodes/: the world's nodes as PE's other services show them: PuppetDB queries and reports, classifier node
// groups, the orchestrator's inventory, and the nodes a command's scope names (resolve-targets.ts). This file
// evaluates the rules and queries they share. Imports world/ and http/ only (reports read jobs through the
// state).

/** What rules and queries look at on a node. */
export interface RuleSubject {
  certname: string;
  facts: Record<string, unknown>;
  /** The agent's environment (PuppetDB's catalog/facts/report_environment). */
  environment?: string;
}

const ENVIRONMENT_FIELDS = new Set(["catalog_environment", "facts_environment", "report_environment"]);

/** Thrown for a rule or query the emulator cannot read. */
export class RuleError extends Error {}

function fieldValue(field: unknown, node: RuleSubject): unknown {
  if (field === "name" || field === "certname") return node.certname;
  if (typeof field === "string" && ENVIRONMENT_FIELDS.has(field)) return node.environment;
  let path: unknown[];
  if (Array.isArray(field) && (field[0] === "fact" || field[0] === "facts")) path = field.slice(1);
  else if (typeof field === "string" && field.startsWith("facts.")) path = field.slice(6).split(".");
  else throw new RuleError(`unsupported field ${JSON.stringify(field)}`);
  let value: unknown = node.facts;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}

/**
 * Evaluates a classifier rule / PuppetDB AST condition:
 * ["and"|"or", ...], ["not", r], ["=", "~", "<", ">", "<=", ">=", field, value].
 */
export function matchesRule(rule: unknown, node: RuleSubject): boolean {
  if (!Array.isArray(rule) || rule.length === 0) throw new RuleError(`not a rule: ${JSON.stringify(rule)}`);
  const [op, ...args] = rule;
  switch (op) {
    case "and":
      return args.every((r) => matchesRule(r, node));
    case "or":
      return args.some((r) => matchesRule(r, node));
    case "not":
      return !matchesRule(args[0], node);
  }
  if (args.length !== 2) throw new RuleError(`${String(op)} takes a field and a value`);
  const actual = fieldValue(args[0], node);
  const expected = args[1];
  if (actual === undefined) return false;
  switch (op) {
    case "=":
      return String(actual) === String(expected);
    case "~":
      return new RegExp(String(expected)).test(String(actual));
    case "<":
      return Number(actual) < Number(expected);
    case ">":
      return Number(actual) > Number(expected);
    case "<=":
      return Number(actual) <= Number(expected);
    case ">=":
      return Number(actual) >= Number(expected);
    default:
      throw new RuleError(`unsupported operator ${JSON.stringify(op)}`);
  }
}

const pqlPattern = /^\s*(nodes|inventory)\s*\[\s*certname\s*\]\s*\{(.*)\}\s*$/s;
const conditionPattern =
  /^\s*([\w.]+)\s*(=|~|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)\s*$/;

/** A PQL string (`nodes[certname] { facts.os.family = "RedHat" and certname ~ "web" }`) as a rule; null = all. */
function parsePql(query: string): unknown[] | null {
  const m = pqlPattern.exec(query);
  if (!m)
    throw new RuleError(`PQL parse error: expected nodes[certname] { ... } or inventory[certname] { ... }`);
  const body = m[2].trim();
  if (body === "") return null;
  const disjuncts = body.split(/\s+or\s+/).map((part) => [
    "and",
    ...part.split(/\s+and\s+/).map((cond) => {
      const c = conditionPattern.exec(cond);
      if (!c) throw new RuleError(`PQL parse error at "${cond.trim()}"`);
      const value: unknown = JSON.parse(c[3]);
      return c[2] === "!=" ? ["not", ["=", c[1], value]] : [c[2], c[1], value];
    }),
  ]);
  return ["or", ...disjuncts];
}

/** A query scope (PQL string or ["from", "nodes"|"inventory", condition?] AST) as a certname filter. */
export function queryFilter(query: string | unknown[]): (node: RuleSubject) => boolean {
  let rule: unknown[] | null;
  if (typeof query === "string") rule = parsePql(query);
  else {
    if (query[0] !== "from" || (query[1] !== "nodes" && query[1] !== "inventory"))
      throw new RuleError(`unsupported query: expected ["from", "nodes", condition]`);
    rule = query.length > 2 ? (query[2] as unknown[]) : null;
    // ["extract", ["certname"], condition?]: a projection, as PuppetDB's AST writes `nodes[certname] {...}`
    if (rule?.[0] === "extract") rule = rule.length > 2 ? (rule[2] as unknown[]) : null;
  }
  if (rule === null) return () => true;
  matchesRule(rule, { certname: "", facts: {} }); // reject malformed queries up front
  return (node) => matchesRule(rule, node);
}

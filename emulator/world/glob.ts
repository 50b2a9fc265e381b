/** Whether `name` matches any of the `*`-wildcard patterns. */
export function matchesAny(patterns: string[], name: string): boolean {
  return patterns.some((p) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name),
  );
}

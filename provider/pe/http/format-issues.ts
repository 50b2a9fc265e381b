import type { z } from "zod";

/** `items[3].state: expected string, received undefined` for the first few zod issues. */
export function formatIssues(error: z.ZodError, max = 5): string[] {
  const lines = error.issues.slice(0, max).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > max) lines.push(`and ${error.issues.length - max} more`);
  return lines;
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

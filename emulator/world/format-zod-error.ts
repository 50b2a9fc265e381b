import type { z } from "zod";

/** "nodes[2].certname: Invalid input; ..." — one line naming the path of every issue. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join("");
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

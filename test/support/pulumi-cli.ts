import { execFileSync } from "node:child_process";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

let cliBinDir: string | undefined;

/**
 * The folder holding `pulumi` (the user's own, or the one scripts/pulumi-cli.sh builds once and caches).
 * The first call may take minutes on a machine that has never built it; later calls are instant.
 */
export function pulumiBinDir(): string {
  if (cliBinDir === undefined) {
    const out = execFileSync("bash", [path.join(repoRoot, "scripts", "pulumi-cli.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    cliBinDir = out.trim().split("\n").pop() ?? "";
  }
  return cliBinDir;
}

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../support/pulumi-cli";

let built: string | undefined;

/**
 * dist/release as `npm run release` makes it (every platform), built once per test run: its last line of output is
 * the folder (or PE_TEST_RELEASE_DIR's, a release already built). The Node.js binaries and rcodesign it needs are cached outside the clone, once per machine.
 */
export function releaseFolder(): string {
  if (built) return built;
  // while working on these tests: a release already built (npm run release), not built again
  if (process.env.PE_TEST_RELEASE_DIR) return (built = path.resolve(process.env.PE_TEST_RELEASE_DIR));
  const started = Date.now();
  const stdout = execFileSync("npm", ["run", "--silent", "release"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const folder = stdout.trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(folder, "checksums.txt")))
    throw new Error(`npm run release printed ${stdout}`);
  console.log(`      (npm run release: ${Math.round((Date.now() - started) / 1000)} s)`);
  built = folder;
  return folder;
}

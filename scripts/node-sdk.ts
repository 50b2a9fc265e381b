// The plugin's Node.js SDK as Pulumi publishes one: sdk/nodejs compiled into bin/ with its package.json and README
// beside the code (the SDK reads its version from there). Used by the release (npm pack of bin/) and the tests'
// plugin face (test/support/faces.ts). It compiles with this repository's TypeScript against the @pulumi/pulumi
// found up the folders from `work`, so `work` lies inside the clone.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Copies `source` (less a build or installed modules left in it) into `work`, compiles it; returns `work/bin`. */
export function compileNodeSdk(source: string, work: string): string {
  fs.cpSync(source, work, {
    recursive: true,
    filter: (src) => !["bin", "node_modules"].includes(path.relative(source, src)),
  });
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", work], {
      cwd: work,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`compiling the Node.js SDK (${source}) failed:\n${stdout}${stderr}`);
  }
  const bin = path.join(work, "bin");
  for (const file of ["package.json", "README.md"])
    if (fs.existsSync(path.join(work, file))) fs.copyFileSync(path.join(work, file), path.join(bin, file));
  return bin;
}

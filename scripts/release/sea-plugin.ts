// The plugin as one self-contained executable per platform: a Node.js single executable application (SEA) of the
// bundled plugin, so a user's machine needs no Node.js. The blob is made by this machine's copy of the target's
// Node.js version (linux-amd64's build), and injected with postject into the platform's own `node`:
//   - linux-amd64 carries V8's code cache of the bundle (a cache is for the platform that made it);
//   - the others carry the bundle's source alone, which their Node.js compiles at each start;
//   - linux binaries are stripped of their symbols first (about 18 MB less);
//   - darwin binaries get an ad-hoc signature (rcodesign): macOS on Apple silicon kills an unsigned binary, and the
//     injection breaks the signature Node.js's build carried.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { extractNode, type Platform, PLATFORMS, platformName } from "./node-binaries";
import { rcodesign } from "./rcodesign";

/** Node's fuse for SEA blobs (its documentation's value: the sentinel postject flips). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const HOST = PLATFORMS.find((p) => p.os === "linux" && p.arch === "amd64")!;

/** The executable's name on the platform (the engine runs `pulumi-resource-pe.exe` on Windows). */
export const executableName = (platform: Platform) =>
  platform.os === "windows" ? "pulumi-resource-pe.exe" : "pulumi-resource-pe";

/**
 * Builds the platform's executable from `bundle` (one-file plugin, scripts/bundle-plugin.ts) into `outDir` and
 * returns its path. `work` holds the extracted binaries and blobs.
 */
export function buildSeaPlugin(bundle: string, platform: Platform, outDir: string, work: string): string {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error("the release is built on linux-amd64 (the blob is made by that Node.js build)");
  const hostNode = extractNode(HOST, path.join(work, "host"));
  const native = platform === HOST;
  const blob = path.join(work, `${platformName(platform)}.blob`);
  const config = path.join(work, `${platformName(platform)}.sea.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's code cache is only valid on the platform that made it
      useCodeCache: native,
    }),
  );
  execFileSync(hostNode, ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "inherit"] });

  const node = extractNode(platform, path.join(work, platformName(platform)));
  fs.mkdirSync(outDir, { recursive: true });
  const executable = path.join(outDir, executableName(platform));
  fs.copyFileSync(node, executable);
  fs.chmodSync(executable, 0o755);
  if (platform.os === "linux") execFileSync("llvm-strip", ["--strip-all", executable]);
  const postject = require.resolve("postject/dist/cli.js");
  execFileSync(
    process.execPath,
    [
      postject,
      executable,
      "NODE_SEA_BLOB",
      blob,
      "--sentinel-fuse",
      SEA_FUSE,
      ...(platform.os === "darwin" ? ["--macho-segment-name", "NODE_SEA"] : []),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (platform.os === "darwin")
    execFileSync(rcodesign(), ["sign", executable], { stdio: ["ignore", "ignore", "inherit"] });
  return executable;
}

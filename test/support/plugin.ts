import * as fs from "node:fs";
import * as path from "node:path";
import { bundlePlugin } from "../../scripts/bundle-plugin";
import { pulumiBinDir, repoRoot } from "./pulumi-cli";

let bundled: string | undefined;

/**
 * A folder holding `pulumi-resource-pe`, a launcher of this clone's built plugin as the tarball ships it (dist/
 * bundled into one file with its code cache, scripts/bundle-plugin.ts; once per test process, from the current
 * dist/), for a test's PATH: the engine finds a plugin there as it would an installed one (and warns that it uses
 * it from $PATH). Installing from the tarball is tested on its own (npm run plugin).
 */
export function pluginBinDir(): string {
  // one folder per test process: the suite's processes run side by side, and none may swap another's bundle
  const dir = path.join(repoRoot, ".pulumi-test", `plugin-bin-${process.pid}`);
  if (bundled) return dir;
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  // a fresh folder renamed into place, so that a launcher never runs a half-written bundle
  const fresh = fs.mkdtempSync(path.join(repoRoot, ".pulumi-test", "plugin-bundle-"));
  bundlePlugin(path.join(repoRoot, "dist"), fresh);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(dir, { recursive: true });
  const old = `${bin}.old-${process.pid}`;
  if (fs.existsSync(bin)) fs.renameSync(bin, old);
  fs.renameSync(fresh, bin);
  fs.rmSync(old, { recursive: true, force: true });
  const launcher = path.join(dir, "pulumi-resource-pe");
  fs.writeFileSync(
    `${launcher}.tmp`,
    `#!/bin/sh\nexec node "${path.join(bin, "pulumi-resource-pe.js")}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  fs.renameSync(`${launcher}.tmp`, launcher);
  bundled = dir;
  return dir;
}

/** PATH without any folder holding a pulumi-resource-pe: the engine can only find an installed plugin. */
export function pathWithoutPlugin(): string {
  const dirs = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !fs.existsSync(path.join(dir, "pulumi-resource-pe")));
  return [pulumiBinDir(), ...dirs].join(path.delimiter);
}

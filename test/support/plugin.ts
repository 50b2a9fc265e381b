import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./pulumi-cli";

/**
 * A folder holding `pulumi-resource-pe`, a launcher of this clone's built plugin (dist/provider/plugin/main.js), for
 * a test's PATH: the engine finds a plugin there as it would an installed one (and warns that it uses it from
 * $PATH). Installing from the tarball is tested on its own (npm run plugin).
 */
export function pluginBinDir(): string {
  const dir = path.join(repoRoot, ".pulumi-test", "plugin-bin");
  const launcher = path.join(dir, "pulumi-resource-pe");
  const text = `#!/bin/sh\nexec node "${path.join(repoRoot, "dist", "provider", "plugin", "main.js")}" "$@"\n`;
  if (!fs.existsSync(launcher) || fs.readFileSync(launcher, "utf8") !== text) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${launcher}.tmp`, text, { mode: 0o755 });
    fs.renameSync(`${launcher}.tmp`, launcher);
  }
  return dir;
}

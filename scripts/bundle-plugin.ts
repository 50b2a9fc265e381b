// Bundles the compiled plugin (dist/provider/plugin/main.js and everything it loads, dependencies included) into
// one file with esbuild, beside its launcher and V8's code cache of it:
//   <out>/pulumi-resource-pe.js   the launcher (provider/plugin/bundle-launcher.ts): node runs this
//   <out>/plugin.js               the bundle: no node_modules needed
//   <out>/plugin.js.cache         the code cache the launcher starts from
// Used by scripts/plugin.sh (the tarball) and the tests' plugin launcher. Run: ts-node scripts/bundle-plugin.ts <dist> <out>
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

/** The compiled plugin and everything it loads as one file (`target`: the Node.js it will run on). */
export function bundleOnly(distDir: string, bundle: string, target = "node20"): void {
  buildSync({
    entryPoints: [path.join(distDir, "provider", "plugin", "main.js")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target,
    minify: true,
    legalComments: "eof",
    logLevel: "warning",
  });
}

export function bundlePlugin(distDir: string, outDir: string): void {
  const plugin = path.join(distDir, "provider", "plugin");
  fs.mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, "plugin.js");
  bundleOnly(distDir, bundle);
  const launcher = path.join(outDir, "pulumi-resource-pe.js");
  fs.copyFileSync(path.join(plugin, "bundle-launcher.js"), launcher);
  fs.rmSync(`${bundle}.cache`, { force: true });
  execFileSync(process.execPath, [launcher, "--warm-up"], { stdio: ["ignore", "ignore", "inherit"] });
  if (!fs.existsSync(`${bundle}.cache`))
    throw new Error(`bundle-plugin: ${launcher} --warm-up wrote no code cache`);
}

if (require.main === module) {
  const [distDir, outDir] = process.argv.slice(2);
  if (!distDir || !outDir) {
    console.error("usage: ts-node scripts/bundle-plugin.ts <compiled dist folder> <output folder>");
    process.exit(2);
  }
  bundlePlugin(path.resolve(distDir), path.resolve(outDir));
}

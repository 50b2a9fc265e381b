import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileNodeSdk } from "../../scripts/node-sdk";
import { repoRoot } from "./pulumi-cli";
import type { TestStackOptions } from "./test-stack";

/**
 * The two faces a program reaches the resources through: the dynamic provider (`pulumi-pe-orchestrator`, this
 * package) and the provider plugin (`pulumi-resource-pe`, through its generated Node.js SDK `pulumi-pe`). Both
 * have the same class, input and output names, so one program source runs through either: only the module it
 * imports differs. The end-to-end suites about behaviour run once per face.
 */
export type Face = "dynamic" | "plugin";

/**
 * The faces the suites run through: both, unless `PE_TEST_FACES` names some (`PE_TEST_FACES=plugin`, comma
 * separated), to run one face's half of a suite while working on it.
 */
export const FACES: readonly Face[] = (() => {
  const all: Face[] = ["dynamic", "plugin"];
  const wanted = (process.env.PE_TEST_FACES ?? "").split(",").map((f) => f.trim());
  const chosen = all.filter((f) => wanted.includes(f));
  return chosen.length > 0 ? chosen : all;
})();

/** Declares the suite once per face: `forEachFace((face) => describe(\`... (${face})\`, ...))`. */
export function forEachFace(suite: (face: Face) => void): void {
  for (const face of FACES) suite(face);
}

/** The module a program imports the resources from. */
export function moduleOf(face: Face): string {
  return face === "dynamic" ? "pulumi-pe-orchestrator" : "pulumi-pe";
}

/**
 * A resource's type token as the engine shows it in rows, URNs and state: `pe:index:PlanRun` (plugin) or
 * `pulumi-nodejs:dynamic/pe-orchestrator:PlanRun` (dynamic).
 */
export function typeOf(face: Face, name: string): string {
  return face === "dynamic" ? `pulumi-nodejs:dynamic/pe-orchestrator:${name}` : `pe:index:${name}`;
}

/** {@link typeOf} as a regular-expression source, to build patterns of the engine's rows with. */
export function typePattern(face: Face, name: string): string {
  return typeOf(face, name).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * `source` (a program that imports from `pulumi-pe-orchestrator`) for `face`: for the plugin, importing from the
 * plugin's Node.js SDK instead, which is built and linked first.
 */
export function programFor(face: Face, source: string): string {
  if (face === "dynamic") return source;
  linkPluginSdk();
  return source.replace(/(from\s+|require\()(["'])pulumi-pe-orchestrator\2/g, `$1$2${moduleOf(face)}$2`);
}

/** What TestStack.create needs for `face`: the plugin face puts this clone's plugin on the engine's PATH. */
export function stackOptionsFor(face: Face): Pick<TestStackOptions, "plugin"> {
  return { plugin: face === "plugin" };
}

const testRoot = path.join(repoRoot, ".pulumi-test");
const sdkSource = path.join(repoRoot, "sdk", "nodejs");
const sdkBuilt = path.join(testRoot, "sdk-nodejs");
let linked = false;

/** The files of sdk/nodejs that make the package (not a build or installed modules left in the folder). */
function sdkFiles(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) {
      if (prefix === "" && (entry.name === "bin" || entry.name === "node_modules")) continue;
      files.push(...sdkFiles(dir, rel));
    } else files.push(rel);
  }
  return files.sort();
}

/** A hash of the SDK's sources and the compiler: the build is redone when either changes. */
function sdkHash(files: string[]): string {
  const hash = createHash("sha256");
  hash.update(fs.readFileSync(require.resolve("typescript/package.json")));
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(sdkSource, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * Builds the plugin's Node.js SDK as Pulumi publishes one (compiled into bin/, package.json copied beside the
 * code) into `.pulumi-test/sdk-nodejs`, once per change of its sources, and makes `require("pulumi-pe")` in test
 * programs load it, as `pulumi-pe-orchestrator` loads this clone (linkThisPackage in test-stack.ts). It compiles
 * against this repository's @pulumi/pulumi, found up the folders from `.pulumi-test`.
 */
export function linkPluginSdk(): void {
  if (linked) return;
  const files = sdkFiles(sdkSource);
  const hash = sdkHash(files);
  const stamp = path.join(sdkBuilt, ".source-hash");
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== hash) {
    const work = `${sdkBuilt}.tmp-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    compileNodeSdk(sdkSource, work);
    fs.writeFileSync(path.join(work, ".source-hash"), hash);
    fs.rmSync(sdkBuilt, { recursive: true, force: true });
    fs.renameSync(work, sdkBuilt);
  }
  const link = path.join(testRoot, "node_modules", "pulumi-pe");
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true }); // a dangling link
    fs.symlinkSync(path.join(sdkBuilt, "bin"), link, "dir");
  }
  linked = true;
}

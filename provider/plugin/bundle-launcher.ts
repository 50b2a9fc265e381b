// Starts the bundled plugin (plugin.js, beside this file in a build: scripts/bundle-plugin.ts) from V8's code cache
// (plugin.js.cache): compiling the 2 MB bundle was half of each start, and the engine starts the plugin once or
// twice per operation. `--warm-up` (the build's step) runs the bundle's modules without serving and writes the cache.
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";

const bundle = path.join(__dirname, "plugin.js");
const cacheFile = `${bundle}.cache`;

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Best effort: an install without write access just starts without a cache. */
function writeCache(script: vm.Script): void {
  const temporary = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, cacheFile);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

const warmUp = process.argv[2] === "--warm-up";
const cachedData = warmUp ? undefined : readCache();
const wrapper = "(function (exports, require, module, __filename, __dirname) {";
// the entry's `#!` line, as node's own loader drops it
const source = fs.readFileSync(bundle, "utf8").replace(/^#!.*/, "");
const script = new vm.Script(`${wrapper}${source}\n})`, { filename: bundle, cachedData });
const bundleModule = new Module(bundle, module);
bundleModule.filename = bundle;
const run = script.runInThisContext() as (...args: unknown[]) => void;
run.call(
  bundleModule.exports,
  bundleModule.exports,
  Module.createRequire(bundle),
  bundleModule,
  bundle,
  __dirname,
);
// a cache from another Node.js version is rejected: make this one's (of the modules loaded so far) for next time
if (warmUp || cachedData === undefined || script.cachedDataRejected) {
  if (warmUp) writeCache(script);
  else setImmediate(() => writeCache(script));
}

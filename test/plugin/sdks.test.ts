import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/pulumi-cli";
import { filesUnder, sh } from "../support/run-command";

const sdk = path.join(repoRoot, "sdk");
const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;
const RESOURCES = [
  "CodeDeploy",
  "EnvironmentDeploy",
  "PlanRun",
  "TaskRun",
  "ScheduledDeploy",
  "ScheduledPlan",
  "ScheduledTask",
];
const read = (file: string) => fs.readFileSync(path.join(sdk, file), "utf8");

// The committed SDKs of the plugin's package (sdk/, generated from its schema; test/plugin/schema.test.ts shows
// they are fresh): each builds with its language's tools against Pulumi 3.248.0, and names the plugin's version.
describe("plugin SDKs: sdk/ builds in each language", function () {
  this.timeout(10 * 60 * 1000); // the first Go vet compiles the Pulumi Go SDK (about 2 min; cached after)
  let scratch: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pe-sdks-"));
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("every SDK names package pe at the package's version, and where its releases live (pulumi-plugin.json)", () => {
    // the project's home, as package.json's repository names it: the engine downloads the plugin from there
    const server = "github://api.github.com/pulumi-pe-orchestrator/pulumi-pe";
    const plugin = { resource: true, name: "pe", version, server };
    assert.deepEqual(JSON.parse(read("nodejs/package.json")).pulumi, plugin);
    for (const file of [
      "python/pulumi_pe/pulumi-plugin.json",
      "go/pe/pulumi-plugin.json",
      "dotnet/pulumi-plugin.json",
    ])
      assert.deepEqual(JSON.parse(read(file)), plugin, file);
  });

  it("Node.js: compiles with the project's tsc, and loads with the seven resources, the provider and config", async () => {
    // Compiled in a copy, as Pulumi publishes it: to bin/ with package.json copied in (the SDK reads its
    // version from there); @pulumi/pulumi resolves from this clone's node_modules.
    const dir = path.join(scratch, "nodejs");
    fs.cpSync(path.join(sdk, "nodejs"), dir, { recursive: true });
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    const tsc = await sh(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", dir]);
    console.log(`      (tsc ${tsc.elapsedMs} ms)`);
    fs.copyFileSync(path.join(dir, "package.json"), path.join(dir, "bin", "package.json"));
    const load = await sh("node", [
      "-e",
      `const pe = require(process.argv[1]);
       const names = ${JSON.stringify([...RESOURCES, "Provider"])};
       console.log(JSON.stringify({ classes: names.filter((n) => typeof pe[n] === "function"),
         config: typeof pe.config, version: require(process.argv[1] + "/utilities").getVersion() }));`,
      path.join(dir, "bin"),
    ]);
    assert.deepEqual(JSON.parse(load.stdout), {
      classes: [...RESOURCES, "Provider"],
      config: "object",
      version,
    });
    assert.equal(JSON.parse(read("nodejs/package.json")).name, "pulumi-pe");
  });

  it("Python: every file compiles (py_compile)", async () => {
    const dir = path.join(sdk, "python");
    const sources = filesUnder(dir)
      .filter((file) => file.endsWith(".py"))
      .map((file) => path.join(dir, file));
    assert.ok(sources.length >= 10, `Python sources: ${sources.join(", ")}`);
    // the bytecode goes to the scratch folder, not into sdk/
    const env = { ...process.env, PYTHONPYCACHEPREFIX: path.join(scratch, "pycache") };
    const compiled = await sh("python3", ["-m", "py_compile", ...sources], { env });
    console.log(`      (py_compile ${compiled.elapsedMs} ms)`);
    assert.match(read("python/setup.py"), new RegExp(`VERSION = "${version.replace(/\./g, "\\.")}"`));
  });

  it("Go: go vet ./... is clean against github.com/pulumi/pulumi/sdk/v3 v3.248.0, with the committed go.sum", async () => {
    const dir = path.join(sdk, "go");
    assert.match(read("go/go.mod"), /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 v3\.248\.0$/m);
    // -mod=readonly: the committed go.mod and go.sum must be enough (nothing is written into sdk/go).
    // Pulumi's modules are not in the public checksum database (see scripts/pulumi-cli.sh).
    const env = {
      ...process.env,
      GOFLAGS: "-mod=readonly",
      GONOSUMDB: "github.com/pulumi/*",
      GOTOOLCHAIN: "local",
    };
    const vet = await sh("go", ["vet", "./..."], { cwd: dir, env });
    console.log(`      (go vet ${vet.elapsedMs} ms)`);
    for (const name of RESOURCES) {
      const file = `go/pe/${name[0].toLowerCase()}${name.slice(1)}.go`;
      assert.match(read(file), new RegExp(`func New${name}\\(`), file);
    }
  });

  it(".NET: generated (no .NET toolchain here): the csproj at the version, a class per resource", () => {
    const csproj = read("dotnet/PulumiPe.Pe.csproj");
    assert.match(csproj, new RegExp(`<Version>${version.replace(/\./g, "\\.")}</Version>`));
    assert.equal(read("dotnet/version.txt").trim(), version);
    for (const name of RESOURCES)
      assert.match(
        read(`dotnet/${name}.cs`),
        new RegExp(`class ${name} : global::Pulumi\\.CustomResource`),
        `dotnet/${name}.cs`,
      );
    assert.match(read("dotnet/Provider.cs"), /class Provider : global::Pulumi\.ProviderResource/);
    assert.ok(fs.statSync(path.join(sdk, "dotnet", "logo.png")).size > 0, "the package has an icon");
  });
});
